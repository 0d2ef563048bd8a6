package dev.vectraguard.sandbox;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the sandbox environment: empty, plus the whitelisted variables of the caller. */
public final class Environment {
    /** Variables passed by default: locale, terminal and identity, nothing that holds secrets. */
    public static final List<String> DEFAULT_WHITELIST = List.of(
            "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "LC_*", "TERM", "COLORTERM", "NO_COLOR", "TZ",
            "SHELL", "EDITOR", "PAGER");

    private Environment() {}

    /** The entries of {@code source} whose names match one of {@code patterns} ({@code *} any run of characters, {@code ?} one). */
    public static Map<String, String> whitelisted(Map<String, String> source, List<String> patterns) {
        Map<String, String> result = new TreeMap<>();
        source.forEach((name, value) -> {
            for (String pattern : patterns) {
                if (matches(pattern, name)) {
                    result.put(name, value);
                    return;
                }
            }
        });
        return result;
    }

    /** {@code *} matches any run of characters (none too), {@code ?} exactly one, as in the config's globs. */
    static boolean matches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int starName = 0;
        while (n < name.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                p++;
                n++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starName = n;
            } else if (star >= 0) {
                p = star + 1;
                n = ++starName;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
