package dev.vectraguard.policy.shell;

/** One piece of a shell word: literal text, or something the shell only knows at run time. */
public sealed interface WordPart {

    /** Text with its quotes removed; {@code quoted} when it came from quotes or a backslash escape. */
    record Literal(String text, boolean quoted) implements WordPart {}

    /** {@code $NAME}, {@code ${NAME}}, or a {@code ${...}} with operators, exactly as written in {@code source}. */
    record Parameter(String name, String source, boolean quoted) implements WordPart {}

    /** {@code $(...)} or backticks; the script inside is parsed too. */
    record CommandSubstitution(Script script, boolean quoted) implements WordPart {}

    /** {@code <(...)} when {@code readable} (the command reads the script's output), else {@code >(...)}. */
    record ProcessSubstitution(boolean readable, Script script) implements WordPart {}

    /** {@code $((...))}. */
    record Arithmetic(String expression, boolean quoted) implements WordPart {}
}
