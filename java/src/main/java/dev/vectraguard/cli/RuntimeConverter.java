package dev.vectraguard.cli;

import dev.vectraguard.config.SandboxRuntime;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** Parses a runtime name as {@code sandbox.runtime} spells it; namespace and process (vectra-guard's names) are native. */
final class RuntimeConverter implements ITypeConverter<SandboxRuntime> {
    @Override
    public SandboxRuntime convert(String value) {
        String name = value.toLowerCase(Locale.ROOT);
        if (name.equals("namespace") || name.equals("process")) {
            return SandboxRuntime.NATIVE;
        }
        for (SandboxRuntime runtime : SandboxRuntime.values()) {
            if (runtime.label().equals(name)) {
                return runtime;
            }
        }
        throw new TypeConversionException("'" + value + "' is not a runtime (use one of auto, native, namespace, process, "
                + "bubblewrap, docker, podman)");
    }
}
