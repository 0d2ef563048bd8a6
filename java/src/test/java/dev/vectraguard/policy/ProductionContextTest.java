package dev.vectraguard.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProductionContextTest {
    private final ProductionContext context = new ProductionContext(List.of("prod", "production", "prd", "live"));

    @Test
    void namingProductionRaisesRiskyCommandsOneStep() {
        RiskReport plain = RiskAnalyzer.analyze("git reset --hard");
        RiskReport prod = context.escalate(RiskAnalyzer.analyze("git reset --hard && kubectl --context prod get pods"));
        assertEquals(RiskLevel.MEDIUM, plain.risk());
        assertEquals(RiskLevel.HIGH, prod.risk());
        assertTrue(prod.topFinding().orElseThrow().reason().contains("names production: 'prod'"), prod.toString());
    }

    @Test
    void harmlessCommandsAndLookAlikeWordsStayAsTheyAre() {
        assertEquals(RiskLevel.LOW, context.escalate(RiskAnalyzer.analyze("kubectl --context prod get pods")).risk());
        RiskReport product = context.escalate(RiskAnalyzer.analyze("git reset --hard product-page"));
        assertEquals(RiskLevel.MEDIUM, product.risk(), "'product' is not the word 'prod'");
        assertEquals(RiskLevel.CRITICAL, context.escalate(RiskAnalyzer.analyze("rm -rf / --live")).risk(), "critical stays critical");
    }

    @Test
    void aPackageNamedLikeProductionIsNotProduction() {
        assertEquals(RiskLevel.MEDIUM, context.escalate(RiskAnalyzer.analyze("npm install live-server")).risk());
        assertEquals(RiskLevel.MEDIUM, context.escalate(RiskAnalyzer.analyze("pip install prod-utils")).risk());
    }

    @Test
    void noKeywordsChangeNothing() {
        RiskReport report = RiskAnalyzer.analyze("git reset --hard live");
        assertEquals(report, new ProductionContext(List.of()).escalate(report));
    }
}
