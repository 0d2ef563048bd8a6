package dev.vectraguard.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * What a sandboxed command added to the shared caches: {@code added} new files, and the new files
 * {@code refused} ("path: reason"), e.g. because they did not match their hash.
 */
public record CacheAdditions(int added, List<String> refused) {
    static final CacheAdditions NONE = new CacheAdditions(0, List.of());

    public CacheAdditions {
        refused = List.copyOf(refused);
    }

    CacheAdditions plus(CacheAdditions other) {
        List<String> all = new ArrayList<>(refused);
        all.addAll(other.refused);
        return new CacheAdditions(added + other.added, all);
    }
}
