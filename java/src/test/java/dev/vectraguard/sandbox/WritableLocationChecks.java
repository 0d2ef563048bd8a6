package dev.vectraguard.sandbox;

import dev.vectraguard.sandbox.namespace.NativeRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.vectraguard.sandbox.IsolationChecks.expect;
import static dev.vectraguard.sandbox.IsolationChecks.tempDir;

/**
 * Workspace, cache dir and bind checks: each runs a real command in a real sandbox (or tries to)
 * and looks at the host from outside. Run in-process as root by {@link WritableLocationsTest} and
 * in a child JVM as a user with a home of their own.
 */
public final class WritableLocationChecks {
    private WritableLocationChecks() {}

    public static List<IsolationChecks.Check> all() {
        return List.of(
                new IsolationChecks.Check("system directories and the shared /tmp are refused as workspace, cache dir and writable bind",
                        WritableLocationChecks::systemDirectoriesRefused),
                new IsolationChecks.Check("a workspace or bind that is a symlink into /etc is refused",
                        WritableLocationChecks::symlinksIntoEtcRefused),
                new IsolationChecks.Check("with HOME elsewhere, the account's home is still refused as workspace",
                        WritableLocationChecks::accountHomeRefusedWithHomeElsewhere),
                new IsolationChecks.Check("credential paths are refused as writable locations",
                        WritableLocationChecks::credentialPathsRefused),
                new IsolationChecks.Check("credentials stay hidden in a home bound under another name",
                        WritableLocationChecks::credentialsHiddenUnderAnotherName),
                new IsolationChecks.Check("project, /tmp and /var/tmp directories stay writable workspaces",
                        WritableLocationChecks::projectDirectoriesWork));
    }

    static Path accountHome() throws Exception {
        return CallerAccount.accountHome(CallerAccount.ids()[0]);
    }

    static void systemDirectoriesRefused() throws Exception {
        List<Path> dirs = new ArrayList<>();
        for (String dir : List.of("/etc/cron.d", "/etc", "/usr/local/bin", "/var", "/var/spool", "/boot", "/home", "/opt",
                "/srv", "/run", "/", "/tmp", "/var/tmp")) {
            if (Files.isDirectory(Path.of(dir))) {
                dirs.add(Path.of(dir));
            }
        }
        dirs.add(Files.createDirectories(accountHome().resolve(".config")));
        String marker = "vg-probe-" + System.nanoTime();
        for (Path dir : dirs) {
            Path planted = dir.resolve(marker);
            try {
                String touch = "touch " + planted;
                refused(IsolationChecks.spec(SecurityLevel.STRICT, dir, List.of("sh", "-c", touch)).build(), dir, planted);
                Path ws = tempDir("ws");
                refused(IsolationChecks.spec(SecurityLevel.STRICT, ws, List.of("sh", "-c", touch))
                        .bindMount(BindMount.readWrite(dir)).build(), dir, planted);
                refused(IsolationChecks.spec(SecurityLevel.STRICT, ws, List.of("sh", "-c", touch)).cacheDir(dir).build(),
                        dir, planted);
            } finally {
                Files.deleteIfExists(planted);
            }
        }
        Path newCache = Path.of("/etc", marker, "cache");
        try {
            refused(IsolationChecks.spec(SecurityLevel.STRICT, tempDir("ws"), List.of("true")).cacheDir(newCache).build(),
                    newCache, newCache.getParent());
        } finally {
            Files.deleteIfExists(newCache);
            Files.deleteIfExists(newCache.getParent());
        }

        IsolationChecks.Result readOnly = IsolationChecks.run(IsolationChecks.spec(SecurityLevel.STRICT, tempDir("ws"),
                List.of("sh", "-c", "ls /etc/cron.d >/dev/null && touch /etc/cron.d/" + marker)).bindMount(
                BindMount.readOnly(Path.of("/etc/cron.d"))).build());
        Files.deleteIfExists(Path.of("/etc/cron.d", marker));
        expect(readOnly.status() != 0 && readOnly.stderr().contains("Read-only file system"),
                "a read-only bind of /etc/cron.d must be allowed and stay read-only: " + readOnly);
    }

    static void symlinksIntoEtcRefused() throws Exception {
        Path links = tempDir("links");
        Path toCron = Files.createSymbolicLink(links.resolve("cron"), Path.of("/etc/cron.d"));
        Path toEtc = Files.createSymbolicLink(links.resolve("etc"), Path.of("/etc"));
        String marker = "vg-probe-" + System.nanoTime();
        try {
            refused(IsolationChecks.spec(SecurityLevel.STRICT, toCron, List.of("sh", "-c", "touch " + toCron.resolve(marker)
                    + " /etc/cron.d/" + marker)).build(), Path.of("/etc/cron.d"), Path.of("/etc/cron.d", marker));
            refused(IsolationChecks.spec(SecurityLevel.STRICT, tempDir("ws"), List.of("sh", "-c", "touch /x/" + marker))
                    .bindMount(new BindMount(toEtc, Path.of("/x"), false)).build(), Path.of("/etc"), Path.of("/etc", marker));
        } finally {
            Files.deleteIfExists(Path.of("/etc/cron.d", marker));
            Files.deleteIfExists(Path.of("/etc", marker));
        }
    }

    static void accountHomeRefusedWithHomeElsewhere() throws Exception {
        Path home = accountHome();
        Path elsewhere = tempDir("elsewhere");
        String marker = "vg-probe-" + System.nanoTime();
        Path secret = plant(home.resolve(".ssh"), marker);
        try {
            SandboxSpec spec = IsolationChecks.spec(SecurityLevel.STRICT, home,
                            List.of("sh", "-c", "cat " + secret + "; touch " + home.resolve(marker)))
                    .environment(environment("HOME", elsewhere.toString())).build();
            refused(spec, home, home.resolve(marker));
        } finally {
            Files.deleteIfExists(home.resolve(marker));
            Files.deleteIfExists(secret);
        }
    }

    static void credentialPathsRefused() throws Exception {
        Path home = accountHome();
        String marker = "vg-probe-" + System.nanoTime();
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Path gcloud = Files.createDirectories(home.resolve(".config/gcloud"));
        Path inside = Files.createDirectories(gcloud.resolve(marker));
        try {
            refused(IsolationChecks.spec(SecurityLevel.STRICT, inside, List.of("sh", "-c", "touch " + inside.resolve("x")))
                    .build(), inside, inside.resolve("x"));
            refused(IsolationChecks.spec(SecurityLevel.STRICT, tempDir("ws"), List.of("sh", "-c", "touch /x/" + marker))
                    .bindMount(new BindMount(ssh, Path.of("/x"), false)).build(), ssh, ssh.resolve(marker));
            refused(IsolationChecks.spec(SecurityLevel.STRICT, tempDir("ws"), List.of("sh", "-c", "touch " + inside.resolve("x")))
                    .cacheDir(inside).build(), inside, inside.resolve("x"));
        } finally {
            Files.deleteIfExists(inside.resolve("x"));
            Files.deleteIfExists(inside);
            Files.deleteIfExists(ssh.resolve(marker));
        }
    }

    /** ~ bound read-only at /h, ~/.config at /c: the keys under them show nothing, with HOME as it is or elsewhere. */
    static void credentialsHiddenUnderAnotherName() throws Exception {
        Path home = accountHome();
        String marker = "vg-probe-" + System.nanoTime();
        Path sshKey = plant(home.resolve(".ssh"), marker);
        Path gcloudKey = plant(home.resolve(".config/gcloud"), marker);
        try {
            String script = "cat /h/.ssh/" + marker + " /h/.config/gcloud/" + marker + " /c/gcloud/" + marker
                    + " 2>/dev/null; ls -A /h/.ssh /c/gcloud; ls /h/.config >/dev/null && echo listed";
            for (String homeVariable : List.of(home.toString(), tempDir("elsewhere").toString())) {
                IsolationChecks.Result r = IsolationChecks.run(IsolationChecks.spec(SecurityLevel.STRICT, tempDir("ws"),
                                List.of("sh", "-c", script))
                        .environment(environment("HOME", homeVariable))
                        .bindMount(new BindMount(home, Path.of("/h"), true))
                        .bindMount(new BindMount(home.resolve(".config"), Path.of("/c"), true)).build());
                expect(r.stdout().contains("listed"), "HOME=" + homeVariable + ": the binds did not work: " + r);
                expect(!r.stdout().contains("secret") && !r.stdout().contains(marker),
                        "HOME=" + homeVariable + ": credentials readable through a bind under another name: " + r);
            }
        } finally {
            Files.deleteIfExists(sshKey);
            Files.deleteIfExists(gcloudKey);
        }
    }

    static void projectDirectoriesWork() throws Exception {
        String marker = "vg-probe-" + System.nanoTime();
        Path project = Files.createDirectories(accountHome().resolve(marker));
        Path varTmp = Files.createTempDirectory(Path.of("/var/tmp"), "vg-ws-");
        try {
            for (Path ws : List.of(tempDir("ws"), varTmp, project)) {
                Path cache = Files.createDirectories(tempDir("cache").resolve("c"));
                // bubblewrap has no append-only layer: its caches are read-only (and its notice says so)
                boolean cacheWritable = IsolationChecks.runtime instanceof NativeRuntime;
                IsolationChecks.Result r = IsolationChecks.run(IsolationChecks.spec(SecurityLevel.STRICT, ws,
                        List.of("sh", "-c", "echo ok > out && { echo ok > " + cache.resolve("entry") + " || ! " + cacheWritable + "; }"))
                        .cacheDir(cache).build());
                expect(r.status() == 0 && Files.readString(ws.resolve("out")).equals("ok\n")
                        && Files.exists(cache.resolve("entry")) == cacheWritable, ws + " should be a writable workspace: " + r);
            }
        } finally {
            for (Path dir : List.of(project, varTmp)) {
                Files.deleteIfExists(dir.resolve("out"));
                Files.deleteIfExists(dir);
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    /** The spec must be refused with exit code 125 and one line naming {@code named}; {@code mustNotExist} stays absent. */
    private static void refused(SandboxSpec spec, Path named, Path mustNotExist) throws Exception {
        try (SandboxProcess process = IsolationChecks.runtime.start(spec)) {
            String out = new String(process.stdout().readAllBytes());
            int status = process.waitFor();
            throw new AssertionError("not refused: " + spec.workspace() + " " + spec.bindMounts() + " " + spec.cacheDirs()
                    + " ran (status " + status + ", stdout [" + out.strip() + "]); " + mustNotExist + " exists: "
                    + Files.exists(mustNotExist));
        } catch (SandboxException e) {
            expect(e.exitCode() == 125, "refusal must be exit code 125: " + e.exitCode());
            expect(e.getMessage().contains(named.toString()) && !e.getMessage().contains("\n"),
                    "one line naming " + named + " expected: " + e.getMessage());
        }
        expect(!Files.exists(mustNotExist), mustNotExist + " was written on the host");
    }

    private static Map<String, String> environment(String name, String value) {
        Map<String, String> env = new TreeMap<>(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C"));
        env.put(name, value);
        return env;
    }

    /** A file "secret" named {@code name} in {@code dir} (created, mode 0700, if missing). */
    private static Path plant(Path dir, String name) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        return Files.writeString(dir.resolve(name), "secret\n");
    }

    /** Runs every check and prints {@code PASS name} or {@code FAIL name: reason}; used as an unprivileged child. */
    public static void main(String[] args) {
        int failed = 0;
        for (IsolationChecks.Check check : all()) {
            try {
                check.body().run();
                System.out.println("PASS " + check.name());
            } catch (Throwable t) {
                failed++;
                System.out.println("FAIL " + check.name() + ": " + String.valueOf(t.getMessage()).replace('\n', ' '));
            }
        }
        System.out.flush();
        java.lang.Runtime.getRuntime().halt(failed == 0 ? 0 : 1);
    }
}
