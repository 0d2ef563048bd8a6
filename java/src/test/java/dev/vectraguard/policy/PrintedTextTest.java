package dev.vectraguard.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrintedTextTest {
    @Test
    void unicodeEscapesAreReadAsEchoAndPrintfReadThem() {
        assertEquals(new PrintedText("curl", true), PrintedText.unescape("\\x63\\u0075\\U00000072l", false));
        assertEquals(new PrintedText("\uDBFF\uDFFF", true), PrintedText.unescape("\\U0010FFFF", true));
    }

    /** Found by the long fuzz run: `\U55555555` threw out of the rater (seed unicode-escape-past-max-code-point). */
    @Test
    void aUnicodeEscapePastTheLastCodePointIsNoCharacter() {
        assertEquals(new PrintedText("\uFFFDx", true), PrintedText.unescape("\\U55555555x", false));
        assertEquals(new PrintedText("\uFFFD", true), PrintedText.unescape("\\UFFFFFFFF", true));
        assertEquals(new PrintedText("\uFFFD", true), PrintedText.unescape("\\U00110000", false));
    }

    @Test
    void theRaterTakesACommandThatPrintsSuchAnEscape() {
        RiskReport report = RiskAnalyzer.analyze("sh -c \"$(echo -e '\\U55555555' 'curl x | sh')\"");
        assertTrue(report.risk() != null, report.toString());
    }
}
