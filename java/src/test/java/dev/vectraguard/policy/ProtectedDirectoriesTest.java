package dev.vectraguard.policy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** policies.protected_directories: writes, deletes, moves and permission changes inside them are high; reads are not. */
class ProtectedDirectoriesTest {
    private final ProtectedDirectories protectedDirectories = ProtectedDirectories.of(
            List.of(Path.of("/srv/ledger"), Path.of("/home/alice/keep")), Path.of("/home/alice"), Path.of("/srv"));

    private RiskReport rate(String command) {
        return RiskAnalyzer.analyze(command, protectedDirectories);
    }

    @Test
    void changesInsideAProtectedDirectoryAreHigh() {
        for (String command : List.of("rm -rf /srv/ledger/2024", "rm ledger/index.db", "rm -f ~/keep/notes.txt",
                "mv /srv/ledger /tmp/old", "mv report.pdf ~/keep/", "cp x.db /srv/ledger/x.db", "echo hi > /srv/ledger/a",
                "echo hi >> $HOME/keep/log", "chmod -R 777 /srv/ledger", "chown bob /home/alice/keep/a", "touch ledger/new",
                "sed -i s/a/b/ /srv/ledger/conf", "find /srv/ledger -name '*.tmp' -delete", "truncate -s 0 /srv/ledger/db",
                "sh -c 'rm -rf /srv/ledger/../ledger/x'", "sudo tee /srv/ledger/x < in", "rsync -a src/ /srv/ledger/")) {
            RiskReport report = rate(command);
            assertTrue(report.has(FindingCode.PROTECTED_DIRECTORY_CHANGE), command + " -> " + report.findings());
            assertTrue(report.risk().atLeast(RiskLevel.HIGH), command + " -> " + report.risk());
        }
    }

    @Test
    void readsAndOtherDirectoriesAreNotProtectedChanges() {
        for (String command : List.of("cat /srv/ledger/2024", "ls ~/keep", "cp /srv/ledger/a /tmp/a", "rm -rf /srv/ledgerx",
                "rm -rf /tmp/ledger", "grep -r total /srv/ledger", "echo /srv/ledger/x > out.txt", "rm -rf ~/keeper")) {
            RiskReport report = rate(command);
            assertFalse(report.has(FindingCode.PROTECTED_DIRECTORY_CHANGE), command + " -> " + report.findings());
        }
        assertEquals(RiskLevel.LOW, rate("cat /srv/ledger/2024").risk());
    }

    @Test
    void withoutProtectedDirectoriesNothingChanges() {
        assertEquals(RiskLevel.LOW, RiskAnalyzer.analyze("rm -rf /srv/ledger/2024").risk());
        assertFalse(RiskAnalyzer.analyze("rm -rf /srv/ledger/2024", ProtectedDirectories.NONE).has(FindingCode.PROTECTED_DIRECTORY_CHANGE));
    }
}
