package dev.vectraguard.sandbox;

import java.util.Optional;

/**
 * An isolation engine that runs a {@link SandboxSpec}, one package each: vg's own native core
 * ({@link dev.vectraguard.sandbox.namespace.NativeRuntime}), bubblewrap
 * ({@link dev.vectraguard.sandbox.bubblewrap.BubblewrapRuntime}), or a container engine (package
 * {@code sandbox.container}: docker, podman, whose root filesystem is an image rather than the host's). Every runtime keeps the spec's promises that hold at
 * every level — workspace and caches at their host paths, only the spec's environment, every
 * inherited descriptor but stdio closed, credential paths and root-only host files hidden, a private
 * /tmp and /proc, no host process visible, no capability beyond the spec's, the spec's seccomp
 * filter, its limits, its timeout (exit 124, whole sandbox killed), exit codes as in
 * {@link SandboxProcess} — and refuses with a {@link SandboxException} (exit 125) what it cannot
 * give, rather than running weaker; {@link #shortfall} tells beforehand. A runtime may be stricter
 * than the spec (fewer capabilities, a read-only system where the level has a throwaway one).
 */
public interface Runtime {
    /** Its name as {@code sandbox.runtime} and {@code --runtime} spell it. */
    String name();

    /** Why it cannot run sandboxes here for this user; empty when it can. */
    Optional<String> unavailableReason();

    /** The engine's version (e.g. {@code bubblewrap 0.8.0}); empty when it is not installed. */
    Optional<String> version();

    /**
     * What of {@code spec} this runtime cannot give on this machine (one line), e.g. restricted
     * networking or Landlock; empty when it gives all of it. {@link #start} refuses such a spec
     * unless {@link SandboxSpec#allowWeakerFallback()} lets it run weaker, with a notice naming
     * what is weaker.
     */
    Optional<String> shortfall(SandboxSpec spec);

    /** The checks of {@link #start} that need only the spec (nothing is started). */
    void check(SandboxSpec spec) throws SandboxException;

    /**
     * Starts the command of {@code spec} in a new sandbox.
     *
     * @throws SandboxException when the sandbox cannot be set up or the runtime cannot give what the
     *                          spec asks (exit code 125), the command is not found (127) or not
     *                          executable (126); the message is one line
     */
    SandboxProcess start(SandboxSpec spec) throws SandboxException;
}
