package dev.vectraguard.sandbox.toolconfig;

import java.util.ArrayList;
import java.util.List;

/**
 * INI files, line by line: npm's {@code .npmrc} and pnpm's {@code rc} (npm's ini reader: every
 * other line is {@code key[=value]}), and pip's {@code pip.conf} (Python's configparser: {@code key =
 * value} or {@code key: value}, indented lines continue a value, anything else is an error). A key
 * whose name holds a credential goes with its continuation lines, a section whose name does goes
 * whole, comment lines go (a commented-out line may be an old token); credentials in URLs are
 * removed from the rest.
 */
final class IniFilter implements ConfigFilter {
    enum Dialect { NPM, PYTHON }

    private final Dialect dialect;

    IniFilter(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public String filter(String text) throws UnparseableConfig {
        List<String> out = new ArrayList<>();
        boolean secretSection = false;
        boolean secretKey = false;
        boolean inValue = false;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                out.add(line);
                continue;
            }
            if (trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue; // a commented-out line may be an old token
            }
            boolean indented = Character.isWhitespace(line.charAt(0));
            if (dialect == Dialect.PYTHON && indented) {
                if (!inValue) {
                    throw UnparseableConfig.atLine(i + 1, "an indented line that continues no value");
                }
                if (!secretSection && !secretKey) {
                    out.add(UrlCredentials.strip(line));
                }
                continue;
            }
            if (trimmed.startsWith("[") && (trimmed.endsWith("]") || dialect == Dialect.PYTHON)) {
                if (!trimmed.endsWith("]")) {
                    throw UnparseableConfig.atLine(i + 1, "a section header without ']'");
                }
                secretSection = SecretNames.isSecret(trimmed.substring(1, trimmed.length() - 1));
                inValue = false;
                if (!secretSection) {
                    out.add(line);
                }
                continue;
            }
            int separator = separator(trimmed);
            if (separator < 0 && dialect == Dialect.PYTHON) {
                throw UnparseableConfig.atLine(i + 1, "neither a section, a key = value line nor a comment");
            }
            if (separator == 0) {
                throw UnparseableConfig.atLine(i + 1, "a value without a key");
            }
            String key = unquote(separator < 0 ? trimmed : trimmed.substring(0, separator).strip());
            secretKey = SecretNames.isSecret(key);
            inValue = true;
            if (!secretSection && !secretKey) {
                out.add(UrlCredentials.strip(line));
            }
        }
        return String.join("\n", out);
    }

    /** Where the key ends: the first '=' (npm), or the first '=' or ':' (configparser); -1 when none. */
    private int separator(String line) {
        int equals = line.indexOf('=');
        if (dialect == Dialect.NPM) {
            return equals;
        }
        int colon = line.indexOf(':');
        return equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
    }

    private static String unquote(String key) {
        if (key.length() >= 2 && (key.startsWith("\"") && key.endsWith("\"") || key.startsWith("'") && key.endsWith("'"))) {
            return key.substring(1, key.length() - 1);
        }
        return key;
    }
}
