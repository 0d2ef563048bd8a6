package dev.vectraguard.policy.shell;

import java.util.Optional;

/**
 * {@code [fd]operator target}. {@code fd} is the explicit descriptor number as written ({@code "2"} in
 * {@code 2>&1}) or empty. For here-documents {@code target} is the delimiter and {@code hereDocument}
 * the body; for every other operator {@code hereDocument} is empty.
 */
public record Redirection(String fd, Operator operator, Word target, String hereDocument) {

    public enum Operator {
        OUTPUT(">"), APPEND(">>"), CLOBBER(">|"), INPUT("<"), READ_WRITE("<>"),
        DUPLICATE_OUTPUT(">&"), DUPLICATE_INPUT("<&"), OUTPUT_AND_ERROR("&>"), APPEND_OUTPUT_AND_ERROR("&>>"),
        HERE_DOCUMENT("<<"), HERE_DOCUMENT_STRIP_TABS("<<-"), HERE_STRING("<<<");

        private final String text;

        Operator(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** True when the target is a file opened for writing (a descriptor copy such as {@code 2>&1} is not). */
    public boolean writesFile() {
        return switch (operator) {
            case OUTPUT, APPEND, CLOBBER, READ_WRITE, OUTPUT_AND_ERROR, APPEND_OUTPUT_AND_ERROR -> true;
            case DUPLICATE_OUTPUT -> !isDescriptor(target.value());
            default -> false;
        };
    }

    /** The text fed to the command's standard input by a here-document or here-string. */
    public Optional<String> suppliedInput() {
        return switch (operator) {
            case HERE_DOCUMENT, HERE_DOCUMENT_STRIP_TABS -> Optional.of(hereDocument);
            case HERE_STRING -> Optional.of(target.value());
            default -> Optional.empty();
        };
    }

    private static boolean isDescriptor(String text) {
        if (text.equals("-") || text.isEmpty()) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && !(c == '-' && i == text.length() - 1)) {
                return false;
            }
        }
        return true;
    }
}
