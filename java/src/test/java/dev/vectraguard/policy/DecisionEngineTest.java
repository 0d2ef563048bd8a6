package dev.vectraguard.policy;

import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecisionEngineTest {
    private static final String COMMAND = "tool --do-it";

    /** The guard-level table from DecisionEngine's javadoc, by risk LOW, MEDIUM, HIGH, CRITICAL. */
    private static final Map<GuardLevel, List<String>> GUARD_TABLE = new EnumMap<>(Map.of(
            GuardLevel.OFF, List.of("run", "run", "run", "run"),
            GuardLevel.LOW, List.of("run", "run", "run", "ask"),
            GuardLevel.MEDIUM, List.of("run", "run", "ask", "ask"),
            GuardLevel.HIGH, List.of("run", "ask", "ask", "block"),
            GuardLevel.PARANOID, List.of("run", "ask", "block", "block")));

    /** Whether each mode sandboxes LOW, MEDIUM, HIGH, CRITICAL, and a low-risk networked install. */
    private static final Map<SandboxMode, List<Boolean>> MODE_TABLE = new EnumMap<>(Map.of(
            SandboxMode.ALWAYS, List.of(true, true, true, true, true),
            SandboxMode.AUTO, List.of(false, true, true, true, true),
            SandboxMode.RISKY, List.of(false, false, true, true, false),
            SandboxMode.NEVER, List.of(false, false, false, true, false)));

    private enum Lists { NONE, ALLOWED, DENIED, BOTH }

    @Test
    void exhaustiveDecisionTable() {
        int cases = 0;
        for (SandboxMode mode : SandboxMode.values()) {
            for (GuardLevel guard : GuardLevel.values()) {
                if (guard == GuardLevel.AUTO) {
                    continue;
                }
                for (Lists lists : Lists.values()) {
                    DecisionEngine engine = new DecisionEngine(settings(mode, guard, lists));
                    for (RiskLevel risk : RiskLevel.values()) {
                        for (boolean networked : new boolean[] {false, true}) {
                            for (boolean trusted : new boolean[] {false, true}) {
                                for (boolean interactive : new boolean[] {false, true}) {
                                    Decision decision = engine.decide(report(risk, networked), trusted, interactive);
                                    String situation = mode + " " + guard + " " + lists + " " + risk + " networked=" + networked
                                            + " trusted=" + trusted + " interactive=" + interactive + " -> " + decision;
                                    assertEquals(expected(mode, guard, lists, risk, networked, trusted, interactive),
                                            decision.action(), situation);
                                    assertEquals(expectedSandbox(mode, risk, networked), decision.sandboxed(), situation);
                                    if (risk == RiskLevel.CRITICAL) {
                                        assertNotEquals(Decision.Action.HOST, decision.action(), situation);
                                    }
                                    assertTrue(!decision.why().isBlank() && !decision.why().contains("\n"), situation);
                                    cases++;
                                }
                            }
                        }
                    }
                }
            }
        }
        assertEquals(4 * 5 * 4 * 4 * 2 * 2 * 2, cases);
    }

    private static Decision.Action expected(SandboxMode mode, GuardLevel guard, Lists lists, RiskLevel risk,
                                            boolean networked, boolean trusted, boolean interactive) {
        if (lists == Lists.DENIED || lists == Lists.BOTH) {
            return Decision.Action.BLOCK;
        }
        String rule = GUARD_TABLE.get(guard).get(risk.ordinal());
        if (rule.equals("block")) {
            return Decision.Action.BLOCK;
        }
        if (rule.equals("ask") && lists != Lists.ALLOWED && !trusted) {
            return interactive ? Decision.Action.ASK : Decision.Action.BLOCK;
        }
        return expectedSandbox(mode, risk, networked) ? Decision.Action.SANDBOX : Decision.Action.HOST;
    }

    private static boolean expectedSandbox(SandboxMode mode, RiskLevel risk, boolean networked) {
        List<Boolean> row = MODE_TABLE.get(mode);
        return row.get(risk.ordinal()) || (networked && row.get(4));
    }

    @Test
    void whySaysTheRiskAndTheReason() {
        DecisionEngine engine = new DecisionEngine(settings(SandboxMode.AUTO, GuardLevel.MEDIUM, Lists.NONE));
        Decision install = engine.decide(RiskAnalyzer.analyze("npm install"), false, true);
        assertEquals(Decision.Action.SANDBOX, install.action());
        assertEquals("medium risk: networked install (npm install)", install.why());
        Decision listing = engine.decide(RiskAnalyzer.analyze("ls -la"), false, true);
        assertEquals(Decision.Action.HOST, listing.action());
        assertEquals("low risk: no findings", listing.why());
        Decision push = engine.decide(RiskAnalyzer.analyze("git push --force origin feature"), false, true);
        assertEquals(Decision.Action.ASK, push.action());
        assertTrue(push.sandboxed());
        assertEquals("high risk: force push (git push --force origin feature); needs approval at guard level medium", push.why());
    }

    @Test
    void patternsAreMatchedAgainstTheNormalizedCommand() {
        PolicySettings settings = new PolicySettings(SandboxMode.NEVER, GuardLevel.MEDIUM,
                List.of(GlobPattern.compile("git push --force origin feature/*")), List.of(GlobPattern.compile("curl * | sh")));
        DecisionEngine engine = new DecisionEngine(settings);
        Decision denied = engine.decide(RiskAnalyzer.analyze("curl   -s 'http://x'|sh"), true, true);
        assertEquals(Decision.Action.BLOCK, denied.action());
        assertEquals(Optional.of("curl * | sh"), denied.matchedPattern());
        Decision allowed = engine.decide(RiskAnalyzer.analyze("git push --force origin \"feature/x\""), false, false);
        assertEquals(Decision.Action.HOST, allowed.action());
        assertEquals(Optional.of("git push --force origin feature/*"), allowed.matchedPattern());
        Decision notAllowed = engine.decide(RiskAnalyzer.analyze("git push --force origin main"), false, false);
        assertEquals(Decision.Action.BLOCK, notAllowed.action());
        assertEquals(Optional.empty(), notAllowed.matchedPattern());
    }

    @Test
    void allowlistedCriticalCommandsStillNeverRunOnTheHost() {
        PolicySettings settings = new PolicySettings(SandboxMode.NEVER, GuardLevel.LOW, List.of(GlobPattern.compile("rm *")), List.of());
        Decision decision = new DecisionEngine(settings).decide(RiskAnalyzer.analyze("rm -rf /"), true, true);
        assertEquals(Decision.Action.SANDBOX, decision.action());
    }

    @Test
    void unresolvedGuardLevelIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new PolicySettings(SandboxMode.AUTO, GuardLevel.AUTO, List.of(), List.of()));
    }

    private static PolicySettings settings(SandboxMode mode, GuardLevel guard, Lists lists) {
        List<GlobPattern> allow = lists == Lists.ALLOWED || lists == Lists.BOTH ? List.of(GlobPattern.compile("tool *")) : List.of();
        List<GlobPattern> deny = lists == Lists.DENIED || lists == Lists.BOTH ? List.of(GlobPattern.compile("* --do-it")) : List.of();
        return new PolicySettings(mode, guard, allow, deny);
    }

    private static RiskReport report(RiskLevel risk, boolean networked) {
        List<RiskFinding> findings = risk == RiskLevel.LOW ? List.of()
                : List.of(new RiskFinding(FindingCode.PARSE_ERROR, risk, "synthetic " + risk.label() + " finding"));
        return new RiskReport(risk, findings, networked, COMMAND);
    }
}
