package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.nativecore.ByteStrings;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;

/** A path option: a Java path cannot hold bytes that are not UTF-8, so such a path is refused, never changed. */
final class Utf8PathConverter implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
        if (ByteStrings.hasEscapedBytes(value)) {
            throw new TypeConversionException("'" + value + "' is not valid UTF-8: vg cannot name such a path exactly");
        }
        Path path = Path.of(value);
        return Caller.isRemote() ? Caller.current().resolve(path) : path; // the server's own directory is not the caller's
    }
}
