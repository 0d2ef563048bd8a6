package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.policy.VisibleText;
import dev.vectraguard.sandbox.EnvironmentPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vg exec --explain-env} and {@code vg config show --env}: each of the caller's environment
 * variables, whether the sandbox gets it and why (names and reasons only, never a value).
 */
final class EnvExplanation {
    private EnvExplanation() {}

    static String summary(EnvironmentPlan plan) {
        return "sandbox environment: " + (plan.variables().size() - plan.droppedCount()) + " passed, "
                + plan.droppedCount() + " dropped (values not shown)";
    }

    /** One line per variable: {@code passed  NAME  why}, names escaped. */
    static List<String> lines(EnvironmentPlan plan) {
        int width = plan.variables().stream().mapToInt(v -> VisibleText.escape(v.name()).length()).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (EnvironmentPlan.Variable variable : plan.variables()) {
            String name = VisibleText.escape(variable.name());
            lines.add(String.format(Locale.ROOT, "%-8s %-" + Math.max(1, width) + "s  %s",
                    variable.passed() ? "passed" : "dropped", name, variable.why()));
        }
        return lines;
    }

    /** {@code [{"name":..., "passed":true, "why":...}, ...]} */
    static List<Map<String, Object>> json(EnvironmentPlan plan) {
        List<Map<String, Object>> variables = new ArrayList<>();
        for (EnvironmentPlan.Variable variable : plan.variables()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", variable.name());
            entry.put("passed", variable.passed());
            entry.put("why", variable.why());
            variables.add(entry);
        }
        return variables;
    }

    /** On stderr, before a sandboxed run: the summary and the lines, or one JSON object with {@code logging.format: json}. */
    static void print(Notices notices, boolean json, EnvironmentPlan plan) {
        if (json) {
            notices.print("env", summary(plan), Map.of("variables", json(plan)));
            return;
        }
        Stderr.warn(summary(plan));
        for (String line : lines(plan)) {
            Caller.current().err().println("vg:   " + line);
        }
    }
}
