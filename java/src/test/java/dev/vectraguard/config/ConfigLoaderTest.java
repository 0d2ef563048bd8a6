package dev.vectraguard.config;

import dev.vectraguard.policy.GuardLevel;
import dev.vectraguard.policy.SandboxMode;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.SecurityLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    private Path home() throws IOException {
        return Files.createDirectories(tmp.resolve("home"));
    }

    private Path project() throws IOException {
        return Files.createDirectories(tmp.resolve("project"));
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void defaultsWithoutAnyFile() throws Exception {
        LoadedConfig loaded = ConfigLoader.load(new ConfigLoader.Request(null, project(), home(), Map.of()));
        VgConfig c = loaded.config();
        assertEquals(VgConfig.defaults(), c);
        assertEquals(GuardLevel.AUTO, c.guardLevel());
        assertTrue(c.sandbox().enabled());
        assertEquals(SandboxMode.ALWAYS, c.sandbox().mode());
        assertEquals(SecurityLevel.BALANCED, c.sandbox().securityLevel());
        assertEquals(SandboxRuntime.AUTO, c.sandbox().runtime());
        assertNull(c.sandbox().networkMode());
        assertEquals(NetworkMode.RESTRICTED, c.sandbox().effectiveNetworkMode());
        assertEquals("moderate", c.sandbox().effectiveSeccompProfile().builtin());
        assertFalse(c.sandbox().allowWeakerFallback());
        assertEquals(Duration.ofDays(30), c.trustDefaultDuration());
        assertTrue(c.metricsEnabled());
        assertTrue(loaded.files().isEmpty());
        assertTrue(loaded.settings().values().stream().allMatch(s -> s.source() instanceof ConfigSource.Default));
        assertEquals(ConfigSchema.KEYS.keySet(), loaded.settings().keySet());
    }

    @Test
    void laterFilesOverrideEarlierOnesKeyByKey() throws Exception {
        Path home = home();
        Path project = project();
        Path user = write(home.resolve(".config/vectra-guard/config.yaml"),
                "sandbox:\n  mode: auto\n  security_level: strict\npolicies:\n  allowlist: [\"ls *\", \"git status\"]\n");
        Path local = write(project.resolve("vectra-guard.yaml"), "sandbox:\n  mode: always\n");
        Path explicit = write(tmp.resolve("other/explicit.yaml"), "# comment\nsandbox:\n\n  runtime: native\npolicies:\n  allowlist: [make]\n");
        LoadedConfig loaded = ConfigLoader.load(new ConfigLoader.Request(explicit, project, home, Map.of()));

        assertEquals(List.of(user, local, explicit), loaded.files());
        assertEquals(SandboxMode.ALWAYS, loaded.config().sandbox().mode(), "a project file may tighten");
        assertEquals(SecurityLevel.STRICT, loaded.config().sandbox().securityLevel());
        assertEquals(SandboxRuntime.NATIVE, loaded.config().sandbox().runtime());
        assertEquals(List.of("make"), loaded.config().policies().allowlist(), "a list replaces the whole list");
        assertEquals(NetworkMode.RESTRICTED, loaded.config().sandbox().effectiveNetworkMode(), "derived from strict");

        assertEquals(new ConfigSource.File(local.toString(), 2, 9), loaded.settings().get("sandbox.mode").source());
        assertEquals(new ConfigSource.File(user.toString(), 3, 19), loaded.settings().get("sandbox.security_level").source());
        assertEquals(new ConfigSource.File(explicit.toString(), 4, 12), loaded.settings().get("sandbox.runtime").source());
        assertEquals(ConfigSource.DEFAULT, loaded.settings().get("sandbox.enabled").source());
        assertEquals(local + ":2", loaded.settings().get("sandbox.mode").source().toString());
    }

    @Test
    void xdgConfigHomeIsRespected() throws Exception {
        Path xdg = tmp.resolve("xdg");
        write(xdg.resolve("vectra-guard/config.yaml"), "guard_level:\n  level: high\n");
        write(home().resolve(".config/vectra-guard/config.yaml"), "guard_level:\n  level: low\n");
        LoadedConfig loaded = ConfigLoader.load(new ConfigLoader.Request(null, project(), home(), Map.of("XDG_CONFIG_HOME", xdg.toString())));
        assertEquals(GuardLevel.HIGH, loaded.config().guardLevel());
    }

    @Test
    void environmentOverridesWinOverFiles() throws Exception {
        Path project = project();
        write(project.resolve("vectra-guard.yaml"), "sandbox:\n  runtime: native\n");
        LoadedConfig loaded = ConfigLoader.load(new ConfigLoader.Request(null, project, home(),
                Map.of("VECTRAGUARD_RUNTIME", "docker", "VECTRAGUARD_ENV", "prod", "VECTRAGUARD_STATE_DIR", "state")));
        assertEquals(SandboxRuntime.DOCKER, loaded.config().sandbox().runtime(), "kept as asked; the CLI refuses it, never swaps");
        assertEquals(new ConfigSource.Env("VECTRAGUARD_RUNTIME"), loaded.settings().get("sandbox.runtime").source());
        assertEquals("env VECTRAGUARD_RUNTIME", loaded.settings().get("sandbox.runtime").source().toString());
        assertEquals(DeploymentEnv.PRODUCTION, loaded.deploymentEnv());
        assertEquals(project.resolve("state"), loaded.config().stateDir());
    }

    @Test
    void pathsExpandHomeAndResolveAgainstTheFilesDirectory() throws Exception {
        Path home = home();
        Path project = project();
        Path explicit = write(tmp.resolve("conf/vg.yaml"), """
                sandbox:
                  workspace_dir: src
                  cache_dirs: [~/.cache/custom, /opt/cache]
                  cache_dir: ~/.local/state/vg-cache
                  bind_mounts:
                    - /data:/mnt/data:ro
                    - ~/notes
                    - host_path: ../shared
                      container_path: /shared
                      read_only: true
                    - {host_path: /srv}
                """);
        LoadedConfig loaded = ConfigLoader.load(new ConfigLoader.Request(explicit, project, home, Map.of()));
        VgConfig c = loaded.config();
        assertEquals(tmp.resolve("conf/src"), c.sandbox().workspaceDir());
        assertEquals(List.of(home.resolve(".cache/custom"), Path.of("/opt/cache")), c.sandbox().cacheDirs());
        assertEquals(home.resolve(".local/state/vg-cache"), loaded.settings().get("sandbox.cache_dir").value());
        assertEquals(List.of(
                new BindMount(Path.of("/data"), Path.of("/mnt/data"), true),
                new BindMount(home.resolve("notes"), home.resolve("notes"), false),
                new BindMount(tmp.resolve("shared"), Path.of("/shared"), true),
                new BindMount(Path.of("/srv"), Path.of("/srv"), false)), c.sandbox().bindMounts());
    }

    @Test
    void typedValues() throws Exception {
        Path profile = Files.writeString(tmp.resolve("profile.json"), "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}");
        VgConfig c = ConfigLoader.loadText("t.yaml", """
                sandbox:
                  timeout: 5m
                  memory_limit: 1g
                  cpu_limit: 0.5
                  pids_limit: 256
                  seccomp_profile: ./profile.json
                  capability_set: [chown, CAP_SETUID]
                  env_whitelist: [PATH, "LC_*"]
                  network_mode: FULL
                  image: ubuntu:24.04
                trust:
                  default_duration: never
                """, tmp, tmp).config();
        assertEquals(Duration.ofMinutes(5), c.sandbox().timeout());
        assertEquals(1L << 30, c.sandbox().memoryLimit());
        assertEquals(0.5, c.sandbox().cpuLimit());
        assertEquals(256, c.sandbox().pidsLimit());
        assertEquals(profile, c.sandbox().seccompProfile().file());
        assertEquals(List.of("CAP_CHOWN", "CAP_SETUID"), c.sandbox().capabilitySet().capabilities());
        assertEquals(List.of("PATH", "LC_*"), c.sandbox().envWhitelist());
        assertEquals(NetworkMode.FULL, c.sandbox().networkMode());
        assertEquals("ubuntu:24.04", c.sandbox().image());
        assertNull(c.trustDefaultDuration());
        assertEquals(Duration.ofSeconds(90), ConfigLoader.loadText("t.yaml", "sandbox:\n  timeout: 90\n", tmp, tmp).config().sandbox().timeout());
    }

    @Test
    void emptyFileAndEmptySectionsAreFine() throws Exception {
        assertEquals(VgConfig.defaults(), ConfigLoader.loadText("t.yaml", "", tmp, tmp).config());
        assertEquals(VgConfig.defaults(), ConfigLoader.loadText("t.yaml", "# nothing\nsandbox:\npolicies:\n", tmp, tmp).config());
    }

    @Test
    void aCharacterOutsideTheBmpWhereTheYamlReaderRefillsItsBufferIsNoCrash() throws Exception {
        // Found by ConfigLoaderFuzzTest: snakeyaml-engine's reader failed with IndexOutOfBoundsException
        // when a surrogate pair straddled the end of its 1024-char buffer.
        for (int pad = 1000; pad < 1030; pad++) {
            String yaml = "# " + "x".repeat(pad) + "\uD83D\uDE00 comment\nsandbox:\n  mode: always # \uD83D\uDE00\n";
            assertEquals(SandboxMode.ALWAYS, ConfigLoader.loadText("t.yaml", yaml, tmp, tmp).config().sandbox().mode(), "pad " + pad);
        }
    }

    @Test
    void aTagSnakeyamlRefusesWithAnIllegalArgumentIsOneConfigError() {
        // Found by ConfigLoaderFuzzTest: snakeyaml-engine threw IllegalArgumentException ("Tag must not
        // contain leading or trailing spaces") for the tag !a0sa%b, past vg's error handling.
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadText("t.yaml", "san>ox: !a0sa%b", tmp, tmp));
        assertEquals("t.yaml: invalid YAML: Tag must not contain leading or trailing spaces.", e.getMessage());
    }

    @Test
    void textQuotedFromTheFileIsShownOnOneLineAndBounded() {
        // Found by ConfigLoaderFuzzTest: the whole of a 2,000-character scalar was quoted in the message.
        String scalar = "pol" + "[x]".repeat(1000);
        ConfigException whole = assertThrows(ConfigException.class, () -> ConfigLoader.loadText("t.yaml", scalar, tmp, tmp));
        assertTrue(whole.getMessage().startsWith("t.yaml:1:1: a config file must be a mapping of sections such as 'sandbox:' (got 'pol[x]"),
                whole.getMessage());
        assertTrue(whole.getMessage().length() < 200, whole.getMessage());
        ConfigException key = assertThrows(ConfigException.class,
                () -> ConfigLoader.loadText("t.yaml", "sandbox:\n  \"mo\\e[2Jde\\nx\": always\n", tmp, tmp));
        assertEquals("t.yaml:2:3: unknown key 'sandbox.mo\\x1b[2Jde\\x0ax'", key.getMessage());
    }

    @Test
    void anApostropheWithinAWordIsNoQuote() {
        String message = "runtime docker cannot give restricted networking (vg's egress policy needs the native runtime): "
                + "use --network none, or run with the engine's full network instead";
        assertEquals(message, ConfigException.shown(message));
        String quoted = "'sandbox.x' (got 'it's " + "y".repeat(100) + "')";
        assertEquals("'sandbox.x' (got 'it's " + "y".repeat(75) + "...')", ConfigException.shown(quoted));
    }

    @Test
    void vectraGuardKeysWithoutEffectWarnAndAliasesApply() throws Exception {
        LoadedConfig loaded = ConfigLoader.loadText("up.yaml", """
                guard_level:
                  level: auto
                  allow_user_bypass: true
                policies:
                  monitor_git_ops: true
                sandbox:
                  runtime: process
                  enable_metrics: false
                logging:
                  format: json
                """, tmp, tmp);
        assertEquals(List.of(
                "up.yaml:3:3: warning: 'guard_level.allow_user_bypass' is a vectra-guard key that vg does not use; it has no effect",
                "up.yaml:5:3: warning: 'policies.monitor_git_ops' is a vectra-guard key that vg does not use; it has no effect",
                "up.yaml:7:12: warning: 'sandbox.runtime': 'process' (vectra-guard) is read as 'native'"), loaded.warnings());
        assertEquals(SandboxRuntime.NATIVE, loaded.config().sandbox().runtime());
        assertFalse(loaded.config().metricsEnabled());
        assertEquals(new ConfigSource.File("up.yaml", 8, 19), loaded.settings().get("metrics.enabled").source());
        assertEquals(LogFormat.JSON, loaded.config().logFormat());
    }

    @Test
    void aProjectFileOnlyTightensAndKeysWithoutAComparatorAreIgnored() throws Exception {
        Path home = home();
        Path project = project();
        write(home.resolve(".config/vectra-guard/config.yaml"), """
                guard_level: {level: low}
                sandbox: {security_level: balanced, memory_limit: 1g, env_whitelist: [PATH, HOME, "LC_*"]}
                policies: {denylist: ["echo user*"], allowlist: ["make*"]}
                """);
        write(project.resolve("vectra-guard.yaml"), """
                guard_level: {level: high}
                sandbox:
                  mode: never
                  security_level: strict
                  network_mode: full
                  memory_limit: 2g
                  pids_limit: 10
                  env_whitelist: [PATH, LC_ALL]
                  seccomp_profile: minimal
                  capability_set: [sys_admin]
                  runtime: native
                  image: evil
                  allow_weaker_fallback: true
                  cache_dir: /tmp/elsewhere-cache
                policies: {denylist: ["rm *"], allowlist: ["make*", "curl*"]}
                env_protection: {enabled: false, protected_vars: [MY_KEY]}
                trust: {default_duration: never}
                metrics: {enabled: false}
                state_dir: /tmp/elsewhere
                """);
        LoadedConfig loaded = ConfigLoader.load(new ConfigLoader.Request(null, project, home, Map.of()));
        VgConfig c = loaded.config();
        assertEquals(GuardLevel.HIGH, c.guardLevel());
        assertEquals(SecurityLevel.STRICT, c.sandbox().securityLevel());
        assertEquals(10, c.sandbox().pidsLimit());
        assertEquals(List.of("PATH", "LC_ALL"), c.sandbox().envWhitelist(), "LC_ALL is covered by the trusted LC_*");
        assertEquals(List.of("echo user*", "rm *"), c.policies().denylist(), "a project's denylist is added to the trusted one");
        assertTrue(c.envProtection().protectedVars().containsAll(List.of("AWS_*", "MY_KEY")), c.envProtection().toString());
        assertEquals(VgConfig.defaults().sandbox().mode(), c.sandbox().mode());
        assertNull(c.sandbox().networkMode());
        assertEquals(1L << 30, c.sandbox().memoryLimit());
        assertNull(c.sandbox().seccompProfile());
        assertEquals(CapabilitySet.NONE, c.sandbox().capabilitySet());
        assertEquals(SandboxRuntime.AUTO, c.sandbox().runtime());
        assertNull(c.sandbox().image());
        assertFalse(c.sandbox().allowWeakerFallback());
        assertEquals(List.of("make*"), c.policies().allowlist());
        assertTrue(c.envProtection().enabled());
        assertEquals(Duration.ofDays(30), c.trustDefaultDuration());
        assertTrue(c.metricsEnabled());
        assertNull(c.stateDir());
        assertNull(loaded.settings().get("sandbox.cache_dir").value());
        assertEquals(List.of("sandbox.mode", "sandbox.network_mode", "sandbox.memory_limit", "sandbox.seccomp_profile",
                        "sandbox.capability_set", "sandbox.runtime", "sandbox.image", "sandbox.allow_weaker_fallback",
                        "sandbox.cache_dir", "policies.allowlist",
                        "env_protection.enabled", "trust.default_duration", "metrics.enabled", "state_dir"),
                loaded.ignored().stream().map(IgnoredSetting::key).toList(), "keys without a comparator (runtime, image, state_dir) are ignored");
    }

    /** The runtime keys and the sandbox keys of the runtimes' issue: a project file cannot undo what the user's config set. */
    @Test
    void aProjectFileCannotLoosenTheRuntimeKeys() throws Exception {
        Path home = home();
        Path project = project();
        write(home.resolve(".config/vectra-guard/config.yaml"), """
                sandbox: {use_overlayfs: false, show_runtime_info: true, log_output: true, auto_detect_env: true, prefer_fast: true}
                """);
        write(project.resolve("vectra-guard.yaml"), """
                sandbox:
                  use_overlayfs: true
                  show_runtime_info: false
                  log_output: false
                  auto_detect_env: false
                  prefer_fast: false
                  read_only_paths: [/srv]
                  trust_store_path: ./trust.json
                  bind_mounts:
                    - {host_path: /tmp/outside, container_path: /tmp/outside, read_only: false}
                """);
        LoadedConfig loaded = ConfigLoader.load(new ConfigLoader.Request(null, project, home, Map.of()));
        assertEquals(List.of("sandbox.use_overlayfs", "sandbox.show_runtime_info", "sandbox.log_output", "sandbox.auto_detect_env",
                        "sandbox.prefer_fast", "sandbox.read_only_paths", "sandbox.trust_store_path", "sandbox.bind_mounts"),
                loaded.ignored().stream().map(IgnoredSetting::key).toList());
        for (String key : List.of("sandbox.show_runtime_info", "sandbox.log_output", "sandbox.auto_detect_env", "sandbox.prefer_fast")) {
            assertEquals(true, loaded.settings().get(key).value(), key);
        }
        assertEquals(false, loaded.settings().get("sandbox.use_overlayfs").value());
        assertEquals(List.of(), loaded.settings().get("sandbox.read_only_paths").value());
        assertNull(loaded.settings().get("sandbox.trust_store_path").value());
        assertEquals(List.of(), loaded.config().sandbox().bindMounts());
    }

    @Test
    void aProjectFileMayOnlyNarrowTheNetwork() throws Exception {
        Path home = home();
        Path project = project();
        write(home.resolve(".config/vectra-guard/config.yaml"), """
                sandbox: {allowed_domains: ["*.npmjs.org", pypi.org], allow_private_networks: [10.9.0.0/16]}
                """);
        write(project.resolve("vectra-guard.yaml"), """
                sandbox: {allowed_domains: [registry.npmjs.org], denied_domains: [evil.example], allow_network: false}
                """);
        LoadedConfig narrowed = ConfigLoader.load(new ConfigLoader.Request(null, project, home, Map.of()));
        assertEquals(List.of("registry.npmjs.org"), narrowed.settings().get("sandbox.allowed_domains").value());
        assertEquals(List.of("evil.example"), narrowed.settings().get("sandbox.denied_domains").value());
        assertEquals(false, narrowed.settings().get("sandbox.allow_network").value());
        assertTrue(narrowed.ignored().isEmpty(), narrowed.ignored().toString());

        write(project.resolve("vectra-guard.yaml"), """
                sandbox: {allowed_domains: [registry.npmjs.org, attacker.example], allow_private_networks: [10.0.0.0/8]}
                """);
        LoadedConfig widened = ConfigLoader.load(new ConfigLoader.Request(null, project, home, Map.of()));
        assertEquals(List.of("*.npmjs.org", "pypi.org"), widened.settings().get("sandbox.allowed_domains").value());
        assertEquals("[10.9.0.0/16]", widened.settings().get("sandbox.allow_private_networks").value().toString());
        assertEquals(List.of("sandbox.allowed_domains", "sandbox.allow_private_networks"),
                widened.ignored().stream().map(IgnoredSetting::key).toList());

        write(home.resolve(".config/vectra-guard/config.yaml"), "sandbox: {allowed_domains: []}\n");
        write(project.resolve("vectra-guard.yaml"), "sandbox: {allowed_domains: [pypi.org]}\n");
        assertEquals(List.of("pypi.org"), ConfigLoader.load(new ConfigLoader.Request(null, project, home, Map.of()))
                .settings().get("sandbox.allowed_domains").value(), "any list narrows 'any public domain'");
        write(home.resolve(".config/vectra-guard/config.yaml"), "sandbox: {allowed_domains: [pypi.org]}\n");
        write(project.resolve("vectra-guard.yaml"), "sandbox: {allowed_domains: []}\n");
        assertEquals(List.of("pypi.org"), ConfigLoader.load(new ConfigLoader.Request(null, project, home, Map.of()))
                .settings().get("sandbox.allowed_domains").value(), "an empty list would allow every public domain");
    }

    @Test
    void theUserConfigIsTrustedFromHomeButNotInsideAProjectTree() throws Exception {
        Path home = home();
        write(home.resolve(".config/vectra-guard/config.yaml"), "sandbox:\n  mode: never\n");
        LoadedConfig fromHome = ConfigLoader.load(new ConfigLoader.Request(null, home, home, Map.of()));
        assertEquals(SandboxMode.NEVER, fromHome.config().sandbox().mode(), "a tree holding home is never a workspace");

        Path project = project();
        Path xdg = project.resolve("xdg");
        write(xdg.resolve("vectra-guard/config.yaml"), "sandbox:\n  mode: never\n");
        LoadedConfig inside = ConfigLoader.load(new ConfigLoader.Request(null, project, home, Map.of("XDG_CONFIG_HOME", xdg.toString())));
        assertEquals(SandboxMode.ALWAYS, inside.config().sandbox().mode());
        assertEquals(ConfigFileTrust.Status.UNTRUSTED, inside.fileTrust().getFirst().status());
        assertTrue(inside.fileTrust().getFirst().reason().contains("which a sandboxed command can write"), inside.fileTrust().toString());
    }

    @Test
    void everyKeyHasAUserAndADescription() {
        for (ConfigKey k : ConfigSchema.KEYS.values()) {
            assertFalse(k.usedBy().isBlank(), k.name());
            assertFalse(k.description().isBlank(), k.name());
        }
        for (String alias : ConfigSchema.ALIASES.values()) {
            assertTrue(ConfigSchema.KEYS.containsKey(alias), alias);
        }
    }

    @Test
    void suggestionsUseEditDistance() {
        assertEquals(1, Suggestions.distance("mdoe", "mode"));
        assertEquals(2, Suggestions.distance("mod", "model"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
    }

    /** With no config file, loading must not touch snakeyaml (vg exec startup cost). */
    @Test
    void noConfigFileMeansSnakeyamlIsNeverLoaded() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        try (Isolated loader = new Isolated(urls.toArray(URL[]::new))) {
            Class<?> request = loader.loadClass("dev.vectraguard.config.ConfigLoader$Request");
            Object req = request.getConstructor(Path.class, Path.class, Path.class, Map.class)
                    .newInstance(null, project(), home(), Map.of("VECTRAGUARD_RUNTIME", "native"));
            Object loaded = loader.loadClass("dev.vectraguard.config.ConfigLoader").getMethod("load", request).invoke(null, req);
            assertTrue(loaded.toString().contains("NATIVE"));
            assertTrue(loader.loaded("dev.vectraguard.config.ConfigLoader"));
            assertFalse(loader.loaded("dev.vectraguard.config.YamlReader"));
            assertFalse(loader.loaded("org.snakeyaml.engine.v2.api.LoadSettings"));
            assertFalse(loader.loaded("dev.vectraguard.json.JsonMapping"));
            assertFalse(loader.loaded("tools.jackson.core.json.JsonFactory"));
        }
    }

    private static final class Isolated extends URLClassLoader {
        Isolated(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }
    }
}
