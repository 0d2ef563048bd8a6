package dev.vectraguard.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP test servers for the egress tests, run in a network namespace of the test's own:
 * {@code TestServers ADDRESS...} listens on ADDRESS:8080 for each, prints {@code ready} once all
 * listen, then {@code accepted ADDRESS} for every connection. {@code GET /bytes/N} answers N bytes,
 * anything else {@code hello from ADDRESS}. Ends when its stdin closes.
 */
public final class TestServers {
    public static final int PORT = 8080;

    private TestServers() {}

    public static void main(String[] args) throws Exception {
        for (String address : args) {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.ofLiteral(address), PORT), 50);
            Thread.ofPlatform().daemon().start(() -> serve(server, address));
        }
        System.out.println("ready");
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream());
    }

    private static void serve(ServerSocket server, String address) {
        while (true) {
            try {
                Socket socket = server.accept();
                synchronized (System.out) {
                    System.out.println("accepted " + address);
                    System.out.flush();
                }
                Thread.ofPlatform().daemon().start(() -> answer(socket, address));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void answer(Socket socket, String address) {
        try (socket) {
            String head = readHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String path = head.split(" ").length > 1 ? head.split(" ")[1] : "/";
            if (path.startsWith("/bytes/")) {
                long size = Long.parseLong(path.substring("/bytes/".length()));
                out.write(("HTTP/1.0 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[1 << 20];
                for (long left = size; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(left, chunk.length));
                }
            } else {
                byte[] body = ("hello from " + address + "\n").getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.0 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the client went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && head.length() < 8192) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }
}
