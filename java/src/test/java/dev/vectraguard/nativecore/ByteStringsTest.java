package dev.vectraguard.nativecore;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteStringsTest {
    @Test
    void everyByteStringSurvivesTheRoundTrip() {
        Random random = new Random(8);
        for (int n = 0; n < 20_000; n++) {
            byte[] bytes = new byte[random.nextInt(12)];
            random.nextBytes(bytes);
            assertArrayEquals(bytes, ByteStrings.encode(ByteStrings.decode(bytes)));
        }
        for (String text : List.of("f\u00ffz", "\uD800\uDC80", "\uDBFF\uDCFF x", "\u00e9t\u00e9 \uD83D\uDE00")) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            assertEquals(text, ByteStrings.decode(utf8), "valid UTF-8 decodes as UTF-8");
            assertArrayEquals(utf8, ByteStrings.encode(text));
            assertFalse(ByteStrings.hasEscapedBytes(text), text);
        }
    }

    @Test
    void aByteOutsideUtf8IsCarriedAsALoneSurrogate() {
        byte[] bytes = {'f', (byte) 0xff, 'z', (byte) 0xed, (byte) 0xb2, (byte) 0x80};
        String text = ByteStrings.decode(bytes);
        assertEquals("f\uDCFFz\uDCED\uDCB2\uDC80", text);
        assertTrue(ByteStrings.hasEscapedBytes(text));
        assertArrayEquals(bytes, ByteStrings.encode(text));
    }
}
