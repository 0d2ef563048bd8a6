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

    private void set(String name, String value) {
        if (value == null) {
            values.remove(name);
        } else {
            values.put(name, value);
        }
    }

    /**
     * {@code words} with known variables substituted; a word that is only an unquoted variable is split
     * on blanks as the shell would ({@code X="rm -rf"; $X /}).
     */
    List<Word> expand(List<Word> words) {
        if (values.isEmpty()) {
            return words;
        }
        List<Word> expanded = new ArrayList<>(words.size());
        for (Word word : words) {
            if (word.parts().size() == 1 && word.parts().getFirst() instanceof WordPart.Parameter parameter
                    && !parameter.quoted() && known(parameter) != null) {
                for (String field : known(parameter).trim().split("[ \t\n]+")) {
                    if (!field.isEmpty()) {
                        expanded.add(new Word(word.source(), List.of(new WordPart.Literal(field, true))));
                    }
                }
            } else {
                expanded.add(substitute(word));
            }
        }
        return expanded;
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

    /** The value of a plain {@code $NAME} or {@code ${NAME}} whose value is known, else null. */
    private String known(WordPart.Parameter parameter) {
        String source = parameter.source();
        boolean plain = source.equals("$" + parameter.name()) || source.equals("${" + parameter.name() + "}");
        return plain ? values.get(parameter.name()) : null;
    }
}
