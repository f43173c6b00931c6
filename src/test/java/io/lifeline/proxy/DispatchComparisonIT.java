package io.lifeline.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DispatchPolicy's rules (retries, option redispatch, maxconn queue, timeout queue) on the
 * wire, next to the real HAProxy with the same configuration: both must give each request the
 * same status and server, and take the same turn-around waits. A server that refuses
 * connections is an address whose listener was closed; nothing is health-checked, so it stays
 * UP and only the retry rules decide.
 */
class DispatchComparisonIT {

    /** Scenarios wait 2 s or more where they wait; load on a shared box adds less than this. */
    static final long WAITED_MILLIS = 1500;

    @TempDir
    static Path dir;

    @BeforeAll
    static void haproxyInstalled() {
        assumeTrue(RealHaproxy.installed(), "haproxy is installed by bin/setup-host");
    }

    /**
     * What one request got: the status, the server that answered, and whether it waited
     * {@link #WAITED_MILLIS} or more (two turn-arounds of 1 s or a slow request; not load).
     */
    record Answer(int status, String server, boolean waited) {
        @Override
        public String toString() {
            return status + (server.isEmpty() ? "" : " " + server) + (waited ? " after a wait" : "");
        }
    }

    private static String config(String backendLines) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend web
                    bind 127.0.0.1:%d
                    stats uri /stats
                    default_backend app
                backend app
                """ + backendLines;
    }

    /** What one proxy did with a scenario: each request's answer, and the refusing server's wredis. */
    record Run(List<Answer> answers, String movedOffDead) {
        @Override
        public String toString() {
            return answers + (movedOffDead.isEmpty() ? "" : ", moved off dead: " + movedOffDead);
        }
    }

    /** Runs {@code scenario} against HAProxy and then the built-in proxy, each fresh, and compares. */
    private static void compare(String backendLines, Scenario scenario) throws Exception {
        Run[] runs = run(backendLines, scenario);
        assertEquals(runs[0].toString(), runs[1].toString(), "HAProxy " + RealHaproxy.version() + " (expected) vs the built-in proxy");
    }

    /** [HAProxy's run, the built-in proxy's run]. */
    private static Run[] run(String backendLines, Scenario scenario) throws Exception {
        String config = config(backendLines);
        Run theirs;
        try (RealHaproxy haproxy = new RealHaproxy(config, dir)) {
            theirs = new Run(scenario.run(haproxy.address), movedOffDead(haproxy.address));
        }
        Run ours;
        try (ProxyHarness builtIn = new ProxyHarness(config.formatted(0))) {
            ours = new Run(scenario.run(builtIn.address("web")), movedOffDead(builtIn.address("web")));
        }
        System.out.println("HAProxy: " + theirs + "\nbuilt-in: " + ours);
        return new Run[] {theirs, ours};
    }

    interface Scenario {
        List<Answer> run(InetSocketAddress proxy) throws Exception;
    }

    /** {@code n} requests one after another, each on its own connection. */
    private static Scenario sequential(int n) {
        return proxy -> {
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(request(proxy, "/"));
            }
            // which server a balancer starts with is not a rule: compare what happened, not in which order
            answers.sort(java.util.Comparator.comparing(Answer::toString));
            return answers;
        };
    }

    /**
     * The refusing server's wredis from the stats CSV: how many requests went elsewhere after
     * failing on it, which the answers alone do not show when none of them waited.
     */
    private static String movedOffDead(InetSocketAddress proxy) throws IOException {
        String csv;
        try (Socket s = new Socket()) {
            s.connect(proxy, 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /stats;csv HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            csv = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        List<String> columns = null;
        for (String line : csv.split("\r?\n")) {
            if (line.startsWith("# pxname,")) {
                columns = List.of(line.substring(2).split(",", -1));
            } else if (columns != null && line.startsWith("app,dead,")) {
                return line.split(",", -1)[columns.indexOf("wredis")];
            }
        }
        return "";
    }

    private static Answer request(InetSocketAddress proxy, String path) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(proxy, 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            boolean waited = (System.nanoTime() - start) / 1_000_000 >= WAITED_MILLIS;
            int status = text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
            // TestBackend answers with its name; error pages are not a server's
            int body = text.indexOf("\r\n\r\n");
            String server = status == 200 && body >= 0 ? text.substring(body + 4).strip() : "";
            return new Answer(status, server, waited);
        }
    }

    private static String refusingAddress() throws IOException {
        TestBackend gone = new TestBackend("gone");
        String address = gone.address();
        gone.close();
        return address;
    }

    /**
     * The answers agree; how many requests try the refusing server first does not. HAProxy
     * counts the redispatch's pick as a round-robin turn, so the next request starts at the
     * refusing server again and every request fails there once; the built-in proxy's
     * round robin does not move for a pick that excludes the failed server, so the next request
     * goes to the working one in its own turn and half the requests pay a failed connect.
     */
    @Test
    void roundRobinWithRedispatchMovesAFailedRequestAtOnce() throws Exception {
        try (TestBackend b = new TestBackend("b")) {
            Run[] runs = run("""
                    balance roundrobin
                    retries 3
                    option redispatch
                    server dead %s
                    server b %s
                    """.formatted(refusingAddress(), b.address()), sequential(4));
            assertEquals(runs[0].answers(), runs[1].answers(), "HAProxy " + RealHaproxy.version() + " (expected) vs the built-in proxy");
            assertTrue(Integer.parseInt(runs[0].movedOffDead()) >= 3, "HAProxy: " + runs[0]);
            assertEquals("2", runs[1].movedOffDead(), "built-in: " + runs[1]);
        }
    }

    @Test
    void leastconnWithRedispatchMovesAFailedRequestAtOnce() throws Exception {
        try (TestBackend b = new TestBackend("b")) {
            compare("""
                    balance leastconn
                    retries 3
                    option redispatch
                    server dead %s
                    server b %s
                    """.formatted(refusingAddress(), b.address()), sequential(4));
        }
    }

    @Test
    void withoutRedispatchARefusingServerIsRetriedThenAnswered503() throws Exception {
        try (TestBackend b = new TestBackend("b")) {
            compare("""
                    balance roundrobin
                    retries 2
                    server dead %s
                    server b %s
                    """.formatted(refusingAddress(), b.address()), sequential(4));
        }
    }

    @Test
    void aHashedRequestWaitsTheTurnAroundBeforeItsRetries() throws Exception {
        // balance source: every request from 127.0.0.1 maps to one server; with a single
        // server that refuses, both proxies retry it twice, min(timeout connect, 1 s) apart, then 503
        compare("""
                balance source
                retries 2
                server dead %s
                """.formatted(refusingAddress()), sequential(1));
    }

    @Test
    void maxconnQueuesAndTimeoutQueueAnswers503() throws Exception {
        try (TestBackend b = new TestBackend("b")) {
            AtomicInteger before = new AtomicInteger();
            Scenario slowThenQueued = proxy -> {
                before.set(b.requests.get());
                CompletableFuture<Answer> slow = CompletableFuture.supplyAsync(() -> {
                    try {
                        return request(proxy, "/slow?ms=3000");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                // the slow request holds the only slot before the second one comes
                await().atMost(Duration.ofSeconds(10)).until(() -> b.requests.get() > before.get());
                Answer queued = request(proxy, "/");
                return List.of(slow.get(), queued);
            };
            // the second request waits for the slot longer than timeout queue: 503
            compare("""
                    timeout queue 300ms
                    server b %s maxconn 1
                    """.formatted(b.address()), slowThenQueued);
            // and gets the slot when timeout queue is longer than the slow request
            compare("""
                    timeout queue 5s
                    server b %s maxconn 1
                    """.formatted(b.address()), slowThenQueued);
        }
    }
}
