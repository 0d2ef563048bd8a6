package dev.vectraguard.audit;

import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.guard.PolicyEngines;
import dev.vectraguard.json.JsonException;
import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.policy.RiskFinding;
import dev.vectraguard.policy.RiskReport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * vg's own check of npm install-time scripts: for the project and every package in package-lock.json
 * (lockfile version 2 or 3), its {@code preinstall}, {@code install} and {@code postinstall} scripts
 * (read from the package's package.json under node_modules) rated by the same rules as commands.
 * Every file read is the attacker's: paths stay inside the project, symlinks are not followed, and
 * sizes are bounded.
 */
public final class InstallScripts {
    static final String LOCKFILE = "package-lock.json";
    private static final List<String> HOOKS = List.of("preinstall", "install", "postinstall");
    private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private InstallScripts() {}

    /** The findings for the project in {@code dir}; an {@link AuditException} names an unreadable lockfile. */
    public static List<AuditFinding> check(Path dir, LoadedConfig loaded) throws AuditException {
        Path lockfile = dir.resolve(LOCKFILE);
        Map<?, ?> lock = readJson(dir, lockfile, true);
        Object version = lock.get("lockfileVersion");
        if (!(lock.get("packages") instanceof Map<?, ?> packages)) {
            throw new AuditException(lockfile + ": no \"packages\" (lockfileVersion " + version
                    + "); vg reads lockfile versions 2 and 3: run npm install --package-lock-only with npm 7 or later");
        }
        List<AuditFinding> findings = new ArrayList<>();
        for (Map.Entry<?, ?> entry : packages.entrySet()) {
            String location = String.valueOf(entry.getKey());
            if (!(entry.getValue() instanceof Map<?, ?> lockEntry) || Boolean.TRUE.equals(lockEntry.get("link"))) {
                continue;
            }
            String name = location.isEmpty() ? "(project)" : location.substring(location.lastIndexOf("node_modules/") + 13);
            Path packageDir = inside(dir, location);
            Map<?, ?> manifest = packageDir == null ? null : readJson(dir, packageDir.resolve("package.json"), false);
            Map<?, ?> scripts = manifest != null && manifest.get("scripts") instanceof Map<?, ?> s ? s : Map.of();
            boolean found = false;
            for (String hook : HOOKS) {
                if (scripts.get(hook) instanceof String script) {
                    found = true;
                    findings.add(rate(name + " " + hook, script, loaded));
                }
            }
            if (!found && Boolean.TRUE.equals(lockEntry.get("hasInstallScript"))) {
                findings.add(new AuditFinding("install-script", name, Severity.LOW, manifest == null
                        ? "has an install script, but the package is not in node_modules: install it with "
                                + "npm ci --ignore-scripts, then audit again to have it rated"
                        : "has an install script that is not in its package.json (e.g. node-gyp rebuild for binding.gyp)"));
            }
        }
        return findings;
    }

    private static AuditFinding rate(String name, String script, LoadedConfig loaded) {
        RiskReport report = PolicyEngines.rate(loaded, script);
        String detail = report.findings().isEmpty() ? "no findings: " + oneLine(script)
                : report.findings().stream().map(RiskFinding::reason).collect(Collectors.joining("; "))
                        + " [" + oneLine(script) + "]";
        return new AuditFinding("install-script", name, Severity.of(report.risk()), detail);
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** The package directory of lockfile key {@code location}, or null when it would leave the project. */
    private static Path inside(Path dir, String location) {
        Path resolved = dir.resolve(location).normalize();
        return resolved.startsWith(dir.normalize()) && !location.contains("\0") ? resolved : null;
    }

    /** A JSON object file; null when it is absent and not {@code required}. Symlinks are not followed. */
    private static Map<?, ?> readJson(Path dir, Path file, boolean required) throws AuditException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || symlinkedBetween(dir, file)) {
            if (required) {
                throw new AuditException(file + ": not found (or not a regular file): vg audit npm needs the project's "
                        + LOCKFILE + " (npm install --package-lock-only makes one)");
            }
            return null;
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new AuditException(file + ": cannot read: " + e.getMessage());
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new AuditException(file + ": larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB");
        }
        try {
            return JsonMapping.read(bytes, Map.class);
        } catch (JsonException | ClassCastException e) {
            throw new AuditException(file + ": not a JSON object: " + e.getMessage());
        }
    }

    /** Whether a directory between the project and {@code file} is a symlink (it could point anywhere). */
    private static boolean symlinkedBetween(Path dir, Path file) {
        for (Path parent = file.getParent(); parent != null && parent.startsWith(dir) && !parent.equals(dir);
             parent = parent.getParent()) {
            if (Files.isSymbolicLink(parent)) {
                return true;
            }
        }
        return false;
    }
}
