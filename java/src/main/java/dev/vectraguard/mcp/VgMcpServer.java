package dev.vectraguard.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code vg mcp}: an MCP server over stdio whose tools judge and run commands through the same flow as
 * {@code vg exec}. It serves one client until its stdin closes, then cancels what still runs and returns.
 */
public final class VgMcpServer {
    /** How long a request to the client (an elicitation) may wait for the person's answer. */
    private static final Duration CLIENT_REQUEST_TIMEOUT = Duration.ofMinutes(10);

    /** How long the runs cancelled when the client goes have to end (their sandboxes to be torn down). */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private VgMcpServer() {}

    /**
     * Serves MCP on {@code in} and {@code out} until {@code in} closes; {@code log} gets vg's own
     * problems. Returns the exit code.
     */
    public static int serve(ServerSettings settings, String version, InputStream in, OutputStream out, PrintStream log) {
        McpJsonMapper json = McpJsonDefaults.getMapper(); // the SDK's Jackson 3 module, as it configures it
        InFlightCalls calls = new InFlightCalls();
        StdioTransport transport = new StdioTransport(json, in, out, log, calls);
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("vectra-guard", version)
                .instructions("Run shell commands through the 'run' tool: Vectra Guard judges each one and runs it in a "
                        + "sandbox when needed. Use 'explain' to see why a command would be blocked or sandboxed.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(json)
                .requestTimeout(CLIENT_REQUEST_TIMEOUT)
                .tools(new RunTool(settings, calls).specification(), new ExplainTool(settings).specification())
                .build();
        transport.serve();
        calls.cancelAll(SHUTDOWN_GRACE);
        server.closeGracefully();
        return 0;
    }
}
