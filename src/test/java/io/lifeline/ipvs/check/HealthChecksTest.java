package io.lifeline.ipvs.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.lifeline.process.ProcessRunner;
import io.lifeline.ipvs.config.CheckSpec;
import io.lifeline.ipvs.config.CheckTiming;
import io.lifeline.ipvs.config.StatusRange;
import io.lifeline.ipvs.config.UrlSpec;
import io.lifeline.ipvs.kernel.Endpoint;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

    private static final CheckTiming TIMING = new CheckTiming(Duration.ofMillis(800), 1, Duration.ofMillis(100),
            Duration.ofSeconds(1));
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private HttpServer http;

    @AfterEach
    void tearDown() {
        if (http != null) {
            http.stop(0);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    @Test
    void tcpCheckPassesOnAListenerAndFailsWhenRefused() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, LOOPBACK)) {
            TcpConnectCheck up = new TcpConnectCheck(new CheckSpec.Tcp(new Endpoint(LOOPBACK, listener.getLocalPort()),
                    Optional.empty(), TIMING, 1));
            assertEquals(CheckResult.pass("connected"), up.run());
            assertEquals("TCP_CHECK 127.0.0.1:" + listener.getLocalPort(), up.describe());
        }
        TcpConnectCheck down = new TcpConnectCheck(new CheckSpec.Tcp(new Endpoint(LOOPBACK, freePort()),
                Optional.of(LOOPBACK), TIMING, 1));
        assertEquals(CheckResult.fail("connection refused"), down.run());
    }

    @Test
    void httpCheckComparesTheStatusWithTheAcceptedRangesForEveryUrl() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        AtomicReference<String> host = new AtomicReference<>();
        http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 5);
        http.createContext("/", ex -> {
            host.set(ex.getRequestHeaders().getFirst("Host"));
            int code = ex.getRequestURI().getPath().equals("/other") ? 200 : status.get();
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        http.start();
        Endpoint target = new Endpoint(LOOPBACK, http.getAddress().getPort());
        HttpGetCheck check = new HttpGetCheck(new CheckSpec.HttpGet(target, Optional.empty(), List.of(
                new UrlSpec("/other", List.of(new StatusRange(200, 200)), ""),
                new UrlSpec("/health", List.of(new StatusRange(200, 204), new StatusRange(301, 301)), "www.example.org")),
                TIMING, 1));
        assertTrue(check.run().passed());
        assertEquals("www.example.org", host.get());
        status.set(301);
        assertTrue(check.run().passed());
        status.set(503);
        assertEquals(CheckResult.fail("HTTP 503 for /health (expected [200-204, 301])"), check.run());
        http.stop(0);
        http = null;
        assertEquals(CheckResult.fail("connection refused"), check.run());
    }

    @Test
    void httpCheckFailsOnGarbageAndOnSilence() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, LOOPBACK)) {
            Thread t = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    OutputStream out = s.getOutputStream();
                    out.write("SSH-2.0-OpenSSH\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    // then one silent connection
                    try (Socket silent = listener.accept()) {
                        while (silent.getInputStream().read() >= 0) {
                            // read the request, never answer
                        }
                    }
                } catch (Exception e) {
                    // the test ends the listener
                }
            });
            t.setDaemon(true);
            t.start();
            HttpGetCheck check = new HttpGetCheck(new CheckSpec.HttpGet(new Endpoint(LOOPBACK, listener.getLocalPort()),
                    Optional.empty(), List.of(new UrlSpec("/", List.of(new StatusRange(200, 299)), "")), TIMING, 1));
            CheckResult garbage = check.run();
            assertFalse(garbage.passed());
            assertTrue(garbage.detail().startsWith("not an HTTP response for /"), garbage.detail());
            CheckResult silent = check.run();
            assertEquals(CheckResult.fail("no answer within 800 ms for /"), silent);
        }
    }

    @Test
    void miscCheckFollowsKeepalivedsExitCodes() {
        ProcessRunner runner = new ProcessRunner();
        assertEquals(CheckResult.pass("exit 0"), misc(runner, "exit 0").run());
        assertEquals(CheckResult.fail("exit 1: backend gone"), misc(runner, "echo backend gone >&2; exit 1").run());
        assertEquals(CheckResult.fail("exit 7"), misc(runner, "exit 7").run(), "curl's 'cannot connect' is a failure");
        assertEquals(CheckResult.pass("exit 7"), new MiscScriptCheck(new CheckSpec.Misc("exit 7", Duration.ofSeconds(5), true,
                TIMING, 1), runner, "test").run(), "with misc_dynamic, 2-255 count as healthy, as in keepalived");
        CheckResult slow = new MiscScriptCheck(new CheckSpec.Misc("sleep 5", Duration.ofMillis(300), false, TIMING, 1), runner,
                "test").run();
        assertFalse(slow.passed());
        assertTrue(slow.detail().startsWith("timed out after"), slow.detail());
        CheckResult missing = misc(runner, "/nonexistent/check-script").run();
        assertFalse(missing.passed());
        assertTrue(missing.detail().startsWith("exit 127: "), missing.detail());
    }

    private static MiscScriptCheck misc(ProcessRunner runner, String command) {
        return new MiscScriptCheck(new CheckSpec.Misc(command, Duration.ofSeconds(5), false, TIMING, 1), runner, "test");
    }
}
