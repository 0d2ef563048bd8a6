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
import dev.vectraguard.policy.shell.WordPart;

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
    private static final Set<String> DECLARATIONS = Set.of("export", "local", "declare", "typeset", "readonly");
    private static final Set<String> AWKS = Set.of("awk", "gawk", "mawk", "nawk");
    /** First words of a command that may print known text (see {@link PrintedText}), directly or through a wrapper. */
    private static final Set<String> PRINTERS_AND_WRAPPERS = Set.of("echo", "printf", "cat", "sudo", "doas", "env", "command",
            "builtin", "nohup", "time", "exec", "stdbuf", "timeout", "nice");

    private final FindingCollector findings = new FindingCollector();
    private final ShellVariables variables = new ShellVariables();
    private final CommandFlow flow = new CommandFlow();
    private final ProtectedDirectories protectedDirectories;
    /** What the previous stage of the pipeline being analysed prints, when known; read by the next simple command. */
    private String pipedInput;
    private final AnalysisBudget budget = AnalysisBudget.current();
    private boolean budgetSpent;

    Analysis(ProtectedDirectories protectedDirectories) {
        this.protectedDirectories = protectedDirectories;
    }

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
        Script script = parse(text);
        if (script != null) {
            script(script, depth);
        }
    }

    /** {@code text} parsed, or null when the {@link AnalysisBudget} is spent (reported once). */
    private Script parse(String text) {
        if (!budget.parse(text.length())) {
            budgetSpent();
            return null;
        }
        return ShellParser.parse(text);
    }

    private void budgetSpent() {
        if (!budgetSpent) {
            budgetSpent = true;
            findings.add(FindingCode.NESTING_TOO_DEEP, RiskLevel.HIGH, "more code nested in sh -c, eval or substitutions "
                    + "than vg follows in one command: the rest was not analysed");
        }
    }

    private void command(Command command, int depth) {
        if (!budget.visit()) {
            budgetSpent();
            return;
        }
        switch (command) {
            case SimpleCommand simple -> simple(simple, depth);
            case Pipeline pipeline -> {
                List<Command> stages = pipeline.stages();
                for (int i = 0; i < stages.size(); i++) {
                    PrintedText previous = i == 0 || !mayPrint(stages.get(i - 1)) ? null : printedBy(stages.get(i - 1));
                    pipedInput = previous == null ? null : previous.text();
                    command(stages.get(i), depth);
                }
                pipedInput = null;
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
                if (!compound.variable().isEmpty()) {
                    flow.loopOver(compound.variable(), compound.words());
                }
                compound.bodies().forEach(body -> command(body, depth));
                redirections(compound.redirections(), null, depth);
            }
        }
    }

    private void simple(SimpleCommand simple, int depth) {
        String input = pipedInput;
        pipedInput = null;
        for (Assignment assignment : simple.assignments()) {
            substitutions(assignment.value(), depth);
            SecurityControlRules.checkAssignment(assignment.name(), assignment.value().value(), findings);
            flow.assign(assignment.name(), assignment.value());
        }
        simple.words().forEach(word -> substitutions(word, depth));
        for (Word word : simple.words()) {
            if (ShellVariables.usesFieldSeparator(word)) {
                findings.add(FindingCode.OBFUSCATED_COMMAND, RiskLevel.HIGH,
                        "uses $IFS in place of spaces to hide the command (" + join(simple.words()) + ")");
                break;
            }
        }
        variables.record(simple);
        if (simple.words().isEmpty()) {
            for (Assignment assignment : simple.assignments()) {
                List<WordPart> parts = assignment.value().parts();
                if (parts.size() == 1 && parts.getFirst() instanceof WordPart.CommandSubstitution substitution) {
                    PrintedText printed = outputOf(substitution.script());
                    if (printed != null) {
                        variables.assign(assignment.name(), printed.text().strip());
                    }
                }
            }
        }
        if (!simple.words().isEmpty() && DECLARATIONS.contains(simple.words().getFirst().value())) {
            for (Word word : simple.words()) {
                int equals = word.value().indexOf('=');
                if (equals > 0) {
                    flow.assign(word.value().substring(0, equals), word);
                }
            }
        }
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
                    unwrapped.argumentsFromInput()), input, depth);
        }
    }

    private void invocation(Invocation invocation, String pipedText, int depth) {
        invocation(pipedText == null ? invocation : invocation.withPipedInput(pipedText), depth);
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
            runsSubstitutionOutput(invocation, depth);
        }
        redirections(invocation.redirections(), invocation, depth);
        followCode(invocation, depth);
        for (CommandRule rule : RuleBook.rulesFor(name)) {
            rule.check(invocation, findings);
        }
        flow.check(invocation, findings);
        protectedDirectories.check(invocation, findings);
    }

    /** Analyses {@code argv} as a command that code runs ({@code subprocess.run(["rm", "-rf", "/"])}). */
    void argv(List<String> argv, int depth) {
        if (depth > MAX_DEPTH) {
            findings.add(FindingCode.NESTING_TOO_DEEP, RiskLevel.HIGH,
                    "code nested more than " + MAX_DEPTH + " levels deep in sh -c, eval or substitutions");
            return;
        }
        List<Word> words = argv.stream().map(Word::quoted).toList();
        CommandUnwrapper.Unwrapped unwrapped = CommandUnwrapper.unwrap(words);
        if (unwrapped.shellString()) {
            text(join(unwrapped.argv()), depth + 1);
        } else if (!unwrapped.argv().isEmpty()) {
            invocation(Invocation.of(unwrapped.argv(), List.of(), unwrapped.elevatedBy(), unwrapped.argumentsFromInput()), depth);
        }
    }

    /** Rates {@code code} as the program of {@code interpreter} (python, node, perl, ruby, php, lua, awk). */
    void code(Invocation interpreter, String code, int depth) {
        if (depth > MAX_DEPTH) {
            findings.add(FindingCode.NESTING_TOO_DEEP, RiskLevel.HIGH,
                    "code nested more than " + MAX_DEPTH + " levels deep in sh -c, eval or substitutions");
            return;
        }
        int mark = findings.size();
        InlineCodeRater.rate(code, InlineCode.language(interpreter.name()), interpreter, this, depth);
        findings.noteSince(mark, "in " + interpreter.name() + " code");
        if (ReverseShellRules.isReverseShellCode(code)) {
            findings.add(FindingCode.REVERSE_SHELL, RiskLevel.CRITICAL,
                    "reverse shell in " + interpreter.name() + " code (" + interpreter.display() + ")");
        }
    }

    /** A cheap test before {@link #printedBy}: the stage is a group, or a command whose first word may be a printer. */
    private static boolean mayPrint(Command stage) {
        if (!(stage instanceof SimpleCommand simple)) {
            return stage instanceof Subshell || stage instanceof BraceGroup;
        }
        return !simple.words().isEmpty() && (simple.words().getFirst().isDynamic()
                || PRINTERS_AND_WRAPPERS.contains(Invocation.basename(simple.words().getFirst().value())));
    }

    /** What a pipeline stage prints, when known: echo, printf, cat of a here-document, or those inside ( ) or { }. */
    PrintedText printedBy(Command stage) {
        if (stage instanceof SimpleCommand simple) {
            return invocation(simple).map(PrintedText::of).orElse(null);
        }
        if (!(stage instanceof Subshell) && !(stage instanceof BraceGroup)) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        boolean escaped = false;
        for (SimpleCommand simple : CommandTree.simpleCommands(stage)) {
            PrintedText printed = invocation(simple).map(PrintedText::of).orElse(null);
            if (printed != null) {
                text.append(printed.text()).append('\n');
                escaped |= printed.escaped();
            }
        }
        return text.isEmpty() ? null : new PrintedText(text.toString(), escaped);
    }

    /** Analyses the code an invocation runs: a shell's program, eval's words, a remote or container command. */
    private void followCode(Invocation invocation, int depth) {
        String name = invocation.name();
        if (Interpreters.isShell(name)) {
            shell(invocation, depth);
        } else if (name.equals("eval")) {
            invocation.args().forEach(arg -> executesDownload(arg, invocation, depth));
            text(join(invocation.args()), depth + 1);
        } else if (SOURCING.contains(name) && !invocation.args().isEmpty()) {
            executesDownload(invocation.args().getFirst(), invocation, depth);
        } else if (Interpreters.isScriptInterpreter(name)) {
            Word code = Interpreters.inlineCode(invocation);
            List<Word> operands = invocation.operands();
            if (code != null) {
                executesDownload(code, invocation, depth);
                code(invocation, code.value(), depth + 1);
            } else if (!operands.isEmpty() && !operands.getFirst().value().equals("-")) {
                executesDownload(operands.getFirst(), invocation, depth);
            } else if (invocation.input() != null && !invocation.has("-m")) {
                code(invocation, invocation.input(), depth + 1);
            }
        } else if (AWKS.contains(name)) {
            Word program = Interpreters.awkProgram(invocation);
            if (program != null) {
                code(invocation, program.value(), depth + 1);
            }
        } else if (name.equals("deno") || name.equals("bun")) {
            List<Word> operands = invocation.operands();
            if (operands.size() > 1 && operands.getFirst().value().equals("eval")) {
                code(invocation, operands.get(1).value(), depth + 1);
            }
        } else if (name.equals("tee") && invocation.input() != null
                && invocation.operands().stream().anyMatch(file -> SystemFileRules.isShellStartupFile(file.value()))) {
            text(invocation.input(), depth + 1);
        } else if (name.equals("crontab") && invocation.input() != null) {
            PersistenceRules.cronCommands(invocation.input()).forEach(line -> text(line, depth + 1));
        } else if (name.equals("find")) {
            Interpreters.findExecCommand(invocation).ifPresent(argv -> {
                Invocation inner = Invocation.of(argv, List.of(), invocation.elevatedBy(), false);
                invocation(inner, depth + 1);
                if (sendsOverNetwork(inner) && !invocation.args().isEmpty()) {
                    Word start = invocation.args().getFirst();
                    SensitivePaths.Kind kind = SensitivePaths.classify(start);
                    if (kind == SensitivePaths.Kind.HOME || kind == SensitivePaths.Kind.ROOT || kind == SensitivePaths.Kind.SYSTEM
                            || SecretFiles.sensitivity(start.value()).isPresent()) {
                        findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL, "sends files found under " + start.value()
                                + " over the network (" + invocation.display() + ")");
                    }
                }
            });
        } else if (name.equals("ssh")) {
            text(join(Interpreters.sshCommand(invocation)), depth + 1);
        } else if (name.equals("kubectl") || name.equals("oc") || Interpreters.CONTAINER_ENGINES.contains(name)) {
            List<Word> argv = Interpreters.containerCommand(invocation);
            if (!argv.isEmpty()) {
                int mark = findings.size();
                Invocation inner = Invocation.of(argv, List.of(), "", false);
                invocation(inner, depth + 1);
                ContainerRules.checkInnerCommand(invocation, inner, findings);
                if (ContainerRules.namesProduction(invocation, argv.size())) {
                    findings.raiseSince(mark, "in production");
                }
            }
        }
    }

    /** True when {@code invocation} is a network tool, or a shell whose command runs one. */
    private boolean sendsOverNetwork(Invocation invocation) {
        if (PipelineRules.isSender(invocation.name())) {
            return true;
        }
        if (!Interpreters.isShell(invocation.name()) || !Interpreters.ShellArguments.of(invocation).command()) {
            return false;
        }
        int operand = Interpreters.ShellArguments.of(invocation).operandIndex();
        return operand < invocation.args().size()
                && parse(invocation.value(operand)) instanceof Script program
                && CommandTree.runs(program.commands(), PipelineRules.SENDERS);
    }

    private void shell(Invocation shell, int depth) {
        Interpreters.ShellArguments arguments = Interpreters.ShellArguments.of(shell);
        int operand = arguments.operandIndex();
        if (operand < shell.args().size()) {
            Word program = shell.args().get(operand);
            executesDownload(program, shell, depth);
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
    private void executesDownload(Word code, Invocation runner, int depth) {
        for (Script substitution : code.substitutions()) {
            if (CommandTree.runs(substitution.commands(), Interpreters.DOWNLOADERS)) {
                findings.add(FindingCode.PIPE_TO_SHELL, RiskLevel.CRITICAL,
                        "runs a downloaded script with " + runner.name() + " (" + runner.display() + ")");
            } else {
                if (CommandTree.runs(substitution.commands(), DECODERS)) {
                    findings.add(FindingCode.OBFUSCATED_EXECUTION, RiskLevel.HIGH,
                            "runs decoded text with " + runner.name() + " (" + runner.display() + ")");
                }
                PrintedText printed = outputOf(substitution);
                if (printed != null) {
                    if (printed.escaped()) {
                        findings.add(FindingCode.OBFUSCATED_COMMAND, RiskLevel.HIGH, "escaped characters hide the code run by "
                                + runner.name() + " (" + VisibleText.shortened(printed.text(), 60) + ")");
                    }
                    text(printed.text(), depth + 1);
                }
            }
        }
    }

    /**
     * A command word that is only a substitution ({@code $(echo cm0g... | base64 -d) -rf /}) runs what the
     * substitution prints: rated as that text followed by the arguments, when the text can be worked out.
     */
    private void runsSubstitutionOutput(Invocation invocation, int depth) {
        List<WordPart> parts = invocation.command().parts();
        if (parts.size() != 1 || !(parts.getFirst() instanceof WordPart.CommandSubstitution substitution)) {
            return;
        }
        executesDownload(invocation.command(), invocation, depth);
        PrintedText printed = outputOf(substitution.script());
        if (printed != null) {
            StringBuilder command = new StringBuilder(printed.text().strip());
            for (Word arg : invocation.args()) {
                command.append(' ').append(Word.quoted(arg.value()).source());
            }
            text(command.toString(), depth + 1);
        }
    }

    /** What a substitution's script prints when vg can work it out: a pipeline of printers and decoders. */
    private PrintedText outputOf(Script script) {
        List<CommandList.Item> items = script.commands().items();
        if (items.size() != 1) {
            return null;
        }
        List<Command> stages = items.getFirst().command() instanceof Pipeline pipeline ? pipeline.stages() : List.of(items.getFirst().command());
        PrintedText flowing = null;
        for (Command stage : stages) {
            Invocation invocation = stage instanceof SimpleCommand simple ? invocation(simple).orElse(null) : null;
            if (invocation == null) {
                return null;
            }
            PrintedText printed = PrintedText.of(invocation);
            if (printed == null) {
                PrintedText input = flowing != null ? flowing : invocation.input() == null ? null : new PrintedText(invocation.input(), false);
                printed = input == null ? null : PrintedText.decode(invocation, input);
            }
            flowing = printed;
        }
        return flowing;
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
                if (SensitivePaths.isDataDevice(target)) {
                    findings.add(FindingCode.DISK_WIPE, RiskLevel.CRITICAL, "redirection overwrites block device " + target + " (" + display + ")");
                } else {
                    PrintedText content = invocation == null ? null : PrintedText.of(invocation);
                    SystemFileRules.checkWrite(target, display, findings, content == null ? null : content.text());
                    if (content != null && SystemFileRules.isShellStartupFile(target)) {
                        text(content.text(), depth + 1);
                    }
                    boolean truncates = redirection.operator() == Redirection.Operator.OUTPUT
                            || redirection.operator() == Redirection.Operator.CLOBBER;
                    if (truncates && target.startsWith("/") && SecurityControlRules.isHistoryOrLog(target)) {
                        findings.add(FindingCode.HISTORY_TAMPERING, RiskLevel.HIGH, "empties log " + target + " (" + display + ")");
                    }
                }
                protectedDirectories.checkRedirection(target, display, findings);
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
