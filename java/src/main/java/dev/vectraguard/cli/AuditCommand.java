package dev.vectraguard.cli;

import dev.vectraguard.audit.AuditException;
import dev.vectraguard.audit.AuditFinding;
import dev.vectraguard.audit.EcosystemAudit;
import dev.vectraguard.audit.InstallScripts;
import dev.vectraguard.audit.Severity;
import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.guard.GuardRequest;
import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.policy.VisibleText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vg audit npm|pip}: the ecosystem's own audit, run in the sandbox, plus vg's rating of npm install scripts. */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Audit a project's dependencies: npm audit --json (npm) or pip-audit (pip), run through vg as "
                + "vg exec would (in the sandbox), and for npm vg's own rating of every preinstall, install and "
                + "postinstall script of the packages in package-lock.json, by the same rules as commands.",
                "Exit code: the worst severity found: 0 none or low, 1 medium (npm: moderate), 2 high, 3 critical; "
                        + "77 the audit tool was blocked; 125 the audit could not be made (one line says why)."},
        footer = {"", "Examples:", "  vg audit npm", "  vg audit npm --json --scripts-only", "  vg audit pip --workspace ~/src/api"})
final class AuditCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ECOSYSTEM", description = "npm or pip.")
    String ecosystem;

    @Option(names = "--json", description = "Print one JSON object: worst, exit_code, findings.")
    boolean json;

    @Option(names = "--scripts-only", description = "npm: only vg's install-script check, not npm audit (no network).")
    boolean scriptsOnly;

    @Option(names = "--workspace", paramLabel = "DIR", converter = Utf8PathConverter.class,
            description = "The project (default: the current directory).")
    Path workspace;

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() {
        EcosystemAudit.Ecosystem which = switch (ecosystem) {
            case "npm" -> EcosystemAudit.Ecosystem.NPM;
            case "pip" -> EcosystemAudit.Ecosystem.PIP;
            default -> null;
        };
        if (which == null) {
            return Stderr.fail("unknown ecosystem '" + VisibleText.escape(ecosystem) + "': give npm or pip");
        }
        if (scriptsOnly && which != EcosystemAudit.Ecosystem.NPM) {
            return Stderr.fail("--scripts-only is for npm (pip packages have no install-script hooks in a lockfile)");
        }
        options.workspace = workspace;
        Path dir = (workspace != null ? workspace : Path.of("")).toAbsolutePath().normalize();
        LoadedConfig loaded;
        try {
            loaded = options.load();
        } catch (ConfigException e) {
            return Stderr.fail(e.getMessage());
        }
        List<AuditFinding> findings = new ArrayList<>();
        try {
            if (which == EcosystemAudit.Ecosystem.NPM) {
                findings.addAll(InstallScripts.check(dir, loaded));
            }
            if (!scriptsOnly) {
                GuardRequest template = new GuardRequest(List.of("true"), options.configFile, options.stateDir, workspace,
                        null, null, null, null, true, false);
                findings.addAll(EcosystemAudit.run(which, dir, new EcosystemAudit.Runner(template,
                        new Notices(loaded.config().logFormat()), new Approval())));
            }
        } catch (AuditException e) {
            Stderr.warn(e.getMessage());
            return e.exitCode();
        }
        findings.sort(Comparator.comparing(AuditFinding::severity).reversed().thenComparing(AuditFinding::name));
        Severity worst = findings.isEmpty() ? Severity.NONE : findings.getFirst().severity();
        PrintStream out = System.out;
        if (json) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("ecosystem", ecosystem);
            report.put("worst", worst.label());
            report.put("exit_code", worst.exitCode());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (AuditFinding finding : findings) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("severity", finding.severity().label());
                row.put("source", finding.source());
                row.put("name", finding.name());
                row.put("detail", finding.detail());
                rows.add(row);
            }
            report.put("findings", rows);
            out.println(JsonMapping.write(report));
        } else {
            printTable(out, findings, worst);
        }
        return worst == Severity.NONE ? ExitCodes.OK : worst.exitCode();
    }

    private static void printTable(PrintStream out, List<AuditFinding> findings, Severity worst) {
        if (findings.isEmpty()) {
            out.println("no findings");
            return;
        }
        int nameWidth = Math.min(40, findings.stream().mapToInt(f -> f.name().length()).max().orElse(4));
        out.printf("%-8s  %-14s  %-" + nameWidth + "s  %s%n", "SEVERITY", "SOURCE", "PACKAGE", "DETAIL");
        for (AuditFinding finding : findings) {
            out.printf("%-8s  %-14s  %-" + nameWidth + "s  %s%n", finding.severity().label(), finding.source(),
                    VisibleText.escape(finding.name()), VisibleText.escape(finding.detail()));
        }
        Map<Severity, Long> counts = new LinkedHashMap<>();
        for (AuditFinding finding : findings) {
            counts.merge(finding.severity(), 1L, Long::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((severity, count) -> parts.add(count + " " + severity.label()));
        out.println(findings.size() + " finding(s): " + String.join(", ", parts) + "; worst: " + worst.label());
    }
}
