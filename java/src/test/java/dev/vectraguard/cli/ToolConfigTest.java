package dev.vectraguard.cli;

import dev.vectraguard.json.JsonTrees;
import dev.vectraguard.testing.PortableClasspath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The package managers' settings reach the sandbox, their secrets do not: real npm and mvn in a
 * real sandbox install through a mirror on 127.0.0.1 that only the user's ~/.npmrc and
 * ~/.m2/settings.xml name, while the auth token written beside the mirror in the same files is
 * found nowhere the sandbox can read (grepped for from inside). At permissive: restricted
 * networking never reaches the host's loopback.
 */
class ToolConfigTest {
    private static final int NOBODY = 65534;
    /**
     * Every file the sandbox can read, except the host's system directories (which hold nothing of
     * this test) and the kernel's: the home, the workspace, /tmp, /var/tmp, /run, the caches, /etc.
     */
    private static final String GREP_EVERYWHERE = "echo grep-start; grep -rlI -D skip --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev "
            + "--exclude-dir=usr --exclude-dir=opt -e \"$TOKEN_TO_FIND\" / 2>/dev/null; "
            + "grep -l -e \"$TOKEN_TO_FIND\" /proc/self/environ /proc/1/environ 2>/dev/null; echo grep-done";
    /** Reading ~/.npmrc is rated high (a secret file): the guard level that runs it without a terminal. */
    private static final String LOW_GUARD = "guard_level:\n  level: low\n";

    @TempDir
    Path root;
    VgRunner vg;
    LocalMirror mirror;
    String token;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
        mirror = new LocalMirror(Files.createDirectories(root.resolve("mirror")));
        token = "vgtok-" + UUID.randomUUID();
        vg.config(LOW_GUARD);
    }

    @AfterEach
    void stopMirror() {
        mirror.close();
    }

    /** Runs {@code script} in a permissive sandbox with the token to look for in $TOKEN_TO_FIND (split, so no file holds it). */
    private VgRunner.Result sandboxed(String script, String... vgOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of("exec", "--security-level", "permissive"));
        args.addAll(List.of(vgOptions));
        args.addAll(List.of("--", "sh", "-c", "TOKEN_TO_FIND=" + token.substring(0, 6) + "\"\"" + token.substring(6) + "; " + script));
        return vg.run(args.toArray(String[]::new));
    }

    private void assertTokenNowhereInside(VgRunner.Result result) {
        String out = result.stdout();
        assertTrue(out.contains("grep-start") && out.contains("grep-done"), result.toString());
        String found = out.substring(out.lastIndexOf("grep-start") + "grep-start".length(), out.lastIndexOf("grep-done"));
        assertFalse(found.contains("/"), "the token is readable inside the sandbox in: " + found + "\n" + result);
    }

    @Test
    void npmInstallsThroughTheMirrorOfTheUsersNpmrcWithoutItsToken() throws Exception {
        String registry = mirror.url();
        String hostPort = registry.substring("http:".length());
        Files.writeString(vg.home.resolve(".npmrc"), "registry=" + registry + "\n" + hostPort + ":_authToken=" + token + "\n"
                + "fund=false\naudit=false\n");
        Files.createDirectories(vg.home.resolve(".npm"));
        Files.writeString(vg.workspace.resolve("package.json"),
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"" + LocalMirror.NPM_PACKAGE + "\":\"1.0.0\"}}\n");

        VgRunner.Result install = sandboxed("npm install && node -e \"console.log(require('" + LocalMirror.NPM_PACKAGE + "'))\"");
        assertEquals(0, install.exitCode(), install + "\nmirror saw: " + mirror.requests);
        assertTrue(install.stdout().contains("from the local mirror"), install.toString());
        assertTrue(Files.isRegularFile(vg.workspace.resolve("node_modules/" + LocalMirror.NPM_PACKAGE + "/index.js")), install.toString());
        assertTrue(mirror.requests.stream().anyMatch(r -> r.startsWith("GET /" + LocalMirror.NPM_PACKAGE + " ")), mirror.requests.toString());
        assertEquals(List.of(), mirror.requestsCarrying(token), "npm sent the token from inside the sandbox");

        VgRunner.Result look = sandboxed("cat ~/.npmrc; echo; " + GREP_EVERYWHERE);
        assertEquals(0, look.exitCode(), look.toString());
        assertTrue(look.stdout().contains("registry=" + registry) && look.stdout().contains("fund=false"), look.toString());
        assertTokenNowhereInside(look);

        // npm's own state is not cache: it stays in the throwaway home, only ~/.npm/_cacache is shared
        assertTrue(Files.isDirectory(vg.home.resolve(".npm/_cacache/index-v5")), "the install was not cached");
        assertFalse(Files.exists(vg.home.resolve(".npm/_logs"), LinkOption.NOFOLLOW_LINKS), "npm's logs went into the shared cache");
        assertFalse(Files.exists(vg.home.resolve(".npm/_update-notifier-last-checked"), LinkOption.NOFOLLOW_LINKS),
                "npm's update stamp went into the shared cache");
    }

    @Test
    void mavenResolvesThroughTheMirrorOfSettingsXmlWithJavaHomeAndMavenOptsButNoCredentialOrGithubToken() throws Exception {
        Path settings = Files.createDirectories(vg.home.resolve(".m2")).resolve("settings.xml");
        Files.writeString(settings, """
                <?xml version="1.0" encoding="UTF-8"?>
                <settings>
                  <servers>
                    <server><id>vg-mirror</id><username>ci</username><password>%1$s</password></server>
                  </servers>
                  <mirrors>
                    <mirror><id>vg-mirror</id><mirrorOf>*</mirrorOf><url>%2$smaven2</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(token, mirror.url()));
        Files.writeString(vg.workspace.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent><groupId>org.vgtest</groupId><artifactId>vg-parent</artifactId><version>1.0</version><relativePath/></parent>
                  <artifactId>app</artifactId>
                  <name>probe-${vg.probe}</name>
                </project>
                """);
        String javaHome = System.getProperty("java.home");
        // Maven finds ~/.m2 through user.home, which the JVM takes from the password database, not $HOME
        vg.env("JAVA_HOME", javaHome)
                .env("MAVEN_OPTS", "--sun-misc-unsafe-memory-access=allow -Duser.home=" + vg.home + " -Dvg.probe=from-maven-opts")
                .env("GITHUB_TOKEN", token)
                .config(LOW_GUARD + "sandbox:\n  env_whitelist: [PATH, HOME, LANG, \"GITHUB_*\"]\n");

        VgRunner.Result build = sandboxed("mvn -B -v && mvn -B validate; echo status=$?; env; " + GREP_EVERYWHERE);
        assertEquals(0, build.exitCode(), build.toString());
        assertTrue(build.stdout().contains("runtime: " + javaHome), "JAVA_HOME did not reach mvn\n" + build);
        assertTrue(build.stdout().contains("Building probe-from-maven-opts"), "MAVEN_OPTS did not reach mvn\n" + build);
        assertTrue(build.stdout().contains("BUILD SUCCESS") && build.stdout().contains("status=0"), build.toString());
        assertTrue(mirror.requests.stream().anyMatch(r -> r.startsWith("GET /maven2/" + LocalMirror.MAVEN_PARENT + " ")),
                "the parent POM did not come from the mirror: " + mirror.requests);
        assertEquals(List.of(), mirror.requestsCarrying(token), "mvn sent the server password from inside the sandbox");
        assertFalse(build.stdout().contains("GITHUB_TOKEN="), "GITHUB_TOKEN reached the sandbox\n" + build);
        assertTokenNowhereInside(build);
    }

    @Test
    void aJavaHomeUnderTheHomeIsVisibleReadOnlyAsAToolchainOnPathIs() throws Exception {
        Path jdks = Files.createDirectories(vg.home.resolve("jdks"));
        Path jdk = Files.createSymbolicLink(jdks.resolve("current"), Path.of(System.getProperty("java.home")));
        vg.env("JAVA_HOME", jdk.toString());
        VgRunner.Result run = sandboxed("\"$JAVA_HOME/bin/java\" -version 2>&1; touch \"$JAVA_HOME/written\" 2>/dev/null || echo read-only");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("version \"" + Runtime.version().feature()), "the JDK of JAVA_HOME did not run\n" + run);
        assertTrue(run.stdout().contains("read-only"), run.toString());
    }

    @Test
    void aSettingsXmlThatCannotBeParsedIsHiddenWholeWithOneNotice() throws Exception {
        Path settings = Files.createDirectories(vg.home.resolve(".m2")).resolve("settings.xml");
        Files.writeString(settings, "<?xml version=\"1.0\"?>\n<!DOCTYPE settings [<!ENTITY t \"" + token + "\">]>\n"
                + "<settings><servers><server><password>&t;</password></server></servers></settings>\n");
        VgRunner.Result run = sandboxed("test -e ~/.m2/settings.xml && echo visible; " + GREP_EVERYWHERE);
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.stdout().contains("visible"), run.toString());
        assertTokenNowhereInside(run);
        assertEquals(1, run.stderr().lines().filter(l -> l.contains("~/.m2/settings.xml hidden: it cannot be read as its format")).count(),
                run.toString());
        assertTrue(run.stderr().contains("DOCTYPE"), run.toString());
    }

    @Test
    void cargoConfigInTheBoundToolchainIsFilteredAndGemCredentialsBesideTheGemCacheAreHidden() throws Exception {
        Files.createDirectories(vg.home.resolve(".cargo/bin"));
        Files.writeString(vg.home.resolve(".cargo/config.toml"), "[registry]\ntoken = \"" + token + "\"\n[build]\njobs = 3\n");
        Files.createDirectories(vg.home.resolve(".gem/specs"));
        Files.writeString(vg.home.resolve(".gem/credentials"), "---\n:rubygems_api_key: " + token + "\n");
        vg.env("PATH", vg.home.resolve(".cargo/bin") + ":/usr/local/bin:/usr/bin:/bin");

        VgRunner.Result run = sandboxed("cat ~/.cargo/config.toml; ls ~/.gem; " + GREP_EVERYWHERE);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("[build]\njobs = 3"), run.toString());
        assertTrue(run.stdout().contains("specs"), "the gem cache is not shared\n" + run);
        assertTokenNowhereInside(run);
    }

    @Test
    void aReadOnlyBindOfTheHomeShowsNoneOfTheToolConfigFilesUnderItsOtherName() throws Exception {
        Files.createDirectories(vg.home.resolve(".m2"));
        Files.writeString(vg.home.resolve(".m2/settings.xml"), "<settings><servers><server><id>a</id><password>" + token
                + "</password></server></servers></settings>\n");
        Files.writeString(vg.home.resolve(".gradle.properties.example"), "visible=yes\n");
        Files.createDirectories(vg.home.resolve(".gradle"));
        Files.writeString(vg.home.resolve(".gradle/gradle.properties"), "signing.password=" + token + "\n");
        vg.config(LOW_GUARD + "sandbox:\n  bind_mounts: [\"" + vg.home + ":/mnt/home-view:ro\"]\n");

        VgRunner.Result run = sandboxed("cat /mnt/home-view/.gradle.properties.example; cat ~/.m2/settings.xml; echo; "
                + GREP_EVERYWHERE);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("visible=yes"), "the bind shows the home\n" + run);
        assertTrue(run.stdout().contains("<settings/>"), "the filtered copy is at its usual path\n" + run);
        assertTokenNowhereInside(run);
    }

    @Test
    void asAnUnprivilegedUserTheFilteredCopiesShowAndTheTokenDoesNot() throws Exception {
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0), "switching to uid 65534 needs root");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(vg.home.resolve(".npmrc"), "registry=" + mirror.url() + "\n//127.0.0.1/:_authToken=" + token + "\n");
        Files.createDirectories(vg.home.resolve(".config/pip"));
        Files.writeString(vg.home.resolve(".config/pip/pip.conf"), "[global]\nindex-url = https://ci:" + token + "@pypi.example/simple\n");
        chownTree(root, NOBODY);
        VgRunner.Result run;
        try (PortableClasspath classpath = PortableClasspath.create()) {
            List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
            command.addAll(VgRunner.javaCommand(classpath.classpath(), List.of("exec", "--security-level", "balanced", "--", "sh", "-c",
                    "TOKEN_TO_FIND=" + token.substring(0, 6) + "\"\"" + token.substring(6) + "; id -u; cat ~/.npmrc ~/.config/pip/pip.conf; "
                            + "echo > ~/.npmrc || echo read-only; " + GREP_EVERYWHERE)));
            run = vg.exec(command, null);
        }
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("registry=" + mirror.url()), run.toString());
        assertTrue(run.stdout().contains("index-url = https://pypi.example/simple"), run.toString());
        assertTrue(run.stdout().contains("read-only"), "the copy is writable\n" + run);
        assertTokenNowhereInside(run);
    }

    @Test
    void anUnapprovedProjectConfigCannotShowTheToolConfigsInFullButMayHideThem() throws Exception {
        Files.writeString(vg.home.resolve(".npmrc"), "fund=false\n//registry.example/:_authToken=" + token + "\n");
        String show = "cat ~/.npmrc 2>/dev/null || echo no-npmrc";

        vg.projectConfig("sandbox:\n  tool_config: full\n");
        VgRunner.Result untrusted = sandboxed(show);
        assertEquals(0, untrusted.exitCode(), untrusted.toString());
        assertTrue(untrusted.stdout().contains("fund=false") && !untrusted.stdout().contains(token), untrusted.toString());
        assertTrue(untrusted.stderr().contains("ignored 1 loosening key (sandbox.tool_config)"), untrusted.toString());

        vg.projectConfig("sandbox:\n  tool_config: none\n");
        VgRunner.Result none = sandboxed(show);
        assertTrue(none.stdout().contains("no-npmrc"), none.toString());

        Files.delete(vg.workspace.resolve("vectra-guard.yaml"));
        vg.config(LOW_GUARD + "sandbox:\n  tool_config: full\n");
        VgRunner.Result full = sandboxed(show + "; " + GREP_EVERYWHERE);
        assertTrue(full.stdout().contains(token), "a trusted tool_config: full shows the file as it is\n" + full);
        String found = full.stdout().substring(full.stdout().lastIndexOf("grep-start"));
        assertTrue(found.contains(vg.home.resolve(".npmrc").toString()), "the grep of the other tests finds a token it can read\n" + full);
    }

    @Test
    void explainEnvSaysWhichVariablesPassAndWhyAndProtectedOnesAlwaysLose() throws Exception {
        vg.env("JAVA_HOME", "/opt/jdk").env("npm_config_fund", "false").env("npm_config__authToken", token)
                .env("GITHUB_TOKEN", token).env("PIP_INDEX_URL", "https://ci:" + token + "@pypi.example/simple")
                .env("SOME_UNLISTED", "x")
                .config(LOW_GUARD + "sandbox:\n  env_whitelist: [PATH, HOME, LANG, \"GITHUB_*\"]\n");

        VgRunner.Result run = vg.run("exec", "--explain-env", "-v", "--", "sh", "-c", "env");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("JAVA_HOME=/opt/jdk") && run.stdout().contains("npm_config_fund=false"), run.toString());
        assertTrue(run.stdout().contains("PIP_INDEX_URL=https://pypi.example/simple"), run.toString());
        assertFalse(run.stdout().contains(token) || run.stdout().contains("SOME_UNLISTED"), run.toString());
        assertFalse(run.stderr().contains(token), "a value was shown\n" + run);
        String stderr = run.stderr();
        assertTrue(stderr.matches("(?s).*vg:   passed +JAVA_HOME +build tools' allow-list \\(JAVA_HOME\\)\n.*"), stderr);
        assertTrue(stderr.matches("(?s).*vg:   dropped +GITHUB_TOKEN +env_protection.protected_vars \\(\\*_TOKEN\\)\n.*"), stderr);
        assertTrue(stderr.matches("(?s).*vg:   dropped +npm_config__authToken +build tools' allow-list \\(npm_config_\\*\\), "
                + "but its name says it holds a credential\n.*"), stderr);
        assertTrue(stderr.matches("(?s).*vg:   passed +PIP_INDEX_URL +.*credentials of its URL removed\n.*"), stderr);
        assertTrue(stderr.matches("(?s).*vg:   dropped +SOME_UNLISTED +in neither sandbox.env_whitelist nor the build tools' allow-list\n.*"),
                stderr);
        assertTrue(stderr.contains("vg: environment: dropped 4 of 10 variables"), "the verbose notice counts the dropped variables\n" + stderr);

        VgRunner.Result quiet = vg.run("exec", "--", "true");
        assertFalse(quiet.stderr().contains("environment: dropped"), "without -v there is no count\n" + quiet);

        VgRunner.Result show = vg.run("config", "show", "--env", "--json");
        assertEquals(0, show.exitCode(), show.toString());
        List<?> variables = (List<?>) JsonTrees.parse(show.stdout());
        assertTrue(variables.contains(Map.of("name", "GITHUB_TOKEN", "passed", false, "why", "env_protection.protected_vars (*_TOKEN)")),
                show.toString());
    }

    private static void chownTree(Path root, int uid) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(path, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }
}
