package dev.vectraguard.nativecore;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Arguments, environment values and file names are bytes; Java strings are text. vg carries a byte
 * that is not part of valid UTF-8 as the lone surrogate U+DC00+byte (Python's "surrogateescape"),
 * which no valid UTF-8 decodes to, so every byte string survives the round trip unchanged.
 */
public final class ByteStrings {
    private static final int ESCAPE_BASE = 0xDC00;

    private ByteStrings() {}

    /** {@code bytes} as UTF-8, with every byte outside valid UTF-8 carried as U+DC00+byte. */
    public static String decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // at most one char per byte
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                out.put((char) (ESCAPE_BASE | (in.get() & 0xff)));
            } else {
                decoder.flush(out);
                return out.flip().toString();
            }
        }
    }

    /** The bytes {@link #decode} read {@code text} from: UTF-8, with U+DC80..U+DCFF back as their byte. */
    public static byte[] encode(String text) {
        if (!hasEscapedBytes(text)) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 8);
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (isEscapedByte(text, i)) {
                out.writeBytes(text.substring(start, i).getBytes(StandardCharsets.UTF_8));
                out.write(text.charAt(i) & 0xff);
                start = i + 1;
            }
        }
        out.writeBytes(text.substring(start).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Whether {@code text} carries a byte that is not valid UTF-8. */
    public static boolean hasEscapedBytes(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isEscapedByte(text, i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the char at {@code index} is a lone U+DC80..U+DCFF (a byte 0x80..0xff that was not valid
     * UTF-8), not the second half of a surrogate pair.
     */
    public static boolean isEscapedByte(String text, int index) {
        char c = text.charAt(index);
        return c >= ESCAPE_BASE + 0x80 && c <= ESCAPE_BASE + 0xff
                && (index == 0 || !Character.isHighSurrogate(text.charAt(index - 1)));
    }
}
