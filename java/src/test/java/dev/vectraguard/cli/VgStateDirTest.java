package dev.vectraguard.cli;

import dev.vectraguard.json.JsonTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vg's state dir and {@code sandbox.trust_store_path}, through real vg processes checked from
 * outside: a sandboxed command can neither plant trust entries there (a state dir or trust store a
 * sandbox could write is refused before anything runs) nor read them (hidden where the sandbox sees
 * the directory holding them); the trust store file is the configured one for {@code vg trust} and
 * {@code vg exec} alike, and a project config cannot move it.
 */
class VgStateDirTest {
    private static final String PIPE_TO_SHELL = "curl -s http://127.0.0.1:9/x | sh";

    @TempDir
    Path root;

    /** Writes into the state dir from inside the sandbox; the marker says the command ran. */
    private static String plant(Path stateDir, Path ran) {
        return "touch " + ran + "; echo '{}' > " + stateDir + "/planted";
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"$VECTRAGUARD_STATE_DIR", "--state-dir", "state_dir"})
    void aStateDirInsideTheWorkspaceIsRefusedAndNothingIsWritten(String origin) throws Exception {
        VgRunner vg = new VgRunner(root);
        Path stateDir = Files.createDirectories(vg.workspace.resolve(".state"));
        Path ran = vg.workspace.resolve("ran");
        List<String> args = new java.util.ArrayList<>(List.of("exec", "--security-level", "balanced"));
        switch (origin) {
            case "$VECTRAGUARD_STATE_DIR" -> vg.env("VECTRAGUARD_STATE_DIR", stateDir.toString());
            case "--state-dir" -> args.addAll(List.of("--state-dir", stateDir.toString()));
            default -> {
                vg.env("VECTRAGUARD_STATE_DIR", "");
                vg.config("state_dir: " + stateDir + "\n");
            }
        }
        args.addAll(List.of("--", "sh", "-c", plant(stateDir, ran)));
        VgRunner.Result run = vg.run(args.toArray(String[]::new));
        assertEquals(125, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("state dir (from " + origin + ") " + stateDir + " lies inside the workspace " + vg.workspace
                + ", which the sandbox can write"), run.toString());
        assertEquals(1, run.stderr().lines().count(), run.toString());
        assertFalse(Files.exists(ran), "the command ran: " + run);
        try (Stream<Path> files = Files.list(stateDir)) {
            assertEquals(List.of(), files.toList(), "written into the refused state dir");
        }
        if (!origin.equals("--state-dir")) {
            VgRunner.Result validate = vg.run("config", "validate");
            assertEquals(125, validate.exitCode(), validate.toString());
            assertTrue(validate.stderr().contains("state dir (from " + origin + ") " + stateDir + " lies inside the workspace"),
                    validate.toString());
        }
    }

    @Test
    void aStateDirContainingTheWorkspaceOrInsideAWritableBindIsRefused() throws Exception {
        VgRunner vg = new VgRunner(root);
        Path bound = Files.createDirectories(root.resolve("bound"));
        vg.config("sandbox:\n  bind_mounts: [\"" + bound + "\"]\n");
        Path ran = vg.workspace.resolve("ran");

        vg.env("VECTRAGUARD_STATE_DIR", root.toString());
        VgRunner.Result containing = vg.run("exec", "--security-level", "balanced", "--", "sh", "-c", "touch " + ran);
        assertEquals(125, containing.exitCode(), containing.toString());
        assertTrue(containing.stderr().contains("state dir (from $VECTRAGUARD_STATE_DIR) " + root + " contains the workspace"),
                containing.toString());

        Path inBind = bound.resolve("state");
        vg.env("VECTRAGUARD_STATE_DIR", inBind.toString());
        VgRunner.Result inside = vg.run("exec", "--security-level", "balanced", "--", "sh", "-c", "touch " + ran);
        assertEquals(125, inside.exitCode(), inside.toString());
        assertTrue(inside.stderr().contains(inBind + " lies inside the writable bind mount " + bound), inside.toString());
        assertFalse(Files.exists(ran), "the command ran");
        assertFalse(Files.exists(inBind), "the state dir was made inside the bind");
    }

    /** A state dir the sandbox would see (under a read-only bind, under a system directory) is hidden in it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"under a read-only bind", "under a system directory"})
    void aConfiguredStateDirTheSandboxWouldSeeIsHidden(String where) throws Exception {
        VgRunner vg = new VgRunner(root);
        Path shared = where.equals("under a read-only bind") ? Files.createDirectories(root.resolve("shared"))
                : Files.createDirectories(Path.of("/opt/vg-state-test-" + UUID.randomUUID()));
        try {
            Files.writeString(shared.resolve("visible"), "seen\n");
            Path stateDir = shared.resolve("state");
            vg.env("VECTRAGUARD_STATE_DIR", stateDir.toString());
            vg.config("sandbox:\n  bind_mounts: [\"" + shared + ":" + shared + ":ro\"]\n");
            assertEquals(0, vg.run("trust", "add", "sh -c '" + PIPE_TO_SHELL + "'").exitCode());
            assertTrue(Files.readString(stateDir.resolve("trust.json")).contains("127.0.0.1:9"));

            VgRunner.Result run = vg.run("exec", "--security-level", "balanced", "--", "sh", "-c",
                    "cat " + shared + "/visible; cat " + stateDir + "/trust.json; ls -A " + stateDir);
            assertTrue(run.stdout().contains("seen"), "the directory around the state dir is not shown: " + run);
            assertFalse(run.stdout().contains("127.0.0.1:9") || run.stdout().contains("trust.json"),
                    "the sandbox read the trust store: " + run);
        } finally {
            if (!shared.startsWith(root)) {
                try (Stream<Path> paths = Files.walk(shared)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
        }
    }

    @Test
    void aTrustStoreUnderAReadOnlyBindIsHidden() throws Exception {
        VgRunner vg = new VgRunner(root);
        Path shared = Files.createDirectories(root.resolve("shared"));
        Files.writeString(shared.resolve("visible"), "seen\n");
        Path store = shared.resolve("vg/trust.json");
        vg.config("sandbox:\n  trust_store_path: " + store + "\n  bind_mounts: [\"" + shared + ":" + shared + ":ro\"]\n");
        assertEquals(0, vg.run("trust", "add", "sh -c '" + PIPE_TO_SHELL + "'").exitCode());
        assertTrue(Files.readString(store).contains("127.0.0.1:9"));

        VgRunner.Result run = vg.run("exec", "--security-level", "balanced", "--", "sh", "-c",
                "cat " + shared + "/visible; cat " + store + "; ls -A " + store.getParent());
        assertTrue(run.stdout().contains("seen"), "the directory around the trust store is not shown: " + run);
        assertFalse(run.stdout().contains("127.0.0.1:9") || run.stdout().contains("trust.json"), "the sandbox read the trust store: " + run);
    }

    @Test
    void trustAddedUnderAConfiguredTrustStorePathLandsThereAndExecUsesIt() throws Exception {
        VgRunner vg = new VgRunner(root);
        Path store = root.resolve("private/trusted-commands.json");
        vg.config("sandbox:\n  trust_store_path: " + store + "\n");
        assertEquals(77, vg.run("exec", "--", "sh", "-c", PIPE_TO_SHELL).exitCode(), "the command must need approval");

        VgRunner.Result add = vg.run("trust", "add", "sh -c '" + PIPE_TO_SHELL + "'");
        assertEquals(0, add.exitCode(), add.toString());
        assertTrue(Files.readString(store).contains("127.0.0.1:9"), "not in the configured file");
        assertFalse(Files.exists(vg.stateDir.resolve("trust.json")), "written to STATE_DIR/trust.json");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));

        VgRunner.Result trusted = vg.run("exec", "--", "sh", "-c", PIPE_TO_SHELL);
        assertNotEquals(77, trusted.exitCode(), "the trusted command was blocked: " + trusted);
        assertTrue(trusted.stderr().contains("vg: sandbox ("), trusted.toString());
        List<?> entries = (List<?>) JsonTrees.parse(vg.run("trust", "list", "--json").stdout());
        assertEquals(1, entries.size(), entries.toString());
        assertEquals(0, vg.run("trust", "remove", "sh -c '" + PIPE_TO_SHELL + "'").exitCode());
        assertFalse(Files.readString(store).contains("127.0.0.1:9"), "not removed from the configured file");
        assertEquals(77, vg.run("exec", "--", "sh", "-c", PIPE_TO_SHELL).exitCode());
    }

    @Test
    void aProjectConfigCannotMoveTheTrustStore() throws Exception {
        VgRunner vg = new VgRunner(root);
        vg.config("guard_level:\n  level: medium\n");
        Path planted = vg.workspace.resolve("planted-trust.json");
        vg.run("trust", "add", "sh -c '" + PIPE_TO_SHELL + "'"); // a trust file that would allow it, if vg read it
        Files.move(vg.stateDir.resolve("trust.json"), planted);
        vg.projectConfig("sandbox:\n  trust_store_path: " + planted + "\n");

        VgRunner.Result run = vg.run("exec", "--", "sh", "-c", PIPE_TO_SHELL);
        assertEquals(77, run.exitCode(), "the project's trust store applied: " + run);
        assertTrue(run.stderr().contains("./vectra-guard.yaml: ignored 1 loosening key (sandbox.trust_store_path): the file is not approved"),
                run.toString());
        VgRunner.Result list = vg.run("trust", "list");
        assertEquals("no trusted commands\n", list.stdout(), list.toString());
    }

    @Test
    void aTrustStoreTheSandboxCouldWriteIsRefused() throws Exception {
        VgRunner vg = new VgRunner(root);
        Path store = vg.workspace.resolve("vg/trust.json");
        vg.config("sandbox:\n  trust_store_path: " + store + "\n");
        Path ran = vg.workspace.resolve("ran");
        VgRunner.Result run = vg.run("exec", "--security-level", "balanced", "--", "sh", "-c",
                "touch " + ran + "; mkdir -p " + store.getParent() + "; echo '{}' > " + store);
        assertEquals(125, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("the directory of sandbox.trust_store_path " + store.getParent() + " lies inside the workspace "
                + vg.workspace), run.toString());
        assertFalse(Files.exists(ran), "the command ran");
        assertFalse(Files.exists(store.getParent()), "written into the workspace");
        VgRunner.Result validate = vg.run("config", "validate");
        assertEquals(125, validate.exitCode(), validate.toString());
        assertTrue(validate.stderr().contains("the directory of sandbox.trust_store_path " + store.getParent()), validate.toString());

        Path shared = Files.createDirectories(root.resolve("shared-dir"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        vg.config("sandbox:\n  trust_store_path: " + shared.resolve("trust.json") + "\n");
        VgRunner.Result worldWritable = vg.run("exec", "--security-level", "balanced", "--", "true");
        assertEquals(125, worldWritable.exitCode(), worldWritable.toString());
        assertTrue(worldWritable.stderr().contains(shared + " is group- or world-writable"), worldWritable.toString());
    }
}
