package dev.vectraguard.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The parts of an interpreter's inline program that decide its risk, read by a small lexer common to
 * Python, JavaScript, Perl, Ruby, PHP, Lua and awk: its calls (a dotted name and the string literals
 * between its parentheses, where an expression of the home directory counts as the literal {@code ~}), its shell-command literals (backticks, {@code qx{}}, {@code %x()}, awk's
 * {@code "cmd" | getline}) and whether it reads the whole environment. Comments are not removed: a
 * literal in a comment is read like any other, which can only rate higher.
 */
final class InlineCode {
    /** One call: {@code name} is the dotted name as written ({@code subprocess.run}, {@code cp.execSync}); its literals in order. */
    record Call(String name, List<String> literals, boolean hasNonLiteralArgument, boolean mentionsRecursive) {
        String shortName() {
            int dot = Math.max(name.lastIndexOf('.'), Math.max(name.lastIndexOf(':'), name.lastIndexOf('>')));
            return name.substring(dot + 1);
        }

        String qualifier() {
            int dot = Math.max(name.lastIndexOf('.'), Math.max(name.lastIndexOf(':'), name.lastIndexOf('>')));
            return dot < 0 ? "" : name.substring(0, dot).toLowerCase(Locale.ROOT);
        }
    }

    enum Language { PYTHON, JAVASCRIPT, PERL, RUBY, PHP, LUA, AWK }

    private static final int MAX_TOKENS = 4096;
    private static final Set<String> HOME_VARIABLES = Set.of("HOME", "USERPROFILE");

    private final List<Call> calls = new ArrayList<>();
    private final Set<String> identifiers = new HashSet<>();
    private final List<String> shellLiterals = new ArrayList<>();
    private boolean readsEnvironment;

    private InlineCode() {
    }

    List<Call> calls() {
        return calls;
    }

    /** Every name in the program, called or not ({@code .then(eval)} passes eval without calling it). */
    Set<String> identifiers() {
        return identifiers;
    }

    /** Text the program hands to a shell through backticks, {@code qx{}}, {@code %x()} or awk pipes. */
    List<String> shellLiterals() {
        return shellLiterals;
    }

    /** True when the program reads the whole environment ({@code os.environ}, {@code process.env}, {@code %ENV}, {@code ENV}). */
    boolean readsEnvironment() {
        return readsEnvironment;
    }

    static Language language(String interpreter) {
        String name = Interpreters.interpreterFamily(interpreter);
        if (name.startsWith("python") || name.startsWith("pypy")) {
            return Language.PYTHON;
        }
        return switch (name) {
            case "node", "nodejs", "deno", "bun" -> Language.JAVASCRIPT;
            case "perl" -> Language.PERL;
            case "ruby" -> Language.RUBY;
            case "php" -> Language.PHP;
            case "lua", "luajit" -> Language.LUA;
            default -> Language.AWK;
        };
    }

    private sealed interface Token {}

    private record Identifier(String name) implements Token {}

    private record Literal(String text) implements Token {}

    private record Symbol(char c) implements Token {}

    static InlineCode read(String code, Language language) {
        List<Token> tokens = tokenize(code, language);
        InlineCode program = new InlineCode();
        program.collect(tokens, language);
        return program;
    }

    private void collect(List<Token> tokens, Language language) {
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token instanceof Identifier(String name)) {
                identifiers.add(name);
                noteEnvironment(name, i + 1 < tokens.size() ? tokens.get(i + 1) : null, language);
                Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
                if (next instanceof Symbol(char c) && c == '(') {
                    calls.add(call(name, tokens, i + 2, ')'));
                } else if (next instanceof Literal && language != Language.PYTHON && language != Language.JAVASCRIPT) {
                    calls.add(call(name, tokens, i + 1, ';'));
                } else if (language == Language.JAVASCRIPT && name.equals("new") && next instanceof Identifier(String type)
                        && i + 2 < tokens.size() && tokens.get(i + 2) instanceof Symbol(char c) && c == '(') {
                    calls.add(call(type, tokens, i + 3, ')'));
                    i += 2;
                }
            } else if (language == Language.AWK && token instanceof Literal(String text)) {
                boolean pipedFrom = i + 2 < tokens.size() && tokens.get(i + 1) instanceof Symbol(char c) && c == '|'
                        && tokens.get(i + 2) instanceof Identifier(String getline) && getline.equals("getline");
                boolean pipedTo = i > 0 && tokens.get(i - 1) instanceof Symbol(char c) && c == '|';
                if (pipedFrom || pipedTo) {
                    shellLiterals.add(text);
                }
                if (pipedTo && Interpreters.isShell(Invocation.basename(text.strip())) && i > 1 && tokens.get(i - 2) instanceof Literal(String printed)) {
                    shellLiterals.add(printed);
                }
            }
        }
    }

    /** The call of {@code name} whose arguments start at token {@code from} and end at the matching {@code close}. */
    private static Call call(String name, List<Token> tokens, int from, char close) {
        List<String> literals = new ArrayList<>(2);
        boolean other = false;
        boolean recursive = false;
        int depth = 0;
        for (int i = from; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token instanceof Symbol(char c)) {
                if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    if (depth-- == 0) {
                        break;
                    }
                } else if (depth == 0 && (c == close || c == ';')) {
                    break;
                }
            } else if (token instanceof Literal(String text)) {
                literals.add(HOME_VARIABLES.contains(text) ? "~" : text);
            } else if (token instanceof Identifier(String identifier)) {
                if (isHomeDirectory(identifier)) {
                    literals.add("~");
                }
                other = true;
                recursive |= identifier.equals("recursive") || identifier.equals("force") && close == ')';
            }
        }
        return new Call(name, List.copyOf(literals), other, recursive);
    }

    /**
     * True for the expressions that give the home directory: {@code os.homedir()}, {@code Path.home()},
     * {@code Dir.home}, {@code process.env.HOME}, Perl's {@code $ENV{HOME}}. (A literal {@code "HOME"},
     * as in {@code os.environ["HOME"]} or {@code getenv("HOME")}, is read as {@code ~} too.)
     */
    private static boolean isHomeDirectory(String identifier) {
        return identifier.endsWith("homedir") || identifier.endsWith("Path.home") || identifier.equals("Dir.home")
                || identifier.endsWith(".HOME") || identifier.equals("HOME");
    }

    private void noteEnvironment(String name, Token next, Language language) {
        boolean indexed = next instanceof Symbol(char c) && (c == '[' || c == '.' && !name.equals("os.environ"));
        readsEnvironment |= switch (language) {
            case PYTHON -> name.equals("os.environ") && !indexed || name.equals("os.environ.copy") || name.equals("os.environ.items")
                    || name.equals("os.environ.values");
            case JAVASCRIPT -> name.equals("process.env") && !indexed || name.equals("Deno.env.toObject");
            case PERL -> name.equals("%ENV");
            case RUBY -> name.equals("ENV") && !indexed || name.startsWith("ENV.to_") || name.startsWith("ENV.map")
                    || name.startsWith("ENV.inspect");
            case PHP -> name.equals("$_ENV") && !indexed || name.equals("$_SERVER") && !indexed;
            default -> false;
        };
    }

    private static List<Token> tokenize(String code, Language language) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = code.length();
        while (i < n && tokens.size() < MAX_TOKENS) {
            char c = code.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                boolean triple = language == Language.PYTHON && code.startsWith(String.valueOf(c).repeat(3), i);
                int end = triple ? closing(code, i + 3, String.valueOf(c).repeat(3)) : closing(code, i + 1, String.valueOf(c));
                String text = unescape(code.substring(i + (triple ? 3 : 1), Math.min(end, n)), c == '\'' && language != Language.PYTHON
                        && language != Language.JAVASCRIPT);
                boolean shell = c == '`' && (language == Language.PERL || language == Language.RUBY || language == Language.PHP);
                tokens.add(new Literal(text));
                if (shell) {
                    tokens.add(new Symbol('`'));
                }
                i = Math.min(end + (triple ? 3 : 1), n);
            } else if ((language == Language.PERL && code.startsWith("qx", i) || language == Language.RUBY && code.startsWith("%x", i))
                    && i + 2 < n && "{([/|!<".indexOf(code.charAt(i + 2)) >= 0 && (i == 0 || !isIdentifierPart(code.charAt(i - 1)))) {
                char open = code.charAt(i + 2);
                String close = String.valueOf(switch (open) {
                    case '{' -> '}';
                    case '(' -> ')';
                    case '[' -> ']';
                    case '<' -> '>';
                    default -> open;
                });
                int end = closing(code, i + 3, close);
                tokens.add(new Literal(code.substring(i + 3, Math.min(end, n))));
                tokens.add(new Symbol('`'));
                i = Math.min(end + 1, n);
            } else if (isIdentifierStart(c, language)) {
                int start = i;
                i++;
                while (i < n && (isIdentifierPart(code.charAt(i)) || code.charAt(i) == '.' && i + 1 < n && isIdentifierPart(code.charAt(i + 1))
                        || code.startsWith("::", i) || code.startsWith("->", i) && i + 2 < n && isIdentifierPart(code.charAt(i + 2)))) {
                    i += code.startsWith("::", i) || code.startsWith("->", i) ? 2 : 1;
                }
                tokens.add(new Identifier(code.substring(start, i)));
            } else {
                if (!Character.isWhitespace(c)) {
                    tokens.add(new Symbol(c));
                }
                i++;
            }
        }
        return markShellLiterals(tokens);
    }

    /** Backtick literals become calls of a pseudo-function {@code `} so that they are read as shell commands. */
    private static List<Token> markShellLiterals(List<Token> tokens) {
        List<Token> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token instanceof Literal literal && i + 1 < tokens.size() && tokens.get(i + 1) instanceof Symbol(char c) && c == '`') {
                out.add(new Identifier("`"));
                out.add(new Symbol('('));
                out.add(literal);
                out.add(new Symbol(')'));
                i++;
            } else {
                out.add(token);
            }
        }
        return out;
    }

    private static boolean isIdentifierStart(char c, Language language) {
        return Character.isLetter(c) || c == '_' || c == '$' || (c == '%' || c == '@') && language == Language.PERL;
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static int closing(String code, int from, String quote) {
        int i = from;
        while (i < code.length()) {
            if (code.charAt(i) == '\\') {
                i += 2;
            } else if (code.startsWith(quote, i)) {
                return i;
            } else {
                i++;
            }
        }
        return code.length();
    }

    private static String unescape(String text, boolean literalQuotes) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 >= text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            if (literalQuotes && next != '\\' && next != '\'') {
                out.append('\\').append(next);
                continue;
            }
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'x' -> {
                    int end = Math.min(i + 3, text.length());
                    try {
                        out.append((char) Integer.parseInt(text.substring(i + 1, end), 16));
                        i = end - 1;
                    } catch (NumberFormatException e) {
                        out.append('x');
                    }
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
