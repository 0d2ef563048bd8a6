package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Redirection;
import dev.vectraguard.policy.shell.Word;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** curl/wget downloading scripts (with -o, -O or a redirection), or uploading secret files. */
final class DownloadRules implements CommandRule {
    private static final Set<String> SCRIPT_EXTENSIONS = Set.of(".sh", ".bash", ".zsh", ".py", ".pl", ".rb", ".ps1", ".bat",
            ".cmd", ".command", ".php");
    private static final Set<String> CURL_DATA_OPTIONS = Set.of("-d", "--data", "--data-binary", "--data-raw",
            "--data-urlencode", "--json");
    private static final Set<String> CURL_FORM_OPTIONS = Set.of("-F", "--form");
    private static final Set<String> CURL_UPLOAD_OPTIONS = Set.of("-T", "--upload-file");

    @Override
    public Set<String> commands() {
        return Set.of("curl", "wget");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        String display = " (" + invocation.display() + ")";
        for (String uploaded : uploadedFiles(invocation)) {
            if (SecretFiles.sensitivity(uploaded).isPresent()) {
                findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL, "uploads secret file " + uploaded + display);
            }
        }
        String output = outputFile(invocation);
        if (output != null && isScript(output)) {
            findings.add(FindingCode.REMOTE_SCRIPT_DOWNLOAD, RiskLevel.MEDIUM,
                    "downloads script " + Invocation.basename(stripQuery(output)) + display);
        }
    }

    /** The local file curl or wget writes the download to ({@code -o}, {@code -O}, a redirection, wget's default), or null for stdout. */
    static String outputFile(Invocation invocation) {
        List<Word> args = invocation.args();
        boolean wget = invocation.name().equals("wget");
        String output = null;
        String url = null;
        boolean remoteName = false;
        for (int i = 0; i < args.size(); i++) {
            String value = args.get(i).value();
            String next = i + 1 < args.size() ? args.get(i + 1).value() : "";
            boolean cluster = value.length() > 2 && value.charAt(0) == '-' && value.charAt(1) != '-';
            if (value.contains("://")) {
                url = value;
            } else if (wget && cluster && value.endsWith("O-")) {
                output = "-";
            } else if (value.equals("-o") || value.equals("--output") || value.equals("--output-document")
                    || (wget && (value.equals("-O") || cluster && value.endsWith("O"))) || !wget && cluster && value.endsWith("o")) {
                output = next;
                i++;
            } else if (value.startsWith("--output-document=") || value.startsWith("--output=")) {
                output = value.substring(value.indexOf('=') + 1);
            } else if (value.equals("-O") || value.equals("--remote-name") || value.equals("--remote-name-all")
                    || !wget && cluster && value.endsWith("O")) {
                remoteName = true;
            }
        }
        for (Redirection redirection : invocation.redirections()) {
            if (redirection.writesFile()) {
                output = redirection.target().value();
            }
        }
        if (output == null && url != null && (remoteName || wget)) {
            output = Invocation.basename(stripQuery(url));
            String directory = wget ? optionValue(args, "-P", "--directory-prefix") : null;
            if (directory != null) {
                output = directory + "/" + output;
            }
        }
        return output == null || output.equals("-") || output.startsWith("/dev/") ? null : output;
    }

    private static String optionValue(List<Word> args, String shortOption, String longOption) {
        for (int i = 0; i < args.size(); i++) {
            String value = args.get(i).value();
            if (value.equals(shortOption) && i + 1 < args.size()) {
                return args.get(i + 1).value();
            }
            if (value.startsWith(longOption + "=")) {
                return value.substring(longOption.length() + 1);
            }
        }
        return null;
    }

    /** The local files curl or wget uploads. */
    static List<String> uploadedFiles(Invocation invocation) {
        List<String> files = new ArrayList<>(0);
        List<Word> args = invocation.args();
        for (int i = 0; i < args.size(); i++) {
            String uploaded = uploadedFile(args.get(i).value(), i + 1 < args.size() ? args.get(i + 1).value() : "");
            if (uploaded != null) {
                files.add(uploaded);
            }
        }
        return files;
    }

    /** The local file an upload option sends ({@code -d @file}, {@code -F x=@file}, {@code -T file}, {@code --post-file=file}). */
    private static String uploadedFile(String option, String value) {
        if (CURL_DATA_OPTIONS.contains(option) && value.startsWith("@")) {
            return value.substring(1);
        }
        if (CURL_FORM_OPTIONS.contains(option)) {
            int at = Math.max(value.indexOf("=@"), value.indexOf("=<"));
            if (at > 0) {
                int end = value.indexOf(';', at);
                return value.substring(at + 2, end < 0 ? value.length() : end);
            }
        }
        if (CURL_UPLOAD_OPTIONS.contains(option)) {
            return value;
        }
        if (option.startsWith("--post-file=") || option.startsWith("--body-file=")) {
            return option.substring(option.indexOf('=') + 1);
        }
        return null;
    }

    private static boolean isScript(String path) {
        String name = stripQuery(path).toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot > name.lastIndexOf('/') && SCRIPT_EXTENSIONS.contains(name.substring(dot));
    }

    private static String stripQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
