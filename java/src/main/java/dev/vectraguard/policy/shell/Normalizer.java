package dev.vectraguard.policy.shell;

import java.util.List;
import java.util.Set;

/** Builds the canonical one-line form of a token list (see {@link Script#normalized()}). */
final class Normalizer {
    /** Tokens after which a newline is only layout, not a command separator. */
    private static final Set<String> OPEN_CONTEXT =
            Set.of(";", "&", "|", "|&", "&&", "||", "(", "{", "then", "do", "else", "elif", "in", ";;", ";&", ";;&", "!");

    private Normalizer() {
    }

    static String normalize(List<Token> tokens) {
        StringBuilder out = new StringBuilder();
        String last = "";
        for (Token token : tokens) {
            String text = switch (token) {
                case Token.WordToken word -> word.word().canonical();
                case Token.OperatorToken operator -> operator.text();
                case Token.RedirectionToken redirection -> render(redirection.redirection());
                case Token.NewlineToken newline -> last.isEmpty() || OPEN_CONTEXT.contains(last) ? "" : ";";
            };
            if (text.isEmpty() && !(token instanceof Token.WordToken)) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(text);
            last = text;
        }
        if (last.equals(";")) {
            out.setLength(Math.max(0, out.length() - 2));
        }
        return out.toString();
    }

    private static String render(Redirection redirection) {
        String text = redirection.fd() + redirection.operator().text() + redirection.target().canonical();
        return switch (redirection.operator()) {
            case HERE_DOCUMENT, HERE_DOCUMENT_STRIP_TABS -> text + " " + ShellQuoting.quote(redirection.hereDocument());
            default -> text;
        };
    }
}
