package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Redirection;
import dev.vectraguard.policy.shell.Script;
import dev.vectraguard.policy.shell.SimpleCommand;
import dev.vectraguard.policy.shell.Word;
import dev.vectraguard.policy.shell.WordPart;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What earlier commands of one command line left for later ones, across {@code ;}, {@code &&}, {@code ||}
 * and newlines: files fetched by curl/wget and repositories cloned (so that running them is seen as
 * running a download), and secrets copied into variables or files (so that sending those is seen as
 * sending the secret).
 */
final class CommandFlow {
    private static final Set<String> NETWORK_COMMANDS = Set.of("curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ssh",
            "dig", "nslookup", "host", "drill", "ping", "http", "https", "xh", "scp", "rsync", "sftp", "ftp", "mail", "sendmail");
    private static final Set<String> SOURCING = Set.of("source", ".");
    private static final Set<String> CLONE_OPTIONS_WITH_VALUE = Set.of("--depth", "-b", "--branch", "-o", "--origin", "--reference",
            "-c", "--config", "-j", "--jobs", "--filter", "--template", "--separate-git-dir", "-u", "--upload-pack", "--shallow-since",
            "--shallow-exclude");
    private static final Set<String> ARCHIVERS = Set.of("tar", "zip", "7z", "cp", "gpg", "base64", "openssl", "xxd", "gzip", "cat");

    /** Fetched file (as written, without a leading ./) to the command that fetched it. */
    private final Map<String, String> downloads = new HashMap<>(0);
    private final Set<String> clones = new HashSet<>(0);
    private final Set<String> secretVariables = new HashSet<>(0);
    private final Set<String> secretFiles = new HashSet<>(0);
    /** Files written by a decoder ({@code base64 -d > x}): running one runs text nobody could read in the command. */
    private final Set<String> decoded = new HashSet<>(0);
    private String clonedWorkdir;

    /** Notes an assignment, before the command it prefixes runs. */
    void assign(String name, Word value) {
        if (!value.isDynamic() && secretVariables.isEmpty()) {
            return;
        }
        if (carriesSecret(value)) {
            secretVariables.add(name);
        } else {
            secretVariables.remove(name);
        }
    }

    /** Notes the variable of {@code for NAME in WORDS}: it holds a secret when one of the words names or carries one. */
    void loopOver(String name, List<Word> words) {
        if (words.stream().anyMatch(word -> carriesSecret(word) || SecretFiles.sensitivity(word.value()).isPresent())) {
            secretVariables.add(name);
        } else {
            secretVariables.remove(name);
        }
    }

    /** Rates {@code invocation} against what earlier commands left, then records what it leaves. */
    void check(Invocation invocation, FindingCollector findings) {
        checkExecution(invocation, findings);
        checkSending(invocation, findings);
        record(invocation);
    }

    private void checkExecution(Invocation invocation, FindingCollector findings) {
        if (downloads.isEmpty() && clones.isEmpty() && decoded.isEmpty()) {
            return;
        }
        String name = invocation.name();
        String program = invocation.command().value();
        boolean interpreted = false;
        if (Interpreters.isShell(name) || Interpreters.isScriptInterpreter(name) || SOURCING.contains(name)) {
            List<Word> operands = invocation.operands();
            if (operands.isEmpty() || Interpreters.inlineCode(invocation) != null
                    || Interpreters.isShell(name) && Interpreters.ShellArguments.of(invocation).command()) {
                return;
            }
            program = operands.getFirst().value();
            interpreted = true;
        }
        String installed = installedPackageFile(invocation);
        if (installed != null) {
            program = installed;
        }
        String display = " (" + invocation.display() + ")";
        String fetchedBy = downloads.get(key(program));
        if (decoded.contains(key(program))) {
            findings.add(FindingCode.OBFUSCATED_EXECUTION, RiskLevel.HIGH, "runs " + program + ", written by a decoder" + display);
        } else if (fetchedBy != null) {
            findings.add(FindingCode.DOWNLOAD_THEN_EXECUTE, RiskLevel.CRITICAL, "runs " + program + ", downloaded by " + fetchedBy + display);
        } else if (isInClone(program, interpreted)) {
            findings.add(FindingCode.DOWNLOAD_THEN_EXECUTE, RiskLevel.HIGH, "runs " + program + " from a repository cloned just before" + display);
        }
    }

    /** The package file of {@code dpkg -i F}, {@code apt install ./F}, {@code rpm -i F}, ...: installing it runs its scripts as root. */
    private static String installedPackageFile(Invocation invocation) {
        List<String> operands = invocation.operandValues(3);
        boolean installs = switch (invocation.name()) {
            case "dpkg" -> invocation.hasShortFlag('i') || invocation.has("--install");
            case "rpm" -> invocation.hasShortFlag('i') || invocation.hasShortFlag('U') || invocation.has("--install", "--upgrade");
            case "apt", "apt-get", "dnf", "yum", "zypper" -> !operands.isEmpty()
                    && (operands.getFirst().equals("install") || operands.getFirst().equals("localinstall"));
            default -> false;
        };
        if (!installs) {
            return null;
        }
        return invocation.operands().stream().map(Word::value)
                .filter(file -> file.endsWith(".deb") || file.endsWith(".rpm")).findFirst().orElse(null);
    }

    private boolean isInClone(String program, boolean interpreted) {
        String path = key(program);
        if (clonedWorkdir != null && !path.startsWith("/") && !path.startsWith("~") && !path.startsWith("$")
                && (interpreted || program.contains("/"))) {
            return true;
        }
        for (String clone : clones) {
            if (path.startsWith(clone + "/")) {
                return true;
            }
        }
        return false;
    }

    private void checkSending(Invocation invocation, FindingCollector findings) {
        if (!NETWORK_COMMANDS.contains(invocation.name()) && !(invocation.name().equals("openssl") && invocation.has("s_client"))) {
            return;
        }
        String display = " (" + invocation.display() + ")";
        for (Word arg : invocation.args()) {
            if (carriesSecret(arg)) {
                findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL, "sends a secret in its arguments" + display);
                return;
            }
        }
        if (invocation.name().equals("curl") || invocation.name().equals("wget")) {
            for (String file : DownloadRules.uploadedFiles(invocation)) {
                if (secretFiles.contains(key(file))) {
                    findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL, "uploads " + file + ", made from secrets" + display);
                }
            }
        }
        if (invocation.name().equals("scp") || invocation.name().equals("rsync")) {
            for (Word operand : invocation.operands()) {
                if (secretFiles.contains(key(operand.value()))) {
                    findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL, "copies " + operand.value()
                            + ", made from secrets, to another host" + display);
                }
            }
        }
        for (Redirection redirection : invocation.redirections()) {
            if (redirection.operator() == Redirection.Operator.INPUT) {
                String file = redirection.target().value();
                if (secretFiles.contains(key(file)) || SecretFiles.sensitivity(file).isPresent()) {
                    findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL, "sends " + file + " over the network" + display);
                }
            }
        }
    }

    private void record(Invocation invocation) {
        String name = invocation.name();
        if (name.equals("curl") || name.equals("wget")) {
            String output = DownloadRules.outputFile(invocation);
            if (output != null) {
                downloads.put(key(output), name);
            }
        } else if (name.equals("git") && invocation.subcommand().equals("clone")) {
            List<Word> args = invocation.args();
            int url = CommandUnwrapper.skipOptions(args, args.indexOf(invocation.operands().getFirst()) + 1, CLONE_OPTIONS_WITH_VALUE);
            if (url < args.size()) {
                String directory = url + 1 < args.size() ? args.get(url + 1).value() : Invocation.basename(args.get(url).value());
                clones.add(key(directory.endsWith(".git") ? directory.substring(0, directory.length() - 4) : directory));
            }
        } else if (PipelineRules.isDecoder(invocation)) {
            for (Redirection redirection : invocation.redirections()) {
                if (redirection.writesFile()) {
                    decoded.add(key(redirection.target().value()));
                }
            }
        } else if (name.equals("cd")) {
            String target = invocation.operands().isEmpty() ? "" : key(invocation.operands().getFirst().value());
            clonedWorkdir = clones.contains(target) ? target : null;
        } else if (ARCHIVERS.contains(name) && SecretRules.readsSecretFile(invocation) || DatabaseRules.isDump(invocation)) {
            String output = archiveOutput(invocation);
            if (output != null) {
                secretFiles.add(key(output));
            }
        }
    }

    /** The file an archiver or copier writes: tar's -f, zip's first operand, cp's destination, a redirection. */
    private static String archiveOutput(Invocation invocation) {
        for (Redirection redirection : invocation.redirections()) {
            if (redirection.writesFile()) {
                return redirection.target().value();
            }
        }
        List<Word> args = invocation.args();
        List<Word> operands = invocation.operands();
        switch (invocation.name()) {
            case "tar" -> {
                for (int i = 0; i + 1 < args.size(); i++) {
                    String value = args.get(i).value();
                    if (value.equals("-f") || value.equals("--file") || !value.startsWith("--") && value.endsWith("f")
                            && value.chars().allMatch(c -> Character.isLetter(c) || c == '-')) {
                        return args.get(i + 1).value();
                    }
                    if (value.startsWith("--file=")) {
                        return value.substring(7);
                    }
                }
                return null;
            }
            case "zip", "7z" -> {
                int first = invocation.name().equals("7z") ? 1 : 0;
                return operands.size() > first ? operands.get(first).value() : null;
            }
            case "cp" -> {
                return operands.size() >= 2 ? operands.getLast().value() : null;
            }
            case "pg_dump", "pg_dumpall" -> {
                return invocation.optionValue("-f") != null ? invocation.optionValue("-f") : invocation.optionValue("--file");
            }
            case "mysqldump", "mariadb-dump" -> {
                return invocation.optionValue("-r") != null ? invocation.optionValue("-r") : invocation.optionValue("--result-file");
            }
            default -> {
                for (int i = 0; i + 1 < args.size(); i++) {
                    if (args.get(i).value().equals("-out") || args.get(i).value().equals("-o")) {
                        return args.get(i + 1).value();
                    }
                }
                return null;
            }
        }
    }

    /** True when a word holds a secret: a substitution that prints one, or a variable set from one earlier. */
    boolean carriesSecret(Word word) {
        for (WordPart part : word.parts()) {
            if (part instanceof WordPart.Parameter parameter && secretVariables.contains(parameter.name())) {
                return true;
            }
        }
        for (Script substitution : word.substitutions()) {
            for (SimpleCommand simple : CommandTree.simpleCommands(substitution.commands())) {
                var invocation = CommandUnwrapper.invocation(simple.words(), simple.redirections());
                if (invocation.isPresent() && SecretSources.emitsSecrets(invocation.get())
                        || simple.redirections().stream().anyMatch(r -> r.operator() == Redirection.Operator.INPUT
                        && SecretFiles.sensitivity(r.target().value()).isPresent())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String key(String path) {
        String stripped = path;
        while (stripped.startsWith("./")) {
            stripped = stripped.substring(2);
        }
        while (stripped.endsWith("/") && stripped.length() > 1) {
            stripped = stripped.substring(0, stripped.length() - 1);
        }
        return stripped;
    }
}
