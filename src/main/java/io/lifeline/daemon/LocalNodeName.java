package io.lifeline.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's node name as {@code uname -n} prints it, which is what Heartbeat compares with
 * ha.cf's {@code node} lines. Read from the kernel: Java's {@code getLocalHost().getHostName()}
 * goes through the resolver and may return a different (e.g. fully qualified) name.
 */
public final class LocalNodeName {

    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private LocalNodeName() {
    }

    public static String get() {
        try {
            String name = Files.readString(KERNEL_HOSTNAME).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException e) {
            // not Linux or no /proc: fall back below
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
