package dev.vectraguard.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What `vg init` writes and `vg config validate` accepts runs: every preset, through a real vg. */
class PresetRunTest {
    @TempDir
    Path root;
    VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
    }

    static Stream<Path> presets() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("vg.repo.root", "..")).resolve("presets"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("presets")
    void everyPresetRunsEchoInTheSandbox(Path preset) throws Exception {
        String name = preset.getFileName().toString().replace(".yaml", "");
        VgRunner.Result init = vg.run("init", "--preset", name);
        assertEquals(0, init.exitCode(), init.toString());
        VgRunner.Result validate = vg.run("config", "validate");
        assertEquals(0, validate.exitCode(), validate.toString());

        VgRunner.Result asWritten = vg.run("exec", "--", "echo", "ok");
        assertEquals(0, asWritten.exitCode(), asWritten.toString());
        assertEquals("ok\n", asWritten.stdout());

        // A preset that runs echo on the host (mode auto) must also work for what it sandboxes.
        Path config = vg.workspace.resolve("vectra-guard.yaml");
        String sandboxed = Files.readString(config).replaceFirst("(?m)^(  mode:) \\w+$", "$1 always");
        assertTrue(sandboxed.contains("  mode: always"), sandboxed);
        Path always = root.resolve(name + "-always.yaml");
        Files.writeString(always, sandboxed);
        Files.delete(config);
        VgRunner.Result inSandbox = vg.run("exec", "--config", always.toString(), "--", "echo", "ok");
        assertEquals(0, inSandbox.exitCode(), inSandbox.toString());
        assertEquals("ok\n", inSandbox.stdout());
        assertTrue(inSandbox.stderr().startsWith("vg: sandbox ("), "ran in the sandbox: " + inSandbox);
    }

    @Test
    void validateRunsTheChecksExecRuns() throws Exception {
        vg.config("sandbox:\n  security_level: balanced\n  network_mode: full\n");
        VgRunner.Result exec = vg.run("exec", "-q", "--", "echo", "ok");
        assertEquals(125, exec.exitCode(), exec.toString());
        VgRunner.Result validate = vg.run("config", "validate");
        assertEquals(125, validate.exitCode(), validate.toString());
        assertEquals(List.of("vg: " + vg.userConfig
                + ": network 'full' is not allowed at security level 'balanced' (at most 'restricted'); "
                + "permissive allows it (--security-level permissive)"), validate.stderr().lines().toList());
        VgRunner.Result file = vg.run("config", "validate", vg.userConfig.toString());
        assertEquals(125, file.exitCode(), file.toString());

        vg.config("sandbox:\n  workspace_dir: /etc\n");
        VgRunner.Result workspace = vg.run("config", "validate");
        assertEquals(125, workspace.exitCode(), workspace.toString());
        assertTrue(workspace.stderr().contains("workspace /etc"), workspace.toString());
        assertEquals(125, vg.run("exec", "-q", "--", "echo", "ok").exitCode());

        vg.config("sandbox:\n  seccomp_profile: ./no-such-profile.json\n");
        VgRunner.Result profile = vg.run("config", "validate");
        assertEquals(125, profile.exitCode(), profile.toString());
        assertTrue(profile.stderr().contains("no-such-profile.json"), profile.toString());
    }
}
