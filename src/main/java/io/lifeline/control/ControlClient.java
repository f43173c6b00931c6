package io.lifeline.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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
        try {
            return exchange(command, args);
        } catch (NotReachable e) {
            throw e;
        } catch (IOException e) {
            throw new NotReachable("cannot talk to the lifeline daemon on " + socket + ": " + e.getMessage());
        }
    }

    private JsonNode exchange(String command, ObjectNode args) throws IOException, ControlException {
        if (!Files.exists(socket)) {
            throw new NotReachable("lifeline daemon is not running (no socket at " + socket + ")");
        }
        ObjectNode req = ControlProtocol.JSON.createObjectNode();
        req.put("v", ControlProtocol.VERSION);
        req.put("command", command);
        if (args != null) {
            req.set("args", args);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hactl-timeout");
            t.setDaemon(true);
            return t;
        });
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ScheduledFuture<?> deadline = timer.schedule(() -> {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // unblocks the read below
                }
            }, timeoutMs, TimeUnit.MILLISECONDS);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new NotReachable("lifeline daemon is not running (" + socket + " refuses connections: "
                        + e.getMessage() + ")");
            }
            ByteBuffer out = ByteBuffer.wrap((ControlProtocol.JSON.writeValueAsString(req) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            String line;
            try {
                line = new ControlServer.LineReader(ch).readLine();
            } catch (IOException e) {
                throw deadline.isDone() ? new NotReachable("lifeline daemon did not answer within " + timeoutMs
                        + " ms on " + socket) : e;
            }
            deadline.cancel(false);
            if (line == null) {
                throw new NotReachable("lifeline daemon closed the connection without answering on " + socket);
            }
            JsonNode resp = ControlProtocol.JSON.readTree(line);
            if (resp.path("ok").asBoolean(false)) {
                return resp.path("result");
            }
            JsonNode err = resp.path("error");
            throw new ControlException(err.path("code").asText("error"), err.path("message").asText(line));
        } finally {
            timer.shutdownNow();
        }
    }
}
