package io.lifeline.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CookieAndStatsTest {

    @Test
    void insertedCookieKeepsAClientOnItsServerAndIsHiddenFromIt() throws Exception {
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
                         cookie SRV insert indirect nocache
                         server a %s cookie sa
                         server b %s cookie sb
                     """.formatted(a.address(), b.address()));
             RawHttp c = new RawHttp(p.address("web"))) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response first = c.read();
            String server = first.text();
            assertEquals("SRV=s" + server + "; path=/", first.header("set-cookie"));
            assertEquals("private", first.header("cache-control"));
            for (int i = 0; i < 6; i++) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\nCookie: theme=dark; SRV=s" + server + "; lang=en\r\n\r\n");
                RawHttp.Response r = c.read();
                assertEquals(server, r.text(), "persistent");
                assertNull(r.header("set-cookie"), "indirect: no cookie when the client has the right one");
            }
            TestBackend chosen = server.equals("a") ? a : b;
            assertTrue(chosen.cookies.contains("theme=dark; lang=en"), "server does not see SRV: " + chosen.cookies);
            // a cookie naming the other server moves the client there
            String other = server.equals("a") ? "b" : "a";
            c.send("GET / HTTP/1.1\r\nHost: x\r\nCookie: SRV=s" + other + "\r\n\r\n");
            assertEquals(other, c.read().text());
            assertTrue((server.equals("a") ? b : a).cookies.contains(""), "only cookie removed: no Cookie header left");
        }
    }

    private static ProxyHarness statsProxy(TestBackend a) throws Exception {
        return new ProxyHarness("""
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend web
                    bind 127.0.0.1:0
                    stats enable
                    stats uri /admin/stats
                    stats auth admin:s3cret
                    stats refresh 10s
                    default_backend app
                backend app
                    server a %s
                """.formatted(a.address()));
    }

    @Test
    void statsPageNeedsAuthAndShowsCountersInHtmlCsvAndJson() throws Exception {
        try (TestBackend a = new TestBackend("a"); ProxyHarness p = statsProxy(a); RawHttp c = new RawHttp(p.address("web"))) {
            for (int i = 0; i < 3; i++) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("a", c.read().text());
            }
            c.send("GET /admin/stats HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response denied = c.read();
            assertEquals(401, denied.status());
            assertTrue(denied.header("www-authenticate").startsWith("Basic realm="));
        }
        try (TestBackend a = new TestBackend("a"); ProxyHarness p = statsProxy(a); RawHttp c = new RawHttp(p.address("web"))) {
            String auth = "Authorization: Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));
            c.send("GET /admin/stats HTTP/1.1\r\nHost: x\r\nAuthorization: Basic "
                    + Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)) + "\r\n\r\n");
            assertEquals(401, c.read().status());
        }
        try (TestBackend a = new TestBackend("a"); ProxyHarness p = statsProxy(a); RawHttp c = new RawHttp(p.address("web"))) {
            String auth = "Authorization: Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 3; i++) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("a", c.read().text());
            }
            c.send("GET /admin/stats HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n\r\n");
            RawHttp.Response html = c.read();
            assertEquals(200, html.status());
            assertTrue(html.text().contains("<meta http-equiv=\"refresh\" content=\"10\">"));
            assertTrue(html.text().contains(">app<") && html.text().contains(">a<"), html.text());

            c.send("GET /admin/stats;csv HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n\r\n");
            String csv = c.read().text();
            String[] lines = csv.split("\n");
            assertTrue(lines[0].startsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,"), lines[0]);
            String[] header = lines[0].substring(2).split(",");
            String serverLine = java.util.Arrays.stream(lines).filter(l -> l.startsWith("app,a,")).findFirst().orElseThrow();
            String[] fields = serverLine.split(",", -1);
            assertEquals("3", fields[java.util.Arrays.asList(header).indexOf("hrsp_2xx")]);
            assertEquals("3", fields[java.util.Arrays.asList(header).indexOf("stot")]);
            assertEquals("2", fields[java.util.Arrays.asList(header).indexOf("type")]);

            c.send("GET /admin/stats;json HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n\r\n");
            RawHttp.Response json = c.read();
            assertEquals("application/json", json.header("content-type"));
            JsonNode rows = new ObjectMapper().readTree(json.body());
            JsonNode fe = rows.get(0);
            assertEquals("web", fe.get("pxname").asText());
            assertEquals("FRONTEND", fe.get("svname").asText());
            assertTrue(fe.get("req_tot").asLong() >= 4);
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("a", c.read().text(), "stats requests keep the connection alive");
        }
    }
}
