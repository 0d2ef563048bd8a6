package dev.vectraguard.sandbox.toolconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a setting's or variable's name says it holds a credential: {@code _authToken},
 * {@code //host/:_password}, {@code npmAuthIdent}, {@code systemProp.http.proxyPassword},
 * {@code GITHUB_TOKEN}, npm's {@code key} (a client key)... Names are split into words (at
 * punctuation and lower-to-upper case changes), so {@code init-author-name} is not {@code auth}.
 */
public final class SecretNames {
    private static final Set<String> SECRET_WORDS = Set.of("auth", "token", "tokens", "password", "passwords", "passwd",
            "passphrase", "secret", "secrets", "credential", "credentials", "apikey", "bearer", "authtoken");

    private SecretNames() {}

    public static boolean isSecret(String name) {
        List<String> words = words(name);
        if (words.isEmpty()) {
            return false;
        }
        for (String word : words) {
            if (SECRET_WORDS.contains(word)) {
                return true;
            }
        }
        return words.getLast().equals("key");
    }

    static List<String> words(String name) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char previous = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                flush(words, word);
            } else {
                if (Character.isUpperCase(c) && Character.isLowerCase(previous)) {
                    flush(words, word);
                }
                word.append(c);
            }
            previous = c;
        }
        flush(words, word);
        return words;
    }

    private static void flush(List<String> words, StringBuilder word) {
        if (!word.isEmpty()) {
            words.add(word.toString().toLowerCase(Locale.ROOT));
            word.setLength(0);
        }
    }
}
