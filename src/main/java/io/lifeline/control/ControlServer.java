package io.lifeline.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.thread.NamedThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's control socket (Unix domain, mode 0660, so root and the socket's group may
 * control the cluster). Requests and responses follow {@link ControlProtocol}.
 *
 * <p>Clients are served concurrently and none can hold up another: one selector thread does all
 * socket I/O without blocking ({@link ControlConnection}), and a small pool of
 * {@value #WORKERS} workers only runs command handlers. An idle or slow client costs a few KiB
 * and no thread. Per connection, a request must arrive whole within {@link Limits#requestTimeoutMs}
 * and be at most {@link ControlProtocol#MAX_LINE} bytes, and the answer must be taken within
 * {@link Limits#writeTimeoutMs}; at most {@link Limits#maxConnections} connections are open at
 * once. A client past a limit gets one error line ({@code busy}, {@code request_too_large},
 * {@code timeout}) and is closed.
 */
public final class ControlServer implements AutoCloseable {

    /** Handler threads: handlers are short (they ask the manager with a timeout), so a few suffice. */
    static final int WORKERS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    /** Per-connection limits. */
    record Limits(long requestTimeoutMs, long writeTimeoutMs, int maxConnections) {
        static final Limits DEFAULT = new Limits(5_000, 5_000, 64);
    }

    private final Path socketPath;
    private final Limits limits;
    private final Map<String, CommandHandler> handlers = new ConcurrentHashMap<>();
    /** Each connection has at most one request in flight, so this queue is bounded by maxConnections. */
    private final ExecutorService workers;
    private final Queue<Answered> answered = new ConcurrentLinkedQueue<>();
    private final Set<ControlConnection> connections = new HashSet<>();
    private ServerSocketChannel server;
    private Selector selector;
    private Thread loop;
    private volatile boolean closed;
    private long lastAcceptFailureLogMs = Long.MIN_VALUE / 2;

    // an answer line on its way to the socket; never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    private record Answered(ControlConnection connection, byte[] line) {
    }

    public ControlServer(Path socketPath) {
        this(socketPath, Limits.DEFAULT);
    }

    ControlServer(Path socketPath, Limits limits) {
        this.socketPath = socketPath;
        this.limits = limits;
        this.workers = Executors.newFixedThreadPool(WORKERS, NamedThreads.daemon("control-worker"));
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
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        loop = NamedThreads.daemon("control").newThread(this::selectLoop);
        loop.start();
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

    private void selectLoop() {
        try {
            while (!closed) {
                selector.select(untilNextDeadline());
                long now = nowMs();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept(now);
                    } else {
                        serve((ControlConnection) key.attachment(), now);
                    }
                }
                selector.selectedKeys().clear();
                for (Answered a; (a = answered.poll()) != null; ) {
                    if (connections.contains(a.connection())) {
                        a.connection().answer(a.line(), now, limits.writeTimeoutMs());
                        serve(a.connection(), now);
                    }
                }
                expire(now);
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                LOG.error("control socket stopped: {}", e.toString());
            }
        } finally {
            connections.forEach(ControlConnection::close);
            connections.clear();
        }
    }

    private long untilNextDeadline() {
        long next = Long.MAX_VALUE;
        for (ControlConnection c : connections) {
            next = Math.min(next, c.deadlineMs());
        }
        return next == Long.MAX_VALUE ? 0 : Math.max(1, next - nowMs());
    }

    /** Takes every pending connection; a failure (no file descriptors left, say) costs that connection only. */
    private void accept(long now) {
        while (true) {
            SocketChannel ch;
            ControlConnection c;
            try {
                ch = server.accept();
                if (ch == null) {
                    return;
                }
            } catch (IOException e) {
                if (now - lastAcceptFailureLogMs >= 1_000) { // the failure repeats while the cause lasts
                    lastAcceptFailureLogMs = now;
                    LOG.warn("control socket: cannot accept a connection: {}", e.toString());
                }
                return;
            }
            try {
                ch.configureBlocking(false);
                c = new ControlConnection(ch, ch.register(selector, 0));
            } catch (IOException e) {
                LOG.warn("control socket: cannot set up a connection: {}", e.toString());
                closeQuietly(ch);
                continue;
            }
            c.awaitRequest(now, limits.requestTimeoutMs());
            if (connections.size() >= limits.maxConnections()) {
                LOG.warn("control socket: {} connections open, refusing one more", connections.size());
                c.refuse(line(ControlProtocol.failure("busy", "too many control connections (" + connections.size()
                        + " open); try again")));
                continue;
            }
            ch.keyFor(selector).attach(c);
            connections.add(c);
        }
    }

    /** Moves one connection on as far as it can go without blocking. */
    private void serve(ControlConnection c, long now) {
        try {
            if (c.phase() == ControlConnection.Phase.WRITING) {
                if (!c.write()) {
                    return;
                }
                if (c.nextBufferedRequest()) {
                    dispatch(c);
                } else if (c.inputEnded()) {
                    drop(c);
                } else {
                    c.awaitRequest(now, limits.requestTimeoutMs());
                }
                return;
            }
            if (c.phase() == ControlConnection.Phase.READING) {
                switch (c.read()) {
                    case REQUEST -> dispatch(c);
                    case TOO_LONG -> refuse(c, "request_too_large",
                            "request longer than " + ControlProtocol.MAX_LINE + " bytes");
                    case CLOSED -> drop(c);
                    case NOTHING_YET -> { }
                }
            }
        } catch (IOException e) {
            LOG.debug("control connection ended: {}", e.toString());
            drop(c);
        } catch (RuntimeException e) { // a bug here must cost one connection, not the control socket
            LOG.error("control connection failed: {}", e.toString(), e);
            drop(c);
        }
    }

    private void dispatch(ControlConnection c) {
        c.working();
        String request = c.request();
        workers.execute(() -> {
            byte[] response;
            try {
                response = line(answer(request));
            } catch (Throwable t) { // an Error in a handler must still answer, or the client waits forever
                LOG.error("control command failed: {}", t.toString(), t);
                response = line(ControlProtocol.failure("internal_error", "command failed: " + t));
            }
            answered.add(new Answered(c, response));
            selector.wakeup();
        });
    }

    private void expire(long now) {
        for (ControlConnection c : List.copyOf(connections)) {
            if (now < c.deadlineMs()) {
                continue;
            }
            if (c.phase() == ControlConnection.Phase.READING) {
                refuse(c, "timeout", "no complete request within " + limits.requestTimeoutMs() + " ms");
            } else {
                LOG.debug("control socket: a client did not take its answer within {} ms", limits.writeTimeoutMs());
                drop(c);
            }
        }
    }

    private void refuse(ControlConnection c, String code, String message) {
        LOG.warn("control socket: closing a connection: {}", message);
        connections.remove(c);
        c.refuse(line(ControlProtocol.failure(code, message)));
    }

    private void drop(ControlConnection c) {
        connections.remove(c);
        c.close();
    }

    private static byte[] line(ObjectNode response) {
        try {
            return (ControlProtocol.json().writeValueAsString(response) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000L;
    }

    /** Turns one request line into one response; never throws. */
    ObjectNode answer(String line) {
        JsonNode request;
        try {
            request = ControlProtocol.json().readTree(line);
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
        JsonNode args = request.has("args") ? request.get("args") : ControlProtocol.json().createObjectNode();
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
        if (selector != null) {
            selector.wakeup();
        }
        if (loop != null) {
            try {
                loop.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (server != null) {
            closeQuietly(server);
        }
        if (selector != null) {
            closeQuietly(selector);
        }
        workers.shutdownNow();
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
}
