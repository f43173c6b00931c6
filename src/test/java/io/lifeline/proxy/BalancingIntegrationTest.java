package io.lifeline.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each balance algorithm through the real proxy, against three small backends. */
class BalancingIntegrationTest {

    private static String config(String balance, String serverOptions, TestBackend... bs) {
        StringBuilder sb = new StringBuilder("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend web
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                """).append("    balance ").append(balance).append('\n');
        for (int i = 0; i < bs.length; i++) {
            sb.append("    server ").append(bs[i].name).append(' ').append(bs[i].address()).append(' ')
                    .append(serverOptions.split("\\|").length > i ? serverOptions.split("\\|")[i] : "").append('\n');
        }
        return sb.toString();
    }

    private static Map<String, Integer> spread(ProxyHarness p, int n, String pathPattern, String header) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        try (RawHttp c = new RawHttp(p.address("web"))) {
            for (int i = 0; i < n; i++) {
                String path = pathPattern.replace("{i}", Integer.toString(i));
                String h = header == null ? "" : header.replace("{i}", Integer.toString(i)) + "\r\n";
                c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + h + "\r\n");
                counts.merge(c.read().text(), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void roundRobinHonoursWeights() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b"); TestBackend c = new TestBackend("c");
             ProxyHarness p = new ProxyHarness(config("roundrobin", "weight 1|weight 2|weight 3", a, b, c))) {
            assertEquals(Map.of("a", 10, "b", 20, "c", 30), spread(p, 60, "/", null));
        }
    }

    @Test
    void staticRoundRobinHonoursWeights() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             ProxyHarness p = new ProxyHarness(config("static-rr", "weight 1|weight 3", a, b))) {
            assertEquals(Map.of("a", 10, "b", 30), spread(p, 40, "/", null));
        }
    }

    @Test
    void leastConnSendsToTheIdleServer() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             ProxyHarness p = new ProxyHarness(config("leastconn", "", a, b));
             RawHttp slow = new RawHttp(p.address("web"))) {
            // keep one request busy on one server; every other request must go to the other one
            slow.send("GET /slow?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> a.requests.get() + b.requests.get() == 1);
            String busy = a.requests.get() == 1 ? "a" : "b";
            Map<String, Integer> counts = spread(p, 10, "/", null);
            assertEquals(Map.of(busy.equals("a") ? "b" : "a", 10), counts);
            assertEquals(busy, slow.read().text());
        }
    }

    @Test
    void uriHashSendsEachUriToOneServer() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b"); TestBackend c = new TestBackend("c");
             ProxyHarness p = new ProxyHarness(config("uri", "", a, b, c))) {
            Map<String, String> where = new HashMap<>();
            try (RawHttp cl = new RawHttp(p.address("web"))) {
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 30; i++) {
                        cl.send("GET /item/" + i + "?q=" + round + " HTTP/1.1\r\nHost: x\r\n\r\n");
                        String server = cl.read().text();
                        String before = where.putIfAbsent("/item/" + i, server);
                        assertTrue(before == null || before.equals(server), "uri /item/" + i + " moved");
                    }
                }
            }
            assertEquals(3, new HashSet<>(where.values()).size(), "30 URIs use all three servers");
        }
    }

    @Test
    void headerHashSendsEachHeaderValueToOneServerAndFallsBackToRoundRobin() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             ProxyHarness p = new ProxyHarness(config("hdr(X-User)", "", a, b))) {
            Map<String, Integer> same = spread(p, 10, "/", "X-User: alice");
            assertEquals(1, same.size(), same.toString());
            Set<String> servers = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                servers.addAll(spread(p, 1, "/", "X-User: user" + i).keySet());
            }
            assertEquals(2, servers.size());
            assertEquals(Map.of("a", 5, "b", 5), spread(p, 10, "/", null), "no header: round robin");
        }
    }

    @Test
    void sourceHashKeepsAClientOnOneServer() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             ProxyHarness p = new ProxyHarness(config("source", "", a, b))) {
            Set<String> servers = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                servers.addAll(spread(p, 2, "/", null).keySet()); // new connection each time
            }
            assertEquals(1, servers.size());
        }
    }

    @Test
    void backupServerOnlyWhenNoNormalServerIsUp() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend bk = new TestBackend("bk");
             ProxyHarness p = new ProxyHarness(config("roundrobin", "|backup", a, bk))) {
            assertEquals(Map.of("a", 6), spread(p, 6, "/", null));
        }
        try (TestBackend a = new TestBackend("a"); TestBackend bk = new TestBackend("bk");
             ProxyHarness p = new ProxyHarness(config("roundrobin", "disabled|backup", a, bk))) {
            assertEquals(Map.of("bk", 6), spread(p, 6, "/", null));
        }
    }

    @Test
    void maxconnQueuesRequestsInsteadOfOverloading() throws Exception {
        try (TestBackend a = new TestBackend("a");
             ProxyHarness p = new ProxyHarness(config("roundrobin", "maxconn 1", a).replace("defaults\n",
                     "defaults\n    timeout queue 5s\n"))) {
            RawHttp[] clients = new RawHttp[4];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new RawHttp(p.address("web"));
                clients[i].send("GET /slow?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            for (RawHttp c : clients) {
                assertEquals("a", c.read().text());
                c.close();
            }
            var backend = p.proxy.statsRows().stream().filter(r -> r.get("svname").equals("BACKEND")).findFirst().orElseThrow();
            assertTrue(((Integer) backend.get("qmax")) >= 1, "requests waited in the queue: " + backend);
            var server = p.proxy.statsRows().stream().filter(r -> r.get("svname").equals("a")).findFirst().orElseThrow();
            assertEquals(1, server.get("smax"));
        }
    }
}
