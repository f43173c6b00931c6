package io.lifeline.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Health checks, state transitions, and failover that clients do not notice. */
class HealthAndFailoverTest {

    private static String status(ProxyHarness p, String server) {
        return p.proxy.statsRows().stream().filter(r -> r.get("svname").equals(server)).map(r -> (String) r.get("status"))
                .findFirst().orElseThrow();
    }

    @Test
    void httpCheckTakesAServerOutAndBackOnStatus() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             ProxyHarness p = new ProxyHarness("""
                     defaults
                         mode http
                         timeout connect 1s
                         timeout client 5s
                         timeout server 5s
                     frontend web
                         bind 127.0.0.1:0
                         default_backend app
                     backend app
                         option httpchk GET /health
                         http-check expect status 200
                         server a %s check inter 100ms rise 2 fall 2
                         server b %s check inter 100ms rise 2 fall 2
                     """.formatted(a.address(), b.address()))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> a.healthChecks.get() >= 2 && b.healthChecks.get() >= 2);
            assertEquals("UP", status(p, "a"));
            a.healthStatus = 503;
            await().atMost(Duration.ofSeconds(5)).until(() -> status(p, "a").startsWith("DOWN"));
            var row = p.proxy.statsRows().stream().filter(r -> r.get("svname").equals("a")).findFirst().orElseThrow();
            assertEquals("L7STS", row.get("check_status"));
            assertEquals(503, row.get("check_code"));
            try (RawHttp c = new RawHttp(p.address("web"))) {
                for (int i = 0; i < 6; i++) {
                    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals("b", c.read().text());
                }
            }
            a.healthStatus = 200;
            await().atMost(Duration.ofSeconds(5)).until(() -> status(p, "a").equals("UP"));
        }
    }

    @Test
    void tcpCheckDetectsAClosedPortAndAllDownGives503() throws Exception {
        TestBackend a = new TestBackend("a");
        try (ProxyHarness p = new ProxyHarness("""
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                    retries 1
                frontend web
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    server a %s check inter 100ms fall 2 rise 1
                """.formatted(a.address()))) {
            a.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> status(p, "a").startsWith("DOWN"));
            try (RawHttp c = new RawHttp(p.address("web"))) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                RawHttp.Response r = c.read();
                assertEquals(503, r.status());
                assertTrue(r.text().contains("No server is available to handle this request."));
            }
        }
    }

    @Test
    void killedBackendUnderLoadIsTakenOutWithoutFailedRequests() throws Exception {
        TestBackend a = new TestBackend("a");
        try (TestBackend b = new TestBackend("b");
             ProxyHarness p = new ProxyHarness("""
                     defaults
                         mode http
                         timeout connect 1s
                         timeout client 5s
                         timeout server 5s
                         retries 3
                         option redispatch
                     frontend web
                         bind 127.0.0.1:0
                         default_backend app
                     backend app
                         server a %s check inter 200ms fall 3 rise 2
                         server b %s check inter 200ms fall 3 rise 2
                     """.formatted(a.address(), b.address()))) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            java.util.concurrent.ConcurrentLinkedQueue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
            AtomicLong killedAt = new AtomicLong();
            AtomicInteger cutByTheKill = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int w = 0; w < 4; w++) {
                workers.add(pool.submit(() -> {
                    // bounded: at most 3000 requests per worker, and stops when told
                    for (int i = 0; i < 3000 && running.get(); i++) {
                        long sentAt = System.nanoTime();
                        try {
                            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(p.url("web", "/")))
                                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            long k = killedAt.get();
                            if (k != 0 && sentAt <= k) {
                                // in flight on a when it was killed: its response may have been cut
                                // after its head, which no proxy can retry
                                cutByTheKill.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                                failures.add(e.toString());
                            }
                        }
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> a.requests.get() > 20 && b.requests.get() > 20);
            killedAt.set(System.nanoTime());
            a.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> status(p, "a").startsWith("DOWN"));
            long downAfterMillis = (System.nanoTime() - killedAt.get()) / 1_000_000;
            int okAtDown = ok.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > okAtDown + 50);
            running.set(false);
            for (Future<?> f : workers) {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(0, failed.get(), "failed requests (ok: " + ok.get() + "): " + failures);
            assertTrue(cutByTheKill.get() <= 4, "at most one request per client was in flight at the kill");
            // fall x inter = 600ms, plus scheduling slack on a loaded machine
            assertTrue(downAfterMillis < 5000, "DOWN after " + downAfterMillis + " ms");
            Map<String, Object> backend = p.proxy.statsRows().stream().filter(r -> r.get("svname").equals("BACKEND"))
                    .findFirst().orElseThrow();
            assertEquals(0L, backend.get("hrsp_5xx"));
        }
    }

    @Test
    void retriesAndRedispatchHideARefusingServer() throws Exception {
        TestBackend dead = new TestBackend("dead");
        String deadAddress = dead.address();
        dead.close();
        try (TestBackend b = new TestBackend("b");
             ProxyHarness p = new ProxyHarness("""
                     defaults
                         mode http
                         timeout connect 1s
                         timeout client 5s
                         timeout server 5s
                         retries 2
                         option redispatch 1
                     frontend web
                         bind 127.0.0.1:0
                         default_backend app
                     backend app
                         server dead %s
                         server b %s
                     """.formatted(deadAddress, b.address()));
             RawHttp c = new RawHttp(p.address("web"))) {
            for (int i = 0; i < 6; i++) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("b", c.read().text());
            }
            Map<String, Object> row = p.proxy.statsRows().stream().filter(r -> r.get("svname").equals("dead"))
                    .findFirst().orElseThrow();
            assertEquals(3L, row.get("wredis"), "every other request was redispatched once");
        }
    }

    /**
     * Without option redispatch a request whose server went DOWN is still served by another one
     * (HAProxy would retry the dead server and answer 503).
     */
    @Test
    void withoutRedispatchARequestLeavesAServerThatWentDown() throws Exception {
        TestBackend dead = new TestBackend("dead");
        String deadAddress = dead.address();
        dead.close();
        try (TestBackend b = new TestBackend("b");
             ProxyHarness p = new ProxyHarness("""
                     defaults
                         mode http
                         timeout connect 1s
                         timeout client 5s
                         timeout server 5s
                         retries 2
                     frontend web
                         bind 127.0.0.1:0
                         default_backend app
                     backend app
                         server dead %s check inter 30s fall 1
                         server b %s check inter 30s
                     """.formatted(deadAddress, b.address()));
             RawHttp c = new RawHttp(p.address("web"))) {
            for (int i = 0; i < 4; i++) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("b", c.read().text());
            }
            assertTrue(status(p, "dead").startsWith("DOWN"), status(p, "dead"));
            Map<String, Object> row = p.proxy.statsRows().stream().filter(r -> r.get("svname").equals("dead"))
                    .findFirst().orElseThrow();
            assertEquals(1L, row.get("wredis"), "the one request sent to it before it was known DOWN moved to b");
        }
    }

    /** A persistence cookie keeps HAProxy's rule: without redispatch, retries stay on its server, then 503. */
    @Test
    void withoutRedispatchACookieKeepsTheRequestOnItsServer() throws Exception {
        TestBackend dead = new TestBackend("dead");
        String deadAddress = dead.address();
        dead.close();
        try (TestBackend b = new TestBackend("b");
             ProxyHarness p = new ProxyHarness("""
                     defaults
                         mode http
                         timeout connect 1s
                         timeout client 10s
                         timeout server 10s
                         retries 1
                     frontend web
                         bind 127.0.0.1:0
                         default_backend app
                     backend app
                         cookie SRV insert indirect nocache
                         server dead %s check inter 30s fall 3 cookie sd
                         server b %s check inter 30s cookie sb
                     """.formatted(deadAddress, b.address()));
             RawHttp c = new RawHttp(p.address("web"))) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\nCookie: SRV=sd\r\n\r\n");
            assertEquals(503, c.read().status());
            assertEquals(0, b.requests.get());
        }
    }
}
