package dev.vectraguard.egress;

import java.util.List;

/**
 * The address ranges restricted networking never reaches unless a trusted config opens them
 * ({@code sandbox.allow_private_networks}): private, shared, link-local (cloud metadata included),
 * loopback, unspecified, multicast and reserved ranges, also when written as an IPv6 form of an
 * IPv4 address (v4-mapped, v4-compatible, NAT64).
 */
public final class AddressRanges {
    private static final List<Range> NEVER_PUBLIC = List.of(
            new Range(Cidr.parse("0.0.0.0/8"), "special address"),
            new Range(Cidr.parse("10.0.0.0/8"), "private network"),
            new Range(Cidr.parse("100.64.0.0/10"), "private network"),
            new Range(Cidr.parse("127.0.0.0/8"), "host loopback"),
            new Range(Cidr.parse("169.254.169.254/32"), "cloud metadata"),
            new Range(Cidr.parse("169.254.0.0/16"), "link-local"),
            new Range(Cidr.parse("172.16.0.0/12"), "private network"),
            new Range(Cidr.parse("192.0.0.0/24"), "special address"),
            new Range(Cidr.parse("192.168.0.0/16"), "private network"),
            new Range(Cidr.parse("198.18.0.0/15"), "special address"),
            new Range(Cidr.parse("224.0.0.0/4"), "multicast"),
            new Range(Cidr.parse("240.0.0.0/4"), "special address"),
            new Range(Cidr.parse("::/128"), "special address"),
            new Range(Cidr.parse("::1/128"), "host loopback"),
            new Range(Cidr.parse("fc00::/7"), "private network"),
            new Range(Cidr.parse("fe80::/10"), "link-local"),
            new Range(Cidr.parse("fec0::/10"), "link-local"),
            new Range(Cidr.parse("ff00::/8"), "multicast"),
            new Range(Cidr.parse("100::/64"), "special address"),
            new Range(Cidr.parse("2001:db8::/32"), "special address"));

    private record Range(Cidr cidr, String reason) {}

    private AddressRanges() {}

    /** Why {@code address} (4 or 16 bytes) is not public, or null when it is. */
    public static String notPublic(byte[] address) {
        byte[] v4 = embeddedIpv4(address);
        if (v4 != null) {
            return notPublic(v4);
        }
        for (Range range : NEVER_PUBLIC) {
            if (range.cidr().contains(address)) {
                return range.reason();
            }
        }
        return null;
    }

    /** The sandbox's own loopback or unspecified address (as the sandbox means them: its own namespace). */
    public static boolean sandboxLocal(byte[] address) {
        byte[] v4 = embeddedIpv4(address);
        if (v4 != null) {
            return sandboxLocal(v4);
        }
        if (address.length == 4) {
            return address[0] == 127 || address[0] == 0;
        }
        for (int i = 0; i < 15; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[15] == 0 || address[15] == 1;
    }

    /** The IPv4 address an IPv6 address stands for (v4-mapped ::ffff:a.b.c.d, v4-compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d). */
    static byte[] embeddedIpv4(byte[] address) {
        if (address.length != 16) {
            return null;
        }
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= address[i] == 0;
        }
        boolean mapped = zeroPrefix && address[10] == (byte) 0xff && address[11] == (byte) 0xff;
        boolean compatible = zeroPrefix && address[10] == 0 && address[11] == 0
                && (address[12] != 0 || address[13] != 0 || address[14] != 0 || (address[15] & 0xff) > 1);
        boolean nat64 = address[0] == 0 && address[1] == 0x64 && address[2] == (byte) 0xff && address[3] == (byte) 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = address[i] == 0;
        }
        if (!mapped && !compatible && !nat64) {
            return null;
        }
        return new byte[] {address[12], address[13], address[14], address[15]};
    }
}
