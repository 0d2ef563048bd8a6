package dev.vectraguard.policy;

/**
 * Text from a command (or anything a command chose) as a terminal shows it: control characters,
 * which could move the cursor, erase or recolour what is printed around them, and the Unicode
 * direction overrides, which reorder it, are written as escapes ({@code \e}, {@code \r},
 * {@code \x7f}, {@code \u202e}), and so is a byte that is not UTF-8 ({@code \xff}): what the
 * person reads is what runs.
 */
public final class VisibleText {
    private VisibleText() {}

    public static String escape(String text) {
        if (text.codePoints().noneMatch(VisibleText::disguises)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            if (!disguises(c)) {
                out.appendCodePoint(c);
                return;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x1b -> out.append("\\e");
                default -> out.append(c < 0x100 || isUndecodedByte(c) ? String.format("\\x%02x", c & 0xff)
                        : String.format("\\u%04x", c));
            }
        });
        return out.toString();
    }

    /** {@link #escape escaped}, and cut to {@code max} characters with a note of how many were left out. */
    public static String shortened(String text, int max) {
        String visible = escape(text);
        if (visible.length() <= max) {
            return visible;
        }
        int cut = Character.isHighSurrogate(visible.charAt(max - 1)) ? max - 1 : max;
        return visible.substring(0, cut) + "... (" + (visible.length() - cut) + " more characters)";
    }

    /** A byte that was not valid UTF-8, as vg carries it (a lone U+DC80..U+DCFF; see nativecore.ByteStrings). */
    private static boolean isUndecodedByte(int c) {
        return c >= 0xdc80 && c <= 0xdcff;
    }

    /** C0 and C1 controls, DEL, the bidirectional embeddings, overrides and isolates, and undecoded bytes. */
    private static boolean disguises(int c) {
        return isUndecodedByte(c) || c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200e || c == 0x200f || c == 0x061c;
    }
}
