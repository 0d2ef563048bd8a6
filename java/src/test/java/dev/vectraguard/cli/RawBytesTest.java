package dev.vectraguard.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Arguments and environment values that are not UTF-8 reach the command byte for byte, or vg refuses. */
class RawBytesTest {
    @TempDir
    Path root;
    VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
    }

    /** Runs vg through sh, so {@code script} can build arguments and variables from raw bytes (printf '\377'). */
    private VgRunner.Result viaShell(String script, String... vgArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c", script, "sh"));
        command.addAll(VgRunner.javaCommand(System.getProperty("java.class.path"), List.of(vgArgs)));
        return vg.exec(command, null);
    }

    /** Runs {@code check} on the host (sh, in the workspace); its exit code. */
    private int onHost(String check) throws Exception {
        return new ProcessBuilder("sh", "-c", check).directory(vg.workspace.toFile()).inheritIO().start().waitFor();
    }

    @Test
    void aFileNameThatIsNotUtf8IsCreatedExactly() throws Exception {
        vg.config("guard_level:\n  level: low\n");
        VgRunner.Result run = viaShell("exec \"$@\" \"$(printf 'f\\377z')\"", "exec", "-q", "--", "touch");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(0, onHost("test -e \"$(printf 'f\\377z')\""), "f\\xffz was not created");
        assertEquals(1, onHost("test -e \"$(printf 'f\\357\\277\\275z')\""), "U+FFFD replaced the byte");
    }

    @Test
    void anEnvironmentValueThatIsNotUtf8ArrivesExactly() throws Exception {
        vg.config("guard_level:\n  level: low\nsandbox:\n  env_whitelist: [PATH, VG_RAW]\n");
        VgRunner.Result run = viaShell("VG_RAW=$(printf 'a\\377b') exec \"$@\"",
                "exec", "-q", "--", "sh", "-c", "printf %s \"$VG_RAW\" | od -An -tx1");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("61 ff 62", run.stdout().strip());
    }

    @Test
    void messagesShowTheByteAndHostRunsRefuseIt() throws Exception {
        vg.config("guard_level:\n  level: low\n");
        VgRunner.Result notFound = viaShell("exec \"$@\" \"$(printf 'no\\377such')\"", "exec", "--");
        assertEquals(127, notFound.exitCode(), notFound.toString());
        assertTrue(notFound.stderr().contains("vg: no\\xffsuch: command not found"), notFound.toString());

        vg.config("guard_level:\n  level: low\nsandbox:\n  mode: never\n");
        VgRunner.Result host = viaShell("exec \"$@\" \"$(printf 'f\\377z')\"", "exec", "--", "touch");
        assertEquals(125, host.exitCode(), host.toString());
        assertEquals("vg: argument 1 'f\\xffz' is not valid UTF-8: vg passes such bytes unchanged only to a sandboxed command\n",
                host.stderr());
        assertEquals(1, onHost("ls | grep -q z"), "a file was created");
    }

    @Test
    void pathsThatAreNotUtf8AreRefusedNotChanged() throws Exception {
        assertEquals(0, onHost("mkdir \"$(printf 'd\\377x')\""));
        VgRunner.Result workspace = viaShell("exec \"$@\" --workspace \"$(printf 'd\\377x')\" -- touch made", "exec");
        assertEquals(125, workspace.exitCode(), workspace.toString());
        assertTrue(workspace.stderr().startsWith("vg: Invalid value for option '--workspace': 'd\\xffx' is not valid UTF-8: "
                + "vg cannot name such a path exactly\n"), workspace.toString());

        VgRunner.Result inside = viaShell("cd \"$(printf 'd\\377x')\" && exec \"$@\"", "exec", "--", "touch", "made");
        assertEquals(125, inside.exitCode(), inside.toString());
        assertEquals(1, inside.stderr().lines().count(), inside.toString());
        assertTrue(inside.stderr().contains("is not valid UTF-8: vg cannot name it exactly"), inside.toString());
        assertEquals(1, onHost("find . -name made | grep -q ."), "the command ran");
    }
}
