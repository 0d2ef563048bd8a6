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

    /** The entries of {@code source} whose names match one of {@code patterns} ({@code *} matches any run of characters). */
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

    static boolean matches(String pattern, String name) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(name);
        }
        String prefix = pattern.substring(0, star);
        String rest = pattern.substring(star + 1);
        if (!name.startsWith(prefix) || name.length() < prefix.length() + rest.length()) {
            return false;
        }
        if (rest.indexOf('*') < 0) {
            return name.endsWith(rest);
        }
        for (int i = prefix.length(); i <= name.length(); i++) {
            if (matches(rest, name.substring(i))) {
                return true;
            }
        }
        return false;
    }
}
