package io.lifeline.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Bodies larger than one buffer, which the proxy streams through its large buffers: every
 * framing arrives intact across many small reads, pipelined requests after a large response
 * still work, a client that does not read holds the server back instead of making the proxy
 * buffer the body, and every large buffer goes back to its loop.
 */
class LargeBodyTest {

    /** Bigger than everything the kernel can buffer on the way (socket buffers autotune to tens of MB). */
    private static final long HUGE = 128L << 20;

    /** The body byte at offset i of every response: a pattern that catches lost, doubled or moved bytes. */
    static byte bodyByte(long i) {
        return (byte) (i * 31 + (i >>> 11) + (i >>> 19));
    }

    private static void fillBody(byte[] b, long from, int n) {
        for (int k = 0; k < n; k++) {
            b[k] = bodyByte(from + k);
        }
    }

    /**
     * A web server for bulk responses on one keep-alive connection per client: {@code /cl/N}
     * (Content-Length), {@code /chunked/N} (chunks of varied sizes) and {@code /close/N}
     * (delimited by closing). It counts the body bytes its writes have handed to the kernel.
     */
    private static final class BulkBackend implements AutoCloseable {
        final ServerSocket socket;
        final AtomicLong written = new AtomicLong();

        BulkBackend() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        Thread h = new Thread(() -> serve(s), "bulk-backend-conn");
                        h.setDaemon(true);
                        h.start();
                    } catch (IOException e) {
                        // closed
                    }
                }
            }, "bulk-backend");
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                String requestLine;
                while ((requestLine = line(in)) != null) {
                    while (!line(in).isEmpty()) {
                        // headers: not needed
                    }
                    String[] path = requestLine.split(" ")[1].split("/");
                    String kind = path[1];
                    long n = Long.parseLong(path[2]);
                    switch (kind) {
                        case "cl" -> {
                            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n"));
                            writeBody(out, 0, n);
                        }
                        case "chunked" -> {
                            out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                            int[] sizes = {1, 100, 8192, 20_000, 65_536, 3, 16_384, 70_001};
                            long sent = 0;
                            for (int i = 0; sent < n; i++) {
                                int size = (int) Math.min(sizes[i % sizes.length], n - sent);
                                out.write(ascii(Integer.toHexString(size) + "\r\n"));
                                writeBody(out, sent, size);
                                out.write(ascii("\r\n"));
                                sent += size;
                            }
                            out.write(ascii("0\r\n\r\n"));
                        }
                        default -> { // close
                            out.write(ascii("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"));
                            writeBody(out, 0, n);
                            return;
                        }
                    }
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                // the client went away
            }
        }

        private void writeBody(OutputStream out, long from, long n) throws IOException {
            byte[] b = new byte[8192];
            for (long done = 0; done < n; ) {
                int k = (int) Math.min(b.length, n - done);
                fillBody(b, from + done, k);
                out.write(b, 0, k);
                done += k;
                written.addAndGet(k);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** A client that reads responses in small pieces and checks every body byte against the pattern. */
    private static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;
        final OutputStream out;
        private final byte[] piece = new byte[997]; // odd-sized reads: the proxy's writes are cut anywhere

        Client(InetSocketAddress a) throws IOException {
            socket.connect(a, 5000);
            socket.setSoTimeout(20_000);
            in = new BufferedInputStream(socket.getInputStream(), 1024);
            out = socket.getOutputStream();
        }

        void send(String s) throws IOException {
            out.write(ascii(s));
            out.flush();
        }

        /** Reads one response and returns its body length; fails on any wrong byte. */
        long readResponse() throws IOException {
            String status = line(in);
            assertEquals("HTTP/1.1 200 OK", status);
            long length = -1;
            boolean chunked = false;
            String h;
            while (!(h = line(in)).isEmpty()) {
                String lower = h.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).trim());
                } else if (lower.equals("transfer-encoding: chunked")) {
                    chunked = true;
                }
            }
            if (chunked) {
                long total = 0;
                long size;
                while ((size = Long.parseLong(line(in).trim(), 16)) > 0) {
                    checkBody(total, size);
                    total += size;
                    assertEquals("", line(in), "chunk not followed by CRLF");
                }
                assertEquals("", line(in), "no CRLF after the last chunk");
                return total;
            }
            if (length >= 0) {
                checkBody(0, length);
                return length;
            }
            return checkBody(0, Long.MAX_VALUE);
        }

        /** Checks n body bytes starting at pattern offset from (until EOF if n is MAX_VALUE). */
        private long checkBody(long from, long n) throws IOException {
            long done = 0;
            while (done < n) {
                int k = in.read(piece, 0, (int) Math.min(piece.length, n - done));
                if (k < 0) {
                    if (n == Long.MAX_VALUE) {
                        return done;
                    }
                    throw new IOException("EOF after " + done + " of " + n + " body bytes");
                }
                for (int j = 0; j < k; j++) {
                    if (piece[j] != bodyByte(from + done + j)) {
                        throw new AssertionError("wrong body byte at offset " + (from + done + j));
                    }
                }
                done += k;
            }
            return done;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static ProxyHarness proxy(String mode, String server) throws IOException {
        return new ProxyHarness("""
                defaults
                    mode %s
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                listen web
                    bind 127.0.0.1:0
                    server s1 %s
                """.formatted(mode, server));
    }

    /** Waits until the server has written something and then nothing more for a second. */
    private static long awaitStalled(AtomicLong written) {
        long[] last = {-1};
        long[] since = {System.nanoTime()};
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long w = written.get();
            long now = System.nanoTime();
            if (w != last[0]) {
                last[0] = w;
                since[0] = now;
                return false;
            }
            return w > 0 && now - since[0] >= 1_000_000_000L;
        });
        return last[0];
    }

    private static void awaitNoLargeBufferLent(ProxyHarness p) {
        await().atMost(Duration.ofSeconds(10)).until(() -> p.proxy.largeBuffersLent() == 0);
    }

    @Test
    void largeResponsesArriveIntactInEveryFraming() throws Exception {
        long[] sizes = {1, 16_383, 16_384, 16_385, 65_536, 65_537, 200_000, 1_000_003};
        try (BulkBackend b = new BulkBackend(); ProxyHarness p = proxy("http", b.address())) {
            try (Client c = new Client(p.address("web"))) {
                for (long n : sizes) {
                    for (String kind : new String[] {"cl", "chunked"}) {
                        c.send("GET /" + kind + "/" + n + " HTTP/1.1\r\nHost: x\r\n\r\n");
                        assertEquals(n, c.readResponse(), kind + " " + n);
                    }
                }
            }
            for (long n : new long[] {16_385, 1_000_003}) {
                try (Client c = new Client(p.address("web"))) {
                    c.send("GET /close/" + n + " HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals(n, c.readResponse(), "close-delimited " + n);
                }
            }
            awaitNoLargeBufferLent(p);
        }
    }

    @Test
    void answersPipelinedRequestsAfterALargeResponse() throws Exception {
        try (BulkBackend b = new BulkBackend(); ProxyHarness p = proxy("http", b.address());
             Client c = new Client(p.address("web"))) {
            c.send("GET /cl/300000 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /chunked/200000 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /cl/5 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(300_000, c.readResponse());
            assertEquals(200_000, c.readResponse());
            assertEquals(5, c.readResponse());
        }
    }

    @Test
    void clientThatDoesNotReadHoldsBackTheServer() throws Exception {
        try (BulkBackend b = new BulkBackend(); ProxyHarness p = proxy("http", b.address())) {
            try (Client c = new Client(p.address("web"))) {
                c.send("GET /cl/" + HUGE + " HTTP/1.1\r\nHost: x\r\n\r\n");
                long stalledAt = awaitStalled(b.written);
                assertTrue(stalledAt < HUGE / 2, "the server wrote " + stalledAt + " of " + HUGE
                        + " bytes while the client read nothing: the proxy buffers without bound");
                assertEquals(1, p.proxy.largeBuffersLent(), "the body streams through one large buffer");
                assertEquals(HUGE, c.readResponse());
                c.send("GET /chunked/100000 HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals(100_000, c.readResponse());
            }
            awaitNoLargeBufferLent(p);
        }
    }

    @Test
    void forwardsLargeChunkedUploads() throws Exception {
        try (TestBackend t = new TestBackend("s1"); ProxyHarness p = proxy("http", t.address());
             RawHttp c = new RawHttp(p.address("web"))) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] all = c.sendRandomChunks(new Random(5), 30, 150_000, "");
            assertEquals(all.length + " " + TestBackend.sha256(all), c.read().text());
            c.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("s1", c.read().text());
        }
    }

    @Test
    void tcpClientThatDoesNotReadHoldsBackTheServer() throws Exception {
        AtomicLong written = new AtomicLong();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ProxyHarness p = proxy("tcp", "127.0.0.1:" + server.getLocalPort())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    byte[] b = new byte[8192];
                    for (long done = 0; done < HUGE; done += b.length) {
                        fillBody(b, done, b.length);
                        out.write(b);
                        written.addAndGet(b.length);
                    }
                } catch (IOException e) {
                    // the test fails on the client side
                }
            }, "tcp-bulk-server");
            t.setDaemon(true);
            t.start();
            try (Client c = new Client(p.address("web"))) {
                long stalledAt = awaitStalled(written);
                assertTrue(stalledAt < HUGE / 2, "the server wrote " + stalledAt + " of " + HUGE
                        + " bytes while the client read nothing: the proxy buffers without bound");
                assertEquals(HUGE, c.checkBody(0, Long.MAX_VALUE), "bytes before the server's close");
            }
            awaitNoLargeBufferLent(p);
        }
    }
}
