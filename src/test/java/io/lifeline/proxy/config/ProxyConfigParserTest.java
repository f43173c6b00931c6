package io.lifeline.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyConfigParserTest {

    private static final Path FILE = Path.of("/etc/ha.d/proxy.cfg");

    private static ProxyConfig parseOk(String text) {
        Diagnostics d = new Diagnostics();
        ProxyConfig c = ProxyConfigParser.parseText(FILE, text, d);
        assertFalse(d.hasErrors(), () -> d.problems().toString());
        assertNotNull(c);
        return c;
    }

    private static Diagnostics parse(String text) {
        Diagnostics d = new Diagnostics();
        ProxyConfigParser.parseText(FILE, text, d);
        return d;
    }

    /** Asserts exactly one error, at the given line, mentioning the fragment. */
    private static void assertError(String text, int line, String fragment) {
        Diagnostics d = parse(text);
        List<ConfigProblem> errors = d.errors();
        assertEquals(1, errors.size(), () -> "errors: " + errors);
        ConfigProblem e = errors.get(0);
        assertEquals(line, e.line(), e::toString);
        assertTrue(e.message().contains(fragment), e::toString);
        assertTrue(e.toString().startsWith("/etc/ha.d/proxy.cfg:" + line + ": error: "), e::toString);
    }

    private static final String WEB = """
            global
                maxconn 2000
                nbthread 2
            defaults
                mode http
                timeout connect 5s
                timeout client 1m
                timeout server 30000
                timeout check 2s
                timeout queue 500ms
                retries 5
                option redispatch
                option forwardfor
                balance leastconn
            frontend www
                bind 127.0.0.1:8080,:8081
                maxconn 100
                acl is_api path_beg /api /v2
                acl is_img path_end -i .png .jpg
                acl host_b hdr(host) -i b.example.com
                use_backend api if is_api || host_b
                use_backend static if is_img !is_api
                use_backend special if { path_beg /special }
                default_backend web
            backend api
                balance uri
                server a1 198.51.100.1:80 weight 10 check inter 500ms rise 3 fall 4 maxconn 50 cookie A1
                server a2 198.51.100.2:80 backup disabled
                cookie SRV insert indirect nocache
            backend static
                balance hdr(User-Agent)
                server s1 198.51.100.3:80
            backend special
                balance static-rr
                server s1 198.51.100.4:80
            backend web
                option httpchk GET /health
                http-check expect status 204
                stats enable
                stats uri /stats
                stats auth admin:pw
                stats refresh 5s
                server w1 [2001:db8::1]:80 check
            """;

    @Test
    void readsEveryKeywordWithDefaultsInherited() {
        ProxyConfig c = parseOk(WEB);
        assertEquals(2000, c.maxconn());
        assertEquals(2, c.nbthread());
        ProxySection www = c.frontends().get(0);
        assertEquals(ProxyMode.HTTP, www.mode());
        assertEquals(2, www.binds().size());
        assertEquals(8081, www.binds().get(1).getPort());
        assertTrue(www.binds().get(1).getAddress().isAnyLocalAddress());
        assertEquals(100, www.maxconn());
        assertEquals(new Timeouts(5000, 60000, 30000, 2000, 500), www.timeouts());
        assertEquals("x-forwarded-for", www.forwardFor());
        assertEquals(4, www.acls().size());
        assertEquals(List.of("/api", "/v2"), www.acls().get(0).values());
        assertTrue(www.acls().get(1).ignoreCase());
        assertEquals(AclConfig.Criterion.HDR, www.acls().get(2).criterion());
        assertEquals("host", www.acls().get(2).header());
        assertEquals(3, www.useBackends().size());
        Condition orCond = www.useBackends().get(0).condition();
        assertEquals(2, orCond.anyOf().size());
        Condition andNot = www.useBackends().get(1).condition();
        assertEquals(List.of(new Condition.Term("is_img", false), new Condition.Term("is_api", true)), andNot.anyOf().get(0));
        assertEquals("web", www.defaultBackend());

        ProxySection api = c.backend("api").orElseThrow();
        assertEquals(5, api.retries());
        assertEquals(-1, api.redispatchInterval());
        assertEquals(Balance.Algorithm.URI, api.balance().algorithm());
        ServerConfig a1 = api.servers().get(0);
        assertEquals(10, a1.weight());
        assertTrue(a1.check());
        assertEquals(500, a1.interMillis());
        assertEquals(3, a1.rise());
        assertEquals(4, a1.fall());
        assertEquals(50, a1.maxconn());
        assertEquals("A1", a1.cookie());
        ServerConfig a2 = api.servers().get(1);
        assertTrue(a2.backup());
        assertTrue(a2.disabled());
        assertFalse(a2.check());
        assertEquals(new CookieConfig("SRV", true, true), api.cookie());

        assertEquals(new Balance(Balance.Algorithm.HDR, "user-agent"), c.backend("static").orElseThrow().balance());
        assertEquals(Balance.Algorithm.STATIC_RR, c.backend("special").orElseThrow().balance().algorithm());
        ProxySection web = c.backend("web").orElseThrow();
        assertEquals(Balance.Algorithm.LEASTCONN, web.balance().algorithm());
        assertEquals(new HttpCheck("GET", "/health", "HTTP/1.0", 204), web.httpCheck());
        assertEquals(new StatsConfig(true, "/stats", List.of("admin:pw"), 5000, "HAProxy Statistics"), web.stats());
        assertEquals("2001:db8:0:0:0:0:0:1", web.servers().get(0).address().getAddress().getHostAddress());
    }

    @Test
    void httpchkFormsFollowHaproxy() {
        String base = "backend b\n    %s\n    server s 198.51.100.1:80 check\n";
        assertEquals(HttpCheck.DEFAULT, parseOk(base.formatted("option httpchk")).backends().get(0).httpCheck());
        assertEquals(new HttpCheck("OPTIONS", "/ping", "HTTP/1.0", 0),
                parseOk(base.formatted("option httpchk /ping")).backends().get(0).httpCheck());
        assertEquals(new HttpCheck("HEAD", "/", "HTTP/1.1\r\nHost: www", 0),
                parseOk(base.formatted("option httpchk HEAD / HTTP/1.1\\r\\nHost:\\ www")).backends().get(0).httpCheck());
    }

    @Test
    void aNewDefaultsSectionResetsToBuiltInDefaults() {
        ProxyConfig c = parseOk("""
                defaults
                    mode http
                    retries 7
                backend a
                    server s 198.51.100.1:80
                defaults
                    timeout connect 1s
                backend b
                    server s 198.51.100.1:80
                """);
        assertEquals(7, c.backend("a").orElseThrow().retries());
        assertEquals(ProxyMode.HTTP, c.backend("a").orElseThrow().mode());
        assertEquals(3, c.backend("b").orElseThrow().retries());
        assertEquals(ProxyMode.TCP, c.backend("b").orElseThrow().mode());
        assertEquals(1000, c.backend("b").orElseThrow().timeouts().connect());
    }

    @Test
    void listenSectionIsFrontendAndBackendWithLegacyAddress() {
        ProxyConfig c = parseOk("""
                listen mysql 127.0.0.1:3306
                    mode tcp
                    balance source
                    server db1 198.51.100.1:3306 check
                """);
        ProxySection l = c.sections().get(0);
        assertTrue(l.isFrontend() && l.isBackend());
        assertEquals(3306, l.binds().get(0).getPort());
        assertNull(l.defaultBackend());
    }

    @Test
    void unsupportedKeywordsAreWarningsWithFileAndLine() {
        Diagnostics d = parse("""
                global
                    log /dev/log local0
                    daemon
                defaults
                    mode http
                    option httplog
                    timeout http-request 10s
                frontend f
                    bind :80 ssl crt /x.pem
                    http-request deny if { path_beg /x }
                    default_backend b
                backend b
                    server s 198.51.100.1:80 check ssl verify none
                    frobnicate yes
                """);
        assertFalse(d.hasErrors(), d.problems()::toString);
        List<Integer> lines = d.warnings().stream().map(ConfigProblem::line).toList();
        // line 6, option httplog, is implemented (the access log), so no longer warned about
        assertEquals(List.of(2, 3, 7, 9, 10, 13, 13, 14), lines, d.problems()::toString);
        assertTrue(d.warnings().get(0).toString().startsWith("/etc/ha.d/proxy.cfg:2: warning: 'log' is not supported"));
        assertTrue(d.warnings().get(7).message().contains("unknown keyword 'frobnicate'"));
    }

    @Test
    void aCookieModeThatIsNotImplementedIsAnErrorNotASilentLossOfPersistence() {
        String server = "    server s 198.51.100.1:80 cookie s1\n";
        assertError("backend b\n    cookie SERVERID rewrite\n" + server, 2, "cookie mode 'rewrite' is not implemented");
        assertError("backend b\n    cookie JSESSIONID prefix\n" + server, 2, "cookie mode 'prefix' is not implemented");
        assertError("backend b\n    cookie SERVERID\n" + server, 2, "without 'insert' means HAProxy's rewrite mode");
        assertEquals("SERVERID", parseOk("backend b\n    mode http\n    cookie SERVERID insert indirect\n" + server)
                .backend("b").orElseThrow().cookie().name());
    }

    @Test
    void statsRealmWithAnEscapedSpaceLoads() {
        ProxyConfig c = parseOk("listen stats\n    bind 127.0.0.1:8404\n    stats enable\n"
                + "    stats realm Haproxy\\ Statistics\n    stats auth admin:pw\n");
        assertEquals("Haproxy Statistics", c.sections().get(0).stats().realm());
    }

    @Test
    void malformedLinesAreErrorsWithFileAndLine() {
        assertError("global\n    maxconn lots\n", 2, "'lots' is not an integer");
        assertError("global\n    nbthread 0\n", 2, "out of range");
        assertError("defaults\n    timeout connect 5x\n", 2, "unknown time unit 'x'");
        assertError("defaults\n    mode udp\n", 2, "mode must be 'http' or 'tcp'");
        assertError("defaults\n    retries\n", 2, "expects one argument");
        assertError("backend b\n    balance fastest\n", 2, "unknown balance algorithm 'fastest'");
        assertError("backend b\n    server s1\n", 2, "expects NAME ADDRESS:PORT");
        assertError("backend b\n    server s1 198.51.100.1\n", 2, "has no port");
        assertError("backend b\n    server s1 198.51.100.1:99999\n", 2, "out of range");
        assertError("backend b\n    server s1 198.51.100.1:80 weight 300\n", 2, "out of range 0-256");
        assertError("backend b\n    server s1 198.51.100.1:80 inter\n", 2, "needs a value");
        assertError("backend b\n    server s1 198.51.100.1:80 turbo\n", 2, "unknown option 'turbo'");
        assertError("backend b\n    server s 198.51.100.1:80\n    server s 198.51.100.2:80\n", 3, "declared twice");
        assertError("backend b\n    http-check expect body ok\n    server s 198.51.100.1:80\n", 2, "http-check expect status");
        assertError("backend b\n    option httpchk GET health\n    server s 198.51.100.1:80\n", 2, "must start with '/'");
        assertError("backend b\n    stats auth admin\n", 2, "USER:PASSWORD");
        assertError("frontend f\n    bind :80\n    mode http\n    acl a path_regex ^/x\n    default_backend b\n"
                + "backend b\n    mode http\n    server s 198.51.100.1:80\n", 4, "unsupported criterion 'path_regex'");
        assertError("frontend f\n    bind :80\n    mode http\n    use_backend b if nope\n"
                + "backend b\n    mode http\n    server s 198.51.100.1:80\n", 4, "unknown ACL 'nope'");
        assertError("frontend f\n    bind :80\n    default_backend missing\n", 3, "no such backend");
        assertError("frontend f\n    mode http\n    default_backend b\nbackend b\n    mode http\n    server s 198.51.100.1:80\n", 1,
                "has no 'bind'");
        assertError("frontend f\n    bind :80\n    mode http\n    default_backend b\nbackend b\n    mode tcp\n"
                + "    server s 198.51.100.1:80\n", 1, "cannot use backend 'b'");
        assertError("    maxconn 5\n", 1, "outside of any section");
        assertError("global\n    nbthread \"2\n", 2, "unterminated double quote");
        assertError("backend b\n    server s 198.51.100.1:80\nbackend b\n    server s 198.51.100.1:80\n", 3, "declared twice");
        assertError("frontend f\n    bind :80\n    bind :80\n", 1, "bound twice");
    }

    @Test
    void timesUseHaproxyUnits() {
        assertEquals(250, HaproxyDuration.parseMillis("250"));
        assertEquals(250, HaproxyDuration.parseMillis("250ms"));
        assertEquals(3000, HaproxyDuration.parseMillis("3s"));
        assertEquals(120_000, HaproxyDuration.parseMillis("2m"));
        assertEquals(3_600_000, HaproxyDuration.parseMillis("1h"));
        assertEquals(86_400_000, HaproxyDuration.parseMillis("1d"));
        assertEquals(1, HaproxyDuration.parseMillis("10us"));
        assertThrows(IllegalArgumentException.class, () -> HaproxyDuration.parseMillis("-1s"));
        assertThrows(IllegalArgumentException.class, () -> HaproxyDuration.parseMillis("s"));
        assertThrows(IllegalArgumentException.class, () -> HaproxyDuration.parseMillis("99999999999d"));
    }

    @Test
    void unreadableFileIsAnErrorNotAnException() {
        Diagnostics d = new Diagnostics();
        assertNull(ProxyConfigParser.parse(Path.of("/nonexistent/proxy.cfg"), d));
        assertTrue(d.errors().get(0).toString().startsWith("/nonexistent/proxy.cfg: error: cannot read"));
    }

    @Test
    void docsContainTheKeywordTableVerbatim() throws Exception {
        String text = Files.readString(Path.of("docs/proxy.md"));
        assertTrue(text.contains(ProxyKeywords.markdownReference()),
                "docs/proxy.md is out of date: paste the output of 'hactl proxy --keywords' into it");
        for (String k : ProxyKeywords.ALL.keySet()) {
            assertTrue(text.contains("`" + k + "`"), "docs/proxy.md does not document '" + k + "'");
        }
    }
}
