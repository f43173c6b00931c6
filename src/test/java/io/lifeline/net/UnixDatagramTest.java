package io.lifeline.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.os.LibC;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixDatagramTest {

    /** A receiving AF_UNIX datagram socket, as systemd's notify socket is. */
    static final class Listener implements AutoCloseable {
        final int fd;

        Listener(String path) throws NetException {
            fd = LibC.get().socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
            byte[] a = UnixDatagram.sockaddr(path);
            LibC.get().bind(fd, a, a.length);
        }

        String receive() {
            byte[] buf = new byte[4096];
            long n = LibC.get().recv(fd, buf, buf.length, LibC.MSG_DONTWAIT);
            return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            Sockets.closeQuietly(fd);
        }
    }

    @Test
    void aMessageReachesASocketInTheAbstractNamespace() throws Exception {
        String name = "@ll-notify-test-" + ThreadLocalRandom.current().nextInt(1_000_000);
        try (Listener l = new Listener(name); UnixDatagram d = UnixDatagram.to(name)) {
            d.send("READY=1\nSTATUS=up".getBytes(StandardCharsets.UTF_8));
            assertEquals("READY=1\nSTATUS=up", l.receive());
        }
    }

    @Test
    void aMessageReachesASocketFile(@TempDir Path dir) throws Exception {
        String path = dir.resolve("notify").toString();
        try (Listener l = new Listener(path); UnixDatagram d = UnixDatagram.to(path)) {
            d.send("WATCHDOG=1".getBytes(StandardCharsets.UTF_8));
            assertEquals("WATCHDOG=1", l.receive());
        }
    }

    @Test
    void theAddressIsTheFamilyThenThePath() throws Exception {
        byte[] file = UnixDatagram.sockaddr("/run/x");
        assertArrayEquals(new byte[] {1, 0, '/', 'r', 'u', 'n', '/', 'x', 0}, file, "a file path ends with its NUL");
        byte[] abstractName = UnixDatagram.sockaddr("@x");
        assertArrayEquals(new byte[] {1, 0, 0, 'x'}, abstractName, "an abstract name starts with NUL and has none after");
    }

    @Test
    void aSocketNobodyListensOnIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        String path = dir.resolve("nobody").toString();
        try (UnixDatagram d = UnixDatagram.to(path)) {
            NetException e = assertThrows(NetException.class, () -> d.send(new byte[] {'x'}));
            assertTrue(e.getMessage().startsWith("cannot send to " + path), e.getMessage());
        }
    }

    @Test
    void unusablePathsAreRefused() {
        char[] tooLong = new char[108];
        Arrays.fill(tooLong, 'a');
        assertThrows(NetException.class, () -> UnixDatagram.to(""));
        assertThrows(NetException.class, () -> UnixDatagram.to("/" + new String(tooLong)));
    }
}
