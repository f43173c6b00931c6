package io.lifeline.net;

import com.sun.jna.LastErrorException;
import io.lifeline.os.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/** Small socket-option helpers shared by the netlink and packet sockets. */
final class Sockets {
    private Sockets() {
    }

    /** {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO}: a 16-byte {@code struct timeval} (LP64). Never zero (= forever). */
    static void setTimeout(int fd, int option, Duration timeout) {
        long micros = Math.max(1_000, Math.min(timeout.toNanos() / 1_000, 3_600_000_000L));
        byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                .putLong(micros / 1_000_000).putLong(micros % 1_000_000).array();
        LibC.get().setsockopt(fd, LibC.SOL_SOCKET, option, tv, tv.length);
    }

    static byte[] intOption(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    static void closeQuietly(int fd) {
        try {
            LibC.get().close(fd);
        } catch (LastErrorException ignored) {
            // nothing useful to do: the descriptor is gone either way
        }
    }
}
