package dev.vectraguard.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser for POSIX shell (with the bash forms agents use). {@link #parse(String)}
 * never throws and always terminates: every loop consumes a token or stops, nesting is bounded,
 * and malformed input becomes {@link Script#errors()} next to whatever could be recognised.
 */
public final class ShellParser {
    private static final Set<String> NO_STOP = Set.of();
    private static final Set<String> MISPLACED_RESERVED_WORDS =
            Set.of("then", "elif", "else", "fi", "do", "done", "esac", "}");

    private final List<Token> tokens;
    private final List<ParseError> errors;
    private final int endOffset;
    private int index;
    private int nesting;

    private ShellParser(List<Token> tokens, List<ParseError> errors, int endOffset) {
        this.tokens = tokens;
        this.errors = errors;
        this.endOffset = endOffset;
    }

    /** Parses {@code text} (null counts as empty). */
    public static Script parse(String text) {
        return parse(text == null ? "" : text, 0);
    }

    static Script parse(String text, int depth) {
        List<ParseError> errors = new ArrayList<>(0);
        List<Token> tokens = new ShellLexer(text, depth, errors).tokenize();
        CommandList commands = new ShellParser(tokens, errors, text.length()).parseList(NO_STOP, false, false);
        return new Script(commands, errors, Normalizer.normalize(tokens));
    }

    private CommandList parseList(Set<String> stopWords, boolean stopAtParenthesis, boolean stopAtCaseEnd) {
        List<CommandList.Item> items = new ArrayList<>(2);
        while (true) {
            skipNewlines();
            Token next = peek(0);
            if (next == null
                    || (stopAtParenthesis && isOperator(next, ")"))
                    || (stopAtCaseEnd && isCaseEnd(next))
                    || (next instanceof Token.WordToken word && stopWords.contains(reservedWord(word)))) {
                return new CommandList(items);
            }
            int before = index;
            Command command = parsePipeline();
            CommandList.Separator separator = parseSeparator();
            if (command != null) {
                items.add(new CommandList.Item(command, separator));
            }
            if (index == before) {
                error("unexpected " + describe(next), next.offset());
                index++;
            }
        }
    }

    private CommandList.Separator parseSeparator() {
        Token next = peek(0);
        if (next instanceof Token.NewlineToken) {
            index++;
            return CommandList.Separator.SEQUENTIAL;
        }
        if (!(next instanceof Token.OperatorToken(String text, int offset))) {
            return CommandList.Separator.SEQUENTIAL;
        }
        CommandList.Separator separator = switch (text) {
            case "&&" -> CommandList.Separator.AND;
            case "||" -> CommandList.Separator.OR;
            case "&" -> CommandList.Separator.BACKGROUND;
            case ";" -> CommandList.Separator.SEQUENTIAL;
            case "(" -> {
                error("unexpected '('", offset);
                yield null;
            }
            default -> null;
        };
        if (separator == null) {
            return CommandList.Separator.SEQUENTIAL;
        }
        index++;
        if (separator == CommandList.Separator.AND || separator == CommandList.Separator.OR) {
            skipNewlines();
            Token following = peek(0);
            if (following == null || isOperator(following, ")") || isCaseEnd(following)) {
                error("expected a command after '" + text + "'", offset);
            }
        }
        return separator;
    }

    private Command parsePipeline() {
        if (peek(0) instanceof Token.WordToken word && reservedWord(word).equals("!")) {
            index++;
        }
        Command first = parseCommand();
        if (first == null || !isPipe(peek(0))) {
            return first;
        }
        List<Command> stages = new ArrayList<>(3);
        stages.add(first);
        while (isPipe(peek(0))) {
            Token pipe = tokens.get(index++);
            skipNewlines();
            Command stage = parseCommand();
            if (stage == null) {
                error("expected a command after '|'", pipe.offset());
                break;
            }
            stages.add(stage);
        }
        return new Pipeline(stages);
    }

    private Command parseCommand() {
        Token next = peek(0);
        if (next == null) {
            return null;
        }
        if (nesting >= ShellLexer.MAX_NESTING) {
            error("commands nested too deeply", next.offset());
            index = tokens.size();
            return null;
        }
        nesting++;
        try {
            return parseCommand(next);
        } finally {
            nesting--;
        }
    }

    private Command parseCommand(Token next) {
        if (isOperator(next, "(")) {
            index++;
            CommandList body = parseList(NO_STOP, true, false);
            expectOperator(")", "unclosed '('", next);
            return new Subshell(body, parseRedirections());
        }
        if (next instanceof Token.WordToken word) {
            String reserved = reservedWord(word);
            switch (reserved) {
                case "{" -> {
                    index++;
                    CommandList body = parseList(Set.of("}"), false, false);
                    expectWord("}", "unclosed '{'", next);
                    return new BraceGroup(body, parseRedirections());
                }
                case "if" -> {
                    return parseIf(next);
                }
                case "while" -> {
                    return parseLoop(CompoundCommand.Keyword.WHILE, next);
                }
                case "until" -> {
                    return parseLoop(CompoundCommand.Keyword.UNTIL, next);
                }
                case "for" -> {
                    return parseFor(CompoundCommand.Keyword.FOR, next);
                }
                case "select" -> {
                    return parseFor(CompoundCommand.Keyword.SELECT, next);
                }
                case "case" -> {
                    return parseCase(next);
                }
                case "function" -> {
                    return parseFunctionKeyword(next);
                }
                default -> {
                    if (MISPLACED_RESERVED_WORDS.contains(reserved)) {
                        error("unexpected '" + reserved + "'", next.offset());
                        index++;
                        return null;
                    }
                }
            }
            return parseSimpleCommand();
        }
        if (next instanceof Token.RedirectionToken) {
            return parseSimpleCommand();
        }
        error("unexpected " + describe(next), next.offset());
        index++;
        return null;
    }

    private Command parseIf(Token start) {
        index++;
        List<CommandList> bodies = new ArrayList<>();
        bodies.add(parseList(Set.of("then"), false, false));
        expectWord("then", "'if' without 'then'", start);
        bodies.add(parseList(Set.of("elif", "else", "fi"), false, false));
        while (true) {
            Token next = peek(0);
            String word = next instanceof Token.WordToken w ? reservedWord(w) : "";
            if (word.equals("elif")) {
                index++;
                bodies.add(parseList(Set.of("then"), false, false));
                expectWord("then", "'elif' without 'then'", next);
                bodies.add(parseList(Set.of("elif", "else", "fi"), false, false));
            } else if (word.equals("else")) {
                index++;
                bodies.add(parseList(Set.of("fi"), false, false));
                expectWord("fi", "unclosed 'if'", start);
                break;
            } else {
                expectWord("fi", "unclosed 'if'", start);
                break;
            }
        }
        return new CompoundCommand(CompoundCommand.Keyword.IF, "", List.of(), bodies, parseRedirections());
    }

    private Command parseLoop(CompoundCommand.Keyword keyword, Token start) {
        index++;
        CommandList condition = parseList(Set.of("do"), false, false);
        expectWord("do", "'" + reservedWord((Token.WordToken) start) + "' without 'do'", start);
        CommandList body = parseList(Set.of("done"), false, false);
        expectWord("done", "unclosed loop", start);
        return new CompoundCommand(keyword, "", List.of(), List.of(condition, body), parseRedirections());
    }

    private Command parseFor(CompoundCommand.Keyword keyword, Token start) {
        index++;
        List<Word> words = new ArrayList<>();
        String variable = "";
        if (isOperator(peek(0), "(")) {
            while (peek(0) != null && !(peek(0) instanceof Token.WordToken w && reservedWord(w).equals("do"))) {
                index++;
            }
        } else if (peek(0) instanceof Token.WordToken name) {
            variable = name.word().value();
            index++;
            skipNewlines();
            if (peek(0) instanceof Token.WordToken w && reservedWord(w).equals("in")) {
                index++;
                while (peek(0) instanceof Token.WordToken item) {
                    words.add(item.word());
                    index++;
                }
            }
            if (isOperator(peek(0), ";")) {
                index++;
            }
            skipNewlines();
        } else {
            error("'for' without a variable name", start.offset());
        }
        expectWord("do", "'for' without 'do'", start);
        CommandList body = parseList(Set.of("done"), false, false);
        expectWord("done", "unclosed loop", start);
        return new CompoundCommand(keyword, variable, words, List.of(body), parseRedirections());
    }

    private Command parseCase(Token start) {
        index++;
        List<Word> words = new ArrayList<>();
        List<CommandList> bodies = new ArrayList<>();
        if (peek(0) instanceof Token.WordToken subject) {
            words.add(subject.word());
            index++;
        } else {
            error("'case' without a subject", start.offset());
        }
        skipNewlines();
        expectWord("in", "'case' without 'in'", start);
        while (true) {
            skipNewlines();
            Token next = peek(0);
            if (next == null) {
                error("unclosed 'case'", start.offset());
                break;
            }
            if (next instanceof Token.WordToken w && reservedWord(w).equals("esac")) {
                index++;
                break;
            }
            int before = index;
            if (isOperator(next, "(")) {
                index++;
            }
            while (peek(0) instanceof Token.WordToken pattern) {
                words.add(pattern.word());
                index++;
                if (!isOperator(peek(0), "|")) {
                    break;
                }
                index++;
            }
            expectOperator(")", "case pattern without ')'", next);
            bodies.add(parseList(Set.of("esac"), false, true));
            if (isCaseEnd(peek(0))) {
                index++;
            }
            if (index == before) {
                index++;
            }
        }
        return new CompoundCommand(CompoundCommand.Keyword.CASE, "", words, bodies, parseRedirections());
    }

    private Command parseFunctionKeyword(Token start) {
        index++;
        if (!(peek(0) instanceof Token.WordToken name)) {
            error("'function' without a name", start.offset());
            return null;
        }
        index++;
        if (isOperator(peek(0), "(") && isOperator(peek(1), ")")) {
            index += 2;
        }
        return functionBody(name.word().value(), start);
    }

    private Command functionBody(String name, Token start) {
        skipNewlines();
        Command body = parseCommand();
        if (body == null) {
            error("function '" + name + "' without a body", start.offset());
            return null;
        }
        return new FunctionDefinition(name, body);
    }

    private Command parseSimpleCommand() {
        Token first = peek(0);
        List<Assignment> assignments = new ArrayList<>(0);
        List<Word> words = new ArrayList<>(4);
        List<Redirection> redirections = new ArrayList<>(0);
        while (true) {
            Token next = peek(0);
            if (next instanceof Token.RedirectionToken redirection) {
                redirections.add(redirection.redirection());
                index++;
            } else if (next instanceof Token.WordToken word) {
                index++;
                Assignment assignment = words.isEmpty() ? assignment(word.word()) : null;
                if (assignment != null) {
                    assignments.add(assignment);
                    if (assignment.value().source().isEmpty() && isOperator(peek(0), "(")) {
                        skipArrayElements(next);
                    }
                } else {
                    words.add(word.word());
                }
                if (words.size() == 1 && assignments.isEmpty() && redirections.isEmpty()
                        && isOperator(peek(0), "(") && isOperator(peek(1), ")")) {
                    index += 2;
                    return functionBody(word.word().value(), first);
                }
            } else {
                return new SimpleCommand(assignments, words, redirections);
            }
        }
    }

    private void skipArrayElements(Token start) {
        index++;
        while (peek(0) instanceof Token.WordToken || peek(0) instanceof Token.NewlineToken) {
            index++;
        }
        expectOperator(")", "unclosed array assignment", start);
    }

    private List<Redirection> parseRedirections() {
        List<Redirection> redirections = new ArrayList<>(0);
        while (peek(0) instanceof Token.RedirectionToken redirection) {
            redirections.add(redirection.redirection());
            index++;
        }
        return redirections;
    }

    /** {@code NAME=value} when the word starts with an unquoted name and {@code =}, else null. */
    private static Assignment assignment(Word word) {
        if (word.parts().isEmpty() || !(word.parts().getFirst() instanceof WordPart.Literal(String text, boolean quoted))
                || quoted) {
            return null;
        }
        int equals = text.indexOf('=');
        String name = equals > 0 && text.charAt(equals - 1) == '+' ? text.substring(0, equals - 1) : text.substring(0, Math.max(equals, 0));
        if (equals <= 0 || !isName(name)) {
            return null;
        }
        List<WordPart> valueParts = new ArrayList<>(word.parts().size());
        if (equals + 1 < text.length()) {
            valueParts.add(new WordPart.Literal(text.substring(equals + 1), false));
        }
        valueParts.addAll(word.parts().subList(1, word.parts().size()));
        int sourceEquals = word.source().indexOf('=');
        return new Assignment(name, new Word(word.source().substring(sourceEquals + 1), valueParts));
    }

    private static boolean isName(String text) {
        if (text.isEmpty() || Character.isDigit(text.charAt(0))) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 0x80) && c != '_') {
                return false;
            }
        }
        return true;
    }

    private void expectOperator(String operator, String message, Token start) {
        if (isOperator(peek(0), operator)) {
            index++;
        } else {
            error(message, start.offset());
        }
    }

    private void expectWord(String word, String message, Token start) {
        if (peek(0) instanceof Token.WordToken next && reservedWord(next).equals(word)) {
            index++;
        } else {
            error(message, start.offset());
        }
    }

    private void skipNewlines() {
        while (peek(0) instanceof Token.NewlineToken) {
            index++;
        }
    }

    private Token peek(int ahead) {
        int at = index + ahead;
        return at < tokens.size() ? tokens.get(at) : null;
    }

    private void error(String message, int offset) {
        errors.add(new ParseError(message, offset));
    }

    private String describe(Token token) {
        return switch (token) {
            case Token.OperatorToken operator -> "'" + operator.text() + "'";
            case Token.WordToken word -> "'" + word.word().source() + "'";
            case Token.RedirectionToken redirection -> "'" + redirection.redirection().operator().text() + "'";
            case Token.NewlineToken newline -> "newline";
            case null -> "end of input at " + endOffset;
        };
    }

    /** The word's text if it could be a reserved word (unquoted, no expansions), else empty. */
    private static String reservedWord(Token.WordToken token) {
        Word word = token.word();
        return word.isQuoted() ? "" : word.value();
    }

    private static boolean isOperator(Token token, String text) {
        return token instanceof Token.OperatorToken operator && operator.text().equals(text);
    }

    private static boolean isPipe(Token token) {
        return isOperator(token, "|") || isOperator(token, "|&");
    }

    private static boolean isCaseEnd(Token token) {
        return isOperator(token, ";;") || isOperator(token, ";&") || isOperator(token, ";;&");
    }
}
