package io.lifeline.agent.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime API client against a fake haproxy on a Unix socket. */
class RuntimeApiTest {

    @TempDir
    Path dir;

    /** Accepts one connection, reads the command until end of input, answers, closes (or hangs). */
    private CompletableFuture<String> serveOnce(ServerSocketChannel server, String answer, boolean hang) {
        return CompletableFuture.supplyAsync(() -> {
            try (SocketChannel c = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(1024);
                while (c.read(in) >= 0) {
                    if (!in.hasRemaining()) {
                        break;
                    }
                }
                if (!hang) {
                    c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.US_ASCII)));
                } else {
                    Thread.sleep(3000); // the client's timeout is much shorter; this just holds the socket
                }
                return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
            } catch (IOException | InterruptedException e) {
                return "error: " + e;
            }
        });
    }

    private ServerSocketChannel listen(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return server;
    }

    @Test
    void sendsTheCommandHalfClosesAndReadsTheWholeAnswer() throws Exception {
        Path sock = dir.resolve("a.sock");
        try (ServerSocketChannel server = listen(sock)) {
            CompletableFuture<String> received = serveOnce(server, RuntimeApiAnswersTest.SHOW_INFO, false);
            String answer = RuntimeApi.query(RuntimeApi.Endpoint.unix(sock), "show info", Duration.ofSeconds(10));
            assertEquals(RuntimeApiAnswersTest.SHOW_INFO, answer);
            assertEquals("show info\n", received.get());
        }
    }

    @Test
    void aPeerThatNeverAnswersTimesOut() throws Exception {
        Path sock = dir.resolve("b.sock");
        try (ServerSocketChannel server = listen(sock)) {
            serveOnce(server, "", true);
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class,
                    () -> RuntimeApi.query(RuntimeApi.Endpoint.unix(sock), "show info", Duration.ofMillis(300)));
            assertTrue(e.getMessage().contains("timed out waiting for the answer to 'show info'"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(2).toNanos(), "bounded by the timeout");
        }
    }

    @Test
    void aMissingSocketIsAnError() {
        assertThrows(IOException.class, () -> RuntimeApi.query(RuntimeApi.Endpoint.unix(dir.resolve("none.sock")),
                "show info", Duration.ofSeconds(1)));
    }
}
