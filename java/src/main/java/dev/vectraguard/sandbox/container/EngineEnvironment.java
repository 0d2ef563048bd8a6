package dev.vectraguard.sandbox.container;

import dev.vectraguard.caller.Caller;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The variables an engine's client reads (which daemon or connection, its config and storage), as
 * the caller has them: a vg server serves many clients, and its own environment is none of theirs.
 */
record EngineEnvironment(Map<String, String> variables) {
    private static final List<String> NAMES = List.of("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_CERT_PATH",
            "DOCKER_TLS_VERIFY", "CONTAINER_HOST", "CONTAINER_CONNECTION", "CONTAINER_SSHKEY", "CONTAINERS_CONF",
            "CONTAINERS_STORAGE_CONF", "CONTAINERS_REGISTRIES_CONF", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
            "HOME");

    EngineEnvironment {
        variables = Map.copyOf(variables);
    }

    /** The current caller's (the vg client's in the server, else this process's). */
    static EngineEnvironment ofCaller() {
        Map<String, String> callers = Caller.current().environment();
        Map<String, String> variables = new TreeMap<>();
        for (String name : NAMES) {
            String value = callers.get(name);
            if (value != null) {
                variables.put(name, value);
            }
        }
        return new EngineEnvironment(variables);
    }

    /** Gives {@code builder}'s process these variables, and none of the others this process has. */
    ProcessBuilder applyTo(ProcessBuilder builder) {
        NAMES.forEach(builder.environment()::remove);
        builder.environment().putAll(variables);
        return builder;
    }

    /** A key for what is known per engine endpoint (usable, images present, its watcher). */
    String key() {
        return new TreeMap<>(variables).toString();
    }
}
