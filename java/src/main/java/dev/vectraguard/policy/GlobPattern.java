package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.ShellParser;

/**
 * An allow/deny pattern over normalised commands: {@code *} matches any run of characters (spaces and
 * {@code |} included), {@code ?} exactly one. The pattern is normalised like commands are, so
 * {@code curl *  |  sh} matches {@code curl -s http://x | sh}. Matching is iterative, O(pattern x command)
 * at worst, never exponential.
 */
public final class GlobPattern {
    private final String source;
    private final String pattern;

    private GlobPattern(String source, String pattern) {
        this.source = source;
        this.pattern = pattern;
    }

    public static GlobPattern compile(String pattern) {
        return new GlobPattern(pattern, ShellParser.parse(pattern).normalized());
    }

    /** The pattern as configured. */
    public String source() {
        return source;
    }

    /** True when the whole of {@code normalizedCommand} (see {@link RiskReport#normalizedCommand()}) matches. */
    public boolean matches(String normalizedCommand) {
        int p = 0;
        int t = 0;
        int star = -1;
        int starText = 0;
        while (t < normalizedCommand.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == normalizedCommand.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starText = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++starText;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return source;
    }
}
