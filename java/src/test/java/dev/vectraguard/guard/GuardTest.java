package dev.vectraguard.guard;

import dev.vectraguard.metrics.RunDecision;
import dev.vectraguard.policy.RiskLevel;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The judge-and-run flow as an embedder calls it: real commands, a real sandbox, its own approver and reporter. */
class GuardTest {
    @TempDir
    Path root;

    /** Collects what the flow reports. */
    static final class Lines implements Guard.Reporter {
        final List<String> lines = new ArrayList<>();

        @Override
        public void print(String kind, String message, Map<String, Object> fields) {
            lines.add(kind + ": " + message);
        }

        @Override
        public void sandbox(SandboxSpec spec, SandboxProcess process, boolean cached, String why) {
            lines.add("sandbox: " + spec.securityLevel().label() + " " + why);
        }

        @Override
        public void warn(String message) {
            lines.add("warn: " + message);
        }
    }

    /** Answers every prompt with {@code answer} and remembers what it was asked. */
    static final class Answering implements Guard.Approver {
        final Answer answer;
        final List<String> asked = new ArrayList<>();

        Answering(Answer answer) {
            this.answer = answer;
        }

        @Override
        public boolean interactive() {
            return true;
        }

        @Override
        public Answer ask(String why, String command) {
            asked.add(command);
            return answer;
        }
    }

    private GuardRequest request(String script) throws Exception {
        Path config = root.resolve("config.yaml");
        Files.writeString(config, "guard_level:\n  level: high\nsandbox:\n  network_mode: none\n");
        Path workspace = Files.createDirectories(root.resolve("ws"));
        return new GuardRequest(List.of("sh", "-c", script), config, root.resolve("state"), workspace, null, null, null,
                null, false, false);
    }

    @Test
    void anApprovedCommandRunsInTheSandboxAndIsRecorded() throws Exception {
        GuardRequest request = request("git reset --hard 2>/dev/null; echo ran > marker; exit 3");
        Answering approver = new Answering(Guard.Approver.Answer.ONCE);
        Lines reporter = new Lines();
        GuardResult result = Guard.judgeAndRun(request, reporter, approver);
        assertEquals(List.of("sh -c 'git reset --hard 2>/dev/null; echo ran > marker; exit 3'"), approver.asked);
        assertEquals(3, result.exitCode(), result + " " + reporter.lines);
        assertEquals(RunDecision.SANDBOX, result.decision());
        assertEquals(RiskLevel.MEDIUM, result.risk());
        assertEquals("native", result.runtime());
        assertTrue(Files.readString(request.workspace().resolve("marker")).equals("ran\n"));
        assertTrue(reporter.lines.stream().anyMatch(l -> l.startsWith("sandbox: balanced")), reporter.lines.toString());
        assertTrue(Files.readString(request.stateDir().resolve("metrics.json")).contains("\"sandbox\""));
    }

    @Test
    void aRefusedApprovalRunsNothingAndSaysWhy() throws Exception {
        GuardRequest request = request("git reset --hard; echo ran > marker");
        Lines reporter = new Lines();
        GuardResult result = Guard.judgeAndRun(request, reporter, new Answering(Guard.Approver.Answer.CANCEL));
        assertEquals(ExitCodes.BLOCKED, result.exitCode());
        assertEquals(RunDecision.BLOCKED, result.decision());
        assertTrue(result.why().startsWith("approval refused: "), result.why());
        assertFalse(Files.exists(request.workspace().resolve("marker")));
        assertEquals(List.of("cancelled: cancelled"), reporter.lines);
    }

    @Test
    void withoutSomeoneToAskTheCommandIsBlocked() throws Exception {
        GuardRequest request = request("git reset --hard; echo ran > marker");
        Lines reporter = new Lines();
        GuardResult result = Guard.judgeAndRun(request, reporter, Guard.Approver.REFUSE);
        assertEquals(ExitCodes.BLOCKED, result.exitCode());
        assertFalse(Files.exists(request.workspace().resolve("marker")));
        assertTrue(reporter.lines.getFirst().startsWith("blocked: blocked"), reporter.lines.toString());
    }

    @Test
    void aBadConfigIsOneLineAndExit125() throws Exception {
        GuardRequest request = request("true");
        Files.writeString(request.configFile(), "sandbox:\n  secomp_profile: strict\n");
        Lines reporter = new Lines();
        GuardResult result = Guard.judgeAndRun(request, reporter, Guard.Approver.REFUSE);
        assertEquals(ExitCodes.VG_FAILURE, result.exitCode());
        assertEquals(null, result.decision());
        assertEquals(1, reporter.lines.size(), reporter.lines.toString());
        assertTrue(reporter.lines.getFirst().contains("secomp_profile"), reporter.lines.toString());
    }
}
