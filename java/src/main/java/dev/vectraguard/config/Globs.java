package dev.vectraguard.config;

/**
 * The glob patterns of config lists ({@code env_whitelist}, {@code protected_vars},
 * {@code production_indicators.branches/hosts}): {@code *} matches any run of characters
 * (including none), {@code ?} exactly one; everything else matches itself. Case-sensitive.
 */
public final class Globs {
    private Globs() {}

    public static boolean matches(String glob, String text) {
        int g = 0;
        int t = 0;
        int starG = -1;
        int starT = 0;
        while (t < text.length()) {
            if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
                g++;
                t++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                starG = g++;
                starT = t;
            } else if (starG >= 0) {
                g = starG + 1;
                t = ++starT;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    /** True if any of {@code globs} matches {@code text}. */
    public static boolean matchesAny(Iterable<String> globs, String text) {
        for (String glob : globs) {
            if (matches(glob, text)) {
                return true;
            }
        }
        return false;
    }
}
