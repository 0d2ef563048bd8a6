package dev.vectraguard.config;

import dev.vectraguard.sandbox.SecurityLevel;
import dev.vectraguard.sandbox.SecurityProfile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link ConfigLoader#load}.
 *
 * @param config          the typed effective configuration
 * @param settings        every key (schema order) with its value and source, for {@code vg config show}
 * @param files           the config files read, lowest precedence first
 * @param warnings        one-line warnings to print (vectra-guard keys without effect, alias values)
 * @param deploymentEnv   {@code $VECTRAGUARD_ENV}, or null when not set
 * @param fileTrust       how far each file in {@code files} is trusted, in the same order
 * @param trustedSettings the settings from trusted and approved sources only, before untrusted files tightened them
 * @param ignored         values of untrusted files that were not applied
 * @param approvalsDir    the state directory holding {@link ConfigApprovals}, chosen by trusted sources only (null for a single document)
 */
public record LoadedConfig(VgConfig config, Map<String, Setting> settings, List<Path> files, List<String> warnings,
                           DeploymentEnv deploymentEnv, List<ConfigFileTrust> fileTrust, Map<String, Setting> trustedSettings,
                           List<IgnoredSetting> ignored, Path approvalsDir) {

    /** {@code sandbox.trust_store_path} (set by trusted or approved sources only), or null: STATE_DIR/trust.json. */
    public Path trustStorePath() {
        Setting setting = settings.get("sandbox.trust_store_path");
        return setting == null ? null : (Path) setting.value();
    }

    /** True if {@code key}'s value comes from an untrusted file (which may only tighten). */
    public boolean tightenedByUntrustedFile(String key) {
        return settings.get(key).source() instanceof ConfigSource.File f && trustOf(f.path()) == ConfigFileTrust.Status.UNTRUSTED;
    }

    /**
     * Whether {@code sandbox.cpu_limit} (else the level's CPU figure) is a hard quota at {@code level}:
     * at paranoid, or when a trusted or approved source set the key. Otherwise it is only a share of
     * the CPUs under contention, which an untrusted file may lower but not turn into a quota.
     */
    public boolean cpuQuota(SecurityLevel level) {
        Setting trusted = trustedSettings.get("sandbox.cpu_limit");
        return SecurityProfile.of(level).cpuQuota() || trusted != null && trusted.value() != null;
    }

    /** The trust status of the file named {@code path} (as in {@link ConfigSource.File#path()}), or null. */
    public ConfigFileTrust.Status trustOf(String path) {
        for (ConfigFileTrust t : fileTrust) {
            if (t.file().toString().equals(path)) {
                return t.status();
            }
        }
        return null;
    }

    /**
     * One line per untrusted file with ignored values, naming the keys and how to approve the file,
     * e.g. {@code ./vectra-guard.yaml: ignored 1 loosening key (sandbox.mode): the file is not approved; ...}.
     */
    public List<String> trustNotices(Path workingDir) {
        return fileTrust.stream().filter(ConfigFileTrust::untrusted).map(t -> {
            List<String> keys = ignored.stream().filter(i -> i.source().path().equals(t.file().toString()))
                    .map(IgnoredSetting::key).distinct().toList();
            if (keys.isEmpty()) {
                return null;
            }
            String shown = displayPath(t.file(), workingDir);
            return shown + ": ignored " + keys.size() + " loosening key" + (keys.size() == 1 ? "" : "s")
                    + " (" + String.join(", ", keys) + "): " + t.reason() + "; approve it with: vg config trust " + quote(shown);
        }).filter(java.util.Objects::nonNull).toList();
    }

    /** {@code ./NAME} for a file in the working directory, else the absolute path. */
    public static String displayPath(Path file, Path workingDir) {
        Path dir = workingDir.toAbsolutePath().normalize();
        return file.getParent() != null && file.getParent().equals(dir) ? "./" + file.getFileName() : file.toString();
    }

    private static String quote(String path) {
        return path.matches("[A-Za-z0-9_./@%+=:,-]+") ? path : "'" + path.replace("'", "'\\''") + "'";
    }
}
