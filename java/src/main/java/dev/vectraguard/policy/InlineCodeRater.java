package dev.vectraguard.policy;

import dev.vectraguard.policy.InlineCode.Call;
import dev.vectraguard.policy.InlineCode.Language;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rates an interpreter's inline program as the shell commands it amounts to: a command run through
 * {@code os.system}, {@code subprocess.*}, {@code child_process.*}, {@code system()} or backticks is
 * analysed like that command; {@code shutil.rmtree(P)} like {@code rm -rf P}; a file opened for writing
 * like a redirection to it; code fetched from the network and evaluated like {@code curl | sh}; the
 * environment or a secret file sent over the network like an upload of it.
 */
final class InlineCodeRater {
    private static final Map<Language, Set<String>> SHELL_CALLS = Map.of(
            Language.PYTHON, Set.of("system", "popen", "run", "call", "check_call", "check_output", "Popen", "getoutput",
                    "getstatusoutput", "spawn", "create_subprocess_shell", "create_subprocess_exec", "execv", "execvp", "execl",
                    "execlp", "execve", "execvpe", "execle", "spawnv", "spawnl", "spawnlp", "spawnvp", "startfile", "`"),
            Language.JAVASCRIPT, Set.of("exec", "execSync", "spawn", "spawnSync", "execFile", "execFileSync", "execa", "execaSync",
                    "execaCommand", "execaCommandSync", "Command", "run"),
            Language.PERL, Set.of("system", "exec", "`", "readpipe"),
            Language.RUBY, Set.of("system", "exec", "spawn", "popen", "capture2", "capture2e", "capture3", "popen2", "popen3", "`"),
            Language.PHP, Set.of("system", "exec", "shell_exec", "passthru", "popen", "proc_open", "pcntl_exec", "`"),
            Language.LUA, Set.of("execute", "popen"),
            Language.AWK, Set.of("system"));
    /** Python call names that are commands only when qualified by one of these modules (or unqualified). */
    private static final Set<String> PYTHON_EXEC_MODULES = Set.of("os", "subprocess", "sp", "pty", "commands", "asyncio");
    private static final Map<Language, Set<String>> CODE_CALLS = Map.of(
            Language.PYTHON, Set.of("exec", "eval", "compile"),
            Language.JAVASCRIPT, Set.of("eval", "Function", "runInThisContext", "runInNewContext", "runInContext"),
            Language.PERL, Set.of("eval"),
            Language.RUBY, Set.of("eval", "instance_eval", "class_eval", "module_eval"),
            Language.PHP, Set.of("eval", "assert", "create_function", "include", "require", "include_once", "require_once"),
            Language.LUA, Set.of("load", "loadstring", "dofile"),
            Language.AWK, Set.of());
    private static final Set<String> FETCH_CALLS = Set.of("urlopen", "urlretrieve", "fetch", "file_get_contents", "curl_exec",
            "getstore", "get", "read", "open");
    private static final Set<String> SEND_CALLS = Set.of("post", "put", "patch", "request", "urlopen", "fetch", "sendall", "send",
            "sendto", "post_form", "curl_exec", "fsockopen", "connect", "createConnection", "Request", "post_json", "postForm");
    private static final Set<String> DELETE_CALLS = Set.of("rmtree", "remove", "unlink", "rmdir", "removedirs", "rm_rf", "rm_r",
            "rm", "rm_f", "remove_tree", "rmSync", "rmdirSync", "unlinkSync", "removeSync", "rimraf", "delete", "remove_dir",
            "remove_entry", "remove_entry_secure");
    private static final Set<String> RECURSIVE_DELETE_CALLS = Set.of("rmtree", "rm_rf", "rm_r", "remove_tree", "rimraf",
            "removedirs", "remove_entry", "remove_entry_secure");
    /** Calls that list or walk a directory: a delete of what they yield is a delete of everything under it. */
    private static final Set<String> WALK_CALLS = Set.of("walk", "listdir", "scandir", "glob", "iglob", "rglob", "readdirSync",
            "readdir", "opendir", "each_child", "children", "entries");
    private static final Set<String> PERMISSION_CALLS = Set.of("chmod", "chmodSync", "chown", "chownSync", "lchown", "lchmod");
    private static final Set<String> WRITE_CALLS = Set.of("writeFileSync", "appendFileSync", "writeFile", "appendFile",
            "write_text", "write_bytes", "file_put_contents", "writeTextFile", "writeTextFileSync", "write", "binwrite");
    private static final Set<String> OPEN_CALLS = Set.of("open", "fopen", "File.open", "io.open");
    private static final Set<String> READ_CALLS = Set.of("open", "fopen", "readFileSync", "readFile", "read_text", "read_bytes",
            "file_get_contents", "read", "readlines", "readTextFile", "readTextFileSync", "expanduser", "Path", "binread");

    private InlineCodeRater() {
    }

    static void rate(String code, Language language, Invocation runner, Analysis analysis, int depth) {
        InlineCode program = InlineCode.read(code, language);
        FindingCollector findings = analysis.findings();
        String display = " (" + runner.display() + ")";
        boolean fetches = false;
        boolean evaluates = false;
        boolean sends = false;
        boolean decodes = false;
        boolean readsSecret = false;
        String previousLiteral = null;
        String walkedDirectory = program.calls().stream().filter(call -> WALK_CALLS.contains(call.shortName()) && !call.literals().isEmpty())
                .map(call -> call.literals().getFirst()).findFirst().orElse(null);
        boolean decodesBase64 = program.calls().stream().anyMatch(InlineCodeRater::decodesBase64);
        for (Call call : program.calls()) {
            String name = call.shortName();
            if (isShellCall(language, call)) {
                runs(call, analysis, depth);
                if (decodesBase64) {
                    runsDecoded(call, runner, analysis, depth);
                }
            } else if (DELETE_CALLS.contains(name) && !(language == Language.JAVASCRIPT && name.equals("delete"))) {
                String path = call.literals().isEmpty() ? previousLiteral : pathLiteral(call.literals());
                boolean overWalk = path == null && walkedDirectory != null;
                if (overWalk) {
                    path = walkedDirectory;
                }
                if (path != null && !path.isBlank()) {
                    boolean recursive = RECURSIVE_DELETE_CALLS.contains(name) || call.mentionsRecursive() || overWalk;
                    analysis.argv(recursive ? List.of("rm", "-rf", "--", path) : List.of("rm", "--", path), depth + 1);
                }
            }
            if (PERMISSION_CALLS.contains(name)) {
                call.literals().stream().filter(literal -> literal.startsWith("/") || literal.startsWith("~")).findFirst()
                        .ifPresent(path -> analysis.argv(List.of(name.startsWith("chown") || name.equals("lchown") ? "chown" : "chmod",
                                "?", path), depth + 1));
            }
            if (OPEN_CALLS.contains(call.name()) || OPEN_CALLS.contains(name) && !call.literals().isEmpty()) {
                if (call.literals().size() > 1 && call.literals().get(1).matches("[rwab+xt]*[wa+][rwab+xt]*")) {
                    SystemFileRules.checkWrite(call.literals().getFirst(), runner.display(), findings, null);
                }
            } else if (WRITE_CALLS.contains(name) && !call.literals().isEmpty()) {
                SystemFileRules.checkWrite(call.literals().getFirst(), runner.display(), findings,
                        call.literals().size() > 1 ? call.literals().get(1) : null);
            }
            if (READ_CALLS.contains(name) || READ_CALLS.contains(call.name())) {
                for (String literal : call.literals()) {
                    Optional<RiskLevel> level = SecretFiles.sensitivity(literal);
                    if (level.isPresent()) {
                        readsSecret = true;
                        findings.add(FindingCode.SECRET_FILE_READ, level.get(), "reads secret file " + literal + display);
                    }
                }
            }
            evaluates |= CODE_CALLS.get(language).contains(name);
            if (CODE_CALLS.get(language).contains(name) && call.literals().size() == 1 && !call.hasNonLiteralArgument()) {
                analysis.code(runner, call.literals().getFirst(), depth + 1);
            }
            decodes |= decodesBase64(call);
            boolean url = call.literals().stream().anyMatch(InlineCodeRater::isUrl);
            fetches |= FETCH_CALLS.contains(name) && (url || !name.equals("open") && !name.equals("read"))
                    || name.equals("get") && isHttpClient(call.qualifier());
            sends |= SEND_CALLS.contains(name) && (!name.equals("send") || !call.qualifier().isEmpty())
                    || name.equals("get") && isHttpClient(call.qualifier()) && program.readsEnvironment();
            if (!call.literals().isEmpty()) {
                previousLiteral = call.literals().getLast();
            }
        }
        evaluates |= language == Language.JAVASCRIPT && (program.identifiers().contains("eval") || program.identifiers().contains("Function"));
        for (String command : program.shellLiterals()) {
            analysis.text(command, depth + 1);
        }
        if (evaluates && fetches) {
            findings.add(FindingCode.PIPE_TO_SHELL, RiskLevel.CRITICAL, "evaluates downloaded code" + display);
        } else if (evaluates && decodes) {
            findings.add(FindingCode.OBFUSCATED_EXECUTION, RiskLevel.HIGH, "evaluates decoded data" + display);
        }
        if (sends && program.readsEnvironment()) {
            findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL, "sends the environment over the network" + display);
        } else if (sends && readsSecret) {
            findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL, "sends a secret file over the network" + display);
        }
    }

    private static boolean decodesBase64(Call call) {
        String name = call.shortName();
        return name.contains("b64decode") || name.equals("decode64") || name.equals("base64_decode") || name.equals("atob")
                || name.equals("unpack") && call.literals().contains("m");
    }

    /** The path among a call's literals: the first absolute or home one, else the first. */
    private static String pathLiteral(List<String> literals) {
        return literals.stream().filter(literal -> literal.startsWith("/") || literal.startsWith("~")).findFirst()
                .orElse(literals.getFirst());
    }

    /** A command run from base64 text decoded in the program ({@code os.system(b64decode('cm0g...'))}): rated decoded. */
    private static void runsDecoded(Call call, Invocation runner, Analysis analysis, int depth) {
        for (String literal : call.literals()) {
            String decoded = PrintedText.base64(literal);
            if (decoded != null) {
                analysis.findings().add(FindingCode.OBFUSCATED_EXECUTION, RiskLevel.HIGH, "runs a base64-decoded command: "
                        + VisibleText.shortened(decoded, 60) + " (" + runner.display() + ")");
                analysis.text(decoded, depth + 1);
            }
        }
    }

    private static void runs(Call call, Analysis analysis, int depth) {
        List<String> literals = new ArrayList<>(call.literals());
        if (literals.isEmpty()) {
            if (call.hasNonLiteralArgument()) {
                analysis.findings().add(FindingCode.DYNAMIC_COMMAND, RiskLevel.MEDIUM, "runs a command only known at run time (" + call.name() + ")");
            }
            return;
        }
        if (literals.size() == 1) {
            analysis.text(literals.getFirst(), depth + 1);
        } else {
            analysis.argv(literals, depth + 1);
        }
    }

    private static boolean isShellCall(Language language, Call call) {
        String name = call.shortName();
        if (!SHELL_CALLS.get(language).contains(name)) {
            return false;
        }
        String qualifier = call.qualifier();
        return switch (language) {
            case PYTHON -> name.equals("`") || qualifier.isEmpty() || PYTHON_EXEC_MODULES.contains(qualifier)
                    || qualifier.endsWith("subprocess");
            case JAVASCRIPT -> !name.equals("run") || qualifier.equals("deno");
            case LUA -> !qualifier.isEmpty();
            default -> true;
        };
    }

    private static boolean isHttpClient(String qualifier) {
        return qualifier.endsWith("requests") || qualifier.endsWith("httpx") || qualifier.endsWith("http") || qualifier.endsWith("https")
                || qualifier.endsWith("axios") || qualifier.endsWith("got") || qualifier.contains("lwp") || qualifier.contains("net::http")
                || qualifier.contains("http::tiny") || qualifier.endsWith("urllib") || qualifier.endsWith("session") || qualifier.isEmpty();
    }

    private static boolean isUrl(String literal) {
        return literal.startsWith("http://") || literal.startsWith("https://") || literal.startsWith("ftp://");
    }
}
