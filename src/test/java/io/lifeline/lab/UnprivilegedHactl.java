package io.lifeline.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code hactl} run as an unprivileged user (uid/gid 65534, no groups), for tests of what such a
 * user is told. The shaded jar under test is copied, byte for byte, into a fresh directory that
 * everyone may read: the checkout itself may live where that user cannot (a clone under /root,
 * mode 700), and "cannot read the jar" is not the error a test means to check. Nothing else is
 * relaxed: the user, its missing capabilities and the files it is denied stay as they are.
 */
public final class UnprivilegedHactl implements AutoCloseable {

    private static final String NOBODY = "setpriv --reuid=65534 --regid=65534 --clear-groups ";

    private final Path dir;
    private final Path jar;

    public UnprivilegedHactl() {
        String built = System.getProperty("lifeline.jar");
        if (built == null || !Files.isRegularFile(Path.of(built))) {
            throw new IllegalStateException("system property lifeline.jar must name the shaded jar (run through mvn"
                    + " verify): " + built);
        }
        try {
            dir = Files.createTempDirectory("ll-unprivileged-hactl");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            jar = Files.copy(Path.of(built), dir.resolve("lifeline.jar"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shell command that runs {@code hactl} as uid 65534; append the arguments. */
    public String command() {
        return NOBODY + System.getProperty("java.home") + "/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "
                + jar;
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
