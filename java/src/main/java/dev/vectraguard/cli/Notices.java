package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.config.LogFormat;
import dev.vectraguard.guard.Guard;
import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.sandbox.EnvironmentPlan;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * vg's lines on stderr about a run, as text ({@code vg: sandbox (...) — why}) or, with
 * {@code logging.format: json}, as one JSON object per line ({@code {"vg":"sandbox","message":...}}).
 */
final class Notices implements Guard.Reporter {

    private final LogFormat format;
    private EnvironmentPlan environment;
    private boolean explainEnvironment;
    private boolean countDropped;

    Notices(LogFormat format) {
        this.format = format;
    }

    /**
     * Before a sandboxed run, list {@code plan}'s variables ({@code --explain-env}); after the sandbox
     * line, say how many it dropped ({@code -v}).
     */
    Notices explainingEnvironment(EnvironmentPlan plan, boolean explain, boolean countDropped) {
        this.environment = plan;
        this.explainEnvironment = explain;
        this.countDropped = countDropped;
        return this;
    }

    @Override
    public void beforeSandbox() {
        if (explainEnvironment) {
            EnvExplanation.print(this, format == LogFormat.JSON, environment);
        }
    }

    /** One line: {@code kind} is sandbox, host, blocked, cancelled, timeout, memory or error. */
    @Override
    public void print(String kind, String message, Map<String, Object> fields) {
        if (format == LogFormat.JSON) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("vg", kind);
            line.put("message", message);
            line.putAll(fields);
            Caller.current().err().println(JsonMapping.write(line));
        } else {
            Stderr.warn(message);
        }
    }

    @Override
    public void warn(String message) {
        Stderr.warn(message);
    }

    @Override
    public void sandbox(SandboxSpec spec, SandboxProcess process, boolean cached, String why) {
        StringBuilder line = new StringBuilder("sandbox (")
                .append(spec.securityLevel().label())
                .append(cached ? ", cached" : "")
                .append(", network ").append(spec.network().label())
                .append(", ").append(process.limitsDescription())
                .append(")").append(Guard.Reporter.dash()).append(why);
        for (String notice : process.notices()) {
            line.append("; ").append(notice);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("level", spec.securityLevel().label());
        fields.put("cached", cached);
        fields.put("network", spec.network().label());
        fields.put("limits", process.limitsDescription());
        fields.put("why", why);
        fields.put("notices", process.notices());
        print("sandbox", line.toString(), fields);
        if (countDropped && environment.droppedCount() > 0) {
            print("env", "environment: dropped " + environment.droppedCount() + " of " + environment.variables().size()
                    + " variables (vg exec --explain-env lists them and why)");
        }
    }
}
