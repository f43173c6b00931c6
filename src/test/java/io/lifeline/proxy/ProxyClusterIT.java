package io.lifeline.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeline.lab.DaemonLab;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import io.lifeline.lab.NginxConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built-in proxy as a cluster resource: two Lifeline nodes run the group
 * {@code IPaddr2 + Proxy::proxy.cfg}, the proxy binds the VIP and balances over two real nginx
 * backends in a third namespace, and a client goes through the VIP. Each backend answers with
 * its name and the address the request came from, which names the node whose proxy sent it.
 * Proved: the proxy starts after the VIP it binds, balances, takes a killed backend out with no
 * failed request (retries + redispatch), moves with the group on standby, and dies with its
 * node: after a crash the survivor's proxy serves.
 */
class ProxyClusterIT {

    private static final Duration FORM = Duration.ofSeconds(60);
    private static final Duration MOVE = Duration.ofSeconds(40);
    private static final String SECRET = "proxy-it-secret-0123456";
    private static final String VIP = "198.51.100.110";
    private static final String GROUP = "IPaddr2::" + VIP + "/24/eth0";
    private static final String N1 = "198.51.100.31";
    private static final String N2 = "198.51.100.32";
    private static final String BACKENDS = "198.51.100.60";
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("px", "it-proxy");

    private static String haCf() {
        return DaemonLab.haCf("1s", "600ms", false) + """
                resource_defaults interval=1s timeout=10s threshold=2 window=60s
                """;
    }

    private static String proxyCfg() {
        return """
                global
                    maxconn 256
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 10s
                    timeout server 10s
                    retries 3
                    option redispatch
                frontend web
                    bind %1$s:80
                    default_backend app
                backend app
                    balance roundrobin
                    option httpchk GET /health
                    server b1 %2$s:8081 check inter 300ms rise 2 fall 2
                    server b2 %2$s:8082 check inter 300ms rise 2 fall 2
                """.formatted(VIP, BACKENDS);
    }

    /** One nginx backend: answers "NAME FROM-ADDRESS", so the answer tells which node's proxy asked. */
    private Path startBackend(Lab.Host host, Path dir, String name, int port) throws Exception {
        Path conf = NginxConfigs.write(dir, """
                server {
                    listen %s:%d;
                    location = /health { return 200 "ok\\n"; }
                    location / { return 200 "%s $remote_addr\\n"; }
                }
                """.formatted(BACKENDS, port, name));
        Path pidFile = lab.daemonized().register(NginxConfigs.pidFile(dir));
        host.sh(NGINX + " -c " + conf);
        return pidFile;
    }

    /** The answer through the VIP, or "" on any failure. */
    private static String get(Lab.Host client) {
        Lab.Shell.Result r = client.shResult("curl -s --fail --max-time 2 http://" + VIP + "/");
        return r.exitCode() == 0 ? r.output().strip() : "";
    }

    private static Set<String> answers(Lab.Host client, int requests) {
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < requests; i++) {
            seen.add(get(client));
        }
        return seen;
    }

    private static void awaitOwner(String owner, DaemonNode... observers) {
        DaemonNode.awaitRunningOn(GROUP, owner, MOVE, observers);
    }

    @Test
    void theProxyBalancesBehindTheVipSurvivesABackendDeathAndMovesWithTheGroup() throws Exception {
        assumeTrue(Files.isExecutable(NGINX), "nginx not installed");
        lab.open("cluster");
        Path work = lab.work();
        Lab.Host h1 = lab.host("n1", N1);
        Lab.Host h2 = lab.host("n2", N2);
        Lab.Host backends = lab.host("be", BACKENDS);
        Lab.Host client = lab.host("cl", "198.51.100.61");
        startBackend(backends, work.resolve("b1"), "b1", 8081);
        Path b2Pid = startBackend(backends, work.resolve("b2"), "b2", 8082);

        Path cfg = Files.writeString(work.resolve("proxy.cfg"), proxyCfg());
        List<DaemonNode> nodes = new ArrayList<>();
        for (Lab.Host h : List.of(h1, h2)) {
            DaemonNode n = lab.node(h);
            n.configure(haCf() + "monitor Proxy::" + cfg + " interval=500ms timeout=5s\n", SECRET,
                    "n1 " + GROUP + " Proxy::" + cfg + "\n");
            nodes.add(n);
        }
        DaemonNode n1 = nodes.get(0).start();
        DaemonNode n2 = nodes.get(1).start();
        await("both nodes up").atMost(FORM).until(() -> "up".equals(n1.stateOf("n2")) && "up".equals(n2.stateOf("n1")));
        awaitOwner("n1", n1, n2);

        // round robin over both backends, every request sent by n1's proxy
        await("both backends up in n1's proxy").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> answers(client, 4).equals(Set.of("b1 " + N1, "b2 " + N1)));

        // b2 dies under traffic: no request fails, and it is taken out
        long b2Master = Long.parseLong(Files.readString(b2Pid).strip());
        io.lifeline.lab.ProcessTrees.kill(ProcessHandle.of(b2Master).orElseThrow());
        List<String> during = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos(); // > fall x inter, bounded
        while (System.nanoTime() < until) {
            during.add(get(client));
        }
        assertTrue(during.size() > 10, "requests sent while b2 died: " + during.size());
        assertTrue(during.stream().allMatch(a -> a.equals("b1 " + N1)),
                "every request answered by b1 through n1's proxy: " + during);

        // standby: the group, proxy included, moves to n2, whose proxy sends the requests
        n1.call("standby", new ObjectMapper().createObjectNode());
        awaitOwner("n2", n1, n2);
        assertEquals(Set.of("b1 " + N2), answers(client, 4));
        JsonNode proxy = null;
        for (JsonNode r : n2.group(GROUP).orElseThrow().path("resources")) {
            if (r.path("resource").asText().startsWith("Proxy::")) {
                proxy = r;
            }
        }
        assertTrue(proxy != null && proxy.path("state").asText().equals("started"),
                "n2's status shows the proxy running: " + n2.group(GROUP));

        // back to n1, then n1 crashes (daemon killed, host cut off): its proxy dies with it and
        // n2 takes the group over
        n1.call("online", new ObjectMapper().createObjectNode());
        n1.call("takeover", new ObjectMapper().createObjectNode().put("what", GROUP));
        awaitOwner("n1", n1, n2);
        assertEquals(Set.of("b1 " + N1), answers(client, 2));
        n1.kill9();
        h1.isolate();
        awaitOwner("n2", n2);
        await("served through n2's proxy after the crash").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> get(client).equals("b1 " + N2));
    }
}
