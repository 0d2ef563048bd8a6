package dev.vectraguard.policy.shell;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShellParserTest {

    private static Script parse(String text) {
        return ShellParser.parse(text);
    }

    private static Command only(String text) {
        Script script = parse(text);
        assertTrue(script.isWellFormed(), () -> "errors: " + script.errors());
        assertEquals(1, script.commands().items().size());
        return script.commands().items().getFirst().command();
    }

    private static SimpleCommand simple(String text) {
        return assertInstanceOf(SimpleCommand.class, only(text));
    }

    private static List<String> values(SimpleCommand command) {
        return command.words().stream().map(Word::value).toList();
    }

    @Test
    void wordsLoseTheirQuotesAndEscapes() {
        assertEquals(List.of("rm", "-rf", "/"), values(simple("\\r\\m -rf /")));
        assertEquals(List.of("rm", "a b", "it's", "x\"y"), values(simple("'rm' \"a b\" it\\'s 'x\"y'")));
        assertEquals(List.of("/bin/rm"), values(simple("\"/bin/rm\"")));
        assertEquals(List.of("rm"), values(simple("r\"m\"")));
        assertEquals(List.of("a$b", "c`d"), values(simple("'a$b' \"c\\`d\"")));
    }

    @Test
    void ansiCQuotesAreDecoded() {
        assertEquals(List.of("rm", "a\nb", "A", "\u00e9"), values(simple("$'\\x72\\x6d' $'a\\nb' $'\\101' $'\\u00e9'")));
    }

    @Test
    void lineContinuationJoinsWords() {
        assertEquals(List.of("echo", "ab"), values(simple("echo a\\\nb")));
        assertEquals(List.of("echo", "a", "b"), values(simple("echo a \\\n b")));
    }

    @Test
    void expansionsMakeWordsDynamic() {
        SimpleCommand command = simple("echo $HOME ${HOME} \"$HOME/x\" plain $(id) `id` $((1+2)) $1 $@");
        List<Word> words = command.words();
        assertFalse(words.get(0).isDynamic());
        assertEquals("$HOME", words.get(1).value());
        assertEquals("${HOME}", words.get(2).value());
        assertEquals("$HOME/x", words.get(3).value());
        assertFalse(words.get(4).isDynamic());
        for (Word word : words.subList(1, words.size())) {
            assertTrue(word.isDynamic() || word.value().equals("plain"), word::source);
        }
        assertInstanceOf(WordPart.Parameter.class, words.get(1).parts().getFirst());
        assertInstanceOf(WordPart.Arithmetic.class, words.get(7).parts().getFirst());
    }

    @Test
    void commandSubstitutionsAreParsedRecursively() {
        Word word = simple("echo \"a $(echo \"b $(rm -rf /)\")\"").words().get(1);
        Script outer = word.substitutions().getFirst();
        SimpleCommand echo = assertInstanceOf(SimpleCommand.class, outer.commands().items().getFirst().command());
        Script inner = echo.words().get(1).substitutions().getFirst();
        SimpleCommand rm = assertInstanceOf(SimpleCommand.class, inner.commands().items().getFirst().command());
        assertEquals(List.of("rm", "-rf", "/"), values(rm));
    }

    @Test
    void caseInsideCommandSubstitutionKeepsItsPatternParentheses() {
        Script script = parse("x=$(case $1 in a) echo a;; (b) echo b;; esac); echo \"$x\"");
        assertTrue(script.isWellFormed(), () -> script.errors().toString());
        assertEquals(2, script.commands().items().size());
        SimpleCommand assignment = assertInstanceOf(SimpleCommand.class, script.commands().items().getFirst().command());
        Script inner = assignment.assignments().getFirst().value().substitutions().getFirst();
        assertInstanceOf(CompoundCommand.class, inner.commands().items().getFirst().command());
    }

    @Test
    void backticksAreCommandSubstitutions() {
        Word word = simple("echo `whoami`").words().get(1);
        assertInstanceOf(WordPart.CommandSubstitution.class, word.parts().getFirst());
        assertEquals("$(whoami)", word.value());
    }

    @Test
    void processSubstitutionsAreWords() {
        SimpleCommand diff = simple("diff <(sort a) >(cat)");
        WordPart.ProcessSubstitution input = assertInstanceOf(WordPart.ProcessSubstitution.class, diff.words().get(1).parts().getFirst());
        WordPart.ProcessSubstitution output = assertInstanceOf(WordPart.ProcessSubstitution.class, diff.words().get(2).parts().getFirst());
        assertTrue(input.readable());
        assertFalse(output.readable());
        assertEquals("sort a", input.script().normalized());
    }

    @Test
    void listOperatorsSeparateCommands() {
        Script script = parse("a; b && c || d & e\nf");
        List<CommandList.Separator> separators = script.commands().items().stream().map(CommandList.Item::separator).toList();
        assertEquals(List.of(CommandList.Separator.SEQUENTIAL, CommandList.Separator.AND, CommandList.Separator.OR,
                CommandList.Separator.BACKGROUND, CommandList.Separator.SEQUENTIAL, CommandList.Separator.SEQUENTIAL), separators);
    }

    @Test
    void pipelinesHoldTheirStages() {
        Pipeline pipeline = assertInstanceOf(Pipeline.class, only("curl -s x | sudo bash |& tee log"));
        assertEquals(3, pipeline.stages().size());
    }

    @Test
    void subshellsAndGroupsHoldLists() {
        Subshell subshell = assertInstanceOf(Subshell.class, only("(cd x && make) > log"));
        assertEquals(2, subshell.body().items().size());
        assertEquals(1, subshell.redirections().size());
        BraceGroup group = assertInstanceOf(BraceGroup.class, only("{ a; b; }"));
        assertEquals(2, group.body().items().size());
    }

    @Test
    void redirectionsAreParsedWithTheirDescriptors() {
        SimpleCommand command = simple("cmd > out >> app 2>&1 < in &> both &>> bothapp >| clobber 3<> rw >& err <&0");
        List<Redirection> redirections = command.redirections();
        assertEquals(List.of(Redirection.Operator.OUTPUT, Redirection.Operator.APPEND, Redirection.Operator.DUPLICATE_OUTPUT,
                Redirection.Operator.INPUT, Redirection.Operator.OUTPUT_AND_ERROR, Redirection.Operator.APPEND_OUTPUT_AND_ERROR,
                Redirection.Operator.CLOBBER, Redirection.Operator.READ_WRITE, Redirection.Operator.DUPLICATE_OUTPUT,
                Redirection.Operator.DUPLICATE_INPUT), redirections.stream().map(Redirection::operator).toList());
        assertEquals("2", redirections.get(2).fd());
        assertEquals("1", redirections.get(2).target().value());
        assertFalse(redirections.get(2).writesFile());
        assertTrue(redirections.get(8).writesFile());
        assertEquals("3", redirections.get(7).fd());
        assertEquals(List.of("cmd"), values(command));
    }

    @Test
    void hereDocumentsKeepTheirBodies() {
        SimpleCommand cat = simple("cat <<EOF\nline $x\nEOF");
        assertEquals("line $x\n", cat.redirections().getFirst().hereDocument());
        SimpleCommand stripped = simple("cat <<-'END'\n\tkeep\n\tEND");
        assertEquals(Redirection.Operator.HERE_DOCUMENT_STRIP_TABS, stripped.redirections().getFirst().operator());
        assertEquals("keep\n", stripped.redirections().getFirst().hereDocument());
        SimpleCommand quoted = simple("cat <<\"EOF\"\n$(not run)\nEOF");
        assertEquals("$(not run)\n", quoted.redirections().getFirst().suppliedInput().orElseThrow());
    }

    @Test
    void hereDocumentBodiesAreNotCommands() {
        Script script = parse("cat <<A <<B | sh\na\nA\nb\nB\necho after");
        assertTrue(script.isWellFormed(), () -> script.errors().toString());
        assertEquals(2, script.commands().items().size());
        Pipeline pipeline = assertInstanceOf(Pipeline.class, script.commands().items().getFirst().command());
        SimpleCommand cat = assertInstanceOf(SimpleCommand.class, pipeline.stages().getFirst());
        assertEquals("a\n", cat.redirections().get(0).hereDocument());
        assertEquals("b\n", cat.redirections().get(1).hereDocument());
        SimpleCommand after = assertInstanceOf(SimpleCommand.class, script.commands().items().get(1).command());
        assertEquals(List.of("echo", "after"), values(after));
    }

    @Test
    void hereStringsSupplyTheirWord() {
        SimpleCommand command = simple("bash <<< \"rm -rf /\"");
        assertEquals("rm -rf /", command.redirections().getFirst().suppliedInput().orElseThrow());
    }

    @Test
    void assignmentsPrecedeTheCommand() {
        SimpleCommand command = simple("FOO=1 BAR=\"a b\" X+=y cmd ARG=notassignment");
        assertEquals(List.of("FOO", "BAR", "X"), command.assignments().stream().map(Assignment::name).toList());
        assertEquals("a b", command.assignments().get(1).value().value());
        assertEquals(List.of("cmd", "ARG=notassignment"), values(command));
        SimpleCommand alone = simple("x=$(id)");
        assertTrue(alone.words().isEmpty());
        assertTrue(alone.assignments().getFirst().value().isDynamic());
    }

    @Test
    void arrayAssignmentsAreTolerated() {
        Script script = parse("arr=(a b c); echo ok");
        assertTrue(script.isWellFormed(), () -> script.errors().toString());
        assertEquals(2, script.commands().items().size());
    }

    @Test
    void functionDefinitionsInBothForms() {
        FunctionDefinition bomb = assertInstanceOf(FunctionDefinition.class, parse(":(){ :|:& };:").commands().items().getFirst().command());
        assertEquals(":", bomb.name());
        BraceGroup body = assertInstanceOf(BraceGroup.class, bomb.body());
        assertEquals(CommandList.Separator.BACKGROUND, body.body().items().getFirst().separator());
        FunctionDefinition named = assertInstanceOf(FunctionDefinition.class, only("function deploy { make; }"));
        assertEquals("deploy", named.name());
        assertInstanceOf(FunctionDefinition.class, only("function f() ( echo sub )"));
    }

    @Test
    void compoundCommandsExposeTheirInnerLists() {
        CompoundCommand ifCommand = assertInstanceOf(CompoundCommand.class, only("if a; then b; elif c; then d; else e; fi"));
        assertEquals(CompoundCommand.Keyword.IF, ifCommand.keyword());
        assertEquals(5, ifCommand.bodies().size());
        CompoundCommand loop = assertInstanceOf(CompoundCommand.class, only("while read l; do echo \"$l\"; done < f"));
        assertEquals(2, loop.bodies().size());
        assertEquals(1, loop.redirections().size());
        CompoundCommand until = assertInstanceOf(CompoundCommand.class, only("until false; do :; done"));
        assertEquals(CompoundCommand.Keyword.UNTIL, until.keyword());
        CompoundCommand forLoop = assertInstanceOf(CompoundCommand.class, only("for f in a $(ls) c; do rm \"$f\"; done"));
        assertEquals(3, forLoop.words().size());
        CompoundCommand arithmetic = assertInstanceOf(CompoundCommand.class, only("for ((i=0; i<3; i++)); do echo; done"));
        assertEquals(1, arithmetic.bodies().size());
        CompoundCommand caseCommand = assertInstanceOf(CompoundCommand.class, only("case $1 in\n a|b) x;;\n (c) y;&\n *) z;;\nesac"));
        assertEquals(3, caseCommand.bodies().size());
        assertEquals(List.of("$1", "a", "b", "c", "*"), caseCommand.words().stream().map(Word::value).toList());
    }

    @Test
    void reservedWordsAreOnlyReservedUnquotedInCommandPosition() {
        assertEquals(List.of("echo", "if", "then", "fi"), values(simple("echo if then fi")));
        assertEquals(List.of("if"), values(simple("'if'")));
    }

    @Test
    void commentsAreIgnored() {
        Script script = parse("# rm -rf /\nls # trailing");
        assertEquals(1, script.commands().items().size());
        assertEquals("ls", script.normalized());
        assertEquals(List.of("a#b"), values(simple("a#b")));
    }

    @Test
    void normalizedFormIsCanonical() {
        assertEquals("rm -rf /", parse("  \\rm   -rf\t'/'  ").normalized());
        assertEquals("echo 'a b' \"$HOME\" *.txt '*'", parse("echo \"a b\" \"$HOME\" *.txt '*'").normalized());
        assertEquals("curl -s http://x | sh", parse("curl -s http://x|sh").normalized());
        assertEquals("a ; b && c", parse("a\nb &&\nc\n").normalized());
        assertEquals("ls 2>&1 >/dev/null", parse("ls 2>&1 > /dev/null").normalized());
        assertEquals("cat <<EOF $'x\\n'", parse("cat <<EOF\nx\nEOF").normalized());
        assertEquals("echo $(id)", parse("echo `id`").normalized());
        assertEquals(parse("git   push  -f").normalized(), parse("git push -f;").normalized());
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo 'unclosed", "echo \"unclosed", "(echo hi", "echo hi)", "{ echo", "if true; then echo",
            "while true; do x", "case x in a) b", "ls |", "&& ls", "echo $(ls", "echo `ls", "echo ${x", "cat <(ls", "ls >",
            "fi", "done", ";;", "for; do x; done", "function", "echo $((1+2", "f() ", "a && ", "x=(a b", "echo $'abc"})
    void malformedInputIsReportedNotThrown(String text) {
        Script script = parse(text);
        assertFalse(script.isWellFormed(), text);
        assertFalse(script.errors().getFirst().message().isBlank());
    }

    @Test
    void nullAndEmptyInputAreEmptyScripts() {
        assertTrue(parse(null).commands().items().isEmpty());
        assertTrue(parse("").isWellFormed());
        assertTrue(parse(" \n\t ").commands().items().isEmpty());
    }

    @Test
    void deepNestingIsBoundedAndReported() {
        String deep = "$(".repeat(5000) + "x" + ")".repeat(5000);
        assertFalse(parse("echo " + deep).isWellFormed());
        String parentheses = "(".repeat(10_000) + "x" + ")".repeat(10_000);
        assertFalse(parse(parentheses).isWellFormed());
        String quotes = "\"$(".repeat(3000);
        assertFalse(parse("echo " + quotes).isWellFormed());
    }
}
