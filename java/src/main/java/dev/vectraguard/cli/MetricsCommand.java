package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.metrics.MetricsStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code vg metrics}: what vg has run, and how. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Show or reset the metrics recorded on every vg exec (metrics.json under the state dir).",
        subcommands = {MetricsCommand.Show.class, MetricsCommand.Reset.class})
final class MetricsCommand extends CommandGroup {

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Totals (host, sandbox, cached, blocked), average duration, by risk, by runtime, recent runs.")
    static final class Show implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = "--recent", paramLabel = "N", defaultValue = "10", description = "Recent runs to list (default: ${DEFAULT-VALUE}).")
        int recent;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() throws Exception {
            if (recent < 0) {
                return Stderr.fail("--recent must be 0 or more (got " + recent + ")");
            }
            MetricsStore store = new MetricsStore(options.stateDirectory(), Stderr::warn);
            Caller.current().out().println(json ? store.showJson() : store.showText(recent));
            return ExitCodes.OK;
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true, description = "Clear all metrics.")
    static final class Reset implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() throws Exception {
            new MetricsStore(options.stateDirectory(), Stderr::warn).reset();
            Caller.current().out().println("metrics reset");
            return ExitCodes.OK;
        }
    }
}
