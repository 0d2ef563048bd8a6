package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.Durations;
import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.policy.RiskAnalyzer;
import dev.vectraguard.policy.VisibleText;
import dev.vectraguard.trust.TrustEntry;
import dev.vectraguard.trust.TrustStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vg trust}: commands that no longer need approval. */
@Command(name = "trust", mixinStandardHelpOptions = true,
        description = {"Manage trusted commands: a trusted command skips the approval prompt "
                + "(critical commands are still never run on the host, and blocked levels stay blocked).",
                "Entries are keyed by the SHA-256 of the normalised command, in trust.json under the state dir "
                        + "(or the file sandbox.trust_store_path names)."},
        subcommands = {TrustCommand.ListEntries.class, TrustCommand.Add.class, TrustCommand.Remove.class, TrustCommand.Clean.class},
        footer = {"", "Example:", "  vg trust add 'npm install' --note 'project deps' --duration 7d"})
final class TrustCommand extends CommandGroup {

    static TrustStore open(ConfigOptions options) throws ConfigException, IOException {
        return TrustStore.at(TrustStore.location(options.stateDirectory(), options.load().trustStorePath()), Clock.systemUTC(),
                Stderr::warn);
    }

    static String normalise(List<String> words) {
        return RiskAnalyzer.analyze(String.join(" ", words)).normalizedCommand();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List trusted commands (expired ones are marked).")
    static final class ListEntries implements Callable<Integer> {
        /** One entry of {@code --json}. */
        record Row(String id, String command, String note, Instant created, Instant expires, boolean expired, long useCount,
                   Instant lastUsed) {}

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() throws Exception {
            List<TrustEntry> entries = open(options).list();
            Instant now = Instant.now();
            if (json) {
                Caller.current().out().println(JsonMapping.write(entries.stream().map(e -> new Row(e.id(), e.command(), e.note(), e.created(),
                        e.expires(), e.expiredAt(now), e.useCount(), e.lastUsed())).toList()));
                return ExitCodes.OK;
            }
            if (entries.isEmpty()) {
                Caller.current().out().println("no trusted commands");
            }
            for (TrustEntry e : entries) {
                String expiry = e.expires() == null ? "never expires" : (e.expiredAt(now) ? "EXPIRED " : "expires ") + e.expires();
                Caller.current().out().printf("%s  used %d  %s%s%n    %s%n", e.id().substring(0, 12), e.useCount(), expiry,
                        e.note() == null || e.note().isEmpty() ? "" : "  (" + VisibleText.escape(e.note()) + ")",
                        VisibleText.escape(e.command()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Trust CMD (shell text).")
    static final class Add implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command, as shell text.")
        List<String> words;

        @Option(names = "--note", paramLabel = "TEXT", description = "Why it is trusted.")
        String note;

        @Option(names = "--duration", paramLabel = "DURATION",
                description = "How long, e.g. 7d, 12h, 30m, or 'never' for no expiry (default: trust.default_duration).")
        String duration;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() throws Exception {
            Duration lifetime;
            try {
                lifetime = duration == null ? options.load().config().trustDefaultDuration()
                        : duration.equals("never") ? null : Durations.parse(duration);
            } catch (IllegalArgumentException e) {
                return Stderr.fail("--duration: " + e.getMessage());
            }
            TrustEntry entry = open(options).add(normalise(words), note, lifetime);
            Caller.current().out().println("trusted: " + VisibleText.escape(entry.command()) + (entry.expires() == null ? "" : " (until " + entry.expires() + ")"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Stop trusting CMD.")
    static final class Remove implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command, as shell text.")
        List<String> words;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() throws Exception {
            String command = normalise(words);
            if (!open(options).remove(command)) {
                return Stderr.fail("not trusted: " + command);
            }
            Caller.current().out().println("removed: " + VisibleText.escape(command));
            return ExitCodes.OK;
        }
    }

    @Command(name = "clean", mixinStandardHelpOptions = true, description = "Remove expired entries.")
    static final class Clean implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() throws Exception {
            Caller.current().out().println("removed " + open(options).clean() + " expired entries");
            return ExitCodes.OK;
        }
    }
}
