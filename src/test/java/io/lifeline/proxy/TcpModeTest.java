package io.lifeline.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** mode tcp: a byte pipe that honours half-closes, balanced by source address. */
class TcpModeTest {

    /**
     * A server that reads until the client's FIN, then answers the SHA-256 of what it read
     * followed by its name, and closes: it only works if the proxy forwards the half-close.
     */
    private static final class DigestServer implements AutoCloseable {
        final ServerSocket socket;
        final String name;

        DigestServer(String name) throws IOException {
            this.name = name;
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.setSoTimeout(5000);
                        byte[] all = s.getInputStream().readAllBytes(); // until FIN
                        OutputStream out = s.getOutputStream();
                        out.write(MessageDigest.getInstance("SHA-256").digest(all));
                        out.write(name.getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception e) {
                        // next connection
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void pipesBytesBothWaysAndForwardsHalfClose() throws Exception {
        try (DigestServer a = new DigestServer("a"); DigestServer b = new DigestServer("b");
             ProxyHarness p = new ProxyHarness("""
                     defaults
                         mode tcp
                         timeout connect 1s
                         timeout client 5s
                         timeout server 5s
                     listen db
                         bind 127.0.0.1:0
                         balance source
                         server a %s
                         server b %s
                     """.formatted(a.address(), b.address()))) {
            Set<String> servers = new HashSet<>();
            Random rnd = new Random(3);
            for (int i = 0; i < 5; i++) {
                byte[] data = new byte[100_000 + rnd.nextInt(100_000)];
                rnd.nextBytes(data);
                try (Socket s = new Socket()) {
                    s.connect(p.address("db"), 5000);
                    s.setSoTimeout(10_000);
                    OutputStream out = s.getOutputStream();
                    out.write(data);
                    s.shutdownOutput(); // half-close: the server must still be able to answer
                    InputStream in = s.getInputStream();
                    byte[] answer = in.readAllBytes();
                    assertEquals(33, answer.length);
                    byte[] digest = java.util.Arrays.copyOf(answer, 32);
                    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), digest);
                    servers.add(new String(answer, 32, 1, StandardCharsets.US_ASCII));
                }
            }
            assertEquals(1, servers.size(), "balance source: one client address, one server");
        }
    }

    @Test
    void retriesOnAnotherServerWhenOneRefuses() throws Exception {
        DigestServer dead = new DigestServer("x");
        String deadAddress = dead.address();
        dead.close();
        try (DigestServer b = new DigestServer("b");
             ProxyHarness p = new ProxyHarness("""
                     defaults
                         mode tcp
                         timeout connect 1s
                         timeout client 5s
                         timeout server 5s
                         option redispatch 1
                     listen db
                         bind 127.0.0.1:0
                         server dead %s
                         server b %s
                     """.formatted(deadAddress, b.address()))) {
            for (int i = 0; i < 4; i++) {
                try (Socket s = new Socket()) {
                    s.connect(p.address("db"), 5000);
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    byte[] answer = s.getInputStream().readAllBytes();
                    assertEquals("b", new String(answer, 32, 1, StandardCharsets.US_ASCII));
                }
            }
        }
    }
}
