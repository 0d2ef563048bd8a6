package dev.vectraguard.sandbox.toolconfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Properties;
import java.io.StringReader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each format's filter: the settings stay, the credentials (named keys, URL user-info, comments)
 * go, and text the format's reader would refuse is refused, so the file is hidden whole.
 */
class ToolConfigFiltersTest {
    private static final String SECRET = "s3cr3t-VALUE";

    private static void assertNoSecret(String filtered) {
        assertFalse(filtered.contains(SECRET), "a credential is left:\n" + filtered);
        assertFalse(filtered.contains("hunter2"), "a credential is left:\n" + filtered);
    }

    @Test
    void npmrcKeepsSettingsAndDropsEveryAuthForm() throws Exception {
        String npmrc = """
                registry=https://npm.example.com/
                fund=false
                audit = false
                init-author-name=Ada
                //npm.example.com/:_authToken=s3cr3t-VALUE
                //npm.example.com/:_auth="s3cr3t-VALUE"
                _authToken=${NPM_TOKEN}
                //other.example/:_password=s3cr3t-VALUE
                //other.example/:username=ada
                @corp:registry=https://ci:hunter2@npm.corp.example/
                key="-----BEGIN PRIVATE KEY-----s3cr3t-VALUE"
                cafile=/etc/ssl/corp.pem
                # _authToken=s3cr3t-VALUE (the old one)
                ; also s3cr3t-VALUE
                strict-ssl
                """;
        String filtered = new IniFilter(IniFilter.Dialect.NPM).filter(npmrc);
        assertNoSecret(filtered);
        assertFalse(filtered.contains("NPM_TOKEN"), filtered);
        for (String kept : new String[] {"registry=https://npm.example.com/", "fund=false", "audit = false",
                "init-author-name=Ada", "//other.example/:username=ada", "@corp:registry=https://npm.corp.example/",
                "cafile=/etc/ssl/corp.pem", "strict-ssl"}) {
            assertTrue(filtered.lines().anyMatch(kept::equals), kept + " missing:\n" + filtered);
        }
    }

    @Test
    void pipConfRemovesUrlCredentialsAcrossContinuationLines() throws Exception {
        String pip = """
                [global]
                index-url = https://user:s3cr3t-VALUE@pypi.corp.example/simple
                extra-index-url =
                    https://__token__:hunter2@extra.example/simple
                    https://plain.example/simple
                timeout: 60
                [install]
                trusted-host = pypi.corp.example
                """;
        String filtered = new IniFilter(IniFilter.Dialect.PYTHON).filter(pip);
        assertNoSecret(filtered);
        assertTrue(filtered.contains("index-url = https://pypi.corp.example/simple"), filtered);
        assertTrue(filtered.contains("    https://extra.example/simple\n    https://plain.example/simple"), filtered);
        assertTrue(filtered.contains("timeout: 60") && filtered.contains("[install]"), filtered);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[global\nindex-url = x\n", "[global]\njust some words\n", "  indented = first\n"})
    void pipConfThatConfigparserRefusesIsUnparseable(String text) {
        assertThrows(UnparseableConfig.class, () -> new IniFilter(IniFilter.Dialect.PYTHON).filter(text));
    }

    @Test
    void yarnrcDropsQuotedAuthKeys() throws Exception {
        String yarnrc = """
                registry "https://registry.corp.example/"
                "//registry.corp.example/:_authToken" "s3cr3t-VALUE"
                email ada@example.com
                "--install.frozen-lockfile" true
                """;
        String filtered = new YarnrcFilter().filter(yarnrc);
        assertNoSecret(filtered);
        assertTrue(filtered.contains("registry \"https://registry.corp.example/\""), filtered);
        assertTrue(filtered.contains("email ada@example.com") && filtered.contains("frozen-lockfile"), filtered);
        assertThrows(UnparseableConfig.class, () -> new YarnrcFilter().filter("\"//x/:_authToken s3cr3t\n"));
    }

    @Test
    void yarnrcYmlDropsAuthKeysAtAnyDepth() throws Exception {
        String yml = """
                nodeLinker: node-modules
                npmRegistryServer: "https://ci:hunter2@npm.corp.example"
                npmAuthToken: s3cr3t-VALUE
                npmScopes:
                  corp:
                    npmRegistryServer: https://npm.corp.example
                    npmAuthIdent: "ada:s3cr3t-VALUE"
                    npmAlwaysAuth: true
                """;
        String filtered = new YamlFilter(UrlCredentials::strip).filter(yml);
        assertNoSecret(filtered);
        assertTrue(filtered.contains("nodeLinker: node-modules"), filtered);
        assertTrue(filtered.contains("npmRegistryServer: https://npm.corp.example"), filtered);
        assertTrue(filtered.contains("corp:"), filtered);
    }

    @Test
    void gemrcKeepsRubySymbolKeysPlain() throws Exception {
        String gemrc = """
                ---
                :sources:
                - https://ada:hunter2@gems.corp.example/
                - https://rubygems.org/
                gem: --no-document
                :rubygems_api_key: s3cr3t-VALUE
                """;
        String filtered = new YamlFilter(UrlCredentials::strip).filter(gemrc);
        assertNoSecret(filtered);
        assertTrue(filtered.contains(":sources:\n- https://gems.corp.example/\n- https://rubygems.org/"), filtered);
        assertTrue(filtered.contains("gem: --no-document"), filtered);
    }

    @Test
    void condarcDropsTokensInChannelPaths() throws Exception {
        String condarc = """
                channels:
                  - https://conda.anaconda.org/t/s3cr3t-VALUE/corp
                  - conda-forge
                channel_alias: https://ada:hunter2@conda.corp.example
                """;
        String filtered = new YamlFilter(UrlCredentials::stripWithCondaTokens).filter(condarc);
        assertNoSecret(filtered);
        assertTrue(filtered.contains("https://conda.anaconda.org/corp") && filtered.contains("conda-forge"), filtered);
        assertTrue(filtered.contains("channel_alias: https://conda.corp.example"), filtered);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a: [1, 2\n", "a: 1\na: 2\n", "- just\n- a list\n", "key: !!python/object x\n"})
    void yamlThatCannotBeReadIsUnparseable(String text) {
        assertThrows(UnparseableConfig.class, () -> new YamlFilter(UrlCredentials::strip).filter(text));
    }

    @Test
    void mavenSettingsKeepMirrorsProfilesAndProxiesWithoutCredentials() throws Exception {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
                  <localRepository>/home/ada/.m2/repository</localRepository>
                  <servers>
                    <server><id>corp</id><username>ada</username><password>s3cr3t-VALUE</password></server>
                    <server><id>gh</id><configuration><httpHeaders><property><name>Authorization</name>
                      <value>Bearer hunter2</value></property></httpHeaders></configuration></server>
                  </servers>
                  <!-- <server><id>old</id><password>hunter2</password></server> -->
                  <mirrors>
                    <mirror><id>corp</id><mirrorOf>*</mirrorOf><url>https://ada:hunter2@repo.corp.example/maven2</url></mirror>
                  </mirrors>
                  <proxies>
                    <proxy><id>p</id><host>proxy.corp.example</host><port>3128</port><username>ada</username>
                      <password>s3cr3t-VALUE</password></proxy>
                  </proxies>
                  <profiles>
                    <profile><id>release</id><properties><gpg.passphrase>s3cr3t-VALUE</gpg.passphrase>
                      <gpg.keyname>ABCD1234</gpg.keyname></properties></profile>
                  </profiles>
                  <activeProfiles><activeProfile>release</activeProfile></activeProfiles>
                </settings>
                """;
        String filtered = new MavenSettingsFilter().filter(xml);
        assertNoSecret(filtered);
        assertFalse(filtered.contains("<servers"), filtered);
        for (String kept : new String[] {"<url>https://repo.corp.example/maven2</url>", "<mirrorOf>*</mirrorOf>",
                "<host>proxy.corp.example</host>", "<username>ada</username>", "<gpg.keyname>ABCD1234</gpg.keyname>",
                "<activeProfile>release</activeProfile>", "<localRepository>/home/ada/.m2/repository</localRepository>"}) {
            assertTrue(filtered.contains(kept), kept + " missing:\n" + filtered);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<settings><servers><server><password>x</password></servers></settings>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE settings [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<settings>&e;</settings>",
            "<project><servers/></project>",
            "not xml at all"})
    void mavenSettingsThatAreNotWellFormedOrUseADoctypeAreUnparseable(String text) {
        assertThrows(UnparseableConfig.class, () -> new MavenSettingsFilter().filter(text));
    }

    @Test
    void cargoConfigDropsTokensInTablesAndKeepsTheRest() throws Exception {
        String toml = """
                # cargo config
                [registry]
                default = "corp"
                token = "s3cr3t-VALUE"   # the token

                [registries.corp]
                index = "sparse+https://ada:hunter2@crates.corp.example/index/"
                protocol = "sparse"

                [source.crates-io]
                replace-with = "corp-mirror"

                [build]
                rustflags = [
                  "-C", "target-cpu=native", # tuned
                ]
                jobs = 4
                [net.auth]
                anything = "s3cr3t-VALUE"
                [profile.release]
                lto = true
                """;
        String filtered = new TomlFilter().filter(toml);
        assertNoSecret(filtered);
        assertFalse(filtered.contains("# the token") || filtered.contains("# cargo config"), filtered);
        for (String kept : new String[] {"default = \"corp\"", "index = \"sparse+https://crates.corp.example/index/\"",
                "protocol = \"sparse\"", "replace-with = \"corp-mirror\"", "\"target-cpu=native\"",
                "jobs = 4", "[profile.release]\nlto = true"}) {
            assertTrue(filtered.contains(kept), kept + " missing:\n" + filtered);
        }
    }

    @Test
    void bunfigDropsAScopeWhoseInlineTableHoldsAToken() throws Exception {
        String toml = """
                [install]
                registry = "https://bun:hunter2@npm.corp.example/"

                [install.scopes]
                corp = { token = "s3cr3t-VALUE", url = "https://npm.corp.example/" }
                public = { url = "https://registry.npmjs.org/" }
                doc = '''
                multi-line literal with = and { braces
                '''
                """;
        String filtered = new TomlFilter().filter(toml);
        assertNoSecret(filtered);
        assertTrue(filtered.contains("registry = \"https://npm.corp.example/\""), filtered);
        assertTrue(filtered.contains("public = { url = \"https://registry.npmjs.org/\" }"), filtered);
        assertTrue(filtered.contains("multi-line literal with = and { braces"), filtered);
        assertFalse(filtered.contains("corp = "), filtered);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[registry\ntoken = 1\n", "token = \"unterminated\n", "just words\n", "a = [1, 2\n",
            "a = \"\"\"never closed\n", "a = 1 b = 2\n", "= 3\n"})
    void tomlThatIsNotTomlIsUnparseable(String text) {
        assertThrows(UnparseableConfig.class, () -> new TomlFilter().filter(text));
    }

    @Test
    void gradlePropertiesDropPasswordTokenAndSecretKeys() throws Exception {
        String properties = """
                org.gradle.jvmargs=-Xmx2g
                org.gradle.java.home=/usr/lib/jvm/temurin-21
                systemProp.https.proxyHost=proxy.corp.example
                systemProp.https.proxyPassword=s3cr3t-VALUE
                signing.keyId=ABCD1234
                signing.password=s3cr3t-VALUE
                signing.secretKeyRingFile=/home/ada/.gnupg/secring.gpg
                mavenCentralToken=s3cr3t-VALUE
                corpRepoUrl=https://ada:hunter2@repo.corp.example/maven2
                multi=one \\
                  two
                """;
        String filtered = new PropertiesFilter().filter(properties);
        assertNoSecret(filtered);
        assertFalse(filtered.contains("secring"), filtered);
        Properties read = new Properties();
        read.load(new StringReader(filtered));
        assertEquals("-Xmx2g", read.getProperty("org.gradle.jvmargs"));
        assertEquals("/usr/lib/jvm/temurin-21", read.getProperty("org.gradle.java.home"));
        assertEquals("ABCD1234", read.getProperty("signing.keyId"));
        assertEquals("https://repo.corp.example/maven2", read.getProperty("corpRepoUrl"));
        assertEquals("one two", read.getProperty("multi"));
        assertThrows(UnparseableConfig.class, () -> new PropertiesFilter().filter("bad=\\u12\n"));
    }

    @Test
    void secretNamesAreWholeWords() {
        for (String secret : new String[] {"_authToken", "//h/:_auth", "npmAuthIdent", "_password", "key", "rubygems_api_key",
                "systemProp.http.proxyPassword", "GITHUB_TOKEN", "npm_config__authToken", "gpg.passphrase", "CARGO_REGISTRY_TOKEN",
                "client_secret", "UV_INDEX_CORP_PASSWORD"}) {
            assertTrue(SecretNames.isSecret(secret), secret);
        }
        for (String plain : new String[] {"init-author-name", "registry", "keyfile", "signing.keyId", "username", "email",
                "npm_config_fund", "JAVA_HOME", "MAVEN_OPTS", "keepalive", "monkey"}) {
            assertFalse(SecretNames.isSecret(plain), plain);
        }
    }

    @Test
    void urlCredentialsGoButSshUserNamesStay() {
        assertEquals("https://host/x", UrlCredentials.strip("https://user:pass@host/x"));
        assertEquals("https://host/x", UrlCredentials.strip("https://token@host/x"));
        assertEquals("git+ssh://git@github.com/a/b", UrlCredentials.strip("git+ssh://git@github.com/a/b"));
        assertEquals("ssh://host/a", UrlCredentials.strip("ssh://git:pw@host/a"));
        assertEquals("a https://h/ and http://i/", UrlCredentials.strip("a https://u:p@h/ and http://v@i/"));
        assertEquals("mailto:ada@example.com", UrlCredentials.strip("mailto:ada@example.com"));
    }
}
