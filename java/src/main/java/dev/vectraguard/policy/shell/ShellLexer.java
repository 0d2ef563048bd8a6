package dev.vectraguard.policy.shell;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Splits shell text into words, operators, redirections and newlines. Quoting is resolved here;
 * the text inside {@code $(...)}, backticks and {@code <(...)} is parsed into its own {@link Script}.
 * Here-document bodies are read ahead from the line after their operator, so every token is
 * complete when it is produced. Never throws: malformed input is reported through {@code errors}.
 */
final class ShellLexer {
    static final int MAX_NESTING = 64;

    private static final String[] OPERATORS = {";;&", ";;", ";&", "&&", "||", "|&", ";", "&", "|", "(", ")"};
    private static final String[] REDIRECTIONS = {"&>>", "&>", "<<<", "<<-", "<<", "<&", "<>", "<", ">>", ">&", ">|", ">"};

    private final String src;
    private final int length;
    private final int depth;
    private final List<ParseError> errors;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    /** The newline after which pending here-document bodies start, or -1. */
    private int hereDocumentNewline = -1;
    /** Where lexing resumes after the pending here-document bodies, or -1. */
    private int hereDocumentResume = -1;

    ShellLexer(String src, int depth, List<ParseError> errors) {
        this.src = src;
        this.length = src.length();
        this.depth = depth;
        this.errors = errors;
    }

    List<Token> tokenize() {
        while (true) {
            skipBlanks();
            if (pos >= length) {
                return tokens;
            }
            int start = pos;
            char c = src.charAt(pos);
            if (c == '#') {
                while (pos < length && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == '\n') {
                if (pos == hereDocumentNewline) {
                    pos = hereDocumentResume;
                    hereDocumentNewline = -1;
                    hereDocumentResume = -1;
                } else {
                    pos++;
                }
                tokens.add(new Token.NewlineToken(start));
            } else if ((c == '<' || c == '>') && charAt(pos + 1) == '(') {
                tokens.add(new Token.WordToken(readWord(), start));
            } else if (c == '<' || c == '>' || src.startsWith("&>", pos)) {
                readRedirection("", start);
            } else if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')') {
                readOperator(start);
            } else if (isDigit(c) && startsRedirectionAfterDigits()) {
                int end = pos;
                while (isDigit(src.charAt(end))) {
                    end++;
                }
                String fd = src.substring(pos, end);
                pos = end;
                readRedirection(fd, start);
            } else {
                tokens.add(new Token.WordToken(readWord(), start));
            }
        }
    }

    private boolean startsRedirectionAfterDigits() {
        int end = pos;
        while (end < length && isDigit(src.charAt(end))) {
            end++;
        }
        return end < length && (src.charAt(end) == '<' || src.charAt(end) == '>') && charAt(end + 1) != '(';
    }

    private void readOperator(int start) {
        for (String operator : OPERATORS) {
            if (src.startsWith(operator, pos)) {
                pos += operator.length();
                tokens.add(new Token.OperatorToken(operator, start));
                return;
            }
        }
        throw new IllegalStateException("no operator at " + pos);
    }

    private void readRedirection(String fd, int start) {
        Redirection.Operator operator = null;
        for (String text : REDIRECTIONS) {
            if (src.startsWith(text, pos)) {
                pos += text.length();
                operator = operatorFor(text);
                break;
            }
        }
        skipBlanks();
        Word target;
        boolean processSubstitution = (charAt(pos) == '<' || charAt(pos) == '>') && charAt(pos + 1) == '(';
        if (pos >= length || (isMetacharacter(src.charAt(pos)) && !processSubstitution)) {
            errors.add(new ParseError("missing target after '" + operator.text() + "'", start));
            target = Word.quoted("");
        } else {
            target = readWord();
        }
        String body = "";
        if (operator == Redirection.Operator.HERE_DOCUMENT || operator == Redirection.Operator.HERE_DOCUMENT_STRIP_TABS) {
            body = readHereDocument(target.value(), operator == Redirection.Operator.HERE_DOCUMENT_STRIP_TABS);
        }
        tokens.add(new Token.RedirectionToken(new Redirection(fd, operator, target, body), start));
    }

    private static Redirection.Operator operatorFor(String text) {
        for (Redirection.Operator operator : Redirection.Operator.values()) {
            if (operator.text().equals(text)) {
                return operator;
            }
        }
        throw new IllegalArgumentException(text);
    }

    private String readHereDocument(String delimiter, boolean stripTabs) {
        int bodyStart;
        if (hereDocumentResume >= 0) {
            bodyStart = hereDocumentResume;
        } else {
            int newline = src.indexOf('\n', pos);
            if (newline < 0) {
                return "";
            }
            hereDocumentNewline = newline;
            bodyStart = newline + 1;
        }
        StringBuilder body = new StringBuilder();
        int lineStart = bodyStart;
        while (lineStart < length) {
            int lineEnd = src.indexOf('\n', lineStart);
            if (lineEnd < 0) {
                lineEnd = length;
            }
            String line = src.substring(lineStart, lineEnd);
            if (stripTabs) {
                line = line.replaceFirst("^\t+", "");
            }
            lineStart = lineEnd + 1;
            if (line.equals(delimiter)) {
                break;
            }
            body.append(line).append('\n');
        }
        hereDocumentResume = Math.min(lineStart, length);
        return body.toString();
    }

    private Word readWord() {
        int start = pos;
        WordBuilder parts = new WordBuilder();
        while (pos < length) {
            char c = src.charAt(pos);
            if ((c == '<' || c == '>') && pos == start && charAt(pos + 1) == '(') {
                readProcessSubstitution(parts);
                continue;
            }
            if (isMetacharacter(c) || c == ' ' || c == '\t' || c == '\r') {
                break;
            }
            switch (c) {
                case '\\' -> readEscape(parts);
                case '\'' -> readSingleQuoted(parts);
                case '"' -> readDoubleQuoted(parts);
                case '$' -> readDollar(parts, false);
                case '`' -> readBackticks(parts, false);
                default -> {
                    parts.literal(String.valueOf(c), false);
                    pos++;
                }
            }
        }
        return new Word(src.substring(start, pos), parts.build());
    }

    private void readEscape(WordBuilder parts) {
        if (pos + 1 >= length) {
            parts.literal("\\", false);
            pos++;
        } else if (src.charAt(pos + 1) == '\n') {
            pos += 2;
        } else {
            parts.literal(String.valueOf(src.charAt(pos + 1)), true);
            pos += 2;
        }
    }

    private void readSingleQuoted(WordBuilder parts) {
        int open = pos;
        int close = src.indexOf('\'', pos + 1);
        if (close < 0) {
            errors.add(new ParseError("unclosed single quote", open));
            close = length;
        }
        parts.literal(src.substring(pos + 1, close), true);
        pos = Math.min(close + 1, length);
    }

    private void readDoubleQuoted(WordBuilder parts) {
        int open = pos;
        pos++;
        StringBuilder text = new StringBuilder();
        boolean expanded = false;
        while (pos < length && src.charAt(pos) != '"') {
            char c = src.charAt(pos);
            if (c == '\\' && pos + 1 < length && "$`\"\\\n".indexOf(src.charAt(pos + 1)) >= 0) {
                if (src.charAt(pos + 1) != '\n') {
                    text.append(src.charAt(pos + 1));
                }
                pos += 2;
            } else if (c == '$' || c == '`') {
                if (!text.isEmpty()) {
                    parts.literal(text.toString(), true);
                    text.setLength(0);
                }
                expanded = true;
                if (c == '$') {
                    readDollar(parts, true);
                } else {
                    readBackticks(parts, true);
                }
            } else {
                text.append(c);
                pos++;
            }
        }
        if (pos >= length) {
            errors.add(new ParseError("unclosed double quote", open));
        } else {
            pos++;
        }
        if (!text.isEmpty() || !expanded) {
            parts.literal(text.toString(), true);
        }
    }

    private void readDollar(WordBuilder parts, boolean quoted) {
        char next = charAt(pos + 1);
        if (next == '\'' && !quoted) {
            pos++;
            readAnsiCQuoted(parts);
        } else if (next == '"' && !quoted) {
            pos++;
            readDoubleQuoted(parts);
        } else if (next == '(' && charAt(pos + 2) == '(') {
            int close = matchingParenthesis(pos + 1);
            int end = close < 0 ? length : close;
            if (close < 0) {
                errors.add(new ParseError("unclosed arithmetic expansion '$(('", pos));
            }
            parts.add(new WordPart.Arithmetic(src.substring(pos + 3, Math.max(pos + 3, end - 1)), quoted));
            pos = Math.min(end + 1, length);
        } else if (next == '(') {
            int close = matchingParenthesis(pos + 1);
            int end = close < 0 ? length : close;
            if (close < 0) {
                errors.add(new ParseError("unclosed command substitution '$('", pos));
            }
            parts.add(new WordPart.CommandSubstitution(parseNested(src.substring(pos + 2, end), pos), quoted));
            pos = Math.min(end + 1, length);
        } else if (next == '{') {
            int close = matchingBrace(pos + 1);
            int end = close < 0 ? length : close + 1;
            if (close < 0) {
                errors.add(new ParseError("unclosed parameter expansion '${'", pos));
            }
            int nameStart = pos + 2;
            while (nameStart < end && (src.charAt(nameStart) == '#' || src.charAt(nameStart) == '!')) {
                nameStart++;
            }
            int nameEnd = nameStart;
            while (nameEnd < end && isNameChar(src.charAt(nameEnd))) {
                nameEnd++;
            }
            parts.add(new WordPart.Parameter(src.substring(nameStart, nameEnd), src.substring(pos, end), quoted));
            pos = end;
        } else if (isNameStart(next)) {
            int end = pos + 1;
            while (end < length && isNameChar(src.charAt(end))) {
                end++;
            }
            parts.add(new WordPart.Parameter(src.substring(pos + 1, end), src.substring(pos, end), quoted));
            pos = end;
        } else if (isDigit(next) || (next != 0 && "@*#?$!-".indexOf(next) >= 0)) {
            parts.add(new WordPart.Parameter(String.valueOf(next), src.substring(pos, pos + 2), quoted));
            pos += 2;
        } else {
            parts.literal("$", quoted);
            pos++;
        }
    }

    private void readAnsiCQuoted(WordBuilder parts) {
        int open = pos - 1;
        pos++;
        StringBuilder text = new StringBuilder();
        while (pos < length && src.charAt(pos) != '\'') {
            char c = src.charAt(pos++);
            if (c != '\\' || pos >= length) {
                text.append(c);
                continue;
            }
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> text.append('\n');
                case 't' -> text.append('\t');
                case 'r' -> text.append('\r');
                case 'a' -> text.append('\007');
                case 'b' -> text.append('\b');
                case 'e', 'E' -> text.append('\033');
                case 'f' -> text.append('\f');
                case 'v' -> text.append('\013');
                case 'x' -> text.appendCodePoint(readNumber(16, 2));
                case 'u' -> text.appendCodePoint(readNumber(16, 4));
                case 'U' -> text.appendCodePoint(readNumber(16, 8));
                case 'c' -> {
                    if (pos < length) {
                        text.append((char) (src.charAt(pos++) & 0x1f));
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        pos--;
                        text.appendCodePoint(readNumber(8, 3));
                    } else {
                        text.append(e);
                    }
                }
            }
        }
        if (pos >= length) {
            errors.add(new ParseError("unclosed $' quote", open));
        } else {
            pos++;
        }
        parts.literal(text.toString(), true);
    }

    private int readNumber(int radix, int maxDigits) {
        int value = 0;
        int digits = 0;
        while (digits < maxDigits && pos < length && Character.digit(src.charAt(pos), radix) >= 0) {
            value = value * radix + Character.digit(src.charAt(pos++), radix);
            digits++;
        }
        return Character.isValidCodePoint(value) ? value : '?';
    }

    private void readBackticks(WordBuilder parts, boolean quoted) {
        int open = pos;
        pos++;
        StringBuilder inner = new StringBuilder();
        while (pos < length && src.charAt(pos) != '`') {
            char c = src.charAt(pos);
            if (c == '\\' && pos + 1 < length && "$`\\".indexOf(src.charAt(pos + 1)) >= 0) {
                inner.append(src.charAt(pos + 1));
                pos += 2;
            } else {
                inner.append(c);
                pos++;
            }
        }
        if (pos >= length) {
            errors.add(new ParseError("unclosed backtick", open));
        } else {
            pos++;
        }
        parts.add(new WordPart.CommandSubstitution(parseNested(inner.toString(), open), quoted));
    }

    private void readProcessSubstitution(WordBuilder parts) {
        boolean readable = src.charAt(pos) == '<';
        int close = matchingParenthesis(pos + 1);
        int end = close < 0 ? length : close;
        if (close < 0) {
            errors.add(new ParseError("unclosed process substitution", pos));
        }
        parts.add(new WordPart.ProcessSubstitution(readable, parseNested(src.substring(pos + 2, end), pos)));
        pos = Math.min(end + 1, length);
    }

    private Script parseNested(String text, int offset) {
        if (depth + 1 >= MAX_NESTING) {
            errors.add(new ParseError("substitutions nested too deeply", offset));
            return new Script(new CommandList(List.of()), List.of(), text);
        }
        Script nested = ShellParser.parse(text, depth + 1);
        for (ParseError error : nested.errors()) {
            errors.add(new ParseError(error.message(), offset + error.offset()));
        }
        return nested;
    }

    /**
     * Index of the {@code )} closing the {@code (} at {@code open}, skipping quotes and nesting, and the
     * unpaired {@code )} of patterns in {@code case ... esac}; -1 if none.
     */
    private int matchingParenthesis(int open) {
        Deque<Character> contexts = new ArrayDeque<>();
        Deque<Integer> caseLevels = new ArrayDeque<>();
        contexts.push('(');
        int i = open + 1;
        while (i < length) {
            char c = src.charAt(i);
            if (contexts.peek() == '"') {
                if (c == '\\') {
                    i += 2;
                    continue;
                } else if (c == '"') {
                    contexts.pop();
                } else if (c == '$' && charAt(i + 1) == '(') {
                    contexts.push('(');
                    i++;
                } else if (c == '`') {
                    i = skipPast('`', i);
                    continue;
                }
                i++;
                continue;
            }
            switch (c) {
                case '\\' -> i++;
                case '\'' -> i = skipPast('\'', i) - 1;
                case '`' -> i = skipPast('`', i) - 1;
                case '"' -> contexts.push('"');
                case '(' -> contexts.push('(');
                case ')' -> {
                    if (!caseLevels.isEmpty() && caseLevels.peek() == contexts.size()) {
                        break;
                    }
                    contexts.pop();
                    if (contexts.isEmpty()) {
                        return i;
                    }
                }
                case 'c', 'e' -> {
                    if (isKeywordAt("case", i)) {
                        caseLevels.push(contexts.size());
                    } else if (isKeywordAt("esac", i) && !caseLevels.isEmpty() && caseLevels.peek() == contexts.size()) {
                        caseLevels.pop();
                    }
                }
                case '#' -> {
                    if (i > 0 && Character.isWhitespace(src.charAt(i - 1))) {
                        int newline = src.indexOf('\n', i);
                        i = (newline < 0 ? length : newline) - 1;
                    }
                }
                default -> { }
            }
            i++;
        }
        return -1;
    }

    private boolean isKeywordAt(String keyword, int at) {
        return src.startsWith(keyword, at)
                && (at == 0 || " \t\n;&|(".indexOf(src.charAt(at - 1)) >= 0)
                && (at + keyword.length() >= length || " \t\n;&|)".indexOf(src.charAt(at + keyword.length())) >= 0);
    }

    /** Index of the {@code }} closing the {@code {} at {@code open}; -1 if none. */
    private int matchingBrace(int open) {
        int nesting = 0;
        for (int i = open; i < length; i++) {
            char c = src.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '\'') {
                i = skipPast('\'', i) - 1;
            } else if (c == '{') {
                nesting++;
            } else if (c == '}' && --nesting == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The index just after the next {@code quote} following {@code open}, or the end of the text. */
    private int skipPast(char quote, int open) {
        int close = src.indexOf(quote, open + 1);
        return close < 0 ? length : close + 1;
    }

    private void skipBlanks() {
        while (pos < length) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '\\' && charAt(pos + 1) == '\n') {
                pos += 2;
            } else {
                return;
            }
        }
    }

    private char charAt(int index) {
        return index < length ? src.charAt(index) : 0;
    }

    private static boolean isMetacharacter(char c) {
        return c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNameChar(char c) {
        return isNameStart(c) || isDigit(c);
    }

    /** Collects word parts, merging adjacent literals of the same quoting. */
    private static final class WordBuilder {
        private final List<WordPart> parts = new ArrayList<>(2);
        private final StringBuilder literal = new StringBuilder();
        private boolean literalQuoted;
        private boolean hasLiteral;

        void literal(String text, boolean quoted) {
            if (hasLiteral && quoted != literalQuoted) {
                flush();
            }
            literal.append(text);
            literalQuoted = quoted;
            hasLiteral = true;
        }

        void add(WordPart part) {
            flush();
            parts.add(part);
        }

        List<WordPart> build() {
            flush();
            if (parts.size() > 1) {
                parts.removeIf(part -> part instanceof WordPart.Literal literal && literal.text().isEmpty());
            }
            return parts;
        }

        private void flush() {
            if (hasLiteral && (literal.length() > 0 || literalQuoted)) {
                parts.add(new WordPart.Literal(literal.toString(), literalQuoted));
            }
            literal.setLength(0);
            hasLiteral = false;
        }
    }
}
