package dev.vectraguard.egress;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The host name a connection asks for in its first bytes: the server name (SNI) of a TLS
 * ClientHello, or the Host header of a plain HTTP request.
 */
final class RequestedName {
    /** Enough for a ClientHello or the head of an HTTP request. */
    static final int PEEK_BYTES = 4096;

    private RequestedName() {}

    /** The name, lower case, or null when the bytes carry none (another protocol, or no SNI). */
    static String of(byte[] first) {
        if (first.length >= 5 && first[0] == 0x16 && first[1] == 0x03) {
            return serverName(first);
        }
        return httpHost(first);
    }

    /** How many bytes the name needs: the whole first TLS record, or an HTTP head up to its empty line (at most {@link #PEEK_BYTES}). */
    static int bytesNeeded(byte[] first) {
        if (first.length >= 1 && first[0] == 0x16) {
            return first.length < 5 ? 5 : Math.min(PEEK_BYTES, 5 + u16(first, 3));
        }
        String head = new String(first, StandardCharsets.ISO_8859_1);
        if (head.contains("\r\n\r\n") || !head.matches("(?s)[A-Z]{1,10}( .*)?")) {
            return first.length; // complete, or not HTTP: nothing more to wait for
        }
        return PEEK_BYTES;
    }

    private static String serverName(byte[] b) {
        try {
            int at = 5; // record header
            if ((b[at] & 0xff) != 1) {
                return null; // not a ClientHello
            }
            at += 4 + 2 + 32; // handshake header, version, random
            at += 1 + (b[at] & 0xff); // session id
            at += 2 + u16(b, at); // cipher suites
            at += 1 + (b[at] & 0xff); // compression methods
            int extensionsEnd = at + 2 + u16(b, at);
            at += 2;
            while (at + 4 <= extensionsEnd && at + 4 <= b.length) {
                int type = u16(b, at);
                int length = u16(b, at + 2);
                at += 4;
                if (type == 0) { // server_name: list length, then (type 0, length, name)
                    int nameType = b[at + 2] & 0xff;
                    int nameLength = u16(b, at + 3);
                    if (nameType != 0 || at + 5 + nameLength > b.length) {
                        return null;
                    }
                    return hostName(new String(b, at + 5, nameLength, StandardCharsets.US_ASCII));
                }
                at += length;
            }
            return null;
        } catch (ArrayIndexOutOfBoundsException e) {
            return null; // truncated or not TLS: no name
        }
    }

    private static String httpHost(byte[] b) {
        String head = new String(b, StandardCharsets.ISO_8859_1);
        int firstLineEnd = head.indexOf("\r\n");
        if (firstLineEnd < 0 || !head.substring(0, firstLineEnd).matches("[A-Z]+ \\S+ HTTP/1\\.[01]")) {
            return null;
        }
        for (String line : head.substring(firstLineEnd + 2).split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("host")) {
                String value = line.substring(colon + 1).strip();
                if (value.startsWith("[")) {
                    return null; // an address literal: no name
                }
                int port = value.lastIndexOf(':');
                return hostName(port >= 0 ? value.substring(0, port) : value);
            }
        }
        return null;
    }

    private static String hostName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.matches("[a-z0-9._-]+") ? lower : null;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
