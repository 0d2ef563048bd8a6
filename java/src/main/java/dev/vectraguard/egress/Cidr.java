package dev.vectraguard.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range such as {@code 10.1.0.0/16} or {@code fd00::/8}. */
public record Cidr(byte[] network, int prefix) {

    /** Parses {@code ADDRESS/PREFIX} (a literal address; no name lookup); IllegalArgumentException when malformed. */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (host.isEmpty() || !(host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("not an address range: " + text);
        }
        byte[] address;
        try {
            address = InetAddress.ofLiteral(host).getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an address range: " + text);
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an address range: " + text);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix out of range in " + text);
            }
        }
        return new Cidr(address, prefix);
    }

    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
