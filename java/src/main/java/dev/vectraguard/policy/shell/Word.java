package dev.vectraguard.policy.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * A shell word as the lexer found it. {@link #value()} is the word with quotes and escapes removed
 * (what the command receives, {@code \r\m}, {@code 'rm'} and {@code "rm"} are all {@code rm});
 * expansions the shell performs at run time stay in it as written and make the word {@link #isDynamic()}.
 */
public final class Word {
    private final String source;
    private final List<WordPart> parts;
    private final String value;
    private final boolean dynamic;

    public Word(String source, List<WordPart> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
        StringBuilder text = new StringBuilder();
        boolean expands = false;
        for (WordPart part : this.parts) {
            text.append(render(part));
            expands |= !(part instanceof WordPart.Literal);
        }
        this.value = text.toString();
        this.dynamic = expands;
    }

    /** A word holding exactly {@code text}, as if it had been single-quoted. */
    public static Word quoted(String text) {
        return new Word(ShellQuoting.quote(text), List.of(new WordPart.Literal(text, true)));
    }

    public String source() {
        return source;
    }

    public List<WordPart> parts() {
        return parts;
    }

    public String value() {
        return value;
    }

    public boolean isDynamic() {
        return dynamic;
    }

    /** True when any character came from quotes or an escape, so the word cannot be a reserved word. */
    public boolean isQuoted() {
        for (WordPart part : parts) {
            if (!(part instanceof WordPart.Literal literal) || literal.quoted()) {
                return true;
            }
        }
        return false;
    }

    /** The scripts of the command and process substitutions in this word. */
    public List<Script> substitutions() {
        List<Script> scripts = new ArrayList<>(0);
        for (WordPart part : parts) {
            switch (part) {
                case WordPart.CommandSubstitution substitution -> scripts.add(substitution.script());
                case WordPart.ProcessSubstitution substitution -> scripts.add(substitution.script());
                default -> { }
            }
        }
        return scripts;
    }

    /** The word re-quoted in one canonical way, for {@link Script#normalized()}. */
    String canonical() {
        StringBuilder out = new StringBuilder();
        for (WordPart part : parts) {
            switch (part) {
                case WordPart.Literal(String text, boolean quoted) -> out.append(quoted ? ShellQuoting.quote(text) : text);
                case WordPart.ProcessSubstitution substitution -> out.append(render(substitution));
                case WordPart.Parameter p when p.quoted() -> out.append('"').append(render(p)).append('"');
                case WordPart.CommandSubstitution c when c.quoted() -> out.append('"').append(render(c)).append('"');
                case WordPart.Arithmetic a when a.quoted() -> out.append('"').append(render(a)).append('"');
                default -> out.append(render(part));
            }
        }
        return out.toString();
    }

    private static String render(WordPart part) {
        return switch (part) {
            case WordPart.Literal literal -> literal.text();
            case WordPart.Parameter parameter -> parameter.source();
            case WordPart.CommandSubstitution substitution -> "$(" + substitution.script().normalized() + ")";
            case WordPart.ProcessSubstitution substitution ->
                    (substitution.readable() ? "<(" : ">(") + substitution.script().normalized() + ")";
            case WordPart.Arithmetic arithmetic -> "$((" + arithmetic.expression() + "))";
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Word word && word.source.equals(source) && word.parts.equals(parts);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }
}
