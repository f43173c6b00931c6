package io.lifeline.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** 502, 504 and the replay of idempotent requests on a server-closed keep-alive connection. */
class ErrorResponsesTest {

    /** A one-thread server that answers each connection with a fixed script. */
    private static final class ScriptedServer implements AutoCloseable {
        final ServerSocket socket;
        final Thread thread;
        final AtomicInteger connections = new AtomicInteger();

        interface Script {
            void handle(int connection, InputStream in, OutputStream out) throws IOException;
        }

        ScriptedServer(Script script) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.setSoTimeout(5000);
                        script.handle(connections.incrementAndGet(), s.getInputStream(), s.getOutputStream());
                    } catch (IOException e) {
                        // next connection (or closed)
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int state = 0;
        int c;
        while (state < 4 && (c = in.read()) >= 0) {
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
    }

    private static String proxyConfig(String server, String timeouts) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    %s
                frontend web
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    server s %s
                """.formatted(timeouts, server);
    }

    @Test
    void garbageFromTheServerGives502() throws Exception {
        try (ScriptedServer s = new ScriptedServer((n, in, out) -> {
            readHead(in);
            out.write("SMTP READY\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }); ProxyHarness p = new ProxyHarness(proxyConfig(s.address(), "timeout server 5s"));
             RawHttp c = new RawHttp(p.address("web"))) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response r = c.read();
            assertEquals(502, r.status());
            assertTrue(r.text().contains("502 Bad Gateway"));
        }
    }

    @Test
    void silentServerGives504AfterTimeoutServer() throws Exception {
        try (ScriptedServer s = new ScriptedServer((n, in, out) -> {
            readHead(in);
            in.read(); // never answers; waits for the proxy to give up
        }); ProxyHarness p = new ProxyHarness(proxyConfig(s.address(), "timeout server 300ms"));
             RawHttp c = new RawHttp(p.address("web"))) {
            long start = System.nanoTime();
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response r = c.read();
            assertEquals(504, r.status());
            assertTrue((System.nanoTime() - start) / 1_000_000 >= 250);
        }
    }

    @Test
    void idempotentRequestIsReplayedWhenAPooledConnectionWasClosed() throws Exception {
        // connection 1 answers once with keep-alive, then closes without answering the second
        // request it receives; later connections answer normally
        try (ScriptedServer s = new ScriptedServer((n, in, out) -> {
            readHead(in);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nc" + n).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (n == 1) {
                readHead(in); // the reused connection's request: drop it
            }
        }); ProxyHarness p = new ProxyHarness(proxyConfig(s.address(), "timeout server 5s"));
             RawHttp c = new RawHttp(p.address("web"))) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("c1", c.read().text());
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response r = c.read();
            assertEquals(200, r.status());
            assertEquals("c2", r.text(), "replayed on a fresh connection");
        }
    }
    @Test
    void aTlsHelloOnThePlainPortGets400AtOnce() throws Exception {
        try (ScriptedServer s = new ScriptedServer((n, in, out) -> readHead(in));
             ProxyHarness p = new ProxyHarness(proxyConfig(s.address(), "timeout server 5s\n    timeout http-request 10s"));
             RawHttp c = new RawHttp(p.address("web"))) {
            long start = System.nanoTime();
            c.send(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01, 0x00, 0x00, (byte) 0xc4, 0x03, 0x03});
            RawHttp.Response r = c.read();
            assertEquals(400, r.status());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "answered before timeout http-request");
            assertEquals(0, s.connections.get(), "nothing reached the server");
        }
    }

    @Test
    void aBadChunkSizeGets400BeforeTheServerAnswers() throws Exception {
        try (ScriptedServer s = new ScriptedServer((n, in, out) -> {
            readHead(in);
            in.read(); // never answers: the proxy must decide on its own
        }); ProxyHarness p = new ProxyHarness(proxyConfig(s.address(), "timeout server 5s"));
             RawHttp c = new RawHttp(p.address("web"))) {
            c.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n");
            RawHttp.Response r = c.read();
            assertEquals(400, r.status());
        }
    }
}
