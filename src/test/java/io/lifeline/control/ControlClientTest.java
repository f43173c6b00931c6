package io.lifeline.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The light client path (hactl status/events) against a socket that answers, or does not, in time. */
class ControlClientTest {

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private final List<SocketChannel> accepted = new ArrayList<>();

    @BeforeEach
    void listen() throws Exception {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("s.sock")));
    }

    @AfterEach
    void close() throws Exception {
        for (SocketChannel c : accepted) {
            c.close();
        }
        server.close();
    }

    /** Accepts one connection and, if answer is not null, answers it after reading a line. */
    private void serveOnce(String answer) {
        Thread t = new Thread(() -> {
            try {
                SocketChannel c = server.accept();
                synchronized (accepted) {
                    accepted.add(c);
                }
                if (answer != null) {
                    new LineReader(c).readLine();
                    c.write(ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.UTF_8)));
                }
            } catch (Exception ignored) {
                // the test fails on the client's side
            }
        }, "test-server");
        t.setDaemon(true);
        t.start();
    }

    @Test
    void aDaemonThatNeverAnswersIsReportedAfterTheTimeout() {
        serveOnce(null);
        long began = System.nanoTime();
        ControlClient.NotReachable e = assertThrows(ControlClient.NotReachable.class,
                () -> new ControlClient(dir.resolve("s.sock"), 300).request("status", null));
        long tookMs = (System.nanoTime() - began) / 1_000_000;
        assertTrue(e.getMessage().contains("did not answer within 300 ms"), e.getMessage());
        assertTrue(tookMs >= 300, "waited the timeout, took " + tookMs + " ms");
    }

    @Test
    void anAnswerInTimeIsReturnedAndTheTimerThreadEnds() throws Exception {
        serveOnce("{\"ok\":true,\"result\":{\"node\":\"n1\"}}");
        JsonValue r = new ControlClient(dir.resolve("s.sock"), 60_000).request("status", null);
        assertEquals("n1", r.path("node").asText());
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("hactl-timeout")));
    }
}
