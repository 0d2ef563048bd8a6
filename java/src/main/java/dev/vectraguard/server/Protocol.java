package dev.vectraguard.server;

import dev.vectraguard.nativecore.ByteStrings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format between the vg client (native/client/vg_client.c) and the server, over a unix
 * stream socket. The client first sends one byte carrying its stdin, stdout and stderr (SCM_RIGHTS),
 * then the request: a big-endian u32 length and that many bytes of NUL-terminated strings (protocol
 * version, working directory, flags, argument count, the arguments, then NAME=VALUE variables).
 * Afterwards each side sends frames: server to client a type byte, a u32 length and a payload;
 * client to server a type byte and an i32.
 */
final class Protocol {
    static final String VERSION = "vg-server-1";
    static final int MAX_REQUEST = 8 << 20;

    /** Server to client: exit with the i32 payload. */
    static final int EXIT = 'x';
    /** Server to client: run vg in-process instead (this request is not served). */
    static final int FALLBACK = 'f';
    /** Server to client: this server is stale (another build); start a new one and ask it. */
    static final int RESTART = 'r';
    /** Server to client: run the NUL-terminated argv payload as your own child and report its status. */
    static final int RUN_ON_HOST = 'h';
    /** Server to client: send the i32 signal to the host child. */
    static final int SIGNAL_HOST = 'k';
    /** Client to server: a signal that stops the command (TERM, HUP, an INT not from the terminal). */
    static final int STOP_SIGNAL = 's';
    /** Client to server: a signal to pass on unchanged (the terminal's INT or QUIT, WINCH). */
    static final int PASS_SIGNAL = 'p';
    /** Client to server: the host child's wait status, or -errno when it could not be executed. */
    static final int HOST_STATUS = 'w';

    private Protocol() {}

    /** A parsed request; strings are decoded as {@link ByteStrings} does, so no byte is lost. */
    record Request(String version, String workingDirectory, boolean interactive, List<String> arguments,
                   Map<String, String> environment) {}

    static Request parse(byte[] body) throws IOException {
        List<String> strings = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                strings.add(ByteStrings.decode(Arrays.copyOfRange(body, start, i)));
                start = i + 1;
            }
        }
        if (start != body.length || strings.size() < 4) {
            throw new IOException("malformed request");
        }
        int count;
        try {
            count = Integer.parseInt(strings.get(3));
        } catch (NumberFormatException e) {
            throw new IOException("malformed argument count");
        }
        if (count < 0 || 4 + count > strings.size()) {
            throw new IOException("malformed argument count");
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (String variable : strings.subList(4 + count, strings.size())) {
            int equals = variable.indexOf('=');
            if (equals > 0) {
                environment.putIfAbsent(variable.substring(0, equals), variable.substring(equals + 1));
            }
        }
        return new Request(strings.get(0), strings.get(1), strings.get(2).equals("interactive"),
                List.copyOf(strings.subList(4, 4 + count)), environment);
    }

    static byte[] strings(List<String> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String value : values) {
            out.writeBytes(ByteStrings.encode(value));
            out.write(0);
        }
        return out.toByteArray();
    }

    static byte[] integer(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }
}
