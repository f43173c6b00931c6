package io.lifeline.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's control socket (Unix domain, mode 0660, so root and the socket's group may
 * control the cluster). Requests and responses follow {@link ControlProtocol}. Each connection
 * gets {@link #IDLE_TIMEOUT_MS} of silence before it is closed, and at most
 * {@link #MAX_CLIENTS} are served at once, so a stuck client cannot tie up the daemon.
 */
public final class ControlServer implements AutoCloseable {

    static final long IDLE_TIMEOUT_MS = 10_000;
    static final int MAX_CLIENTS = 8;
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final Path socketPath;
    private final Map<String, CommandHandler> handlers = new ConcurrentHashMap<>();
    private final ExecutorService clients = new ThreadPoolExecutor(1, MAX_CLIENTS, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(16), r -> thread(r, "lifeline-control-client"));
    private final ScheduledExecutorService timeouts = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> thread(r, "lifeline-control-timeouts"));
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closed;

    public ControlServer(Path socketPath) {
        this.socketPath = socketPath;
    }

    /** Registers a command; the manager adds its commands the same way. */
    public ControlServer register(String command, CommandHandler handler) {
        handlers.put(command, handler);
        return this;
    }

    /** Binds the socket. Fails if another daemon answers on it; a stale socket file is replaced. */
    public void start() throws IOException {
        Path dir = socketPath.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (Files.exists(socketPath)) {
            if (answers(socketPath)) {
                throw new IOException("another lifeline daemon is already listening on " + socketPath);
            }
            Files.delete(socketPath);
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-rw----"));
        acceptor = thread(this::acceptLoop, "lifeline-control");
        acceptor.start();
        LOG.info("control socket listening on {}", socketPath);
    }

    private static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("control socket accept failed: {}", e.toString());
                }
                continue;
            }
            try {
                clients.execute(() -> serve(ch));
            } catch (RejectedExecutionException e) {
                LOG.warn("control socket: too many clients, refusing one");
                closeQuietly(ch);
            }
        }
    }

    private void serve(SocketChannel ch) {
        ScheduledFuture<?>[] idle = new ScheduledFuture<?>[1];
        Runnable rearm = () -> {
            if (idle[0] != null) {
                idle[0].cancel(false);
            }
            idle[0] = timeouts.schedule(() -> closeQuietly(ch), IDLE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        };
        try (ch) {
            LineReader reader = new LineReader(ch);
            while (true) {
                rearm.run();
                String line = reader.readLine();
                if (line == null) {
                    return;
                }
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode response = answer(line);
                ByteBuffer out = ByteBuffer.wrap((ControlProtocol.JSON.writeValueAsString(response) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) {
                    ch.write(out);
                }
            }
        } catch (LineReader.LineTooLong e) {
            LOG.warn("control socket: request longer than {} bytes, connection closed", ControlProtocol.MAX_LINE);
        } catch (IOException e) {
            LOG.debug("control connection ended: {}", e.toString());
        } finally {
            if (idle[0] != null) {
                idle[0].cancel(false);
            }
        }
    }

    /** Turns one request line into one response; never throws. */
    ObjectNode answer(String line) {
        JsonNode request;
        try {
            request = ControlProtocol.JSON.readTree(line);
        } catch (IOException e) {
            return ControlProtocol.failure("bad_request", "request is not valid JSON");
        }
        if (request == null || !request.isObject() || !request.path("command").isTextual()) {
            return ControlProtocol.failure("bad_request", "request must be a JSON object with a \"command\" string");
        }
        int version = request.path("v").asInt(ControlProtocol.VERSION);
        if (version > ControlProtocol.VERSION) {
            return ControlProtocol.failure("unsupported_version",
                    "protocol version " + version + " is newer than this daemon's " + ControlProtocol.VERSION);
        }
        String command = request.get("command").asText();
        CommandHandler h = handlers.get(command);
        if (h == null) {
            return ControlProtocol.failure("unknown_command", "unknown command '" + command + "' (known: "
                    + String.join(", ", new java.util.TreeSet<>(handlers.keySet())) + ")");
        }
        JsonNode args = request.has("args") ? request.get("args") : ControlProtocol.JSON.createObjectNode();
        try {
            return ControlProtocol.success(h.handle(args));
        } catch (ControlException e) {
            return ControlProtocol.failure(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("control command {} failed: {}", command, e.toString(), e);
            return ControlProtocol.failure("internal_error", "command '" + command + "' failed: " + e);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (server != null) {
            closeQuietly(server);
        }
        clients.shutdownNow();
        timeouts.shutdownNow();
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", socketPath, e.toString());
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Reads '\n'-terminated UTF-8 lines from a channel, bounded by {@link ControlProtocol#MAX_LINE}. */
    static final class LineReader {
        static final class LineTooLong extends IOException {
            LineTooLong() {
                super("line too long");
            }
        }

        private final java.nio.channels.ReadableByteChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(4096);
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineReader(java.nio.channels.ReadableByteChannel ch) {
            this.ch = ch;
            buf.flip();
        }

        /** The next line without its terminator, or null at end of stream. */
        String readLine() throws IOException {
            while (true) {
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b == '\n') {
                        String s = line.toString(StandardCharsets.UTF_8);
                        line.reset();
                        return s;
                    }
                    if (line.size() >= ControlProtocol.MAX_LINE) {
                        throw new LineTooLong();
                    }
                    line.write(b);
                }
                buf.clear();
                int n = ch.read(buf);
                buf.flip();
                if (n < 0) {
                    if (line.size() > 0) {
                        String s = line.toString(StandardCharsets.UTF_8);
                        line.reset();
                        return s;
                    }
                    return null;
                }
            }
        }
    }
}
