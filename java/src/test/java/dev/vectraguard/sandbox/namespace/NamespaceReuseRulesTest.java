package dev.vectraguard.sandbox.namespace;

import dev.vectraguard.sandbox.Capability;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SecurityLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which sandboxes may hand their user and network namespaces on to a later one (NamespacePool): only
 * those that could not change them beyond their sockets. That the pool reuses them, and only when
 * no socket is left, is checked on real sandboxes in NamespacePoolChecks.
 */
class NamespaceReuseRulesTest {
    @TempDir
    Path dir;

    private static SandboxSpec.Builder balanced() {
        return SandboxSpec.builder(List.of("true")).securityLevel(SecurityLevel.BALANCED);
    }

    @Test
    void shippedLevelsWithTheirOwnNetworkAreReusableButParanoid() throws Exception {
        for (SecurityLevel level : List.of(SecurityLevel.BALANCED, SecurityLevel.STRICT)) {
            assertTrue(NamespacePool.reusable(SandboxSpec.builder(List.of("true")).securityLevel(level).build()), level.label());
        }
        assertFalse(NamespacePool.reusable(SandboxSpec.builder(List.of("true")).securityLevel(SecurityLevel.PARANOID).build()),
                "paranoid: fresh namespaces for every sandbox");
    }

    @Test
    void capabilitiesThatAdministerTheNetworkOrNamespacesForbidReuse() throws Exception {
        for (Capability capability : List.of(Capability.NET_ADMIN, Capability.NET_RAW, Capability.SYS_ADMIN)) {
            assertFalse(NamespacePool.reusable(balanced().capabilities(Set.of(Capability.NET_BIND_SERVICE, capability)).build()),
                    capability.name());
        }
        assertTrue(NamespacePool.reusable(balanced().capabilities(Set.of(Capability.NET_BIND_SERVICE, Capability.CHOWN)).build()));
    }

    @Test
    void aSeccompProfileMustDenyEveryKeyringCall() throws Exception {
        assertFalse(NamespacePool.reusable(balanced().seccompProfile("minimal").build()), "minimal allows the keyrings");
        assertTrue(NamespacePool.reusable(balanced().seccompProfile(profile("denied.json",
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"keyctl\", \"add_key\", \"request_key\"],"
                        + " \"action\": \"SCMP_ACT_ERRNO\"}]}")).build()));
        assertTrue(NamespacePool.reusable(balanced().seccompProfile(profile("default-deny.json",
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\", \"write\"],"
                        + " \"action\": \"SCMP_ACT_ALLOW\"}]}")).build()));
        assertFalse(NamespacePool.reusable(balanced().seccompProfile(profile("one-allowed.json",
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"keyctl\"], \"action\": \"SCMP_ACT_LOG\"}]}"))
                .build()), "keyctl logged, not denied");
        assertFalse(NamespacePool.reusable(balanced().seccompProfile(profile("conditional.json",
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"keyctl\", \"add_key\", \"request_key\"],"
                        + " \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}"))
                .build()), "denied for one argument only");
    }

    private String profile(String name, String json) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, json);
        return file.toString();
    }
}
