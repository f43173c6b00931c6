package io.lifeline.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 details through the proxy, checked on the wire with a raw socket client. */
class HttpProxyProtocolTest {

    private TestBackend backend;
    private ProxyHarness proxy;

    @BeforeEach
    void start() throws Exception {
        backend = new TestBackend("s1");
        proxy = new ProxyHarness("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend web
                    bind 127.0.0.1:0
                    option forwardfor
                    default_backend app
                backend app
                    server s1 %s
                """.formatted(backend.address()));
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    @Test
    void forwardsContentLengthBodiesIntact() throws Exception {
        byte[] body = new byte[200_000];
        new Random(1).nextBytes(body);
        try (RawHttp c = new RawHttp(proxy.address("web"))) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n");
            c.send(body);
            RawHttp.Response r = c.read();
            assertEquals(200, r.status());
            assertEquals(body.length + " " + TestBackend.sha256(body), r.text());
            // the same connection serves another request afterwards
            c.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("s1", c.read().text());
        }
    }

    @Test
    void forwardsChunkedRequestBodiesIntact() throws Exception {
        try (RawHttp c = new RawHttp(proxy.address("web"))) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] all = c.sendRandomChunks(new Random(2), 20, 5000, ";ext=1");
            RawHttp.Response r = c.read();
            assertEquals(all.length + " " + TestBackend.sha256(all), r.text());
            c.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("s1", c.read().text());
        }
    }

    @Test
    void relaysChunkedResponses() throws Exception {
        try (RawHttp c = new RawHttp(proxy.address("web"))) {
            c.send("GET /chunked?n=500 HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response r = c.read();
            assertEquals("chunked", r.header("transfer-encoding"));
            String[] lines = r.text().split("\n");
            assertEquals(500, lines.length);
            assertEquals("line 499 from s1", lines[499]);
            c.send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = c.read(true);
            assertEquals(200, head.status());
            c.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("s1", c.read().text());
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        try (RawHttp c = new RawHttp(proxy.address("web"))) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                batch.append(i % 2 == 0 ? "GET /slow?ms=" + (20 - i) + " HTTP/1.1\r\nHost: x\r\n\r\n"
                        : "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + i + "\r\n\r\n" + "x".repeat(i));
            }
            c.send(batch.toString());
            for (int i = 0; i < 20; i++) {
                RawHttp.Response r = c.read();
                String expected = i % 2 == 0 ? "s1"
                        : i + " " + TestBackend.sha256("x".repeat(i).getBytes(StandardCharsets.UTF_8));
                assertEquals(expected, r.text(), "response " + i);
            }
        }
    }

    /**
     * A server that sends more than its response announced must not answer the client's next
     * request with those bytes: they belong to the connection the proxy then closes.
     */
    @Test
    void dropsBytesAServerSendsBeyondItsResponse() throws Exception {
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!raw.isClosed()) {
                    try {
                        java.net.Socket s = raw.accept();
                        Thread h = new Thread(() -> answerWithExtraBytes(s));
                        h.setDaemon(true);
                        h.start();
                    } catch (java.io.IOException e) {
                        // closed
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            try (ProxyHarness p = new ProxyHarness("""
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 10s
                        timeout server 10s
                    listen web
                        bind 127.0.0.1:0
                        server s1 127.0.0.1:%d
                    """.formatted(raw.getLocalPort()));
                 RawHttp c = new RawHttp(p.address("web"))) {
                c.send("GET /extra HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("ok", c.read().text());
                assertEquals("real", c.read().text());
            }
        }
    }

    private static void answerWithExtraBytes(java.net.Socket s) {
        try (s) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            var out = s.getOutputStream();
            String requestLine;
            while ((requestLine = in.readLine()) != null) {
                while (!in.readLine().isEmpty()) {
                    // headers
                }
                String answer = requestLine.startsWith("GET /extra ")
                        ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nevil!" // in the same write
                        : "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nreal";
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the proxy closed the connection
        }
    }

    @Test
    void addsXForwardedForAndManagesConnectionHeaders() throws Exception {
        try (RawHttp c = new RawHttp(proxy.address("web"))) {
            c.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n");
            RawHttp.Response r = c.read();
            assertNull(r.header("connection"), "HTTP/1.1 keep-alive needs no Connection header");
            c.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawHttp.Response last = c.read();
            assertEquals("close", last.header("connection"));
            assertTrue(c.closedByPeer(), "proxy closes after Connection: close");
        }
        // the existing header is kept and the client address added after it
        assertTrue(backend.forwardedFor.contains("203.0.113.9, 127.0.0.1"), backend.forwardedFor.toString());
        assertTrue(backend.connectionHeaders.stream().noneMatch(h -> h.contains("close")),
                "client's Connection: close is not passed to the server (its connection stays pooled)");
    }

    @Test
    void servesHttp10ClientsWithAndWithoutKeepAlive() throws Exception {
        try (RawHttp c = new RawHttp(proxy.address("web"))) {
            c.send("GET /x HTTP/1.0\r\n\r\n");
            RawHttp.Response r = c.read();
            assertEquals("s1", r.text());
            assertEquals("close", r.header("connection"));
            assertTrue(c.closedByPeer());
        }
        try (RawHttp c = new RawHttp(proxy.address("web"))) {
            for (int i = 0; i < 3; i++) {
                c.send("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                RawHttp.Response r = c.read();
                assertEquals("s1", r.text());
                assertEquals("keep-alive", r.header("connection"));
            }
        }
    }

    @Test
    void rejectsMalformedRequestsWith400() throws Exception {
        try (RawHttp c = new RawHttp(proxy.address("web"))) {
            c.send("GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
            RawHttp.Response r = c.read();
            assertEquals(400, r.status());
            assertTrue(r.text().contains("400 Bad request"));
        }
        try (RawHttp c = new RawHttp(proxy.address("web"))) {
            c.send("NONSENSE\r\n\r\n");
            assertEquals(400, c.read().status());
        }
    }

    @Test
    void reusesServerConnectionsAcrossClients() throws Exception {
        for (int i = 0; i < 5; i++) {
            try (RawHttp c = new RawHttp(proxy.address("web"))) {
                c.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertEquals("s1", c.read().text());
            }
        }
        var server = proxy.proxy.statsRows().stream().filter(r -> r.get("svname").equals("s1")).findFirst().orElseThrow();
        assertEquals(5L, server.get("stot"));
        assertArrayEquals(new Object[] {5L}, new Object[] {server.get("hrsp_2xx")});
    }
}
