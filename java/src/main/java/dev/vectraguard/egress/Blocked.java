package dev.vectraguard.egress;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A destination restricted networking refused: {@code destination} as the command asked for it
 * ({@code name:port}, {@code name} for a lookup, or {@code address:port}) and why.
 */
public record Blocked(String destination, String reason) {
    @Override
    public String toString() {
        return destination + " (" + reason + ")";
    }

    /**
     * The one line after a run: what was blocked and the keys that would allow it, e.g.
     * {@code blocked evil.example.com:443 (not in sandbox.allowed_domains); allow with sandbox.allowed_domains}.
     */
    public static String summary(List<Blocked> blocked) {
        Set<String> keys = new LinkedHashSet<>();
        for (Blocked b : blocked) {
            if (b.reason().contains(EgressPolicy.ALLOWED_KEY)) {
                keys.add(EgressPolicy.ALLOWED_KEY);
            } else if (b.reason().contains(EgressPolicy.DENIED_KEY)) {
                keys.add("removing it from " + EgressPolicy.DENIED_KEY);
            } else {
                keys.add(EgressPolicy.PRIVATE_KEY + " (trusted config only)");
            }
        }
        return "network: blocked " + String.join(", ", blocked.stream().map(Blocked::toString).toList())
                + "; allow with " + String.join(" or ", keys);
    }
}
