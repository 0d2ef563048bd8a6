package dev.vectraguard.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every kind of config error is one line: FILE:LINE:COLUMN: problem. */
class ConfigErrorsTest {
    @TempDir
    Path dir;

    private String error(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadText("vg.yaml", yaml, dir, dir));
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
        return e.getMessage();
    }

    @Test
    void unknownKeySuggestsNearestKeyOfTheSameSection() {
        assertEquals("vg.yaml:3:3: unknown key 'sandbox.secomp_profile' (did you mean 'sandbox.seccomp_profile'?)",
                error("sandbox:\n  mode: always\n  secomp_profile: strict\n"));
    }

    @Test
    void unknownKeySuggestsKeyOfAnotherSection() {
        assertEquals("vg.yaml:2:3: unknown key 'sandbox.denylist' (did you mean 'policies.denylist'?)",
                error("sandbox:\n  denylist: [x]\n"));
    }

    @Test
    void unknownSectionSuggestsSection() {
        assertEquals("vg.yaml:1:1: unknown key 'sandbx' (did you mean 'sandbox'?)", error("sandbx:\n  mode: always\n"));
    }

    @Test
    void unknownKeyWithoutNearMatchHasNoSuggestion() {
        assertEquals("vg.yaml:2:3: unknown key 'sandbox.frobnicate_everything'",
                error("sandbox:\n  frobnicate_everything: 1\n"));
    }

    @Test
    void transposedLettersCountAsOneEdit() {
        assertEquals("vg.yaml:2:3: unknown key 'sandbox.mdoe' (did you mean 'sandbox.mode'?)", error("sandbox:\n  mdoe: auto\n"));
    }

    @Test
    void badEnumValue() {
        assertEquals("vg.yaml:2:9: 'sandbox.mode' must be one of always, auto, risky, never (got 'sometimes')",
                error("sandbox:\n  mode: sometimes\n"));
    }

    @Test
    void wrongType() {
        assertEquals("vg.yaml:2:12: 'sandbox.enabled' must be true or false (got 'yes')", error("sandbox:\n  enabled: yes\n"));
        assertEquals("vg.yaml:2:14: 'policies.allowlist' must be a list of strings (got 'ls')", error("policies:\n  allowlist: ls\n"));
        assertEquals("vg.yaml:1:10: 'sandbox' must be a mapping of keys (got a list)", error("sandbox: [1]\n"));
        assertEquals("vg.yaml:2:15: 'sandbox.pids_limit' must be a positive integer (got '-3')", error("sandbox:\n  pids_limit: -3\n"));
        assertEquals("vg.yaml:2:14: 'sandbox.cpu_limit' must be a positive number of CPUs like 0.5 or 2 (got 'half')",
                error("sandbox:\n  cpu_limit: half\n"));
        assertEquals("vg.yaml:1:1: a config file must be a mapping of sections such as 'sandbox:' (got a list)", error("- a\n- b\n"));
    }

    @Test
    void badDuration() {
        assertEquals("vg.yaml:2:12: 'sandbox.timeout' must be a duration like 30s, 5m (got 'abc')", error("sandbox:\n  timeout: abc\n"));
        assertEquals("vg.yaml:2:21: 'trust.default_duration' must be a duration like 30s, 5m or never (got '7 days')",
                error("trust:\n  default_duration: 7 days\n"));
    }

    @Test
    void badSize() {
        assertEquals("vg.yaml:2:17: 'sandbox.memory_limit' must be a size like 512m, 1g (got 'lots')",
                error("sandbox:\n  memory_limit: lots\n"));
    }

    @Test
    void duplicateKey() {
        assertEquals("vg.yaml:3:3: duplicate key 'sandbox.mode' (first set on line 2)", error("sandbox:\n  mode: auto\n  mode: never\n"));
        assertEquals("vg.yaml:3:1: duplicate key 'sandbox' (first set on line 1)", error("sandbox:\n  mode: auto\nsandbox:\n  enabled: true\n"));
    }

    @Test
    void yamlSyntaxError() {
        String message = error("sandbox:\n  mode: [always\n");
        assertEquals("vg.yaml:3:1: invalid YAML:", message.substring(0, "vg.yaml:3:1: invalid YAML:".length()), message);
        String tab = error("sandbox:\n\tmode: always\n");
        assertEquals("vg.yaml:2:1: invalid YAML:", tab.substring(0, "vg.yaml:2:1: invalid YAML:".length()), tab);
    }

    @Test
    void badValuesInsideLists() {
        assertEquals("vg.yaml:2:25: 'sandbox.env_whitelist' must be a list of environment variable names (* allowed, e.g. LC_*) (got 'BAD-NAME')",
                error("sandbox:\n  env_whitelist: [PATH, BAD-NAME]\n"));
        assertEquals("vg.yaml:3:7: unknown key 'sandbox.bind_mounts.host_pth' (did you mean 'sandbox.bind_mounts.host_path'?);"
                + " a bind mount has host_path, container_path, read_only", error("sandbox:\n  bind_mounts:\n    - host_pth: /x\n"));
        assertEquals("vg.yaml:2:31: 'sandbox.capability_set': unknown capability 'CAP_SYS_ADMN' (did you mean 'CAP_SYS_ADMIN'?)",
                error("sandbox:\n  capability_set: [CAP_CHOWN, CAP_SYS_ADMN]\n"));
        assertEquals("vg.yaml:2:17: 'sandbox.bind_mounts' container_path must be absolute (got 'rel')",
                error("sandbox:\n  bind_mounts: [\"/a:rel:ro\"]\n"));
    }

    @Test
    void seccompProfileFileMustExistAndBeJson() {
        assertEquals("vg.yaml:2:20: 'sandbox.seccomp_profile' must be one of minimal, moderate, strict or a path to a JSON file (got 'loose')",
                error("sandbox:\n  seccomp_profile: loose\n"));
        String missing = error("sandbox:\n  seccomp_profile: ./nope.json\n");
        assertEquals("vg.yaml:2:20: 'sandbox.seccomp_profile': cannot read " + dir.resolve("nope.json") + " (NoSuchFileException)", missing);
    }

    @Test
    void dottedTopLevelKeyIsRejected() {
        assertEquals("vg.yaml:1:1: unknown key 'sandbox.mode' (write keys nested: 'sandbox:' with 'mode:' under it)",
                error("sandbox.mode: auto\n"));
    }

    @Test
    void environmentOverrideErrorsNameTheVariable() {
        ConfigLoader.Request request = new ConfigLoader.Request(null, dir, dir, java.util.Map.of("VECTRAGUARD_RUNTIME", "firecracker"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(request));
        assertEquals("VECTRAGUARD_RUNTIME: 'sandbox.runtime' must be one of auto, native (also namespace, process), bubblewrap, docker, podman (got 'firecracker')", e.getMessage());
        ConfigLoader.Request env = new ConfigLoader.Request(null, dir, dir, java.util.Map.of("VECTRAGUARD_ENV", "prodution"));
        assertEquals("VECTRAGUARD_ENV: must be one of production, prod, staging, stage, ci, development, dev (got 'prodution')",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(env)).getMessage());
    }

    @Test
    void missingExplicitFileIsAnError() {
        ConfigLoader.Request request = new ConfigLoader.Request(Path.of("missing.yaml"), dir, dir, java.util.Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(request));
        assertEquals(dir.resolve("missing.yaml") + ": config file not found", e.getMessage());
    }
}
