package dev.vectraguard.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which profiles, compiled for restricted networking, let vg hand a connection over instead of relaying it. */
class SeccompProfilesTest {
    @TempDir
    Path dir;

    @Test
    void theShippedProfilesOfTheRestrictedLevelsAllowTheHandOver() throws Exception {
        assertTrue(SeccompProfiles.handoverSafe("moderate"));
        assertTrue(SeccompProfiles.handoverSafe("strict"));
    }

    @Test
    void aProfileAllowingIoUringDoesNot() throws Exception {
        assertFalse(SeccompProfiles.handoverSafe("minimal"), "minimal does not deny io_uring");
        assertFalse(SeccompProfiles.handoverSafe(profile("allow-uring.json", "SCMP_ACT_ALLOW",
                "{\"names\": [\"io_uring_setup\"], \"action\": \"SCMP_ACT_LOG\"}")));
    }

    @Test
    void aProfileThatAllowsSendtoItselfDoesNotAndStillCompiles() throws Exception {
        // libseccomp lets the profile's rule without arguments shadow vg's MSG_FASTOPEN rule
        String path = profile("allow-sendto.json", "SCMP_ACT_ERRNO",
                "{\"names\": [\"sendto\", \"sendmsg\", \"sendmmsg\", \"setsockopt\", \"connect\"], \"action\": \"SCMP_ACT_ALLOW\"}");
        SeccompProfiles.compiledForEgress(path);
        assertFalse(SeccompProfiles.handoverSafe(path));
    }

    @Test
    void aProfileDenyingTheCallsOutrightDoes() throws Exception {
        assertTrue(SeccompProfiles.handoverSafe(profile("deny.json", "SCMP_ACT_ALLOW", URING_DENIED
                + ", {\"names\": [\"sendto\", \"sendmsg\", \"sendmmsg\", \"setsockopt\"], \"action\": \"SCMP_ACT_ERRNO\"}")));
    }

    private static final String URING_DENIED =
            "{\"names\": [\"io_uring_setup\", \"io_uring_enter\", \"io_uring_register\"], \"action\": \"SCMP_ACT_ERRNO\"}";

    private String profile(String name, String defaultAction, String rules) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "{\"defaultAction\": \"" + defaultAction + "\", \"defaultErrnoRet\": 1, \"syscalls\": [" + rules + "]}");
        return file.toString();
    }
}
