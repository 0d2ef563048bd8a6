package dev.vectraguard.cli;

import dev.vectraguard.sandbox.NetworkMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** Parses a network mode name (lower case, as in the config). */
final class NetworkConverter implements ITypeConverter<NetworkMode> {
    @Override
    public NetworkMode convert(String value) {
        for (NetworkMode mode : NetworkMode.values()) {
            if (mode.label().equals(value.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new TypeConversionException("'" + value + "' is not a network mode (use none, restricted or full)");
    }
}
