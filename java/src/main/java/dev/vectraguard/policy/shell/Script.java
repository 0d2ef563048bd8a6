package dev.vectraguard.policy.shell;

import java.util.List;

/**
 * A parsed command line. {@code errors} is empty for well-formed input; for malformed input it says
 * what was wrong (including inside substitutions) and {@code commands} holds what could still be recognised.
 * {@code normalized} is the canonical one-line form: tokens joined by single spaces, comments
 * dropped, newlines turned into {@code ;}, words re-quoted only where needed, here-document
 * bodies appended after their operator as one {@code $'...'} word (a canonical form, not meant to be run).
 */
public record Script(CommandList commands, List<ParseError> errors, String normalized) {
    public Script {
        errors = List.copyOf(errors);
    }

    public boolean isWellFormed() {
        return errors.isEmpty();
    }
}
