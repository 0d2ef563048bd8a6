package dev.vectraguard.sandbox.toolconfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cached filtered text is used only for the same content filtered by the same vg build. */
class FilteredCacheTest {
    @TempDir
    Path dir;

    private static final ToolConfigFiles.Known NPMRC = ToolConfigFiles.KNOWN.getFirst();

    @Test
    void theSameContentOfTheSameBuildComesFromTheCacheAndAnyChangeFiltersAgain() throws Exception {
        FilteredCache cache = new FilteredCache(dir, "build-1");
        assertEquals("fund=false", cache.filtered(NPMRC, "fund=false\n_authToken=x"));
        Path entry = dir.resolve(".npmrc");
        String stored = Files.readString(entry);
        Files.writeString(entry, stored.replace("fund=false", "from-the-cache"));
        assertEquals("from-the-cache", cache.filtered(NPMRC, "fund=false\n_authToken=x"));

        assertEquals("fund=true", cache.filtered(NPMRC, "fund=true\n_authToken=x"), "changed content");
        Files.writeString(entry, Files.readString(entry).replace("fund=true", "from-the-cache"));
        assertEquals("fund=true", new FilteredCache(dir, "build-2").filtered(NPMRC, "fund=true\n_authToken=x"), "another build");
    }

    @Test
    void anUnparseableFileStaysUnparseableFromTheCache() throws Exception {
        ToolConfigFiles.Known settings = ToolConfigFiles.KNOWN.stream().filter(k -> k.path().equals(".m2/settings.xml")).findFirst()
                .orElseThrow();
        FilteredCache cache = new FilteredCache(dir, "build-1");
        UnparseableConfig first = assertThrows(UnparseableConfig.class, () -> cache.filtered(settings, "<settings>"));
        UnparseableConfig second = assertThrows(UnparseableConfig.class, () -> cache.filtered(settings, "<settings>"));
        assertEquals(first.getMessage(), second.getMessage());
        assertTrue(Files.readString(dir.resolve(".m2!settings.xml")).contains("!"));
    }

    @Test
    void withoutABuildNothingIsCached() throws Exception {
        assertEquals("fund=false", new FilteredCache(dir, null).filtered(NPMRC, "fund=false"));
        assertTrue(Files.notExists(dir.resolve(".npmrc")));
    }
}
