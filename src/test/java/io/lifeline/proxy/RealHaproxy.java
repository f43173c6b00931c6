package io.lifeline.proxy;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real HAProxy (Debian's, installed by bin/setup-host) in the foreground on a loopback port
 * of its own, for tests that compare the built-in proxy with it. The configuration is the same
 * text the built-in proxy gets, with {@code %d} in its bind line for the port. Ended by its own
 * PID on close.
 */
final class RealHaproxy implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/haproxy");

    final InetSocketAddress address;
    private final Process process;

    /** Starts HAProxy with {@code configTemplate} (its bind port as %d); waits until it accepts. */
    RealHaproxy(String configTemplate, Path dir) throws IOException {
        int port = freePort();
        Path cfg = dir.resolve("haproxy-" + port + ".cfg");
        Files.writeString(cfg, configTemplate.formatted(port));
        this.process = new ProcessBuilder(BINARY.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy-" + port + ".log").toFile()).start();
        this.address = new InetSocketAddress("127.0.0.1", port);
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive() || accepts(address));
        if (!process.isAlive()) {
            throw new IOException("haproxy exited at start: " + Files.readString(dir.resolve("haproxy-" + port + ".log")));
        }
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** "2.6.12-1+deb12u4" or "?". */
    static String version() {
        try {
            Process p = new ProcessBuilder(BINARY.toString(), "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = Pattern.compile("version (\\S+)").matcher(out);
            return m.find() ? m.group(1) : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static boolean accepts(InetSocketAddress a) {
        try (Socket s = new Socket()) {
            s.connect(a, 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
