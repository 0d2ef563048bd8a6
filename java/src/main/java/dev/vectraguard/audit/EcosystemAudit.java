package dev.vectraguard.audit;

import dev.vectraguard.guard.CapturedRun;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.guard.Guard;
import dev.vectraguard.guard.GuardRequest;
import dev.vectraguard.guard.GuardResult;
import dev.vectraguard.json.JsonException;
import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.policy.VisibleText;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ecosystem's own audit ({@code npm audit --json}, {@code pip-audit -f json}), judged and run
 * through the same flow as {@code vg exec} (in the sandbox, as the config decides), its JSON read
 * from the captured output.
 */
public final class EcosystemAudit {
    /** How much of the tool's JSON is read; a report larger than this is refused, not cut. */
    private static final int MAX_REPORT_BYTES = 32 * 1024 * 1024;

    public enum Ecosystem { NPM, PIP }

    /** How the guard flow runs the tool: the request's other settings, the reporter and the approver of the caller. */
    public record Runner(GuardRequest template, Guard.Reporter reporter, Guard.Approver approver) {}

    private EcosystemAudit() {}

    /** The tool's findings for the project in {@code dir}. */
    public static List<AuditFinding> run(Ecosystem ecosystem, Path dir, Runner runner) throws AuditException {
        List<String> command = switch (ecosystem) {
            case NPM -> List.of("npm", "audit", "--json");
            case PIP -> {
                if (!onPath("pip-audit")) {
                    throw new AuditException("pip-audit is not installed (pipx install pip-audit, or pip install pip-audit); "
                            + "vg audit pip runs it in the sandbox");
                }
                yield Files.isRegularFile(dir.resolve("requirements.txt"))
                        ? List.of("pip-audit", "-f", "json", "--progress-spinner", "off", "-r", "requirements.txt")
                        : List.of("pip-audit", "-f", "json", "--progress-spinner", "off");
            }
        };
        CapturedRun capture = new CapturedRun(dir, MAX_REPORT_BYTES);
        GuardRequest template = runner.template();
        GuardRequest request = new GuardRequest(command, template.configFile(), template.stateDir(), template.workspace(),
                template.securityLevel(), template.network(), template.timeout(), template.runtime(), true,
                template.handleSignals());
        GuardResult result = Guard.judgeAndRun(request, runner.reporter(), runner.approver(), capture);
        if (result.exitCode() == ExitCodes.BLOCKED || result.decision() == null || capture.stdout().truncated()) {
            throw new AuditException(String.join(" ", command) + " did not run: " + result.why()
                    + (capture.stdout().truncated() ? " (its report is larger than " + MAX_REPORT_BYTES + " bytes)" : ""),
                    result.exitCode() == ExitCodes.BLOCKED ? ExitCodes.BLOCKED : ExitCodes.VG_FAILURE);
        }
        String output = capture.stdout().text();
        Object value;
        try {
            value = JsonMapping.read(output.isBlank() ? "null" : output, Object.class);
        } catch (JsonException e) {
            value = null;
        }
        if (!(value instanceof Map<?, ?> report)) {
            String stderr = capture.stderr().text().strip();
            throw new AuditException(String.join(" ", command) + " failed (exit " + result.exitCode() + "; no JSON report)"
                    + (stderr.isEmpty() ? "" : ": " + VisibleText.escape(stderr.lines().reduce((a, b) -> b).orElse(""))));
        }
        return ecosystem == Ecosystem.NPM ? npmFindings(report) : pipFindings(report);
    }

    /** npm 7+: {"vulnerabilities": {name: {severity, via: [advisory objects or names], range, ...}}}. */
    static List<AuditFinding> npmFindings(Map<?, ?> report) throws AuditException {
        if (report.get("error") instanceof Map<?, ?> error) {
            Object summary = error.get("summary") instanceof String text && !text.isBlank() ? text : report.get("message");
            throw new AuditException("npm audit failed: " + VisibleText.escape(String.valueOf(summary)));
        }
        List<AuditFinding> findings = new ArrayList<>();
        if (report.get("vulnerabilities") instanceof Map<?, ?> vulnerabilities) {
            for (Map.Entry<?, ?> entry : vulnerabilities.entrySet()) {
                if (!(entry.getValue() instanceof Map<?, ?> vulnerability)) {
                    continue;
                }
                List<String> titles = new ArrayList<>();
                if (vulnerability.get("via") instanceof List<?> via) {
                    for (Object cause : via) {
                        titles.add(cause instanceof Map<?, ?> advisory ? String.valueOf(advisory.get("title"))
                                : "through " + cause);
                    }
                }
                String range = vulnerability.get("range") instanceof String r ? " (" + r + ")" : "";
                findings.add(new AuditFinding("npm-audit", entry.getKey() + range,
                        Severity.ofNpm(String.valueOf(vulnerability.get("severity"))), String.join("; ", titles)));
            }
        }
        return findings;
    }

    /** pip-audit: {"dependencies": [{name, version, vulns: [{id, fix_versions, ...}]}]}; it gives no severity. */
    static List<AuditFinding> pipFindings(Map<?, ?> report) {
        List<AuditFinding> findings = new ArrayList<>();
        if (report.get("dependencies") instanceof List<?> dependencies) {
            for (Object item : dependencies) {
                if (item instanceof Map<?, ?> dependency && dependency.get("vulns") instanceof List<?> vulns) {
                    for (Object v : vulns) {
                        if (v instanceof Map<?, ?> vuln) {
                            findings.add(new AuditFinding("pip-audit", dependency.get("name") + " " + dependency.get("version"),
                                    Severity.HIGH, vuln.get("id") + (vuln.get("fix_versions") instanceof List<?> fixes
                                    && !fixes.isEmpty() ? " (fixed in " + fixes + ")" : "")));
                        }
                    }
                }
            }
        }
        return findings;
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
