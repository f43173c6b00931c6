package io.lifeline.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpProxyBasicsTest {

    @Test
    void forwardsRequestsRoundRobinOverKeepAliveConnections() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             ProxyHarness p = new ProxyHarness("""
                     defaults
                         mode http
                         timeout connect 2s
                         timeout client 10s
                         timeout server 10s
                     frontend web
                         bind 127.0.0.1:0
                         default_backend app
                     backend app
                         balance roundrobin
                         server a %s
                         server b %s
                     """.formatted(a.address(), b.address()))) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(p.url("web", "/x")))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                seen.append(r.body());
            }
            assertEquals("ababababab", seen.toString());
            assertEquals(5, a.requests.get());
            assertTrue(a.connectionHeaders.stream().allMatch(String::isEmpty), "no Connection header sent to server");
        }
    }

    @Test
    void servesFromSeveralEventLoopThreads() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             ProxyHarness p = new ProxyHarness("""
                     global
                         nbthread 3
                     defaults
                         mode http
                         timeout connect 2s
                         timeout client 10s
                         timeout server 10s
                     frontend web
                         bind 127.0.0.1:0
                         default_backend app
                     backend app
                         balance roundrobin
                         server a %s check inter 200ms
                         server b %s check inter 200ms
                     """.formatted(a.address(), b.address()))) {
            // many short connections spread over the loops; all must be answered
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
            java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                results.add(pool.submit(() -> {
                    try (RawHttp c = new RawHttp(p.address("web"))) {
                        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                        String first = c.read().text();
                        c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                        return first + c.read().text();
                    }
                }));
            }
            int answered = 0;
            for (var f : results) {
                String r = f.get(20, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(r.matches("[ab]{2}"), r);
                answered++;
            }
            pool.shutdown();
            assertEquals(60, answered);
            assertEquals(120, a.requests.get() + b.requests.get());
            assertTrue(a.requests.get() >= 40 && b.requests.get() >= 40, "both used: " + a.requests + "/" + b.requests);
        }
    }
}
