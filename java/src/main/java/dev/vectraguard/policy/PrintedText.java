package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The text a command prints when it can be known without running it: {@code echo} (with {@code -e}
 * escapes), {@code printf} (its format's escapes and {@code %s}/{@code %b} conversions), {@code cat} of
 * a here-document; and what a decoder makes of known input ({@code base64 -d}, {@code xxd -r -p}, {@code rev}).
 * {@code escaped} says that backslash escapes spelled characters that could have been written plainly.
 */
record PrintedText(String text, boolean escaped) {
    private static final int MAX_LENGTH = 1 << 16;

    static PrintedText of(Invocation source) {
        String name = source.name();
        List<Word> operands = source.operands();
        if (name.equals("echo")) {
            List<String> words = new ArrayList<>(source.args().size());
            boolean escapes = false;
            boolean flags = true;
            for (Word arg : source.args()) {
                String value = arg.value();
                if (flags && value.length() > 1 && value.charAt(0) == '-' && value.substring(1).chars().allMatch(c -> "neE".indexOf(c) >= 0)) {
                    escapes |= value.indexOf('e') > 0;
                    continue;
                }
                flags = false;
                words.add(value);
            }
            String text = String.join(" ", words);
            return escapes ? unescape(text, false) : new PrintedText(text, false);
        }
        if (name.equals("printf") && !operands.isEmpty()) {
            return printf(operands);
        }
        if (name.equals("cat") && source.args().isEmpty()) {
            String input = source.input();
            return input == null ? null : new PrintedText(input, false);
        }
        return null;
    }

    /** What {@code decoder} prints for {@code input}, or null when it is not a decoder vg can run in its head. */
    static PrintedText decode(Invocation decoder, PrintedText input) {
        String text = input.text().strip();
        try {
            String decoded = switch (decoder.name()) {
                case "base64", "base32" -> decoder.has("-d", "--decode", "-D") && decoder.name().equals("base64")
                        ? new String(Base64.getMimeDecoder().decode(text), StandardCharsets.UTF_8) : null;
                case "xxd" -> decoder.hasShortFlag('r') && decoder.hasShortFlag('p')
                        ? new String(HexFormat.of().parseHex(text.replaceAll("\\s", "").toLowerCase(Locale.ROOT)), StandardCharsets.UTF_8) : null;
                case "rev" -> new StringBuilder(text).reverse().toString();
                default -> null;
            };
            return decoded == null ? null : new PrintedText(decoded, true);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code text} decoded from base64 when it is base64 of printable text (a command hidden in a program), else null. */
    static String base64(String text) {
        String trimmed = text.strip();
        if (trimmed.length() < 8 || !trimmed.matches("[A-Za-z0-9+/]+={0,2}")) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(trimmed), StandardCharsets.UTF_8);
            return decoded.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\n' || c == '\t') ? decoded : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static PrintedText printf(List<Word> operands) {
        PrintedText format = unescape(operands.getFirst().value(), true);
        List<String> arguments = new ArrayList<>();
        operands.subList(1, operands.size()).forEach(word -> arguments.add(word.value()));
        StringBuilder out = new StringBuilder();
        boolean escaped = format.escaped();
        int next = 0;
        String text = format.text();
        do {
            for (int i = 0; i < text.length() && out.length() < MAX_LENGTH; i++) {
                char c = text.charAt(i);
                if (c != '%' || i + 1 >= text.length()) {
                    out.append(c);
                    continue;
                }
                int end = i + 1;
                while (end < text.length() && "-+ #0123456789.".indexOf(text.charAt(end)) >= 0) {
                    end++;
                }
                char conversion = end < text.length() ? text.charAt(end) : '%';
                if (conversion == '%') {
                    out.append('%');
                } else {
                    String argument = next < arguments.size() ? arguments.get(next) : "";
                    next++;
                    if (conversion == 'b') {
                        PrintedText unescaped = unescape(argument, true);
                        escaped |= unescaped.escaped();
                        out.append(unescaped.text());
                    } else if (conversion == 'c') {
                        out.append(argument.isEmpty() ? "" : argument.substring(0, 1));
                    } else {
                        out.append(argument);
                    }
                }
                i = end;
            }
        } while (next > 0 && next < arguments.size() && out.length() < MAX_LENGTH);
        return new PrintedText(out.toString(), escaped);
    }

    /** Backslash escapes as echo -e and printf read them; {@code escaped} when a hex, octal or unicode escape was used. */
    static PrintedText unescape(String text, boolean printf) {
        if (text.indexOf('\\') < 0) {
            return new PrintedText(text, false);
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean escaped = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 >= text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'a' -> out.append('\u0007');
                case 'e', 'E' -> out.append('\u001b');
                case '\\' -> out.append('\\');
                case 'x', 'u', 'U' -> {
                    int max = next == 'x' ? 2 : next == 'u' ? 4 : 8;
                    int end = i + 1;
                    while (end < text.length() && end - i - 1 < max && Character.digit(text.charAt(end), 16) >= 0) {
                        end++;
                    }
                    if (end == i + 1) {
                        out.append('\\').append(next);
                    } else {
                        long value = Long.parseLong(text.substring(i + 1, end), 16);
                        // past U+10FFFF bash prints bytes that no UTF-8 reader takes for a character
                        out.appendCodePoint(value <= Character.MAX_CODE_POINT ? (int) value : 0xFFFD);
                        escaped = true;
                        i = end - 1;
                    }
                }
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    int start = next == '0' && !printf ? i + 1 : i;
                    int end = start;
                    while (end < text.length() && end - start < 3 && text.charAt(end) >= '0' && text.charAt(end) <= '7') {
                        end++;
                    }
                    if (end == start) {
                        out.append('\0');
                    } else {
                        out.append((char) (Integer.parseInt(text.substring(start, end), 8) & 0xff));
                        i = end - 1;
                    }
                    escaped = true;
                }
                default -> out.append('\\').append(next);
            }
        }
        return new PrintedText(out.toString(), escaped);
    }
}
