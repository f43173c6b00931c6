package io.lifeline.agent.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.agent.AgentDetails;
import io.lifeline.agent.AgentResult;
import io.lifeline.agent.BuiltinAgentFactory;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.config.ResourceSpec;
import io.lifeline.proxy.RawHttp;
import io.lifeline.proxy.TestBackend;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyAgentTest {

    private static final Duration T = Duration.ofSeconds(5);

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String config(int port, String backend) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend web
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    server s %s
                """.formatted(port, backend);
    }

    @Test
    void startMonitorReloadStopFollowOcfSemantics(@TempDir Path dir) throws Exception {
        BuiltinAgentFactory factory = ServiceLoader.load(BuiltinAgentFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.names().contains("Proxy")).findFirst().orElseThrow();
        Path cfg = dir.resolve("proxy.cfg");
        int port = freePort();
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b")) {
            Files.writeString(cfg, config(port, a.address()));
            ResourceAgent agent = factory.create(new ResourceSpec("Proxy", List.of(cfg.toString()), "Proxy::" + cfg, 1));
            assertEquals(OcfStatus.SUCCESS, agent.validate(T).status());
            assertEquals(OcfStatus.NOT_RUNNING, agent.monitor(T).status());
            assertEquals(OcfStatus.SUCCESS, agent.start(T).status(), "start");
            assertEquals(OcfStatus.SUCCESS, agent.start(T).status(), "start is idempotent");
            assertEquals(OcfStatus.SUCCESS, agent.monitor(T).status());
            try (RawHttp c = new RawHttp(new java.net.InetSocketAddress("127.0.0.1", port))) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("a", c.read().text());
                // reload to the other backend: the established connection survives; it is
                // closed after its next response, and new connections use the new configuration
                Files.writeString(cfg, config(port, b.address()));
                assertEquals(OcfStatus.SUCCESS, agent.reload(T).status());
                c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                RawHttp.Response r = c.read();
                assertEquals(200, r.status());
                assertEquals("close", r.header("connection"));
            }
            try (RawHttp c = new RawHttp(new java.net.InetSocketAddress("127.0.0.1", port))) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("b", c.read().text());
            }
            Files.writeString(cfg, "frontend broken\n");
            AgentResult bad = agent.reload(T);
            assertEquals(OcfStatus.ERR_CONFIGURED, bad.status());
            assertTrue(bad.message().contains("proxy.cfg:1"), bad.message());
            assertEquals(OcfStatus.SUCCESS, agent.monitor(T).status(), "bad reload keeps the running config");
            assertEquals(OcfStatus.SUCCESS, agent.stop(T).status());
            assertEquals(OcfStatus.NOT_RUNNING, agent.monitor(T).status());
            assertEquals(OcfStatus.SUCCESS, agent.stop(T).status(), "stop is idempotent");
        }
    }

    @Test
    void detailsAreTheStatsRowsWhileRunning(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("proxy.cfg");
        int port = freePort();
        try (TestBackend a = new TestBackend("a")) {
            Files.writeString(cfg, config(port, a.address()));
            ResourceAgent agent = new ProxyAgentFactory().create(new ResourceSpec("Proxy", List.of(cfg.toString()),
                    "Proxy::x", 1));
            assertTrue(agent.details().isEmpty(), "nothing before start");
            assertEquals(OcfStatus.SUCCESS, agent.start(T).status());
            try (RawHttp c = new RawHttp(new java.net.InetSocketAddress("127.0.0.1", port))) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("a", c.read().text());
            }
            AgentDetails d = agent.details();
            List<?> rows = (List<?>) d.json().get("stats");
            Map<?, ?> frontend = rows.stream().map(Map.class::cast)
                    .filter(r -> "web".equals(r.get("pxname")) && "FRONTEND".equals(r.get("svname")))
                    .findFirst().orElseThrow();
            assertEquals(1L, ((Number) frontend.get("req_tot")).longValue());
            assertEquals(1L, ((Number) frontend.get("hrsp_2xx")).longValue());
            assertTrue(d.lines().contains("frontend web: OPEN, 0 sessions (1 in all)")
                    || d.lines().contains("frontend web: OPEN, 1 sessions (1 in all)"), d.lines().toString());
            assertEquals(OcfStatus.SUCCESS, agent.stop(T).status());
            assertTrue(agent.details().isEmpty(), "nothing after stop");
        }
    }

    @Test
    void startFailsClearlyWhenThePortIsTaken(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path cfg = dir.resolve("proxy.cfg");
            Files.writeString(cfg, config(taken.getLocalPort(), "127.0.0.1:9"));
            ResourceAgent agent = new ProxyAgentFactory().create(new ResourceSpec("Proxy", List.of(cfg.toString()), "Proxy::x", 1));
            AgentResult r = agent.start(T);
            assertEquals(OcfStatus.ERR_GENERIC, r.status());
            assertTrue(r.message().contains("cannot bind frontend 'web'"), r.message());
            assertEquals(OcfStatus.NOT_RUNNING, agent.monitor(T).status());
        }
    }

    @Test
    void rejectsAMissingConfigArgument() {
        assertThrows(AgentConfigException.class,
                () -> new ProxyAgentFactory().create(new ResourceSpec("Proxy", List.of(), "Proxy", 1)));
    }
}
