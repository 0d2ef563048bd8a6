package dev.vectraguard.cli;

import dev.vectraguard.sandbox.SecurityLevel;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses a security level name (lower case, as in the config). */
final class LevelConverter implements ITypeConverter<SecurityLevel> {
    @Override
    public SecurityLevel convert(String value) {
        for (SecurityLevel level : SecurityLevel.values()) {
            if (level.label().equals(value.toLowerCase(Locale.ROOT))) {
                return level;
            }
        }
        throw new TypeConversionException("'" + value + "' is not a security level (use one of "
                + Arrays.stream(SecurityLevel.values()).map(SecurityLevel::label).collect(Collectors.joining(", ")) + ")");
    }
}
