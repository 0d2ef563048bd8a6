package dev.vectraguard.guard;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which configs of a repository a sandboxed command created make git on the host run a program. */
class PlantedFilesTest {
    @Test
    void whatGitInitAndOrdinaryUseWriteIsInert() {
        assertNull(PlantedFiles.configProblem("[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
                + "\tlogallrefupdates = true\n"));
        assertNull(PlantedFiles.configProblem("[remote \"origin\"]\n\turl = https://example.org/r.git\n"
                + "\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch \"main\"]\n\tremote = origin\n\tmerge = refs/heads/main\n"
                + "# a comment\n; another\n[user]\n\tname = A\n"));
    }

    @Test
    void aKeyThatRunsAProgramOrAnythingUncheckedIsAProblem() {
        assertEquals("config key core.fsmonitor", PlantedFiles.configProblem("[core]\n\tfsmonitor = touch /tmp/x\n"));
        assertEquals("config key core.fsmonitor", PlantedFiles.configProblem("[CORE]\n\tFSMonitor = touch /tmp/x\n"));
        assertEquals("config key core.hookspath", PlantedFiles.configProblem("[core]\nhooksPath = evil\n"));
        assertEquals("config key include.path", PlantedFiles.configProblem("[include]\n\tpath = ../evil/config\n"));
        assertEquals("config key remote.origin.url", PlantedFiles.configProblem("[remote \"origin\"]\n\turl = ext::sh -c evil\n"));
        assertEquals("config key core.x.fsmonitor", PlantedFiles.configProblem("[core.x]\nfsmonitor = a\n"));
        assertEquals("config key user.name", PlantedFiles.configProblem("[user]\n\tname = a\\\nfsmonitor = b\n"));
        assertEquals("a config line it cannot check: [core] fsmonitor = x", PlantedFiles.configProblem("[core] fsmonitor = x\n"));
        assertEquals("a config line it cannot check: fsmonitor = x", PlantedFiles.configProblem("fsmonitor = x\n"));
        assertEquals("a config line it cannot check: [core", PlantedFiles.configProblem("[core\n"));
    }
}
