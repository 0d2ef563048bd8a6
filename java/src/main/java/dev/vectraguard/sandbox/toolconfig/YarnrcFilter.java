package dev.vectraguard.sandbox.toolconfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Yarn 1's {@code .yarnrc}, line by line: {@code key value} with either side optionally quoted,
 * {@code key:} opening a block of more-indented lines. A key whose name holds a credential goes
 * with its block, comment lines go; credentials in URLs are removed from the rest.
 */
final class YarnrcFilter implements ConfigFilter {
    @Override
    public String filter(String text) throws UnparseableConfig {
        List<String> out = new ArrayList<>();
        int droppedIndent = -1;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                out.add(line);
                continue;
            }
            if (trimmed.startsWith("#")) {
                continue; // a commented-out line may be an old token
            }
            int indent = line.indexOf(trimmed.charAt(0));
            if (droppedIndent >= 0 && indent > droppedIndent) {
                continue;
            }
            droppedIndent = -1;
            String key = key(trimmed, i + 1);
            if (SecretNames.isSecret(key)) {
                droppedIndent = indent;
                continue;
            }
            out.add(UrlCredentials.strip(line));
        }
        return String.join("\n", out);
    }

    /** The first word of the line, unquoted. */
    private static String key(String line, int lineNumber) throws UnparseableConfig {
        if (!line.startsWith("\"")) {
            int end = 0;
            while (end < line.length() && !Character.isWhitespace(line.charAt(end)) && line.charAt(end) != ':') {
                end++;
            }
            return line.substring(0, end);
        }
        StringBuilder key = new StringBuilder();
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                key.append(line.charAt(++i));
            } else if (c == '"') {
                return key.toString();
            } else {
                key.append(c);
            }
        }
        throw UnparseableConfig.atLine(lineNumber, "a quoted key without its closing quote");
    }
}
