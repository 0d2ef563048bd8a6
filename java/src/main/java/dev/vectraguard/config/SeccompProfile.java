package dev.vectraguard.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code sandbox.seccomp_profile}: one of the built-in profiles shipped in {@code seccomp/}
 * ({@code minimal}, {@code moderate}, {@code strict}) or a JSON file in the OCI/Docker format.
 * Exactly one of {@code builtin} and {@code file} is set.
 */
public record SeccompProfile(String builtin, Path file) {
    public static final List<String> BUILTINS = List.of("minimal", "moderate", "strict");

    public static SeccompProfile builtin(String name) {
        return new SeccompProfile(name, null);
    }

    @Override
    public String toString() {
        return builtin != null ? builtin : file.toString();
    }
}
