package dev.vectraguard.cli;

import dev.vectraguard.json.JsonTrees;
import dev.vectraguard.testing.PortableClasspath;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vg command line, through a real vg process: exit codes, notices, prompts (through a pty) and JSON. */
class CliTest {
    private static final String LOW_GUARD = "guard_level:\n  level: low\n";

    @TempDir
    Path root;
    VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
    }

    @Test
    void helpAndVersion() throws Exception {
        VgRunner.Result help = vg.run("--help");
        assertEquals(0, help.exitCode(), help.toString());
        for (String command : List.of("exec", "explain", "trust", "metrics", "init", "config", "version")) {
            assertTrue(help.stdout().contains("  " + command + " "), command + " missing from --help: " + help);
        }
        VgRunner.Result version = vg.run("version");
        assertEquals(0, version.exitCode(), version.toString());
        assertTrue(version.stdout().contains("landlock:") && version.stdout().contains("cgroups:"), version.toString());
        Map<String, Object> json = JsonTrees.object(vg.run("version", "--json").stdout());
        assertTrue(json.containsKey("landlock_abi"), json.toString());
    }

    @Test
    void badArgumentsAre125() throws Exception {
        VgRunner.Result missing = vg.run("exec");
        assertEquals(125, missing.exitCode(), missing.toString());
        assertTrue(missing.stderr().startsWith("vg: "), missing.toString());
        VgRunner.Result level = vg.run("exec", "--security-level", "extreme", "--", "true");
        assertEquals(125, level.exitCode(), level.toString());
        assertTrue(level.stderr().contains("'extreme' is not a security level"), level.toString());
    }

    @Test
    void exitCodesPassThrough() throws Exception {
        vg.config(LOW_GUARD);
        assertEquals(42, vg.run("exec", "-q", "--", "sh", "-c", "exit 42").exitCode());
        assertEquals(127, vg.run("exec", "-q", "--", "vg-no-such-command").exitCode());
        Path script = vg.workspace.resolve("not-executable.sh");
        Files.writeString(script, "echo hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        VgRunner.Result notExecutable = vg.run("exec", "-q", "--", "./not-executable.sh");
        assertEquals(126, notExecutable.exitCode(), notExecutable.toString());
        assertEquals(143, vg.run("exec", "-q", "--", "sh", "-c", "kill -TERM $$").exitCode());
        VgRunner.Result withoutDashes = vg.run("exec", "-q", "sh", "-c", "echo $#", "x", "-q", "--timeout", "1");
        assertEquals("3\n", withoutDashes.stdout(), "options after the command's name belong to the command: " + withoutDashes);
        VgRunner.Result timeout = vg.run("exec", "-q", "--timeout", "1", "--", "sleep", "30");
        assertEquals(124, timeout.exitCode(), timeout.toString());
        assertTrue(timeout.stderr().contains("timed out"), timeout.toString());
    }

    @Test
    void oneNoticeLineForASandboxedRun() throws Exception {
        vg.config(LOW_GUARD);
        VgRunner.Result run = vg.run("exec", "--", "sh", "-c", "echo out; echo err >&2");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("out\n", run.stdout());
        List<String> notices = run.stderr().lines().filter(l -> l.startsWith("vg: ")).toList();
        assertEquals(1, notices.size(), run.toString());
        assertTrue(notices.getFirst().startsWith("vg: sandbox (balanced, network restricted, "), run.toString());
        assertTrue(run.stderr().contains("err\n"), run.toString());
        VgRunner.Result quiet = vg.run("exec", "-q", "--", "true");
        assertEquals("", quiet.stderr(), quiet.toString());
    }

    @Test
    void jsonNoticesAndWarningsForKeysWithoutEffect() throws Exception {
        // runtime auto may reach docker or podman, which use the image: no warning then
        vg.config(LOW_GUARD + "logging:\n  format: json\nsandbox:\n  runtime: native\n  image: debian:12\n");
        VgRunner.Result run = vg.run("exec", "--", "true");
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.stderr().lines().toList();
        assertTrue(lines.getFirst().contains("config.yaml:7: warning: 'sandbox.image' is only used by the docker and podman runtimes"),
                run.toString());
        Map<String, Object> notice = JsonTrees.object(lines.get(1));
        assertEquals("sandbox", notice.get("vg"));
        assertEquals("balanced", notice.get("level"));
        assertEquals(2, lines.size(), run.toString());
    }

    @Test
    void lowRiskHostRunsAreSilent() throws Exception {
        vg.config(LOW_GUARD + "sandbox:\n  mode: auto\n");
        vg.env("VG_HOST_MARKER", "on-the-host");
        VgRunner.Result host = vg.run("exec", "--", "sh", "-c", "echo $VG_HOST_MARKER");
        assertEquals(0, host.exitCode(), host.toString());
        assertEquals("on-the-host\n", host.stdout(), "low risk in mode auto runs on the host with its environment: " + host);
        assertEquals("", host.stderr(), host.toString());
    }

    @Test
    void criticalCommandWithoutTerminalIsBlockedUntilTrusted() throws Exception {
        String pipeToShell = "curl -s http://127.0.0.1:9/x | sh";
        VgRunner.Result blocked = vg.run("exec", "--", "sh", "-c", pipeToShell);
        assertEquals(77, blocked.exitCode(), blocked.toString());
        assertTrue(blocked.stderr().contains("blocked") && blocked.stderr().contains("vg trust add"), blocked.toString());

        VgRunner.Result trust = vg.run("trust", "add", "sh -c '" + pipeToShell + "'", "--note", "test", "--duration", "1h");
        assertEquals(0, trust.exitCode(), trust.toString());
        VgRunner.Result allowed = vg.run("exec", "--", "sh", "-c", pipeToShell);
        assertFalse(allowed.exitCode() == 77, "a trusted command must not be blocked: " + allowed);
        assertTrue(allowed.stderr().contains("vg: sandbox ("), "critical commands never run on the host: " + allowed);

        List<?> entries = (List<?>) JsonTrees.parse(vg.run("trust", "list", "--json").stdout());
        assertEquals(1, entries.size());
        Map<?, ?> entry = (Map<?, ?>) entries.getFirst();
        assertEquals(1L, entry.get("use_count"), entry.toString());
        assertEquals(0, vg.run("trust", "remove", "sh -c '" + pipeToShell + "'").exitCode());
        assertEquals(77, vg.run("exec", "--", "sh", "-c", pipeToShell).exitCode());
    }

    @Test
    void denylistBlocksAndGuardLevelHighBlocksCritical() throws Exception {
        vg.config(LOW_GUARD + "policies:\n  denylist:\n    - \"echo forbidden*\"\n");
        VgRunner.Result denied = vg.run("exec", "--", "echo", "forbidden", "word");
        assertEquals(77, denied.exitCode(), denied.toString());
        assertEquals("", denied.stdout());
        vg.config("guard_level:\n  level: high\n");
        assertEquals(77, vg.run("exec", "--", "chmod", "-R", "777", "/").exitCode());
    }

    @Test
    void disabledSandboxRunsOnTheHostButNeverACriticalCommand() throws Exception {
        vg.config("guard_level:\n  level: off\nsandbox:\n  enabled: false\n");
        VgRunner.Result host = vg.run("exec", "--", "sh", "-c", "echo on-host");
        assertEquals("on-host\n", host.stdout(), host.toString());
        assertFalse(host.stderr().contains("sandbox ("), host.toString());
        VgRunner.Result critical = vg.run("exec", "--", "sh", "-c", "curl -s http://127.0.0.1:9/x | sh");
        assertEquals(77, critical.exitCode(), critical.toString());
        assertTrue(critical.stderr().contains("sandbox.enabled: false"), critical.toString());
    }

    @Test
    void aProjectConfigCreatedInTheSandboxIsMovedAsideAndNotUsed() throws Exception {
        VgRunner.Result run = vg.run("exec", "--", "sh", "-c", "printf 'guard_level:\\n  level: off\\n' > vectra-guard.yaml");
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(Files.exists(vg.workspace.resolve("vectra-guard.yaml")), run.toString());
        try (var aside = Files.list(vg.workspace)) {
            List<Path> moved = aside.filter(p -> p.getFileName().toString().startsWith("vectra-guard.yaml.from-sandbox-")).toList();
            assertEquals(1, moved.size(), run.toString());
            assertEquals("guard_level:\n  level: off\n", Files.readString(moved.getFirst()));
        }
        assertTrue(run.stderr().contains("so it is not used"), run.toString());
    }

    @Test
    void badConfigNamesFileLineAndKey() throws Exception {
        vg.projectConfig("sandbox:\n  mode: always\n  secomp_profile: strict\n");
        VgRunner.Result run = vg.run("exec", "--", "true");
        assertEquals(125, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("vectra-guard.yaml:3:3: unknown key 'sandbox.secomp_profile' (did you mean 'sandbox.seccomp_profile'?)"),
                run.toString());
        VgRunner.Result validate = vg.run("config", "validate", "vectra-guard.yaml");
        assertEquals(125, validate.exitCode(), validate.toString());
    }

    @Test
    void explainJsonAndJsonLines() throws Exception {
        Map<String, Object> one = JsonTrees.object(vg.run("explain", "--json", "rm -rf /").stdout());
        assertEquals("critical", one.get("risk"));
        assertEquals("DESTRUCTIVE_DELETE_ROOT", ((Map<?, ?>) ((List<?>) one.get("findings")).getFirst()).get("code"));
        String input = "ls -la\necho \"rm -rf /\"\ncurl x | sh\n\ngit push --force origin main\n";
        VgRunner.Result lines = vg.runWithInput(input, "explain", "--jsonl", "-");
        assertEquals(0, lines.exitCode(), lines.toString());
        List<String> out = lines.stdout().lines().toList();
        assertEquals(5, out.size(), lines.toString());
        List<String> risks = out.stream().map(l -> (String) JsonTrees.object(l).get("risk")).toList();
        assertEquals(List.of("low", "low", "critical", "low", "critical"), risks);
        for (String line : out) {
            Map<String, Object> object = JsonTrees.object(line);
            assertEquals(List.of("command", "risk", "findings", "decision", "why"), List.copyOf(object.keySet()));
        }
    }

    @Test
    void aTrustEntryWithAShortKeyIsReportedAndKeptNotACrash() throws Exception {
        Files.createDirectories(vg.stateDir);
        String content = "{\"version\": 1, \"entries\": {\"abc\": {\"command\": \"make\", \"note\": \"\", "
                + "\"created\": \"2026-01-01T00:00:00Z\", \"expires\": null, \"use_count\": 0, \"last_used\": null}}}";
        Files.writeString(vg.stateDir.resolve("trust.json"), content);
        VgRunner.Result list = vg.run("trust", "list");
        assertEquals(0, list.exitCode(), list.toString());
        assertTrue(list.stderr().contains("trust.json could not be read") && list.stderr().contains("trust.json.corrupt-"), list.toString());
        assertTrue(list.stdout().contains("no trusted commands"), list.toString());
        try (var files = Files.list(vg.stateDir)) {
            Path aside = files.filter(p -> p.getFileName().toString().startsWith("trust.json.corrupt-")).findFirst().orElseThrow();
            assertEquals(content, Files.readString(aside));
        }
    }

    @Test
    void trustOutputShowsControlCharactersEscapedNotRaw() throws Exception {
        String command = "echo \u001b]0;owned\u0007 \u001b[2J";
        VgRunner.Result add = vg.run("trust", "add", command, "--note", "ok\u001b[1A\rfine");
        assertEquals(0, add.exitCode(), add.toString());
        VgRunner.Result list = vg.run("trust", "list");
        VgRunner.Result remove = vg.run("trust", "remove", command);
        VgRunner.Result again = vg.run("trust", "remove", command);
        for (VgRunner.Result result : List.of(add, list, remove, again)) {
            String all = result.stdout() + result.stderr();
            assertFalse(all.chars().anyMatch(c -> c == 0x1b || c == 0x07 || c == '\r'), result.toString());
        }
        assertTrue(list.stdout().contains("\\e[2J") && list.stdout().contains("ok\\e[1A\\rfine"), list.toString());
        assertEquals(0, remove.exitCode(), remove.toString());
        assertEquals(125, again.exitCode(), again.toString());
    }

    @Test
    void metricsCountEveryRun() throws Exception {
        vg.config(LOW_GUARD);
        vg.run("exec", "-q", "--", "true");
        vg.run("exec", "-q", "--", "sh", "-c", "exit 3");
        vg.run("exec", "--", "sh", "-c", "curl -s http://x | sh");
        vg.config("guard_level:\n  level: high\n");
        vg.run("exec", "--", "sh", "-c", "curl -s http://x | sh");
        Map<String, Object> metrics = JsonTrees.object(vg.run("metrics", "show", "--json").stdout());
        assertEquals(4L, metrics.get("total"), metrics.toString());
        assertEquals(2L, metrics.get("sandbox"), metrics.toString());
        assertEquals(2L, metrics.get("blocked"), "a critical command needs approval even at guard level low: " + metrics);
        assertEquals(4, ((List<?>) metrics.get("recent")).size());
        assertEquals(2L, ((Map<?, ?>) metrics.get("by_risk")).get("critical"), metrics.toString());
        assertEquals(0, vg.run("metrics", "reset").exitCode());
        assertEquals(0L, JsonTrees.object(vg.run("metrics", "show", "--json").stdout()).get("total"));
    }

    @Test
    void initWritesAPresetAndConfigShowsSources() throws Exception {
        Files.deleteIfExists(vg.workspace.resolve("vectra-guard.yaml"));
        assertEquals(0, vg.run("init", "--preset", "developer").exitCode());
        assertEquals(125, vg.run("init").exitCode(), "existing file is not overwritten without --force");
        assertEquals(0, vg.run("init", "--preset", "production", "--force").exitCode());
        Map<String, Object> shown = JsonTrees.object(vg.run("config", "show", "--json").stdout());
        Map<?, ?> level = (Map<?, ?>) shown.get("sandbox.security_level");
        assertEquals("paranoid", level.get("value"), shown.toString());
        assertTrue(String.valueOf(level.get("source")).contains("vectra-guard.yaml"), shown.toString());
        assertEquals(0, vg.run("config", "validate").exitCode());
    }

    @Test
    void approvalPromptOnATerminal() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) from util-linux is needed for a pty");
        vg.config("guard_level:\n  level: high\n");
        String[] command = {"exec", "--", "sh", "-c", "echo ran$((40+2)):$AWS_SECRET_ACCESS_KEY"};
        VgRunner.Result refused = vg.onTerminal("n", command);
        assertTrue(refused.stdout().contains("run it? [y] once, [r] run and remember (trust), [N] cancel"), refused.toString());
        assertFalse(refused.stdout().contains("ran42:"), refused.toString());
        assertEquals(77, refused.exitCode(), refused.toString());

        VgRunner.Result once = vg.onTerminal("y", command);
        assertTrue(once.stdout().contains("ran42:"), once.toString());
        assertEquals(0, once.exitCode(), once.toString());

        VgRunner.Result remember = vg.onTerminal("r", command);
        assertEquals(0, remember.exitCode(), remember.toString());
        VgRunner.Result trusted = vg.run("exec", "--", "sh", "-c", "echo ran$((40+2)):$AWS_SECRET_ACCESS_KEY");
        assertEquals(0, trusted.exitCode(), "remembered at the prompt, so no prompt is needed now: " + trusted);
    }

    @Test
    void tiocstiCannotInjectIntoTheTerminal() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) from util-linux is needed for a pty");
        vg.config(LOW_GUARD);
        String perl = "for my $c (split //, \"id\\n\") { ioctl(STDIN, 0x5412, $c) or print \"denied:$!\\n\" and exit 0 } print \"injected\\n\"";
        VgRunner.Result run = vg.onTerminal("", "exec", "-q", "--", "perl", "-e", perl);
        assertTrue(run.stdout().contains("denied:Operation not permitted"), run.toString());
        assertFalse(run.stdout().contains("injected"), run.toString());
    }

    @Test
    void worksForAnUnprivilegedUser() throws Exception {
        Assumptions.assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "switches to uid 65534, needs root");
        try (PortableClasspath classpath = PortableClasspath.create()) {
            for (Path dir : List.of(vg.home, vg.workspace, root)) {
                Files.setAttribute(dir, "unix:uid", 65534);
                Files.setAttribute(dir, "unix:gid", 65534);
            }
            List<String> command = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            command.addAll(VgRunner.javaCommand(classpath.classpath(), List.of("exec", "--", "sh", "-c", "id -u; echo x > made-here")));
            vg.config(LOW_GUARD);
            for (Path owned : List.of(vg.userConfig, vg.userConfig.getParent(), vg.userConfig.getParent().getParent())) {
                Files.setAttribute(owned, "unix:uid", 65534);
            }
            VgRunner.Result run = vg.exec(command, null);
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals("65534\n", run.stdout(), run.toString());
            assertTrue(Files.exists(vg.workspace.resolve("made-here")), run.toString());
            assertTrue(run.stderr().contains("rlimits") || run.stderr().contains("cgroup"), run.toString());
        }
    }
}
