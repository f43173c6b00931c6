package io.lifeline.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {

    @TempDir
    Path dir;
    private Path socket;
    private ControlServer server;

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("run/hactl.sock");
        server = new ControlServer(socket)
                .register("status", args -> Map.of("node", "n1", "echo", args.path("x").asText("")))
                .register("takeover", args -> {
                    throw new ControlException("not_allowed", "node is in standby");
                })
                .register("boom", args -> {
                    throw new IllegalStateException("bug");
                });
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ControlClient client() {
        return new ControlClient(socket, 3_000);
    }

    @Test
    void answersACommandWithItsResult() throws Exception {
        ObjectNode args = ControlProtocol.json().createObjectNode().put("x", "hello");
        JsonNode r = client().call("status", args);
        assertEquals("n1", r.path("node").asText());
        assertEquals("hello", r.path("echo").asText());
    }

    @Test
    void socketIsGroupAccessibleOnly() throws Exception {
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), Files.getPosixFilePermissions(socket));
    }

    @Test
    void commandErrorsCarryAStableCode() {
        ControlException e = assertThrows(ControlException.class, () -> client().call("takeover", null));
        assertEquals("not_allowed", e.code());
        assertEquals("node is in standby", e.getMessage());
        ControlException unknown = assertThrows(ControlException.class, () -> client().call("fly", null));
        assertEquals("unknown_command", unknown.code());
        assertTrue(unknown.getMessage().contains("status"), "lists the known commands");
        assertEquals("internal_error", assertThrows(ControlException.class, () -> client().call("boom", null)).code());
    }

    @Test
    void badRequestsGetAnErrorResponseAndTheConnectionStaysUsable() throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            LineReader in = new LineReader(ch);
            write(ch, "this is not json\n");
            assertEquals("bad_request", ControlProtocol.json().readTree(in.readLine()).path("error").path("code").asText());
            write(ch, "[1,2]\n{\"v\":99,\"command\":\"status\"}\n{\"command\":\"status\"}\n");
            assertEquals("bad_request", ControlProtocol.json().readTree(in.readLine()).path("error").path("code").asText());
            assertEquals("unsupported_version",
                    ControlProtocol.json().readTree(in.readLine()).path("error").path("code").asText());
            JsonNode ok = ControlProtocol.json().readTree(in.readLine());
            assertTrue(ok.path("ok").asBoolean());
            assertEquals(1, ok.path("v").asInt());
        }
    }

    @Test
    void overlongRequestIsRefusedWithAnErrorLineAndTheConnectionClosed() throws Exception {
        try (SocketChannel ch = connect()) {
            write(ch, "x".repeat(ControlProtocol.MAX_LINE + 10));
            LineReader in = new LineReader(ch);
            assertEquals("request_too_large", errorCode(in.readLine()));
            assertEquals(null, in.readLine());
        }
        assertEquals("n1", client().call("status", null).path("node").asText());
    }

    @Test
    void thirtyIdleConnectionsDoNotDelayStatus() throws Exception {
        List<SocketChannel> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                idle.add(connect());
            }
            // The old server queued every connection behind the first idle one and refused the 25th.
            await().atMost(Duration.ofMillis(1_500))
                    .until(() -> client().call("status", null).path("node").asText(), "n1"::equals);
        } finally {
            for (SocketChannel ch : idle) {
                ch.close();
            }
        }
    }

    @Test
    void aRequestThatDoesNotArriveInTimeGetsATimeoutAndIsClosed() throws Exception {
        restart(new ControlServer.Limits(300, 300, 8));
        try (SocketChannel ch = connect()) {
            write(ch, "{\"command\":"); // half a request, then silence
            LineReader in = new LineReader(ch);
            assertEquals("timeout", errorCode(in.readLine()));
            assertEquals(null, in.readLine());
        }
    }

    @Test
    void connectionsBeyondTheLimitGetBusyAndNeverBlockTheOthers() throws Exception {
        restart(new ControlServer.Limits(60_000, 60_000, 2));
        try (SocketChannel first = connect(); SocketChannel second = connect(); SocketChannel third = connect()) {
            LineReader in = new LineReader(third);
            assertEquals("busy", errorCode(in.readLine()));
            assertEquals(null, in.readLine());
            write(second, "{\"command\":\"status\"}\n");
            assertEquals("n1", ControlProtocol.json().readTree(new LineReader(second).readLine())
                    .path("result").path("node").asText());
            first.close();
            await().atMost(Duration.ofSeconds(2)).ignoreExceptions()
                    .until(() -> client().call("status", null).path("node").asText(), "n1"::equals);
        }
    }

    @Test
    void aClientThatNeverReadsItsAnswersDoesNotHoldUpOthers() throws Exception {
        String big = "y".repeat(60_000);
        server.register("big", args -> Map.of("data", big));
        try (SocketChannel greedy = connect()) {
            write(greedy, "{\"command\":\"big\"}\n".repeat(50)); // 3 MB of answers nobody reads
            await().atMost(Duration.ofMillis(1_500))
                    .until(() -> client().call("status", null).path("node").asText(), "n1"::equals);
        }
    }

    @Test
    void permissionProblemsAreReportedAsSuch() {
        String expected = "permission denied on " + socket
                + " (run as root, or as a member of the group that owns the socket)";
        assertEquals(expected, ControlClient.connectFailed(socket,
                new java.net.SocketException("Permission denied"), true).getMessage());
        assertEquals(expected, ControlClient.connectFailed(socket,
                new java.net.SocketException("Keine Berechtigung"), false).getMessage(), "access(2) said no");
        assertEquals(expected, ControlClient.connectFailed(socket,
                new java.nio.file.AccessDeniedException(socket.toString()), true).getMessage());
        assertTrue(ControlClient.connectFailed(socket, new java.net.ConnectException("Connection refused"), true)
                .getMessage().startsWith("lifeline daemon is not running ("));
    }

    private void restart(ControlServer.Limits limits) throws Exception {
        server.close();
        server = new ControlServer(socket, limits).register("status", args -> Map.of("node", "n1"));
        server.start();
    }

    private SocketChannel connect() throws Exception {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return ch;
    }

    private static String errorCode(String line) throws Exception {
        return ControlProtocol.json().readTree(line).path("error").path("code").asText();
    }

    @Test
    void secondServerOnALiveSocketIsRefusedButAStaleSocketIsReplaced() throws Exception {
        ControlServer second = new ControlServer(socket);
        Exception e = assertThrows(java.io.IOException.class, second::start);
        assertTrue(e.getMessage().contains("already listening"));
        server.close();
        Files.createFile(socket); // left behind by a crashed daemon
        server = new ControlServer(socket).register("status", a -> Map.of("node", "n2"));
        server.start();
        assertEquals("n2", client().call("status", null).path("node").asText());
    }

    @Test
    void clientExplainsThatNoDaemonRuns() {
        server.close();
        ControlClient.NotReachable e = assertThrows(ControlClient.NotReachable.class,
                () -> client().call("status", null));
        assertEquals("lifeline daemon is not running (no socket at " + socket + ")", e.getMessage());
        assertFalse(Files.exists(socket), "socket removed on close");
    }

    private static void write(SocketChannel ch, String s) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
