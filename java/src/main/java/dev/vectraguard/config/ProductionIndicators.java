package dev.vectraguard.config;

import java.util.List;

/**
 * The {@code production_indicators:} section.
 *
 * @param branches {@code production_indicators.branches} — {@link GuardLevelResolver}: git branch globs meaning production
 * @param hosts    {@code production_indicators.hosts} — {@link GuardLevelResolver}: host name globs meaning production
 * @param keywords {@code production_indicators.keywords} — policy (risk): words that raise a command's risk one level
 *                 when they appear as an argument or part of a host, URL or path argument
 */
public record ProductionIndicators(List<String> branches, List<String> hosts, List<String> keywords) {}
