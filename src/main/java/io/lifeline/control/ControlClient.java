package io.lifeline.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.thread.NamedThreads;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Sends one request to the daemon's control socket and returns its {@code result}. */
public final class ControlClient {

    /** The daemon could not be reached, or the conversation with it broke; the message says why in admin terms. */
    public static final class NotReachable extends IOException {
        public NotReachable(String message) {
            super(message);
        }
    }

    private final Path socket;
    private final long timeoutMs;

    public ControlClient(Path socket, long timeoutMs) {
        this.socket = socket;
        this.timeoutMs = timeoutMs;
    }

    /**
     * @throws NotReachable     no daemon at the socket, it did not answer in time, or the exchange
     *                          failed (every caller reports these the same way)
     * @throws ControlException the daemon answered with an error
     */
    public JsonNode call(String command, ObjectNode args) throws NotReachable, ControlException {
        ObjectNode req = ControlProtocol.json().createObjectNode();
        req.put("v", ControlProtocol.VERSION);
        req.put("command", command);
        if (args != null) {
            req.set("args", args);
        }
        String line;
        JsonNode resp;
        try {
            line = exchange(ControlProtocol.json().writeValueAsString(req));
            resp = ControlProtocol.json().readTree(line);
        } catch (NotReachable e) {
            throw e;
        } catch (IOException e) {
            throw new NotReachable("cannot talk to the lifeline daemon on " + socket + ": " + e.getMessage());
        }
        if (resp.path("ok").asBoolean(false)) {
            return resp.path("result");
        }
        JsonNode err = resp.path("error");
        throw new ControlException(err.path("code").asText("error"), err.path("message").asText(line));
    }

    /**
     * As {@link #call}, without Jackson: the request is {@code command} with {@code argsJson} (a
     * JSON object's text, or null) and the answer is read by {@link JsonValue}. hactl's quick
     * commands (status, events) use this so that their JVM never loads jackson-databind.
     */
    public JsonValue request(String command, String argsJson) throws NotReachable, ControlException {
        StringBuilder req = new StringBuilder("{\"v\":").append(ControlProtocol.VERSION).append(",\"command\":");
        JsonValue.quote(command, req);
        if (argsJson != null) {
            req.append(",\"args\":").append(argsJson);
        }
        req.append('}');
        String line;
        JsonValue resp;
        try {
            line = exchange(req.toString());
            resp = JsonValue.parse(line);
        } catch (NotReachable e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            throw new NotReachable("cannot talk to the lifeline daemon on " + socket + ": " + e.getMessage());
        }
        if (resp.path("ok").asBoolean(false)) {
            return resp.path("result");
        }
        JsonValue err = resp.path("error");
        throw new ControlException(err.path("code").asText("error"), err.path("message").asText(line));
    }

    /** Sends one request line and returns the answer line. */
    private String exchange(String request) throws IOException {
        try {
            Files.readAttributes(socket, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NotReachable("lifeline daemon is not running (no socket at " + socket + ")");
        } catch (AccessDeniedException e) {
            throw permissionDenied(socket);
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            Deadline deadline = new Deadline(ch, timeoutMs);
            try {
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    throw connectFailed(socket, e, Files.isWritable(socket));
                }
                ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                String line;
                try {
                    line = new LineReader(ch).readLine();
                } catch (IOException e) {
                    throw deadline.expired() ? new NotReachable("lifeline daemon did not answer within " + timeoutMs
                            + " ms on " + socket) : e;
                }
                if (line == null) {
                    throw new NotReachable("lifeline daemon closed the connection without answering on " + socket);
                }
                return line;
            } finally {
                deadline.cancel();
            }
        }
    }

    /**
     * Closes the channel when the daemon has not answered in time, which unblocks the read. One
     * sleeping daemon thread rather than a ScheduledExecutorService: this runs in every hactl
     * command, and the executor's classes are start-up time (docs/ARCHITECTURE.md, "Start-up").
     */
    private static final class Deadline implements Runnable {
        private static final NamedThreads TIMEOUT = NamedThreads.daemon("hactl-timeout");

        private final SocketChannel channel;
        private final long timeoutMs;
        private final Thread thread;
        private volatile boolean expired;

        Deadline(SocketChannel channel, long timeoutMs) {
            this.channel = channel;
            this.timeoutMs = timeoutMs;
            this.thread = TIMEOUT.start(this);
        }

        @Override
        public void run() {
            try {
                Thread.sleep(timeoutMs);
            } catch (InterruptedException e) {
                return; // answered in time
            }
            expired = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // the read fails either way
            }
        }

        boolean expired() {
            return expired;
        }

        void cancel() {
            thread.interrupt();
        }
    }

    /**
     * Why connect(2) on the socket failed, in the admin's terms. Connecting needs write permission
     * on the socket (mode 0660: root and its group); a refused connection with that permission
     * means nobody listens. {@code writable} is access(2)'s answer for this user, so the verdict
     * does not depend on the wording of the error.
     */
    static NotReachable connectFailed(Path socket, IOException cause, boolean writable) {
        boolean denied = cause instanceof AccessDeniedException
                || String.valueOf(cause.getMessage()).contains("Permission denied");
        if (denied || !writable) {
            return permissionDenied(socket);
        }
        return new NotReachable("lifeline daemon is not running (" + socket + " refuses connections: "
                + cause.getMessage() + ")");
    }

    static NotReachable permissionDenied(Path socket) {
        return new NotReachable("permission denied on " + socket
                + " (run as root, or as a member of the group that owns the socket)");
    }
}
