package dev.vectraguard.egress;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The egress policy's pure parts: address ranges (every written form), domain globs, names in first bytes, DNS answers. */
class EgressPolicyTest {

    private static byte[] ip(String literal) {
        return InetAddress.ofLiteral(literal).getAddress();
    }

    @Test
    void privateAndSpecialRangesInEveryFormAreNotPublic() {
        for (String address : List.of("10.0.0.5", "172.16.3.4", "172.31.255.255", "192.168.1.1", "100.64.0.1", "169.254.169.254",
                "169.254.1.1", "127.0.0.1", "127.9.9.9", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fd00::2",
                "fe80::1", "ff02::1", "::ffff:10.0.0.5", "::ffff:169.254.169.254", "::ffff:127.0.0.1", "64:ff9b::a00:5",
                "::10.0.0.5")) {
            assertTrue(AddressRanges.notPublic(ip(address)) != null, address + " counted as public");
        }
        assertEquals("cloud metadata", AddressRanges.notPublic(ip("::ffff:169.254.169.254")));
        for (String address : List.of("8.8.8.8", "104.16.1.1", "198.51.100.1", "203.0.113.80", "172.32.0.1", "2606:4700::1111",
                "::ffff:8.8.8.8")) {
            assertNull(AddressRanges.notPublic(ip(address)), address + " counted as not public");
        }
    }

    @Test
    void openedRangesApplyToTheirV4MappedFormToo() {
        EgressPolicy policy = new EgressPolicy(List.of(), List.of(), List.of(Cidr.parse("10.20.0.0/16")));
        assertNull(policy.denyAddress(ip("10.20.1.2")));
        assertNull(policy.denyAddress(ip("::ffff:10.20.1.2")));
        assertEquals("private network", policy.denyAddress(ip("10.21.0.1")));
        assertEquals("cloud metadata", policy.denyAddress(ip("169.254.169.254")));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8"));
    }

    @Test
    void domainGlobs() {
        EgressPolicy strict = new EgressPolicy(List.of("*.npmjs.org", "pypi.org"), List.of("bad.npmjs.org"), List.of());
        assertNull(strict.denyName("registry.npmjs.org"));
        assertNull(strict.denyName("PyPI.org."));
        assertEquals("not in sandbox.allowed_domains", strict.denyName("npmjs.org"));
        assertEquals("not in sandbox.allowed_domains", strict.denyName("pypi.org.evil.example"));
        assertEquals("in sandbox.denied_domains", strict.denyName("bad.npmjs.org"));
        assertNull(EgressPolicy.PUBLIC.denyName("anything.example"));
        assertFalse(EgressPolicy.PUBLIC.domainsListed());
    }

    @Test
    void namesFromTlsAndHttpFirstBytes() {
        byte[] http = "GET / HTTP/1.1\r\nUser-Agent: x\r\nHost: Registry.NPMJS.org:443\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals("registry.npmjs.org", RequestedName.of(http));
        assertEquals(http.length, RequestedName.bytesNeeded(http));
        assertNull(RequestedName.of("SSH-2.0-OpenSSH\r\n".getBytes(StandardCharsets.US_ASCII)));
        byte[] hello = clientHello("pypi.org");
        assertEquals("pypi.org", RequestedName.of(hello));
        assertEquals(hello.length, RequestedName.bytesNeeded(hello));
        assertEquals(hello.length, RequestedName.bytesNeeded(java.util.Arrays.copyOf(hello, 20)));
        assertNull(RequestedName.of(java.util.Arrays.copyOf(hello, 20)));
    }

    @Test
    void dnsAnswerCarriesOnlyTheAskedFamily() {
        byte[] query = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'f', 'o', 'o', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
        DnsMessage.Query parsed = DnsMessage.parse(query);
        assertEquals("foo.com", parsed.name());
        assertEquals(DnsMessage.TYPE_A, parsed.type());
        byte[] answer = DnsMessage.answer(parsed, DnsMessage.RCODE_OK, List.of(ip("8.8.8.8"), ip("2606:4700::1111")));
        assertEquals(0x12, answer[0]);
        assertEquals((byte) 0x81, answer[2]); // response, recursion desired as asked
        assertEquals(1, answer[7]); // one answer: the A record
        assertEquals(query.length + 16, answer.length);
        assertNull(DnsMessage.parse(new byte[] {1, 2, 3}));
    }

    /** A minimal TLS ClientHello with one extension: server_name. */
    private static byte[] clientHello(String name) {
        byte[] host = name.getBytes(StandardCharsets.US_ASCII);
        int sni = 2 + 1 + 2 + host.length;
        int extensions = 4 + sni;
        int body = 2 + 32 + 1 + 2 + 2 + 1 + 1 + 2 + extensions;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x16, 0x03, 0x01, (byte) ((body + 4) >> 8), (byte) (body + 4)});
        out.writeBytes(new byte[] {0x01, 0, (byte) (body >> 8), (byte) body, 0x03, 0x03});
        out.writeBytes(new byte[32]);
        out.writeBytes(new byte[] {0, 0, 2, 0x13, 0x01, 1, 0, (byte) (extensions >> 8), (byte) extensions});
        out.writeBytes(new byte[] {0, 0, (byte) (sni >> 8), (byte) sni, (byte) ((sni - 2) >> 8), (byte) (sni - 2), 0,
                (byte) (host.length >> 8), (byte) host.length});
        out.writeBytes(host);
        return out.toByteArray();
    }
}
