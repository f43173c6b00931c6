package io.lifeline.proxy;

import io.lifeline.proxy.config.HttpCheck;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The periodic health check of one server, run on an event loop without blocking: a TCP
 * connect, or with {@code option httpchk} an HTTP request whose status must satisfy
 * {@code http-check expect}. Results feed the server's rise/fall counters.
 *
 * <p>Timeouts as in HAProxy: without {@code timeout check} the whole check must finish within
 * {@code inter}; with it, the connect must succeed within min(timeout connect, inter) and the
 * response arrive within {@code timeout check}.
 */
final class HealthCheck implements IoHandler {

    private static final int MAX_RESPONSE = 1024;

    private final ServerRuntime server;
    private final EventLoop loop;
    private final HttpCheck http;
    private final long inter;
    private final long connectTimeout;
    private final long readTimeout;
    private final ByteBuffer response = ByteBuffer.allocate(MAX_RESPONSE);
    private SocketChannel channel;
    private SelectionKey key;
    private long startedAt;
    private long generation;
    private boolean connected;
    private volatile boolean stopped;

    HealthCheck(ServerRuntime server, EventLoop loop) {
        this.server = server;
        this.loop = loop;
        this.http = server.backend.config.httpCheck();
        this.inter = server.config.interMillis();
        long tcheck = server.backend.config.timeouts().check();
        long tconnect = server.backend.config.timeouts().connect();
        if (tcheck > 0) {
            this.connectTimeout = tconnect > 0 ? Math.min(tconnect, inter) : inter;
            this.readTimeout = tcheck;
        } else {
            this.connectTimeout = inter;
            this.readTimeout = inter;
        }
    }

    /** Starts checking; the first check comes soon, spread over the interval like HAProxy's. */
    void start() {
        loop.execute(() -> loop.schedule(ThreadLocalRandom.current().nextLong(Math.min(inter, 1000) + 1), this::run));
    }

    void stop() {
        stopped = true;
        loop.execute(this::closeChannel);
    }

    private void run() {
        if (stopped) {
            return;
        }
        long gen = ++generation;
        startedAt = loop.now;
        connected = false;
        response.clear();
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (channel.connect(server.address)) {
                onConnected();
            } else {
                key = channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
            }
        } catch (IOException e) {
            fail("L4CON", 0, describe(e));
            return;
        }
        loop.schedule(connectTimeout, () -> {
            if (gen == generation && channel != null && !connected) {
                fail("L4TOUT", 0, "connection timeout");
            }
        });
    }

    @Override
    public void onReady(SelectionKey k, int ops) {
        try {
            if ((ops & SelectionKey.OP_CONNECT) != 0) {
                if (channel.finishConnect()) {
                    onConnected();
                }
                return;
            }
            if ((ops & SelectionKey.OP_READ) != 0) {
                int n = channel.read(response);
                if (n < 0 || !response.hasRemaining() || hasStatusLine()) {
                    evaluateResponse();
                }
            }
        } catch (IOException e) {
            fail(connected ? "L7RSP" : "L4CON", 0, describe(e));
        }
    }

    private void onConnected() throws IOException {
        connected = true;
        if (http == null) {
            succeed("L4OK", 0);
            return;
        }
        StringBuilder req = new StringBuilder(http.method()).append(' ').append(http.uri()).append(' ')
                .append(http.version()).append("\r\n");
        if (http.version().startsWith("HTTP/1.1") && !http.version().toLowerCase(Locale.ROOT).contains("host:")) {
            req.append("Host: ").append(server.address.getAddress().getHostAddress()).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        ByteBuffer b = ByteBuffer.wrap(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        channel.write(b); // a check request is small: the socket buffer always takes it
        if (key == null) {
            key = channel.register(loop.selector, SelectionKey.OP_READ, this);
        } else {
            key.interestOps(SelectionKey.OP_READ);
        }
        long gen = generation;
        loop.schedule(readTimeout, () -> {
            if (gen == generation && channel != null) {
                fail("L7TOUT", 0, "HTTP check timeout");
            }
        });
    }

    private boolean hasStatusLine() {
        for (int i = 0; i < response.position(); i++) {
            if (response.get(i) == '\n') {
                return true;
            }
        }
        return false;
    }

    private void evaluateResponse() {
        byte[] b = response.array();
        int len = response.position();
        if (len < 12 || b[0] != 'H' || b[1] != 'T' || b[2] != 'T' || b[3] != 'P' || b[4] != '/'
                || !isDigit(b[9]) || !isDigit(b[10]) || !isDigit(b[11])) {
            fail("L7RSP", 0, "invalid HTTP response");
            return;
        }
        int status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
        if (http.accepts(status)) {
            succeed("L7OK", status);
        } else {
            fail("L7STS", status, "HTTP status " + status + (http.expectStatus() > 0
                    ? " (expected " + http.expectStatus() + ")" : " (expected 2xx or 3xx)"));
        }
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private void succeed(String status, int code) {
        closeChannel();
        server.checkSucceeded(status, code, loop.now - startedAt);
        next();
    }

    private void fail(String status, int code, String reason) {
        long duration = loop.now - startedAt;
        closeChannel();
        server.checkFailed(status, code, reason, duration, false);
        next();
    }

    private void next() {
        generation++;
        if (!stopped) {
            loop.schedule(inter, this::run);
        }
    }

    private void closeChannel() {
        if (key != null) {
            key.cancel();
            key = null;
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do: the check is over either way
            }
            channel = null;
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.toLowerCase(java.util.Locale.ROOT);
    }
}
