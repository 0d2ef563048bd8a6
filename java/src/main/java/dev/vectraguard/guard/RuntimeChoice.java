package dev.vectraguard.guard;

import dev.vectraguard.config.DeploymentEnv;
import dev.vectraguard.config.GuardLevelResolver;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.config.SandboxRuntime;
import dev.vectraguard.sandbox.bubblewrap.BubblewrapRuntime;
import dev.vectraguard.sandbox.namespace.NativeRuntime;
import dev.vectraguard.sandbox.Runtime;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.container.DockerRuntime;
import dev.vectraguard.sandbox.container.PodmanRuntime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which runtime runs a sandboxed command. {@code --runtime}, {@code VECTRAGUARD_RUNTIME} or
 * {@code sandbox.runtime} names one, or {@code auto} tries them in the order the environment asks
 * for: docker, podman, native, bubblewrap in CI, staging and production when
 * {@code sandbox.auto_detect_env} is on, and everywhere when {@code sandbox.prefer_fast} is off;
 * otherwise the fast ones first: native, bubblewrap, then docker, podman. Auto skips a runtime that
 * cannot run here (not installed, its engine unreachable, the kernel refuses its namespaces) or
 * cannot give the whole spec (e.g. restricted networking on a container); when none gives it all,
 * the first that can run decides (it refuses, or runs weaker where {@code allow_weaker_fallback}
 * lets it). The container engines are asked about only when their turn comes. The notice line
 * names the runtime and why better ones were skipped whenever it is not the native one or auto
 * skipped one before it, or always with {@code sandbox.show_runtime_info}.
 */
public final class RuntimeChoice {
    private final SandboxRuntime requested;
    private final boolean containersFirst;
    /** Why auto tries the containers first (the notice's words), when it does. */
    private final String containersFirstWhy;
    private final boolean showInfo;
    private final String image;
    private String chosen;

    private RuntimeChoice(SandboxRuntime requested, boolean containersFirst, String containersFirstWhy, boolean showInfo,
                          String image) {
        this.requested = requested;
        this.containersFirst = containersFirst;
        this.containersFirstWhy = containersFirstWhy;
        this.showInfo = showInfo;
        this.image = image;
        this.chosen = requested == SandboxRuntime.AUTO ? NativeRuntime.NAME : named(requested).name();
    }

    /** The choice the config (and {@code flag}, when given) describes for this environment. */
    public static RuntimeChoice of(LoadedConfig loaded, SandboxRuntime flag, Map<String, String> env) {
        SandboxRuntime requested = flag != null ? flag : loaded.config().sandbox().runtime();
        boolean autoDetect = (Boolean) loaded.settings().get("sandbox.auto_detect_env").value();
        boolean preferFast = (Boolean) loaded.settings().get("sandbox.prefer_fast").value();
        String environment = environment(loaded.deploymentEnv(), env);
        boolean environmentWantsContainers = autoDetect && !environment.equals("development");
        boolean containersFirst = !preferFast || environmentWantsContainers;
        return new RuntimeChoice(requested, containersFirst,
                environmentWantsContainers ? environment + " prefers containers" : "prefer_fast: false",
                (Boolean) loaded.settings().get("sandbox.show_runtime_info").value(), loaded.config().sandbox().image());
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

    /** The runtime that ran (or was to run) the command. */
    public String chosen() {
        return chosen;
    }

    /** Every runtime vg has, as {@code vg version} lists them. */
    public static List<Runtime> all(String image) {
        return List.of(new NativeRuntime(), new BubblewrapRuntime(), new DockerRuntime(image), new PodmanRuntime(image));
    }

    private Runtime named(SandboxRuntime runtime) {
        return switch (runtime) {
            case BUBBLEWRAP -> new BubblewrapRuntime();
            case DOCKER -> new DockerRuntime(image);
            case PODMAN -> new PodmanRuntime(image);
            case AUTO, NATIVE -> new NativeRuntime();
        };
    }

    /** Auto's order for this environment. */
    private List<Runtime> autoOrder() {
        List<Runtime> fast = List.of(new NativeRuntime(), new BubblewrapRuntime());
        List<Runtime> containers = List.of(new DockerRuntime(image), new PodmanRuntime(image));
        List<Runtime> order = new ArrayList<>(containersFirst ? containers : fast);
        order.addAll(containersFirst ? fast : containers);
        return order;
    }

    /** Checks {@code spec} against the runtime that would start it (nothing is started). */
    public void check(SandboxSpec spec) throws SandboxException {
        named(requested).check(spec);
    }

    /** Starts {@code spec} on the requested runtime, or on the first of auto's order that can run here. */
    public SandboxProcess start(SandboxSpec spec) throws SandboxException {
        if (requested != SandboxRuntime.AUTO) {
            Runtime runtime = named(requested);
            SandboxProcess process = runtime.start(spec);
            if (showInfo || requested != SandboxRuntime.NATIVE) {
                process.addFirstNotice("runtime " + chosen + (showInfo ? " (as configured)" : ""));
            }
            return process;
        }
        List<String> skipped = new ArrayList<>();
        Runtime fallback = null;
        List<String> skippedBeforeFallback = List.of();
        for (Runtime candidate : autoOrder()) {
            if (candidate instanceof NativeRuntime nativeRuntime) {
                // Not unavailableReason(): its probe would cost every run; a refused start says as much.
                if (!NativeRuntime.coreLoaded()) {
                    skipped.add("native unavailable: " + NativeRuntime.coreUnavailableReason());
                    continue;
                }
                try {
                    SandboxProcess process = nativeRuntime.start(spec);
                    chosen = NativeRuntime.NAME;
                    if (showInfo || !skipped.isEmpty()) {
                        process.addFirstNotice("runtime native" + (skipped.isEmpty() ? "" : " (" + String.join("; ", skipped) + ")"));
                    }
                    return process;
                } catch (SandboxException e) {
                    if (!NativeRuntime.namespacesRefused(e)) {
                        throw e;
                    }
                    skipped.add("native unavailable: " + e.getMessage().replaceFirst("^sandbox setup failed: ", ""));
                    continue;
                }
            }
            Optional<String> missing = candidate.unavailableReason();
            if (missing.isPresent()) {
                skipped.add(candidate.name() + " unavailable: " + missing.get());
                continue;
            }
            Optional<String> shortfall = candidate.shortfall(spec);
            if (shortfall.isPresent()) {
                if (fallback == null) {
                    fallback = candidate;
                    skippedBeforeFallback = List.copyOf(skipped);
                }
                skipped.add(candidate.name() + " cannot give " + shortfall.get());
                continue;
            }
            return startChosen(candidate, spec, skipped);
        }
        if (fallback == null) {
            throw new SandboxException("no sandbox runtime can run here: " + String.join("; ", skipped));
        }
        return startChosen(fallback, spec, skippedBeforeFallback);
    }

    private SandboxProcess startChosen(Runtime runtime, SandboxSpec spec, List<String> skipped) throws SandboxException {
        chosen = runtime.name();
        String why = skipped.isEmpty() ? (containersFirst ? containersFirstWhy : "")
                : String.join("; ", skipped);
        SandboxProcess process;
        try {
            process = runtime.start(spec);
        } catch (SandboxException e) {
            throw new SandboxException(e.getMessage() + (why.isEmpty() ? "" : " (runtime auto chose " + chosen + ": " + why + ")"),
                    e.exitCode());
        }
        process.addFirstNotice("runtime " + chosen + (why.isEmpty() ? "" : " (" + why + ")"));
        return process;
    }
}
