package dev.vectraguard.policy.shell;

/** A lexical token; {@code offset} is where it starts in the parsed text. */
sealed interface Token {
    int offset();

    record WordToken(Word word, int offset) implements Token {}

    record OperatorToken(String text, int offset) implements Token {}

    record RedirectionToken(Redirection redirection, int offset) implements Token {}

    record NewlineToken(int offset) implements Token {}
}
