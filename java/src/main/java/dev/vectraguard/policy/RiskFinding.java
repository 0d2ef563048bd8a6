package dev.vectraguard.policy;

/** One reason a command is risky: a stable code, its severity and a one-line reason naming the command. */
public record RiskFinding(FindingCode code, RiskLevel severity, String reason) {}
