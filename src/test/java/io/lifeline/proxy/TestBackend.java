package io.lifeline.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP server on an ephemeral loopback port standing in for a web server behind the
 * proxy. It names itself in every response (body and {@code X-Backend}) and records what it
 * saw, so tests can tell where requests went and how they were rewritten.
 *
 * <p>Paths: {@code /echo} answers the request body's length and SHA-256; {@code /chunked?n=K}
 * answers K lines in a chunked response; {@code /slow?ms=T} waits before answering;
 * {@code /health} answers 200 or the status set with {@link #healthStatus}; anything else
 * answers the backend's name.
 */
public final class TestBackend implements AutoCloseable {

    final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    final AtomicInteger requests = new AtomicInteger();
    final ConcurrentLinkedQueue<String> forwardedFor = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> cookies = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> connectionHeaders = new ConcurrentLinkedQueue<>();
    final AtomicInteger healthChecks = new AtomicInteger();
    volatile int healthStatus = 200;

    public TestBackend(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            if (path.equals("/health")) {
                healthChecks.incrementAndGet();
                ex.sendResponseHeaders(healthStatus, -1);
                return;
            }
            requests.incrementAndGet();
            var xff = ex.getRequestHeaders().get("X-Forwarded-For");
            forwardedFor.add(xff == null ? "" : String.join(", ", xff));
            String cookie = ex.getRequestHeaders().getFirst("Cookie");
            cookies.add(cookie == null ? "" : cookie);
            String conn = ex.getRequestHeaders().getFirst("Connection");
            connectionHeaders.add(conn == null ? "" : conn);
            ex.getResponseHeaders().add("X-Backend", name);
            String query = ex.getRequestURI().getQuery();
            switch (path) {
                case "/echo" -> send(ex, body.length + " " + sha256(body));
                case "/chunked" -> {
                    int n = Integer.parseInt(query.substring(2));
                    ex.sendResponseHeaders(200, 0); // length 0: chunked
                    try (OutputStream os = ex.getResponseBody()) {
                        for (int i = 0; i < n; i++) {
                            os.write(("line " + i + " from " + name + "\n").getBytes(StandardCharsets.UTF_8));
                            os.flush();
                        }
                    }
                }
                case "/slow" -> {
                    try {
                        Thread.sleep(Long.parseLong(query.substring(3)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    send(ex, name);
                }
                default -> send(ex, name);
            }
        }
    }

    private static void send(HttpExchange ex, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    /** Stops at once, closing open connections: a crashed web server. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
