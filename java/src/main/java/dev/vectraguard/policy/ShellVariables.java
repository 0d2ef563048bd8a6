package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Assignment;
import dev.vectraguard.policy.shell.SimpleCommand;
import dev.vectraguard.policy.shell.Word;
import dev.vectraguard.policy.shell.WordPart;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Variables assigned literal values earlier in the command line ({@code A=rm; $A -rf /}), so that
 * later words using them can be rated by the value the shell would substitute. Subshell scoping is
 * ignored on purpose: a value seen anywhere before is assumed to still hold.
 */
final class ShellVariables {
    private static final Set<String> DECLARATIONS = Set.of("export", "local", "declare", "typeset", "readonly");

    private static final String DEFAULT_IFS = " \t\n";

    private final Map<String, String> values = new HashMap<>();

    /** Records the assignments of {@code command} when it only assigns ({@code A=1}, {@code export A=1}). */
    void record(SimpleCommand command) {
        List<Word> words = command.words();
        if (words.isEmpty()) {
            command.assignments().forEach(this::record);
        } else if (!words.getFirst().isDynamic() && DECLARATIONS.contains(words.getFirst().value())) {
            for (Word word : words.subList(1, words.size())) {
                String text = word.value();
                int equals = text.indexOf('=');
                if (equals > 0 && !text.startsWith("-")) {
                    set(text.substring(0, equals), word.isDynamic() ? null : text.substring(equals + 1));
                }
            }
        }
    }

    private void record(Assignment assignment) {
        set(assignment.name(), assignment.value().isDynamic() ? null : assignment.value().value());
    }

    /** Records {@code name} as holding {@code value}, worked out by the caller (the known output of a substitution). */
    void assign(String name, String value) {
        set(name, value);
    }

    private void set(String name, String value) {
        if (value == null) {
            values.remove(name);
        } else {
            values.put(name, value);
        }
    }

    /** True when a word expands {@code $IFS} unquoted, the usual way to write a command without spaces ({@code cat${IFS}/etc/passwd}). */
    static boolean usesFieldSeparator(Word word) {
        for (WordPart part : word.parts()) {
            if (part instanceof WordPart.Parameter parameter && !parameter.quoted() && parameter.name().equals("IFS")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code words} with known variables substituted; a word whose unquoted variables are all known is split
     * on the characters of IFS as the shell would ({@code X="rm -rf"; $X /}, {@code rm${IFS}-rf${IFS}/}).
     */
    List<Word> expand(List<Word> words) {
        if (values.isEmpty() && !needsExpansion(words)) {
            return words;
        }
        List<Word> expanded = new ArrayList<>(words.size());
        String separators = values.getOrDefault("IFS", DEFAULT_IFS);
        for (Word word : words) {
            String split = splitText(word);
            if (split == null) {
                expanded.add(substitute(word));
                continue;
            }
            int start = 0;
            for (int i = 0; i <= split.length(); i++) {
                if (i == split.length() || separators.indexOf(split.charAt(i)) >= 0) {
                    if (i > start) {
                        expanded.add(new Word(word.source(), List.of(new WordPart.Literal(split.substring(start, i), true))));
                    }
                    start = i + 1;
                }
            }
        }
        return expanded;
    }

    /** True when some word uses IFS or a parameter with a default ({@code ${X:-rm}}), which expand without assignments. */
    private static boolean needsExpansion(List<Word> words) {
        for (Word word : words) {
            for (WordPart part : word.parts()) {
                if (part instanceof WordPart.Parameter parameter && (parameter.name().equals("IFS") || parameter.source().startsWith("${")
                        && parameter.source().contains("-"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The text of a word made only of literals and known variables, at least one of them unquoted; else null. */
    private String splitText(Word word) {
        if (word.parts().size() == 1 && word.parts().getFirst() instanceof WordPart.Literal) {
            return null;
        }
        StringBuilder text = null;
        boolean splits = false;
        for (WordPart part : word.parts()) {
            if (part instanceof WordPart.Literal literal) {
                if (text == null) {
                    text = new StringBuilder();
                }
                text.append(literal.text());
                if (!literal.quoted() && literal.text().chars().anyMatch(c -> values.getOrDefault("IFS", DEFAULT_IFS).indexOf(c) >= 0)) {
                    return null;
                }
            } else if (part instanceof WordPart.Parameter parameter && known(parameter) != null) {
                if (text == null) {
                    text = new StringBuilder();
                }
                text.append(known(parameter));
                splits |= !parameter.quoted();
            } else {
                return null;
            }
        }
        return splits ? text.toString() : null;
    }

    private Word substitute(Word word) {
        List<WordPart> parts = new ArrayList<>(word.parts().size());
        boolean changed = false;
        for (WordPart part : word.parts()) {
            String value = part instanceof WordPart.Parameter parameter ? known(parameter) : null;
            if (value != null) {
                parts.add(new WordPart.Literal(value, true));
                changed = true;
            } else {
                parts.add(part);
            }
        }
        return changed ? new Word(word.source(), parts) : word;
    }

    /** The value of a plain {@code $NAME} or {@code ${NAME}} whose value is known (IFS has its default), else null. */
    private String known(WordPart.Parameter parameter) {
        String source = parameter.source();
        boolean plain = source.equals("$" + parameter.name()) || source.equals("${" + parameter.name() + "}");
        if (!plain) {
            return fallback(parameter);
        }
        String value = values.get(parameter.name());
        return value == null && parameter.name().equals("IFS") ? DEFAULT_IFS : value;
    }

    /** The default of {@code ${NAME:-word}} or {@code ${NAME-word}} when NAME is not known and word is literal, else null. */
    private String fallback(WordPart.Parameter parameter) {
        String source = parameter.source();
        String prefix = "${" + parameter.name();
        if (!source.startsWith(prefix) || !source.endsWith("}") || values.containsKey(parameter.name()) || parameter.name().equals("HOME")) {
            return null;
        }
        String operator = source.substring(prefix.length(), source.length() - 1);
        String word = operator.startsWith(":-") ? operator.substring(2) : operator.startsWith("-") ? operator.substring(1) : null;
        return word == null || word.isEmpty() || word.indexOf('$') >= 0 || word.indexOf('`') >= 0 || word.indexOf('"') >= 0
                || word.indexOf('\'') >= 0 ? null : word;
    }
}
