package dev.vectraguard.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vg where the kernel gives a user namespace but refuses to map ids in it, as Ubuntu's AppArmor
 * restriction of unprivileged user namespaces does (here: the C tests' helper runs the child JVM
 * under a Landlock domain in which nothing under /proc may be written), and where no user namespace
 * may be made at all (user.max_user_namespaces = 0 in a user namespace of the test's own). The native
 * runtime counts as unavailable (auto goes on to the next runtime), and the message names the cause.
 */
class UserNamespaceRefusedTest {
    @TempDir
    Path root;
    private VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
    }

    private VgRunner.Result withoutIdMaps(String... args) throws Exception {
        return vg.runUnderHelper("no-id-maps", args);
    }

    @Test
    void nativeRefusedItsIdMapsStopsWithTheCauseAndNothingRuns() throws Exception {
        VgRunner.Result r = withoutIdMaps("exec", "--runtime", "native", "--network", "none", "--", "touch", "made");
        assertEquals(125, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("cannot create namespaces (write /proc/self/setgroups: EACCES): unprivileged user namespaces are off "
                + "or restricted here: by a container's seccomp profile, an LSM (e.g. AppArmor's kernel.apparmor_restrict_unprivileged_userns"), r.toString());
        assertFalse(Files.exists(vg.workspace.resolve("made")), "the command ran");
    }

    @Test
    void autoSkipsNativeWhoseIdMapsAreRefusedAndSaysWhy() throws Exception {
        VgRunner.Result r = withoutIdMaps("exec", "--network", "none", "--", "touch", "made");
        assertTrue(r.stderr().contains("native unavailable: cannot create namespaces (write /proc/self/setgroups: EACCES): "), r.toString());
        assertFalse(r.stderr().contains("sandbox setup failed"), r.toString());
    }

    @Test
    void versionSaysWhyNativeIsNotUsable() throws Exception {
        VgRunner.Result r = withoutIdMaps("version");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().lines().anyMatch(l -> l.contains("native") && l.contains("the kernel refuses this user a user namespace: "
                + "unprivileged user namespaces are off or restricted here")), r.stdout());
    }

    @Test
    void noUserNamespaceAllowedIsNamedBySetting() throws Exception {
        VgRunner.Result r = vg.runUnder(List.of("unshare", "--user", "--map-root-user", "sh", "-c",
                "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$@\"", "sh"),
                "exec", "--runtime", "native", "--network", "none", "--", "touch", "made");
        assertEquals(125, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("cannot create namespaces (ENOSPC): no user namespace may be created here "
                + "(sysctl user.max_user_namespaces = 0)"), r.toString());
        assertFalse(Files.exists(vg.workspace.resolve("made")), "the command ran");
    }
}
