package dev.vectraguard.policy.shell;

/** What was malformed, and where (a char offset into the text that was parsed). */
public record ParseError(String message, int offset) {}
