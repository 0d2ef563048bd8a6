package dev.vectraguard.sandbox;

import dev.vectraguard.sandbox.toolconfig.SecretNames;
import dev.vectraguard.sandbox.toolconfig.UrlCredentials;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which of the caller's environment variables the sandbox gets, and why each one is passed or
 * dropped: protected names never pass; then names the whitelist matches, as they are; then the
 * build tools' non-secret variables ({@link #BUILD_TOOLS}), minus names that hold a credential
 * and with the credentials of URLs in their values removed; nothing else.
 *
 * @param passed    the sandbox's environment
 * @param variables every variable of the caller, by name, with its fate
 */
public record EnvironmentPlan(Map<String, String> passed, List<Variable> variables) {
    /**
     * The build tools' variables passed by default besides the whitelist: settings such tools read
     * from the environment, none of which is meant to hold a secret.
     */
    public static final List<String> BUILD_TOOLS = List.of(
            "JAVA_HOME", "JDK_HOME", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "MAVEN_OPTS", "MAVEN_ARGS", "MAVEN_HOME",
            "M2_HOME", "GRADLE_OPTS", "GRADLE_HOME",
            "NODE_OPTIONS", "NODE_ENV", "NODE_PATH", "NODE_EXTRA_CA_CERTS", "npm_config_*", "NPM_CONFIG_*", "YARN_*",
            "PNPM_HOME", "COREPACK_*",
            "GOPATH", "GOROOT", "GOFLAGS", "GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOSUMDB", "GOINSECURE",
            "GOTOOLCHAIN", "GO111MODULE", "GOOS", "GOARCH", "CGO_ENABLED",
            "CARGO_HOME", "RUSTUP_*", "RUSTFLAGS", "RUSTDOCFLAGS", "CARGO_BUILD_*", "CARGO_INCREMENTAL",
            "CARGO_TERM_*", "RUST_BACKTRACE", "RUST_LOG",
            "PIP_*", "UV_*", "POETRY_*", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PYTHONIOENCODING",
            "VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "PYENV_ROOT", "PYENV_VERSION",
            "GEM_HOME", "GEM_PATH", "BUNDLE_PATH", "BUNDLE_WITHOUT", "BUNDLE_GEMFILE", "BUNDLE_JOBS", "BUNDLE_DEPLOYMENT",
            "BUNDLE_FROZEN",
            "CC", "CXX", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "MAKEFLAGS", "PKG_CONFIG_PATH",
            "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO",
            "LANG", "LANGUAGE", "LC_*", "TZ", "EDITOR", "VISUAL", "PAGER", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR",
            "CLICOLOR",
            "CI", "CONTINUOUS_INTEGRATION", "BUILD_NUMBER", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "CIRCLECI",
            "TRAVIS", "JENKINS_URL", "TF_BUILD", "TEAMCITY_VERSION", "BITBUCKET_BUILD_NUMBER", "CODEBUILD_BUILD_ID",
            "DRONE", "APPVEYOR");

    /** How a variable fared. */
    public enum Fate { PASSED, PASSED_WITHOUT_URL_CREDENTIALS, DROPPED }

    /**
     * One variable of the caller: its name, its fate and why (the pattern or list that decided;
     * never its value).
     */
    public record Variable(String name, Fate fate, String why) {
        public boolean passed() {
            return fate != Fate.DROPPED;
        }
    }

    /**
     * @param source          the caller's environment
     * @param whitelist       {@code sandbox.env_whitelist}
     * @param protectedVars   {@code env_protection.protected_vars}, applied when {@code protection} is on
     */
    public static EnvironmentPlan of(Map<String, String> source, List<String> whitelist, List<String> protectedVars,
                                     boolean protection) {
        Map<String, String> passed = new TreeMap<>();
        List<Variable> variables = new ArrayList<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(source).entrySet()) {
            String name = entry.getKey();
            String value = entry.getValue();
            String protectedBy = protection ? firstMatch(protectedVars, name) : null;
            String whitelisted = firstMatch(whitelist, name);
            String buildTool = firstMatch(BUILD_TOOLS, name);
            Variable variable;
            if (protectedBy != null) {
                variable = new Variable(name, Fate.DROPPED, "env_protection.protected_vars (" + protectedBy + ")");
            } else if (whitelisted != null) {
                variable = new Variable(name, Fate.PASSED, "sandbox.env_whitelist (" + whitelisted + ")");
                passed.put(name, value);
            } else if (buildTool != null && SecretNames.isSecret(name)) {
                variable = new Variable(name, Fate.DROPPED, "build tools' allow-list (" + buildTool
                        + "), but its name says it holds a credential");
            } else if (buildTool != null) {
                String stripped = UrlCredentials.strip(value);
                variable = stripped.equals(value)
                        ? new Variable(name, Fate.PASSED, "build tools' allow-list (" + buildTool + ")")
                        : new Variable(name, Fate.PASSED_WITHOUT_URL_CREDENTIALS, "build tools' allow-list (" + buildTool
                                + "), with the credentials of its URL removed");
                passed.put(name, stripped);
            } else {
                variable = new Variable(name, Fate.DROPPED, "in neither sandbox.env_whitelist nor the build tools' allow-list");
            }
            variables.add(variable);
        }
        return new EnvironmentPlan(Map.copyOf(passed), List.copyOf(variables));
    }

    public long droppedCount() {
        return variables.stream().filter(v -> !v.passed()).count();
    }

    private static String firstMatch(List<String> patterns, String name) {
        for (String pattern : patterns) {
            if (Environment.matches(pattern, name)) {
                return pattern;
            }
        }
        return null;
    }
}
