package dev.vectraguard.guard;

import dev.vectraguard.config.DeploymentEnv;
import dev.vectraguard.config.GuardLevelResolver;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.config.SandboxRuntime;
import dev.vectraguard.sandbox.BubblewrapRuntime;
import dev.vectraguard.sandbox.NativeRuntime;
import dev.vectraguard.sandbox.Runtime;
import dev.vectraguard.sandbox.Sandbox;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which runtime runs a sandboxed command. {@code --runtime}, {@code VECTRAGUARD_RUNTIME} or
 * {@code sandbox.runtime} names one (docker and podman are not built yet: refused), or {@code auto}
 * tries them in the order the environment asks for: containers first in CI, staging and production
 * when {@code sandbox.auto_detect_env} is on, and everywhere when {@code sandbox.prefer_fast} is off;
 * otherwise native, then bubblewrap. A runtime is skipped only when it cannot run here at all (not
 * built, not installed, the kernel refuses its namespaces): never because the level asks more than
 * it gives. The notice line names the runtime and why better ones were skipped whenever it is not
 * the native one, or always with {@code sandbox.show_runtime_info}.
 */
public final class RuntimeChoice {
    private static final String NOT_BUILT = "not built yet in vg";

    private final SandboxRuntime requested;
    private final boolean containersFirst;
    private final String environment;
    private final boolean showInfo;
    private String chosen;

    private RuntimeChoice(SandboxRuntime requested, boolean containersFirst, String environment, boolean showInfo) {
        this.requested = requested;
        this.containersFirst = containersFirst;
        this.environment = environment;
        this.showInfo = showInfo;
        this.chosen = requested == SandboxRuntime.BUBBLEWRAP ? BubblewrapRuntime.NAME : NativeRuntime.NAME;
    }

    /** The choice the config (and {@code flag}, when given) describes for this environment. */
    public static RuntimeChoice of(LoadedConfig loaded, SandboxRuntime flag, Map<String, String> env) {
        SandboxRuntime requested = flag != null ? flag : loaded.config().sandbox().runtime();
        boolean autoDetect = (Boolean) loaded.settings().get("sandbox.auto_detect_env").value();
        boolean preferFast = (Boolean) loaded.settings().get("sandbox.prefer_fast").value();
        String environment = environment(loaded.deploymentEnv(), env);
        boolean containersFirst = !preferFast || (autoDetect && !environment.equals("development"));
        return new RuntimeChoice(requested, containersFirst, environment,
                (Boolean) loaded.settings().get("sandbox.show_runtime_info").value());
    }

    /** development, ci, staging or production: {@code VECTRAGUARD_ENV}, else a CI system's variable, else development. */
    static String environment(DeploymentEnv declared, Map<String, String> env) {
        if (declared != null) {
            return declared.label();
        }
        for (String variable : GuardLevelResolver.CI_VARIABLES) {
            String value = env.get(variable);
            if (value != null && !value.isBlank() && !List.of("false", "0", "no").contains(value.strip().toLowerCase())) {
                return "ci";
            }
        }
        return "development";
    }

    /** Why {@code vg exec} cannot use the requested runtime at all; null when it may. */
    public String refused() {
        return requested == SandboxRuntime.DOCKER || requested == SandboxRuntime.PODMAN
                ? "sandbox.runtime '" + requested.label() + "' is " + NOT_BUILT + ": use native, bubblewrap or auto (see README, Runtimes)"
                : null;
    }

    /** The runtime that ran (or was to run) the command. */
    public String chosen() {
        return chosen;
    }

    /** Checks {@code spec} against the runtime that would start it (nothing is started). */
    public void check(SandboxSpec spec) throws SandboxException {
        String refusal = refused();
        if (refusal != null) {
            throw new SandboxException(refusal);
        }
        (requested == SandboxRuntime.BUBBLEWRAP ? new BubblewrapRuntime() : new NativeRuntime()).check(spec);
    }

    /** Starts {@code spec} on the requested runtime, or on the first of auto's order that can run here. */
    public SandboxProcess start(SandboxSpec spec) throws SandboxException {
        String refusal = refused();
        if (refusal != null) {
            throw new SandboxException(refusal);
        }
        if (requested != SandboxRuntime.AUTO) {
            Runtime runtime = requested == SandboxRuntime.BUBBLEWRAP ? new BubblewrapRuntime() : new NativeRuntime();
            SandboxProcess process = runtime.start(spec);
            if (showInfo || requested != SandboxRuntime.NATIVE) {
                process.addFirstNotice("runtime " + chosen + (showInfo ? " (as configured)" : ""));
            }
            return process;
        }
        List<String> skipped = new ArrayList<>();
        if (containersFirst) {
            skipped.add("docker and podman " + NOT_BUILT + " (" + environment + " prefers containers)");
        }
        NativeRuntime nativeRuntime = new NativeRuntime();
        // Not nativeRuntime.unavailableReason(): its probe would cost every run; a refused start says as much.
        Optional<String> nativeMissing = Sandbox.available() ? Optional.empty() : Optional.of(Sandbox.unavailableReason());
        if (nativeMissing.isEmpty()) {
            try {
                SandboxProcess process = nativeRuntime.start(spec);
                chosen = NativeRuntime.NAME;
                if (showInfo) {
                    process.addFirstNotice("runtime native" + (skipped.isEmpty() ? "" : " (" + String.join("; ", skipped) + ")"));
                }
                return process;
            } catch (SandboxException e) {
                if (!Sandbox.namespacesRefused(e)) {
                    throw e;
                }
                nativeMissing = Optional.of(e.getMessage().replaceFirst("^sandbox setup failed: ", ""));
            }
        }
        skipped.add("native unavailable: " + nativeMissing.get());
        BubblewrapRuntime bubblewrap = new BubblewrapRuntime();
        chosen = BubblewrapRuntime.NAME;
        Optional<String> bubblewrapMissing = bubblewrap.unavailableReason();
        if (bubblewrapMissing.isPresent()) {
            throw new SandboxException("no sandbox runtime can run here: " + String.join("; ", skipped)
                    + "; bubblewrap unavailable: " + bubblewrapMissing.get());
        }
        SandboxProcess process;
        try {
            process = bubblewrap.start(spec);
        } catch (SandboxException e) {
            throw new SandboxException(e.getMessage() + " (runtime auto chose bubblewrap: " + String.join("; ", skipped) + ")",
                    e.exitCode());
        }
        process.addFirstNotice("runtime bubblewrap (" + String.join("; ", skipped) + ")");
        return process;
    }
}
