package io.lifeline.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeline.lab.UnprivilegedHactl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code hactl status} tells a user who may not use the control socket, for real: hactl runs
 * as uid 65534 against a daemon's socket (mode 0660, root's) in a directory that user may or may
 * not enter. It used to say "lifeline daemon is not running" in both cases.
 */
class ControlPermissionIT {

    private Path dir;
    private ControlServer server;
    private UnprivilegedHactl nobody;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "switching to uid 65534 needs root");
        dir = Files.createTempDirectory("ll-op-control");
        nobody = new UnprivilegedHactl();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.close();
        }
        if (nobody != null) {
            nobody.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private Path daemonSocket(String dirMode) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(dirMode));
        Path socket = dir.resolve("hactl.sock");
        server = new ControlServer(socket).register("status", args -> Map.of("node", "n1"));
        server.start();
        return socket;
    }

    private String statusAsNobody(Path socket) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", nobody.command() + " status --socket " + socket)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(1, p.waitFor(), out);
        return out;
    }

    @Test
    void aSocketTheUserMayNotWriteIsPermissionDenied() throws Exception {
        Path socket = daemonSocket("rwxr-xr-x"); // connect(2) fails with EACCES
        assertEquals("hactl: permission denied on " + socket
                + " (run as root, or as a member of the group that owns the socket)", statusAsNobody(socket));
    }

    @Test
    void aDirectoryTheUserMayNotEnterIsPermissionDenied() throws Exception {
        Path socket = daemonSocket("rwxr-x---"); // RuntimeDirectoryMode=0750: stat(2) fails with EACCES
        assertEquals("hactl: permission denied on " + socket
                + " (run as root, or as a member of the group that owns the socket)", statusAsNobody(socket));
    }

    @Test
    void noSocketIsStillNotRunning() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("hactl.sock");
        assertEquals("hactl: lifeline daemon is not running (no socket at " + socket + ")", statusAsNobody(socket));
    }
}
