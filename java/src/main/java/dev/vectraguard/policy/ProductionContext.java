package dev.vectraguard.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code production_indicators.keywords}: a command that names production (a word such as
 * {@code prod} or {@code live} standing on its own in an argument: {@code --context prod},
 * {@code db-prod-1}, {@code live.example.org}) is one step more dangerous. Raises every medium or
 * higher finding one level, once; findings the rules already rated for production are left alone, and so are
 * package installs and builds ({@code npm install live-server} fetches a package whose name says live).
 */
public final class ProductionContext {
    private static final Pattern WORD_SEPARATORS = Pattern.compile("[^a-z0-9]+");

    private final List<String> keywords;

    public ProductionContext(List<String> keywords) {
        this.keywords = keywords.stream().map(k -> k.toLowerCase(Locale.ROOT)).filter(k -> !k.isBlank()).toList();
    }

    /** The keyword the command names, if any. */
    public java.util.Optional<String> keywordIn(String normalizedCommand) {
        List<String> words = List.of(WORD_SEPARATORS.split(normalizedCommand.toLowerCase(Locale.ROOT)));
        return keywords.stream().filter(words::contains).findFirst();
    }

    public RiskReport escalate(RiskReport report) {
        if (keywords.isEmpty() || report.findings().isEmpty()) {
            return report;
        }
        java.util.Optional<String> keyword = keywordIn(report.normalizedCommand());
        if (keyword.isEmpty()) {
            return report;
        }
        List<RiskFinding> raised = new ArrayList<>();
        for (RiskFinding finding : report.findings()) {
            boolean alreadyProduction = finding.reason().contains("production");
            boolean fetchesPackages = finding.code() == FindingCode.NETWORKED_INSTALL || finding.code() == FindingCode.NETWORKED_BUILD;
            raised.add(finding.severity().atLeast(RiskLevel.MEDIUM) && !alreadyProduction && !fetchesPackages
                    ? new RiskFinding(finding.code(), finding.severity().raise(),
                            finding.reason() + " (names production: '" + keyword.get() + "')")
                    : finding);
        }
        raised.sort(Comparator.comparing(RiskFinding::severity).reversed());
        return new RiskReport(raised.getFirst().severity(), raised, report.networkedInstall(), report.normalizedCommand());
    }
}
