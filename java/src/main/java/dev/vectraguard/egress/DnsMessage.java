package dev.vectraguard.egress;

import java.io.ByteArrayOutputStream;
import java.util.List;

/** The DNS wire format, as much as vg's resolver needs: one question in, A/AAAA answers out (RFC 1035). */
final class DnsMessage {
    static final int TYPE_A = 1;
    static final int TYPE_AAAA = 28;
    static final int RCODE_OK = 0;
    static final int RCODE_FORMAT_ERROR = 1;
    static final int RCODE_SERVER_FAILURE = 2;
    static final int RCODE_NAME_ERROR = 3;
    static final int RCODE_REFUSED = 5;
    private static final int TTL_SECONDS = 30;

    /** A query: its id, flags, the question's name, type and class, and where the question ends. */
    record Query(byte[] message, int id, int flags, String name, int type, int questionClass, int questionEnd) {}

    private DnsMessage() {}

    /** The query in {@code message}, or null when it is not a standard query with one question. */
    static Query parse(byte[] message) {
        if (message.length < 12) {
            return null;
        }
        int flags = u16(message, 2);
        boolean response = (flags & 0x8000) != 0;
        int opcode = (flags >> 11) & 0xf;
        if (response || opcode != 0 || u16(message, 4) != 1) {
            return null;
        }
        StringBuilder name = new StringBuilder();
        int at = 12;
        while (true) {
            if (at >= message.length) {
                return null;
            }
            int length = message[at] & 0xff;
            at++;
            if (length == 0) {
                break;
            }
            if (length > 63 || at + length > message.length || name.length() + length > 253) {
                return null;
            }
            if (!name.isEmpty()) {
                name.append('.');
            }
            for (int i = 0; i < length; i++) {
                int c = message[at + i] & 0xff;
                if (c <= ' ' || c >= 0x7f) {
                    return null; // not a host name
                }
                name.append((char) c);
            }
            at += length;
        }
        if (at + 4 > message.length) {
            return null;
        }
        return new Query(message, u16(message, 0), flags, name.toString(), u16(message, at), u16(message, at + 2), at + 4);
    }

    /** The answer to {@code query}: {@code rcode} and one record per address of the asked type. */
    static byte[] answer(Query query, int rcode, List<byte[]> addresses) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        int wanted = query.type() == TYPE_A ? 4 : query.type() == TYPE_AAAA ? 16 : -1;
        List<byte[]> records = addresses.stream().filter(a -> a.length == wanted).toList();
        u16(out, query.id());
        u16(out, 0x8000 | 0x0080 | (query.flags() & 0x0100) | rcode); // QR, RA, RD as asked
        u16(out, 1);
        u16(out, records.size());
        u16(out, 0);
        u16(out, 0);
        out.write(query.message(), 12, query.questionEnd() - 12);
        for (byte[] address : records) {
            u16(out, 0xc00c); // the name: a pointer to the question's
            u16(out, query.type());
            u16(out, 1);
            u16(out, TTL_SECONDS >>> 16);
            u16(out, TTL_SECONDS & 0xffff);
            u16(out, address.length);
            out.writeBytes(address);
        }
        return out.toByteArray();
    }

    /** A bare error answer for a message that could not be parsed (its id kept when there is one). */
    static byte[] formatError(byte[] message) {
        byte[] out = new byte[12];
        if (message.length >= 2) {
            out[0] = message[0];
            out[1] = message[1];
        }
        out[2] = (byte) 0x80;
        out[3] = RCODE_FORMAT_ERROR;
        return out;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write((value >> 8) & 0xff);
        out.write(value & 0xff);
    }
}
