package dev.vectraguard.sandbox;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * Every isolation check again, as an unprivileged user (uid/gid 65534) in a child JVM started with
 * setpriv: the sandbox must hold for normal users as well as for root.
 */
class UnprivilegedIsolationTest {
    private static final int[] NOBODY = {65534, 65534};

    @Test
    void isolationHoldsForAnUnprivilegedUser() throws Exception {
        Assumptions.assumeTrue(CallerAccount.ids()[0] == 0,
                "runs only as root (it switches to uid 65534); as a normal user SandboxIsolationTest already is this test");
        IsolationChecks.runAsUser(NOBODY, IsolationChecks.homeOf(NOBODY), Map.of(), Map.of());
    }
}
