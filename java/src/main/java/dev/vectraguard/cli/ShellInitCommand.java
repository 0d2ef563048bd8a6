package dev.vectraguard.cli;

import dev.vectraguard.guard.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code vg shell-init}: the snippet an interactive shell evals so that each typed line goes through vg's decision. */
@Command(name = "shell-init", mixinStandardHelpOptions = true,
        description = {"Print the snippet that makes an interactive bash or zsh judge each line typed at the prompt: "
                + "a line vg would run on the host runs in the shell as typed (cd, export, aliases keep working), any "
                + "other line runs through 'vg exec'.",
                "VG_OFF=1 turns it off (exported for the session, or in front of one line); the prompt shows [vg] or "
                        + "[vg off]. Each line costs one 'vg explain' run."},
        footer = {"", "Examples:", "  echo 'eval \"$(vg shell-init bash)\"' >> ~/.bashrc",
                "  echo 'eval \"$(vg shell-init zsh)\"' >> ~/.zshrc"})
final class ShellInitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @Override
    public Integer call() throws IOException {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            return Stderr.fail("unsupported shell '" + shell + "': give bash or zsh");
        }
        try (InputStream snippet = ShellInitCommand.class.getResourceAsStream("shell-init." + shell)) {
            if (snippet == null) {
                return Stderr.fail("the " + shell + " snippet is missing from vg's jar");
            }
            byte[] text = snippet.readAllBytes();
            System.out.write(text, 0, text.length);
            System.out.flush();
        }
        return ExitCodes.OK;
    }
}
