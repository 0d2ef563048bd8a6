package dev.vectraguard.trust;

import java.time.Instant;

/**
 * One trusted command.
 *
 * @param id       SHA-256 hex of the normalised command (the key in trust.json)
 * @param command  the normalised command string
 * @param note     why it was trusted (may be empty)
 * @param created  when it was added
 * @param expires  when trust ends, or null for never
 * @param useCount how often a run was allowed because of this entry
 * @param lastUsed the last such run, or null
 */
public record TrustEntry(String id, String command, String note, Instant created, Instant expires, long useCount, Instant lastUsed) {
    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }
}
