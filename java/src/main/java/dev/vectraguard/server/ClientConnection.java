package dev.vectraguard.server;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.nativecore.LocalSockets;
import dev.vectraguard.nativecore.NativeCore;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One vg client's connection: after the request, the client sends signal frames and host-run
 * results; the server sends host-run orders and, last, the exit status (see {@link Protocol}).
 * Reading happens on its own thread, so a signal or a hang-up arrives while the command runs.
 */
final class ClientConnection implements Caller.Client {
    private final int socketFd;
    private final Caller.Server server;
    private final DataOutputStream frames;
    private volatile Caller.SignalHandler signals;
    private volatile CompletableFuture<Integer> hostStatus;
    private volatile boolean hungUp;
    private boolean statusSent;

    ClientConnection(int socketFd, Caller.Server server) {
        this.socketFd = socketFd;
        this.server = server;
        this.frames = new DataOutputStream(LocalSockets.output(socketFd));
    }

    /** Reads the client's frames until it hangs up or the request is over. */
    void readFrames(DataInputStream in) {
        try {
            while (true) {
                int type = in.readUnsignedByte();
                int value = in.readInt();
                switch (type) {
                    case Protocol.STOP_SIGNAL, Protocol.PASS_SIGNAL -> {
                        Caller.SignalHandler handler = signals;
                        if (handler != null) {
                            handler.signal(value, type == Protocol.STOP_SIGNAL);
                        }
                    }
                    case Protocol.HOST_STATUS -> completeHost(value);
                    default -> throw new IOException("unknown frame " + type);
                }
            }
        } catch (IOException e) {
            hangUp();
        }
    }

    private void completeHost(int status) {
        CompletableFuture<Integer> pending = hostStatus;
        if (pending != null) {
            pending.complete(status);
        }
    }

    private synchronized void hangUp() {
        hungUp = true;
        if (signals != null) {
            signals.hungUp();
        }
        CompletableFuture<Integer> pending = hostStatus;
        if (pending != null) {
            pending.completeExceptionally(new EOFException("the vg client went away"));
        }
    }

    @Override
    public void statusKnown(int status) {
        Caller.current().out().flush();
        Caller.current().err().flush();
        try {
            sendStatus(status);
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    /** Sends the exit status once: the first one settled wins. */
    void sendStatus(int status) throws IOException {
        synchronized (this) {
            if (statusSent) {
                return;
            }
            statusSent = true;
        }
        send(Protocol.EXIT, Protocol.integer(status));
    }

    @Override
    public synchronized void onSignal(Caller.SignalHandler handler) {
        signals = handler;
        if (hungUp) {
            handler.hungUp();
        }
    }

    @Override
    public Caller.Server server() {
        return server;
    }

    @Override
    public Caller.HostRun runOnHost(List<String> command) {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        hostStatus = status;
        try {
            send(Protocol.RUN_ON_HOST, Protocol.strings(command));
        } catch (IOException e) {
            status.completeExceptionally(e);
        }
        if (hungUp) {
            status.completeExceptionally(new EOFException("the vg client went away"));
        }
        return new Caller.HostRun() {
            @Override
            public void signal(int number) {
                try {
                    send(Protocol.SIGNAL_HOST, Protocol.integer(number));
                } catch (IOException ignored) {
                    // the client is gone, and its child with its session
                }
            }

            @Override
            public int waitFor() throws IOException {
                try {
                    return status.get();
                } catch (ExecutionException e) {
                    throw new IOException(e.getCause().getMessage(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        };
    }

    synchronized void send(int type, byte[] payload) throws IOException {
        frames.writeByte(type);
        frames.writeInt(payload.length);
        frames.write(payload);
        frames.flush();
    }

    /** The client's terminal, for an approval: the prompt on its stdout, the answer from its stdin. */
    static Caller.Terminal terminal(boolean interactive, PrintStream out, int stdinFd) {
        return new Caller.Terminal() {
            @Override
            public boolean interactive() {
                return interactive;
            }

            @Override
            public String readLine(String prompt) {
                out.print(prompt);
                out.flush();
                InputStream in = LocalSockets.input(stdinFd);
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                try {
                    for (int b = in.read(); b != '\n'; b = in.read()) { // byte by byte: the rest of stdin is the command's
                        if (b < 0) {
                            return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                        }
                        line.write(b);
                    }
                } catch (IOException e) {
                    return null;
                }
                return line.toString(StandardCharsets.UTF_8);
            }
        };
    }

    static PrintStream printStream(int fd, Charset charset) {
        return new PrintStream(new BufferedOutputStream(LocalSockets.output(fd)), true, charset);
    }

    void close() {
        NativeCore.close(socketFd);
    }
}
