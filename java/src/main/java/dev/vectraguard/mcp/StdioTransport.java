package dev.vectraguard.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import reactor.core.publisher.Mono;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MCP over stdio (one JSON-RPC message per line), with what the SDK's own stdio transport does not
 * do: {@code notifications/cancelled} ends the call it names (its run is cancelled and no answer is
 * sent), and each request's id reaches its handler (as {@link #REQUEST_ID} of the exchange's
 * transport context) so that a tool call can register what cancels it.
 *
 * <p>The SDK's newer server (io.modelcontextprotocol.modern) handles cancellation itself but only
 * speaks protocol 2026-07-28, which the agents vg serves do not yet.
 */
final class StdioTransport implements McpServerTransportProvider {
    static final String REQUEST_ID = "dev.vectraguard/request-id";
    private static final String CANCELLED = "notifications/cancelled";
    /** The longest message line read; longer input ends the session (a tool call is a few KiB). */
    private static final int MAX_LINE_CHARS = 4 * 1024 * 1024;

    private final McpJsonMapper json;
    private final InputStream in;
    private final OutputStream out;
    private final PrintStream log;
    private final InFlightCalls calls;
    /** Ids of cancelled requests whose answer has not been dropped yet. */
    private final Set<Object> cancelled = ConcurrentHashMap.newKeySet();
    private volatile McpServerSession session;

    StdioTransport(McpJsonMapper json, InputStream in, OutputStream out, PrintStream log, InFlightCalls calls) {
        this.json = json;
        this.in = in;
        this.out = out;
        this.log = log;
        this.calls = calls;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
        session = factory.create(new SessionTransport());
    }

    /** Reads messages until stdin closes (on this thread); each is handled as it arrives. */
    void serve() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            while (true) {
                String line = readLine(reader);
                if (line == null) {
                    return;
                }
                if (!line.isBlank()) {
                    dispatch(line);
                }
            }
        } catch (IOException e) {
            log.println("vg mcp: reading stdin failed: " + e.getMessage());
        }
    }

    private void dispatch(String line) {
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(json, line);
        } catch (IOException | RuntimeException e) {
            log.println("vg mcp: ignored a line that is not a JSON-RPC message: " + e.getMessage());
            return;
        }
        if (message instanceof McpSchema.JSONRPCNotification notification
                && CANCELLED.equals(notification.method())) {
            cancel(notification.params());
            return;
        }
        Mono<Void> handling = session.handle(message);
        if (message instanceof McpSchema.JSONRPCRequest request && request.id() != null) {
            handling = handling.contextWrite(context -> context.put(McpTransportContext.KEY,
                    McpTransportContext.create(Map.of(REQUEST_ID, request.id()))));
        }
        handling.subscribe(done -> { }, error -> log.println("vg mcp: " + error.getMessage()));
    }

    private void cancel(Object params) {
        if (!(params instanceof Map<?, ?> fields) || fields.get("requestId") == null) {
            return;
        }
        Object id = InFlightCalls.key(fields.get("requestId"));
        if (calls.cancel(id)) {
            cancelled.add(id);
        }
    }

    private static String readLine(BufferedReader reader) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = reader.read();
            if (c < 0) {
                return line.isEmpty() ? null : line.toString();
            }
            if (c == '\n') {
                return line.toString();
            }
            if (line.length() >= MAX_LINE_CHARS) {
                throw new IOException("a message is longer than " + MAX_LINE_CHARS + " characters");
            }
            line.append((char) c);
        }
    }

    private void write(McpSchema.JSONRPCMessage message) throws IOException {
        if (message instanceof McpSchema.JSONRPCResponse response && response.id() != null
                && cancelled.remove(InFlightCalls.key(response.id()))) {
            return; // the client cancelled this call: it expects no answer
        }
        byte[] bytes = json.writeValueAsBytes(plainElicitation(message)); // JSON text never holds a raw newline
        synchronized (out) {
            out.write(bytes);
            out.write('\n');
            out.flush();
        }
    }

    /**
     * SDK 2.2.0 cannot serialize its own {@code ElicitFormRequest} (its Jackson annotations declare
     * {@code mode} both as a type id and as a property): the request is sent as the plain object the
     * protocol defines.
     */
    private static McpSchema.JSONRPCMessage plainElicitation(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest request && request.params() instanceof McpSchema.ElicitFormRequest form) {
            Map<String, Object> params = new java.util.LinkedHashMap<>();
            params.put("mode", form.mode());
            params.put("message", form.message());
            params.put("requestedSchema", form.requestedSchema());
            if (form.meta() != null) {
                params.put("_meta", form.meta());
            }
            return new McpSchema.JSONRPCRequest(request.jsonrpc(), request.method(), request.id(), params);
        }
        return message;
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession current = session;
        return current == null ? Mono.empty() : current.sendNotification(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        McpServerSession current = session;
        return current == null ? Mono.empty() : current.closeGracefully();
    }

    private final class SessionTransport implements McpServerTransport {
        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.fromRunnable(() -> {
                try {
                    write(message);
                } catch (IOException e) {
                    throw new IllegalStateException("writing to stdout failed: " + e.getMessage(), e);
                }
            });
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            return json.convertValue(data, type);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }
    }
}
