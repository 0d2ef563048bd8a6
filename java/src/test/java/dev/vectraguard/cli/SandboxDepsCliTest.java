package dev.vectraguard.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vg sandbox deps install --dry-run}: the package manager commands for the system /etc/os-release names. */
class SandboxDepsCliTest {
    @TempDir
    Path root;
    private VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
    }

    private String sudo() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0 ? "" : "sudo ";
    }

    @Test
    void debianAndUbuntuGetAptGet() throws Exception {
        Path release = root.resolve("os-release");
        Files.writeString(release, "PRETTY_NAME=\"Ubuntu 24.04 LTS\"\nID=ubuntu\nID_LIKE=debian\n");
        VgRunner.Result r = vg.run("sandbox", "deps", "install", "--dry-run", "--os-release", release.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith(sudo() + "apt-get update\n" + sudo()
                + "apt-get install -y bubblewrap podman catatonit tini uidmap docker.io\n# dry run: nothing was run\n"), r.toString());
    }

    @Test
    void fedoraAndRhelGetDnf() throws Exception {
        Path fedora = root.resolve("fedora");
        Files.writeString(fedora, "NAME=\"Fedora Linux\"\nID=fedora\n");
        VgRunner.Result r = vg.run("sandbox", "deps", "install", "--dry-run", "--os-release", fedora.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith(sudo() + "dnf install -y bubblewrap podman catatonit moby-engine\n"), r.toString());
        Path rocky = root.resolve("rocky");
        Files.writeString(rocky, "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n");
        VgRunner.Result rhel = vg.run("sandbox", "deps", "install", "--dry-run", "--os-release", rocky.toString());
        assertTrue(rhel.stdout().startsWith(sudo() + "dnf install -y bubblewrap podman catatonit\n# dry run"), rhel.toString());
        assertTrue(rhel.stdout().contains("\n# RHEL's repositories have no docker: podman runs vg's container runtime"), rhel.toString());
        assertFalse(rhel.stdout().contains("systemctl enable --now docker"), "no docker was installed: " + rhel);
        assertTrue(r.stdout().contains("systemctl enable --now docker"), r.toString());
    }

    @Test
    void thisMachineIsRecognisedAndAnUnknownSystemIsOneLine() throws Exception {
        VgRunner.Result here = vg.run("sandbox", "deps", "install", "--dry-run");
        assertEquals(0, here.exitCode(), here.toString());
        assertTrue(here.stdout().contains("install -y bubblewrap podman"), here.toString());
        Path arch = root.resolve("arch");
        Files.writeString(arch, "ID=arch\n");
        VgRunner.Result r = vg.run("sandbox", "deps", "install", "--dry-run", "--os-release", arch.toString());
        assertEquals(125, r.exitCode(), r.toString());
        assertEquals("vg: " + arch + " says ID=arch: vg sandbox deps install knows Debian/Ubuntu and Fedora/RHEL; install "
                + "bubblewrap, podman or docker with your package manager\n", r.stderr());
        assertEquals("", r.stdout());
    }
}
