package io.lifeline.control;

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
            ControlServer.LineReader in = new ControlServer.LineReader(ch);
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
    void overlongRequestClosesTheConnection() throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            write(ch, "x".repeat(ControlProtocol.MAX_LINE + 10));
            assertEquals(null, new ControlServer.LineReader(ch).readLine());
        }
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
