package dev.vectraguard.policy.shell;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The parser terminates, and never throws, on random input built from shell's special characters. */
class ShellParserFuzzTest {
    private static final String[] PIECES = {"'", "\"", "\\", "$", "(", ")", "{", "}", "`", ";", "&", "|", "<", ">", "<<", "<<-",
            "<<<", "\n", " ", "\t", "#", "$(", "${", "$((", "<(", ">(", "$'", "if", "then", "fi", "for", "in", "do", "done",
            "case", "esac", ";;", "while", "function", "f()", "EOF", "=", "*", "2>&1", "rm", "-rf", "/", "x", "\\\n", "\u00e9"};

    @Test
    void parserTerminatesOnRandomInput() {
        SplittableRandom random = new SplittableRandom(20261122);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 50_000; i++) {
                StringBuilder text = new StringBuilder();
                int pieces = random.nextInt(1, 40);
                for (int p = 0; p < pieces; p++) {
                    if (random.nextInt(8) == 0) {
                        text.append((char) random.nextInt(1, 0x250));
                    } else {
                        text.append(PIECES[random.nextInt(PIECES.length)]);
                    }
                }
                Script script = ShellParser.parse(text.toString());
                assertNotNull(script.normalized());
            }
        });
    }
}
