package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;
import dev.vectraguard.policy.shell.WordPart;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Brace expansion of unquoted literal words, as the shell does before running: {@code /{etc,usr}} is /etc and /usr. */
final class BraceExpansion {
    private static final int MAX_WORDS = 256;

    private BraceExpansion() {
    }

    static List<Word> expand(List<Word> words) {
        List<Word> expanded = new ArrayList<>(words.size());
        for (Word word : words) {
            List<String> alternatives = word.parts().size() == 1
                    && word.parts().getFirst() instanceof WordPart.Literal(String text, boolean quoted) && !quoted
                    && text.indexOf('{') >= 0 ? expand(text) : List.of();
            if (alternatives.size() > 1) {
                alternatives.forEach(text -> expanded.add(new Word(word.source(), List.of(new WordPart.Literal(text, false)))));
            } else {
                expanded.add(word);
            }
        }
        return expanded;
    }

    /**
     * The expansions of {@code text} in the shell's order ({@code {rm,-rf,/}} is {@code rm -rf /}, a command);
     * just {@code text} when it has no {@code {a,b}} group.
     */
    static List<String> expand(String text) {
        List<String> done = new ArrayList<>();
        Deque<String> pending = new ArrayDeque<>(List.of(text));
        while (!pending.isEmpty() && done.size() + pending.size() <= MAX_WORDS) {
            String next = pending.removeFirst();
            int[] group = firstGroup(next);
            if (group == null) {
                done.add(next);
                continue;
            }
            String prefix = next.substring(0, group[0]);
            String suffix = next.substring(group[1] + 1);
            List<String> alternatives = splitTopLevel(next.substring(group[0] + 1, group[1]));
            for (String alternative : alternatives.reversed()) {
                pending.addFirst(prefix + alternative + suffix);
            }
        }
        done.addAll(pending);
        return done;
    }

    /** Start and end index of the first {@code {...}} holding a top-level comma, or null. */
    private static int[] firstGroup(String text) {
        for (int open = text.indexOf('{'); open >= 0; open = text.indexOf('{', open + 1)) {
            int depth = 0;
            boolean comma = false;
            for (int i = open; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    if (comma) {
                        return new int[] {open, i};
                    }
                    break;
                } else if (c == ',' && depth == 1) {
                    comma = true;
                }
            }
        }
        return null;
    }

    private static List<String> splitTopLevel(String inner) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(inner.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(inner.substring(start));
        return parts;
    }
}
