package io.lifeline.manager;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.lab.DaemonLab;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import io.lifeline.lab.NginxConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole daemon: two (real) Lifeline nodes in network namespaces on one bridge, a client
 * namespace probing the VIP, real resources (IPaddr2 through netlink, the ClusterLabs OCF
 * {@code Dummy}, nginx through resource-agents/nginx, and Heartbeat-style scripts). Timers are
 * short (keepalive 200 ms, deadtime 1 s); waits are generous because the box is shared.
 *
 * <p>The nodes share one filesystem, so resources that keep files (nginx's pid and config,
 * Dummy's state file) name a per-node directory: their haresources words differ between the
 * two nodes. The group's name is its first word (the VIP), the same on both.
 */
class ManagerDaemonIT {

    private static final Duration FORM = Duration.ofSeconds(60);
    private static final Duration MOVE = Duration.ofSeconds(40);
    private static final String SECRET = "manager-it-secret-0123";
    private static final String VIP = "198.51.100.100";
    private static final String GROUP = "IPaddr2::" + VIP + "/24/eth0";

    private static final String CUT_UDP = "nft add table inet llcut"
            + " && nft add chain inet llcut in '{ type filter hook input priority 0; }'"
            + " && nft add chain inet llcut out '{ type filter hook output priority 0; }'"
            + " && nft add rule inet llcut in meta l4proto udp drop && nft add rule inet llcut out meta l4proto udp drop";

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("m", "it-manager");

    private static String haCf(String extra) {
        return DaemonLab.haCf("1s", "600ms") + """
                resource_defaults interval=1s timeout=10s start_timeout=30s stop_timeout=30s threshold=2 window=60s
                """ + extra;
    }

    /** nginx in the node's namespace answering its own name on every address, with a health URL. */
    private Path nginxConfig(Path nodeDir, String node) throws Exception {
        Path dir = nodeDir.resolve("nginx");
        Path conf = NginxConfigs.write(dir, """
                server {
                    listen 80;
                    location = /health { return 200 "ok\\n"; }
                    location / { return 200 "%s\\n"; }
                }
                """.formatted(node));
        lab.daemonized().register(NginxConfigs.pidFile(dir));
        return conf;
    }

    private static String get(Lab.Host client) {
        Lab.Shell.Result r = client.shResult("curl -s --max-time 1 http://" + VIP + "/");
        return r.exitCode() == 0 ? r.output().strip() : "";
    }

    private static boolean hasVip(Lab.Host h) {
        return h.hasAddress("eth0", VIP);
    }

    private static void awaitOwner(String owner, DaemonNode... observers) {
        DaemonNode.awaitRunningOn(GROUP, owner, MOVE, observers);
    }

    private static ObjectNode args() {
        return new ObjectMapper().createObjectNode();
    }

    /** Samples both nodes' addresses until stopped and remembers any moment both held the VIP. */
    private static final class OverlapWatch implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger samples = new AtomicInteger();
        final AtomicReference<String> overlap = new AtomicReference<>();
        final Thread thread;

        OverlapWatch(Lab.Host a, Lab.Host b) {
            thread = new Thread(() -> {
                // One host is read at a time, alternately a, b, a, b... Two reads in a row can
                // straddle a handover (the old holder read just before its release, the new one
                // just after its start, a few ms apart), so a pair of reads proves nothing. An
                // overlap is a host seen holding the VIP before and after a read of the other
                // that saw it too: no planned move releases and re-takes the VIP within three
                // reads, so both held it at the middle read.
                Lab.Host[] hosts = {a, b};
                boolean beforeLast = false;
                boolean last = false;
                long end = System.nanoTime() + Duration.ofMinutes(3).toNanos(); // bounded
                for (int k = 0; running.get() && System.nanoTime() < end; k++) {
                    Lab.Host h = hosts[k % 2];
                    boolean holds = hasVip(h);
                    samples.incrementAndGet();
                    if (k >= 2 && beforeLast && last && holds) {
                        overlap.compareAndSet(null, "both " + a.name() + " and " + b.name() + " held " + VIP
                                + " at read " + (k - 1) + " (" + hosts[(k - 1) % 2].name() + ", with "
                                + h.name() + " holding it at reads " + (k - 2) + " and " + k + ")");
                    }
                    beforeLast = last;
                    last = holds;
                }
            }, "overlap-watch");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }

    private static List<String> actionOrder(DaemonNode n, String action) {
        List<String> order = new ArrayList<>();
        // the manager's events: "[GROUP] started WORD on NODE (12 ms)"
        Matcher m = Pattern.compile("\\] " + action + "ed (\\S+) on " + n.name + " \\(").matcher(n.logText());
        while (m.find()) {
            order.add(m.group(1).replaceAll("::.*", ""));
        }
        return order;
    }

    @Test
    void plannedMovesHaveNoOverlapAnAppFailureRestartsInPlaceAndACleanStopHandsOver() throws Exception {
        lab.open("planned");
        Lab.Host h1 = lab.host("n1", "198.51.100.11");
        Lab.Host h2 = lab.host("n2", "198.51.100.12");
        Lab.Host client = lab.host("cl", "198.51.100.50");
        String nginxAgent = Path.of(System.getProperty("lifeline.home", ".")).toAbsolutePath()
                .resolve("resource-agents/nginx").toString();
        assertTrue(Files.isExecutable(Path.of(nginxAgent)), nginxAgent);

        List<DaemonNode> nodes = new ArrayList<>();
        for (Lab.Host h : List.of(h1, h2)) {
            DaemonNode n = lab.node(h);
            Path conf = nginxConfig(n.dir, h.name());
            String res = "n1 " + GROUP + " ocf:heartbeat:Dummy::state=" + n.dir.resolve("dummy.state")
                    + " nginx::" + conf + "::url=http://127.0.0.1/health::binary=/usr/sbin/nginx\n";
            n.configure(haCf("monitor nginx::" + conf + "::url=http://127.0.0.1/health::binary=/usr/sbin/nginx"
                    + " interval=500ms timeout=5s\n"), SECRET, res);
            nodes.add(n);
        }
        DaemonNode n1 = nodes.get(0).start();
        DaemonNode n2 = nodes.get(1).start();

        awaitOwner("n1", n1, n2);
        assertEquals("n1", get(client), "the client reaches n1's nginx through the VIP");
        assertEquals(List.of("IPaddr2", "ocf:heartbeat:Dummy", "nginx"), actionOrder(n1, "start"), "left to right");

        try (OverlapWatch watch = new OverlapWatch(h1, h2)) {
            // standby: n1 gives the group away, n2 starts it only after n1 released it
            n1.call("standby", args());
            awaitOwner("n2", n1, n2);
            assertEquals("n2", get(client));
            assertEquals(List.of("nginx", "ocf:heartbeat:Dummy", "IPaddr2"), actionOrder(n1, "stopp"), "right to left");

            // online: auto_failback on brings it home
            n1.call("online", args());
            awaitOwner("n1", n1, n2);
            assertEquals("n1", get(client));

            // failover to the other node, then takeover back
            n2.call("failover", args().put("group", GROUP));
            awaitOwner("n2", n1, n2);
            n1.call("takeover", args().put("what", GROUP));
            awaitOwner("n1", n1, n2);
            assertEquals("n1", get(client));
            watch.close();
            assertEquals(null, watch.overlap.get(), "planned moves never ran the VIP on both nodes");
            assertTrue(watch.samples.get() > 20, "the overlap watch sampled: " + watch.samples.get());
        }

        // the application dies behind a healthy node: restarted in place, counted
        long nginxPid = Long.parseLong(Files.readString(lab.daemonized().get(0)).strip());
        h1.sh("kill -9 " + nginxPid);
        await("nginx restarted on n1").atMost(MOVE).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode s = n1.status();
            for (JsonNode f : s.path("failcounts")) {
                if (f.path("node").asText().equals("n1") && f.path("resource").asText().startsWith("nginx")
                        && f.path("count").asInt() == 1) {
                    return n1.ownersOf(GROUP).equals("n1") && n1.phaseOf(GROUP).equals("running");
                }
            }
            return false;
        });
        assertEquals("n1", get(client), "served by n1 again");
        JsonNode events = n1.call("events", args());
        assertTrue(events.path("events").toString().contains("monitor of nginx"), events.toPrettyString());

        // a clean stop (SIGTERM) hands the group over
        n1.terminate();
        awaitOwner("n2", n2);
        assertEquals("n2", get(client));
        assertFalse(hasVip(h1), "n1 released the VIP before it left");
        assertTrue(n1.logText().contains("releasing every group"), "the stop says what it does");

        // refused commands say why
        try {
            n2.call("failover", args().put("group", "no-such-group"));
            throw new AssertionError("accepted a failover of an unknown group");
        } catch (io.lifeline.control.ControlException e) {
            assertEquals("rejected", e.code());
        }
    }

    @Test
    void aPartitionedNodeIsTakenOverAndAfterTheHealExactlyOneKeepsTheGroup() throws Exception {
        lab.open("partition");
        Lab.Host h1 = lab.host("n1", "198.51.100.11");
        Lab.Host h2 = lab.host("n2", "198.51.100.12");
        Lab.Host client = lab.host("cl", "198.51.100.50");
        List<DaemonNode> nodes = new ArrayList<>();
        for (Lab.Host h : List.of(h1, h2)) {
            DaemonNode n = lab.node(h);
            Path conf = nginxConfig(n.dir, h.name());
            n.configure(haCf(""), SECRET, "n1 " + GROUP + " nginx::" + conf + "::binary=/usr/sbin/nginx\n");
            nodes.add(n.start());
        }
        DaemonNode n1 = nodes.get(0);
        DaemonNode n2 = nodes.get(1);
        awaitOwner("n1", n1, n2);

        // 1. Only the heartbeats are cut (all UDP), the data path (TCP, ARP) works: n2 declares n1
        //    dead, but its duplicate-address probe finds the VIP still answered and refuses to
        //    start it, so clients never see two owners.
        h1.sh(CUT_UDP);
        await("n2 refuses the VIP n1 still answers").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> n2.logText().contains("is already in use on eth0"));
        assertEquals("n1", n1.ownersOf(GROUP));
        assertFalse(hasVip(h2), "no duplicate address");
        assertFalse(n2.logText().contains("nobody answered"),
                "n1 answered the probe n2 ran while it suspected n1 too, so the start probed again");
        assertEquals("n1", get(client), "n1 still serves");
        h1.sh("nft delete table inet llcut");
        await("n2 sees n1 again").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> n2.stateOf("n1").equals("up"));
        n2.call("cleanup", args());

        // 2. n1 is cut off completely (its interface stays up): n2 takes over, n1 keeps running
        //    its copy (no fencing, as in Heartbeat); after the heal exactly one node keeps it.
        h1.isolate();
        awaitOwner("n2", n2);
        assertEquals("n2", get(client), "the survivor serves");
        assertTrue(n2.logText().contains("while the holder was suspected: nobody answered"),
                "n2 probed while it suspected n1 and started without probing again");
        assertEquals("n1", n1.ownersOf(GROUP), "the cut-off node still runs it");

        h1.rejoin();
        await("one owner after the heal").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.ownersOf(GROUP).equals("n1") && n2.ownersOf(GROUP).equals("n1")
                        && !hasVip(h2) && hasVip(h1));
        assertTrue(n1.logText().contains("runs on both") || n2.logText().contains("runs on both"),
                "the split brain is named in the log");
        await("the client reaches the keeper").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> get(client).equals("n1"));
    }

    /** A Heartbeat-style script whose behaviour files in its node directory control. */
    private static void writeFlakyScript(DaemonNode n) throws Exception {
        Path dir = Files.createDirectories(n.haD.resolve("resource.d"));
        Path script = dir.resolve("flaky");
        Files.writeString(script, """
                #!/bin/sh
                # test resource: state and failure switches live beside the node's ha.d
                D=%s
                case "$1" in
                  start) [ -e "$D/start-fails" ] && exit 1; touch "$D/flaky.state"; exit 0 ;;
                  stop)  [ -e "$D/stop-fails" ] && { echo "cannot stop"; exit 1; }; rm -f "$D/flaky.state"; exit 0 ;;
                  status) if [ -e "$D/flaky.state" ] && [ ! -e "$D/monitor-fails" ]; then echo running; else echo stopped; fi; exit 0 ;;
                esac
                exit 1
                """.formatted(n.dir));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void repeatedMonitorFailuresMoveTheGroupAndAStopFailureBlocksIt() throws Exception {
        lab.open("failures");
        Lab.Host h1 = lab.host("n1", "198.51.100.11");
        Lab.Host h2 = lab.host("n2", "198.51.100.12");
        List<DaemonNode> nodes = new ArrayList<>();
        for (Lab.Host h : List.of(h1, h2)) {
            DaemonNode n = lab.node(h);
            n.configure(haCf("monitor flaky interval=500ms timeout=5s\n"), SECRET, "n1 " + GROUP + " flaky\n");
            writeFlakyScript(n);
            nodes.add(n.start());
        }
        DaemonNode n1 = nodes.get(0);
        DaemonNode n2 = nodes.get(1);
        awaitOwner("n1", n1, n2);

        // the monitor fails for good on n1: restart in place once, then (threshold 2) move to n2
        Files.createFile(n1.dir.resolve("monitor-fails"));
        awaitOwner("n2", n1, n2);
        JsonNode s = n2.status();
        assertTrue(s.path("failcounts").toString().contains("\"banned\":true"), s.path("failcounts").toString());
        assertFalse(hasVip(h1));

        // now its stop fails on n2: the group is blocked and nobody starts it again
        Files.createFile(n2.dir.resolve("stop-fails"));
        Files.createFile(n2.dir.resolve("monitor-fails"));
        await("blocked").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.phaseOf(GROUP).equals("blocked") || n2.phaseOf(GROUP).equals("blocked"));
        await("both see it blocked").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> n2.group(GROUP).map(g -> !g.path("blocked_reason").isNull()).orElse(false));
        assertFalse(hasVip(h1), "never started on n1 while blocked");
        assertFalse(Files.exists(n1.dir.resolve("flaky.state")));

        // the operator fixes it and cleans up: managed again
        Files.delete(n2.dir.resolve("stop-fails"));
        Files.delete(n2.dir.resolve("monitor-fails"));
        Files.delete(n1.dir.resolve("monitor-fails"));
        n2.call("cleanup", args());
        awaitOwner("n1", n1, n2);
    }

    @Test
    void aNodeThatLosesItsPingNodeGivesItsGroupToABetterConnectedPeer() throws Exception {
        lab.open("ping");
        Lab.Host h1 = lab.host("n1", "198.51.100.11");
        Lab.Host h2 = lab.host("n2", "198.51.100.12");
        lab.host("gw", "198.51.100.1"); // the router both nodes ping
        List<DaemonNode> nodes = new ArrayList<>();
        for (Lab.Host h : List.of(h1, h2)) {
            DaemonNode n = lab.node(h);
            n.configure(haCf("ping 198.51.100.1\ndeadping 1s\n"), SECRET, "n1 " + GROUP + "\n");
            nodes.add(n.start());
        }
        DaemonNode n1 = nodes.get(0);
        DaemonNode n2 = nodes.get(1);
        awaitOwner("n1", n1, n2);
        await("both reach the ping node").atMost(MOVE).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode s = n2.status();
            int sum = 0;
            for (JsonNode n : s.path("nodes")) {
                sum += n.path("ping_score").asInt();
            }
            return sum == 2;
        });

        // n1 can no longer reach the router (its echo requests are dropped); the cluster links are fine
        h1.sh("nft add table inet llping && nft add chain inet llping out '{ type filter hook output priority 0; }'"
                + " && nft add rule inet llping out ip daddr 198.51.100.1 drop");
        awaitOwner("n2", n1, n2);
        assertFalse(hasVip(h1));
        assertTrue(n2.logText().contains("reaches fewer ping targets") || n1.logText().contains("reaches fewer ping targets"),
                "the reason names the ping targets");

        // connectivity back: auto_failback on brings the group home
        h1.sh("nft delete table inet llping");
        awaitOwner("n1", n1, n2);
    }
}
