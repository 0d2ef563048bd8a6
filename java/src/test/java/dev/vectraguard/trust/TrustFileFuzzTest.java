package dev.vectraguard.trust;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vectraguard.json.JsonException;
import dev.vectraguard.json.JsonMapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jazzer target: any bytes in trust.json are a trust file or one {@link JsonException} (the state
 * file then sets it aside as corrupt); what is read is written back to the same content.
 */
class TrustFileFuzzTest {
    @FuzzTest(maxDuration = "12h", maxExecutions = 10_000_000)
    void anyBytesAreATrustFileOrCorrupt(byte[] bytes) {
        TrustFile file;
        try {
            file = JsonMapping.read(bytes, TrustFile.class);
        } catch (JsonException corrupt) {
            return;
        }
        if (file != null) {
            assertEquals(file, JsonMapping.read(JsonMapping.writePretty(file), TrustFile.class));
        }
    }
}
