package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Assignment;
import dev.vectraguard.policy.shell.BraceGroup;
import dev.vectraguard.policy.shell.Command;
import dev.vectraguard.policy.shell.CommandList;
import dev.vectraguard.policy.shell.CompoundCommand;
import dev.vectraguard.policy.shell.FunctionDefinition;
import dev.vectraguard.policy.shell.ParseError;
import dev.vectraguard.policy.shell.Pipeline;
import dev.vectraguard.policy.shell.Redirection;
import dev.vectraguard.policy.shell.Script;
import dev.vectraguard.policy.shell.ShellParser;
import dev.vectraguard.policy.shell.SimpleCommand;
import dev.vectraguard.policy.shell.Subshell;
import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One analysis of one command line: walks the tree, sees through wrappers, follows code into
 * {@code sh -c}, {@code eval}, substitutions, here-documents fed to shells, {@code ssh HOST CMD} and
 * {@code kubectl exec POD -- CMD} (up to {@link #MAX_DEPTH} levels), and applies the rules. Not thread-safe; {@link RiskAnalyzer} makes one per call.
 */
final class Analysis {
    static final int MAX_DEPTH = 8;
    private static final Set<String> SOURCING = Set.of("source", ".");
    private static final Set<String> DECODERS = Set.of("base64", "base32", "xxd", "openssl", "rev", "gunzip", "zcat");

    private final FindingCollector findings = new FindingCollector();
    private final ShellVariables variables = new ShellVariables();

    FindingCollector findings() {
        return findings;
    }

    void script(Script script, int depth) {
        if (!script.isWellFormed()) {
            ParseError error = script.errors().getFirst();
            findings.add(FindingCode.PARSE_ERROR, RiskLevel.MEDIUM,
                    "malformed shell: " + error.message() + " at offset " + error.offset());
        }
        nested(script, depth);
    }

    /** Analyses a script whose parse errors were already reported with the script around it. */
    private void nested(Script script, int depth) {
        if (depth > MAX_DEPTH) {
            findings.add(FindingCode.NESTING_TOO_DEEP, RiskLevel.HIGH,
                    "code nested more than " + MAX_DEPTH + " levels deep in sh -c, eval or substitutions");
            return;
        }
        command(script.commands(), depth);
    }

    /** Parses and analyses code that a command runs ({@code sh -c TEXT}, {@code eval TEXT}, ...). */
    void text(String text, int depth) {
        script(ShellParser.parse(text), depth);
    }

    private void command(Command command, int depth) {
        switch (command) {
            case SimpleCommand simple -> simple(simple, depth);
            case Pipeline pipeline -> {
                pipeline.stages().forEach(stage -> command(stage, depth));
                PipelineRules.check(pipeline, this, depth);
            }
            case CommandList list -> list.items().forEach(item -> command(item.command(), depth));
            case Subshell subshell -> {
                command(subshell.body(), depth);
                redirections(subshell.redirections(), null, depth);
            }
            case BraceGroup group -> {
                command(group.body(), depth);
                redirections(group.redirections(), null, depth);
            }
            case FunctionDefinition function -> {
                if (ForkBombs.isForkBomb(function)) {
                    findings.add(FindingCode.FORK_BOMB, RiskLevel.CRITICAL, "fork bomb: function " + function.name()
                            + " calls itself twice in a pipeline or background");
                }
                command(function.body(), depth);
            }
            case CompoundCommand compound -> {
                compound.words().forEach(word -> substitutions(word, depth));
                compound.bodies().forEach(body -> command(body, depth));
                redirections(compound.redirections(), null, depth);
            }
        }
    }

    private void simple(SimpleCommand simple, int depth) {
        for (Assignment assignment : simple.assignments()) {
            substitutions(assignment.value(), depth);
        }
        simple.words().forEach(word -> substitutions(word, depth));
        variables.record(simple);
        List<Word> words = BraceExpansion.expand(variables.expand(simple.words()));
        CommandUnwrapper.Unwrapped unwrapped = CommandUnwrapper.unwrap(words);
        if (!unwrapped.elevatedBy().isEmpty()) {
            findings.add(FindingCode.PRIVILEGED_COMMAND, RiskLevel.MEDIUM,
                    "runs with elevated privileges via " + unwrapped.elevatedBy() + " (" + join(words) + ")");
        }
        if (unwrapped.shellString()) {
            redirections(simple.redirections(), null, depth);
            text(join(unwrapped.argv()), depth + 1);
        } else if (unwrapped.argv().isEmpty()) {
            redirections(simple.redirections(), null, depth);
        } else {
            invocation(Invocation.of(unwrapped.argv(), simple.redirections(), unwrapped.elevatedBy(),
                    unwrapped.argumentsFromInput()), depth);
        }
    }

    private void invocation(Invocation invocation, int depth) {
        String name = invocation.name();
        if (Interpreters.isScriptInterpreter(name) && invocation.value(0).equals("-m") && invocation.args().size() > 1) {
            List<Word> module = invocation.args().subList(1, invocation.args().size());
            invocation(Invocation.of(module, invocation.redirections(), invocation.elevatedBy(),
                    invocation.argumentsFromInput()), depth);
            return;
        }
        if (invocation.command().isDynamic()) {
            findings.add(FindingCode.DYNAMIC_COMMAND, RiskLevel.MEDIUM,
                    "command name is only known at run time (" + invocation.display() + ")");
        }
        redirections(invocation.redirections(), invocation, depth);
        followCode(invocation, depth);
        for (CommandRule rule : RuleBook.rulesFor(name)) {
            rule.check(invocation, findings);
        }
    }

    /** Analyses the code an invocation runs: a shell's program, eval's words, a remote or container command. */
    private void followCode(Invocation invocation, int depth) {
        String name = invocation.name();
        if (Interpreters.isShell(name)) {
            shell(invocation, depth);
        } else if (name.equals("eval")) {
            invocation.args().forEach(arg -> executesDownload(arg, invocation));
            text(join(invocation.args()), depth + 1);
        } else if (SOURCING.contains(name) && !invocation.args().isEmpty()) {
            executesDownload(invocation.args().getFirst(), invocation);
        } else if (Interpreters.isScriptInterpreter(name)) {
            Word code = Interpreters.inlineCode(invocation);
            List<Word> operands = invocation.operands();
            if (code != null) {
                executesDownload(code, invocation);
            } else if (!operands.isEmpty()) {
                executesDownload(operands.getFirst(), invocation);
            }
        } else if (name.equals("ssh")) {
            text(join(Interpreters.sshCommand(invocation)), depth + 1);
        } else if (name.equals("kubectl") || name.equals("oc") || Interpreters.CONTAINER_ENGINES.contains(name)) {
            List<Word> argv = Interpreters.containerCommand(invocation);
            if (!argv.isEmpty()) {
                invocation(Invocation.of(argv, List.of(), "", false), depth + 1);
            }
        }
    }

    private void shell(Invocation shell, int depth) {
        Interpreters.ShellArguments arguments = Interpreters.ShellArguments.of(shell);
        int operand = arguments.operandIndex();
        if (operand < shell.args().size()) {
            Word program = shell.args().get(operand);
            executesDownload(program, shell);
            if (arguments.command()) {
                text(program.value(), depth + 1);
            }
        } else if (!arguments.command()) {
            for (Redirection redirection : shell.redirections()) {
                redirection.suppliedInput().ifPresent(input -> text(input, depth + 1));
            }
        }
    }

    /**
     * Flags code that comes straight from a download ({@code bash <(curl ...)}, {@code sh -c "$(wget -O- ...)"})
     * or from a decoder ({@code eval "$(echo ... | base64 -d)"}).
     */
    private void executesDownload(Word code, Invocation runner) {
        for (Script substitution : code.substitutions()) {
            if (CommandTree.runs(substitution.commands(), Interpreters.DOWNLOADERS)) {
                findings.add(FindingCode.PIPE_TO_SHELL, RiskLevel.CRITICAL,
                        "runs a downloaded script with " + runner.name() + " (" + runner.display() + ")");
            } else if (CommandTree.runs(substitution.commands(), DECODERS)) {
                findings.add(FindingCode.OBFUSCATED_EXECUTION, RiskLevel.HIGH,
                        "runs decoded text with " + runner.name() + " (" + runner.display() + ")");
            }
        }
    }

    private void redirections(List<Redirection> redirections, Invocation invocation, int depth) {
        for (Redirection redirection : redirections) {
            substitutions(redirection.target(), depth);
            String target = redirection.target().value();
            String display = (invocation == null ? "" : invocation.display() + " ")
                    + redirection.fd() + redirection.operator().text() + target;
            if (target.startsWith("/dev/tcp/") || target.startsWith("/dev/udp/")) {
                if (invocation == null || Interpreters.isShell(invocation.name()) || invocation.name().equals("exec")) {
                    findings.add(FindingCode.REVERSE_SHELL, RiskLevel.CRITICAL, "shell connected to " + target + " (" + display + ")");
                } else {
                    findings.add(FindingCode.DEV_TCP_CONNECTION, RiskLevel.HIGH, "raw network connection to " + target + " (" + display + ")");
                }
            } else if (redirection.writesFile()) {
                if (SensitivePaths.isBlockDevice(target)) {
                    findings.add(FindingCode.DISK_WIPE, RiskLevel.CRITICAL, "redirection overwrites block device " + target + " (" + display + ")");
                } else {
                    SystemFileRules.checkWrite(target, display, findings);
                }
            }
        }
    }

    private void substitutions(Word word, int depth) {
        for (Script substitution : word.substitutions()) {
            nested(substitution, depth + 1);
        }
    }

    /** The invocation a simple command runs, with the variables known so far substituted. */
    Optional<Invocation> invocation(SimpleCommand simple) {
        return CommandUnwrapper.invocation(BraceExpansion.expand(variables.expand(simple.words())), simple.redirections());
    }

    RiskReport report(String normalizedCommand) {
        return findings.report(normalizedCommand);
    }

    private static String join(List<Word> words) {
        StringBuilder text = new StringBuilder();
        for (Word word : words) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(word.value());
        }
        return text.toString();
    }
}
