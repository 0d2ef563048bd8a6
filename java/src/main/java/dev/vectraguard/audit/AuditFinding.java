package dev.vectraguard.audit;

/**
 * One line of the audit's table.
 *
 * @param source   npm-audit, pip-audit or install-script
 * @param name     the package (and for a script, which one: {@code name postinstall})
 * @param severity how bad
 * @param detail   the advisory's title or the script's findings, one line
 */
public record AuditFinding(String source, String name, Severity severity, String detail) {}
