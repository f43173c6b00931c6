package io.lifeline.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.lab.DaemonLab;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real daemons ({@code java -jar lifeline.jar daemon}) in network namespaces, one ha.d each.
 * Timers are short (keepalive 200 ms, deadtime 1 s); detection times are measured and printed,
 * and only asserted against generous bounds (the box is shared).
 */
class ClusterDaemonIT {

    private static final Duration FORM = Duration.ofSeconds(60);
    private static final Duration DETECT = Duration.ofSeconds(20);
    /** Asserted upper bound for "dead after about deadtime (1 s)": deadtime plus a margin for a loaded box. */
    private static final long DEAD_BOUND_MS = 6_000;
    static final String SECRET = "it-secret-0123456789";

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("c", "it-cluster");

    static String haCf(String media, boolean realtime, String... nodes) {
        StringBuilder sb = new StringBuilder();
        sb.append("cluster it\nkeepalive 200ms\ndeadtime 1s\nwarntime 600ms\ninitdead 3s\nudpport 694\n");
        sb.append("realtime ").append(realtime ? "on" : "off").append('\n');
        sb.append(media);
        for (String n : nodes) {
            sb.append("node ").append(n).append('\n');
        }
        return sb.toString();
    }

    static void awaitUp(DaemonNode observer, String... peers) {
        await("nodes " + List.of(peers) + " up as seen by " + observer.name).atMost(FORM)
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    for (String p : peers) {
                        if (!observer.stateOf(p).equals("up")) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** Waits until {@code observer} reports {@code node} dead and returns the detection time from {@code t0}. */
    private static long awaitDead(DaemonNode observer, String node, Instant t0, String cause) throws Exception {
        await(node + " dead as seen by " + observer.name).atMost(DETECT).pollInterval(Duration.ofMillis(50))
                .until(() -> observer.stateOf(node).equals("dead"));
        JsonNode entry = DaemonNode.nodeEntry(observer.status(), node);
        assertEquals(cause, entry.path("dead_cause").asText(), () -> "cause as seen by " + observer.name);
        return Instant.parse(entry.path("since").asText()).toEpochMilli() - t0.toEpochMilli();
    }

    private static void report(String what, long ms) {
        System.out.println("MEASURED " + what + ": " + ms + " ms");
    }

    @Test
    void bcastClusterOfThreeFormsSeesAKilledNodeDeadAndACleanStopAsLeave() throws Exception {
        lab.open("bcast");
        Lab.Host h1 = lab.host("n1", "198.51.100.11");
        Lab.Host h2 = lab.host("n2", "198.51.100.12");
        Lab.Host h3 = lab.host("n3", "198.51.100.13");
        // n1 still holds its VIP (e.g. restarted while active): it must not bind heartbeats to it
        h1.sh("ip addr add 198.51.100.100/24 dev eth0");
        String cf = haCf("bcast eth0\n", true, "n1", "n2", "n3");
        String res = "n1 198.51.100.100\n";
        DaemonNode n1 = lab.node(h1).configure(cf, SECRET, res).start();
        DaemonNode n2 = lab.node(h2).configure(cf, SECRET, res).start();
        DaemonNode n3 = lab.node(h3).configure(cf, SECRET, res).start();

        awaitUp(n1, "n2", "n3");
        awaitUp(n2, "n1", "n3");
        awaitUp(n3, "n1", "n2");
        JsonNode s1 = n1.status();
        assertEquals("198.51.100.11", s1.path("links").get(0).path("bind_address").asText(), "never the VIP");
        assertEquals("bcast:eth0", s1.path("links").get(0).path("name").asText());
        assertEquals(0, s1.path("auth_drops_total").asLong());
        // realtime on: the heartbeat threads run SCHED_RR, the JVM's and the manager's do not
        List<String> rt = n1.realtimeThreads();
        assertTrue(rt.stream().anyMatch(t -> t.startsWith("Timer runner")), "heartbeat timer: " + rt);
        assertTrue(rt.contains("ll-membership-1") && rt.contains("ll-stall-1"), rt.toString());
        assertTrue(rt.stream().noneMatch(t -> t.startsWith("C1 Compiler") || t.equals("VM Thread")
                || t.startsWith("ll-manager-") || t.startsWith("ll-cluster-even") || t.startsWith("main")),
                "the manager, and the cluster-events thread that decodes state reports, stay at normal priority: " + rt);
        assertTrue(n1.logText().contains("heartbeat threads run SCHED_RR priority 10"), "logged");

        Instant t0 = Instant.now();
        n3.kill9();
        long seenBy1 = awaitDead(n1, "n3", t0, "failed");
        long seenBy2 = awaitDead(n2, "n3", t0, "failed");
        report("bcast kill -9 detection (n1)", seenBy1);
        report("bcast kill -9 detection (n2)", seenBy2);
        assertTrue(seenBy1 < DEAD_BOUND_MS && seenBy2 < DEAD_BOUND_MS, "dead after about deadtime");

        Instant t1 = Instant.now();
        n2.terminate();
        long leave = awaitDead(n1, "n2", t1, "left");
        report("bcast SIGTERM leave seen", leave);
        assertTrue(n1.logText().contains("node n2: left the cluster"), "leave logged as such");
        assertTrue(n2.logText().contains("leaving the cluster"));
    }

    @Test
    void twoLinksKeepTheNodeUpWhenOneFailsAndDeclareItDeadWhenBothFail() throws Exception {
        lab.open("twolinks");
        lab.addBridge("br1");
        Lab.Host h1 = lab.bareHost("n1").connect(DaemonLab.BRIDGE, "eth0", "198.51.100.11/25")
                .connect("br1", "eth1", "198.51.100.141/25");
        Lab.Host h2 = lab.bareHost("n2").connect(DaemonLab.BRIDGE, "eth0", "198.51.100.12/25")
                .connect("br1", "eth1", "198.51.100.142/25");
        for (Lab.Host h : List.of(h1, h2)) {
            h.sh("ip route add 239.0.0.0/8 dev eth0"); // no default route in the lab
        }
        String cf = haCf("mcast eth0 239.1.2.3 694 1 0\nbcast eth1\n", false, "n1", "n2");
        DaemonNode n1 = lab.node(h1).configure(cf, SECRET, "").start();
        DaemonNode n2 = lab.node(h2).configure(cf, SECRET, "").start();
        String mcast = "mcast:eth0:239.1.2.3";
        String bcast = "bcast:eth1";
        await("both links up").atMost(FORM).pollInterval(Duration.ofMillis(200)).until(() -> n1.tryStatus()
                .map(s -> DaemonNode.peerLink(s, "n2", mcast).path("state").asText().equals("up")
                        && DaemonNode.peerLink(s, "n2", bcast).path("state").asText().equals("up"))
                .orElse(false));

        Instant t0 = Instant.now();
        h2.linkDown("eth1");
        await("bcast link to n2 dead").atMost(DETECT).pollInterval(Duration.ofMillis(50)).until(() -> n1.tryStatus()
                .map(s -> DaemonNode.peerLink(s, "n2", bcast).path("state").asText().equals("dead"))
                .orElse(false));
        long linkDown = Duration.between(t0, Instant.now()).toMillis();
        report("link-down detection (one of two links)", linkDown);
        JsonNode s = n1.status();
        assertEquals("up", DaemonNode.nodeEntry(s, "n2").path("state").asText(), "still up via the other link");
        assertEquals("up", DaemonNode.peerLink(s, "n2", mcast).path("state").asText());
        assertTrue(linkDown < DEAD_BOUND_MS);

        h2.linkUp("eth1");
        await("bcast link to n2 back").atMost(FORM).pollInterval(Duration.ofMillis(200)).until(() -> n1.tryStatus()
                .map(x -> DaemonNode.peerLink(x, "n2", bcast).path("state").asText().equals("up")).orElse(false));

        Instant t1 = Instant.now();
        h2.linkDown("eth0");
        h2.linkDown("eth1");
        long bothDown = awaitDead(n1, "n2", t1, "failed");
        report("both links down -> node dead", bothDown);
        assertTrue(bothDown < DEAD_BOUND_MS);
    }

    /** Three nodes form over mcast alone and over ucast alone (bcast: see the first test). */
    @Test
    void threeNodesFormOverMcastAndOverUcast() throws Exception {
        lab.open("three");
        List<Lab.Host> hosts = List.of(
                lab.host("n1", "198.51.100.11"),
                lab.host("n2", "198.51.100.12"),
                lab.host("n3", "198.51.100.13"));
        for (Lab.Host h : hosts) {
            h.sh("ip route add 239.0.0.0/8 dev eth0"); // no default route in the lab
        }
        String mcast = haCf("mcast eth0 239.1.2.4 694 1 0\n", false, "n1", "n2", "n3");
        String ucast = haCf("ucast eth0 198.51.100.11\nucast eth0 198.51.100.12\nucast eth0 198.51.100.13\n",
                false, "n1", "n2", "n3");
        for (String cf : List.of(mcast, ucast)) {
            String kind = cf.contains("mcast") ? "mcast" : "ucast";
            DaemonNode n1 = lab.node(hosts.get(0), kind).configure(cf, SECRET, "").start();
            DaemonNode n2 = lab.node(hosts.get(1), kind).configure(cf, SECRET, "").start();
            DaemonNode n3 = lab.node(hosts.get(2), kind).configure(cf, SECRET, "").start();
            awaitUp(n1, "n2", "n3");
            awaitUp(n2, "n1", "n3");
            awaitUp(n3, "n1", "n2");
            JsonNode s = n1.status();
            assertTrue(s.path("links").get(0).path("name").asText().startsWith(kind + ":"), s::toString);
            assertEquals(java.util.Set.of("n1", "n2", "n3"), java.util.Set.copyOf(members(s)));
            for (DaemonNode n : List.of(n1, n2, n3)) {
                n.terminate();
            }
        }
    }

    @Test
    void ucastNodesFormWhileANodeWithTheWrongKeyNeverJoinsAndIsCountedAsDropped() throws Exception {
        lab.open("ucast");
        Lab.Host h1 = lab.host("n1", "198.51.100.11");
        Lab.Host h2 = lab.host("n2", "198.51.100.12");
        Lab.Host h3 = lab.host("n3", "198.51.100.13");
        String cf = haCf("ucast eth0 198.51.100.11\nucast eth0 198.51.100.12\nucast eth0 198.51.100.13\n", false,
                "n1", "n2", "n3");
        DaemonNode n1 = lab.node(h1).configure(cf, SECRET, "").start();
        DaemonNode n2 = lab.node(h2).configure(cf, SECRET, "").start();
        DaemonNode n3 = lab.node(h3).configure(cf, "a-different-secret", "").start();

        awaitUp(n1, "n2");
        awaitUp(n2, "n1");
        await("n3's packets counted as bad signatures on n1").atMost(FORM).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.tryStatus().map(s -> badSignatures(s, "198.51.100.13")).orElse(0L) > 0);
        await("initdead over").atMost(FORM).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.stateOf("n3").equals("dead") && n3.stateOf("n1").equals("dead"));
        JsonNode s1 = n1.status();
        assertEquals("never_seen", DaemonNode.nodeEntry(s1, "n3").path("dead_cause").asText());
        assertEquals("ucast:eth0", s1.path("links").get(0).path("name").asText());
        assertEquals(java.util.Set.of("n1", "n2"), java.util.Set.copyOf(members(s1)), "n3 not in the view");
        JsonNode s3 = n3.status();
        assertEquals("dead", DaemonNode.nodeEntry(s3, "n2").path("state").asText());
        // once n1 and n2 formed, ucast traffic only goes to view members: n3 sees their discovery/merge probes
        await("n3 refuses the others' packets too").atMost(FORM).pollInterval(Duration.ofMillis(200))
                .until(() -> n3.tryStatus().map(x -> badSignatures(x, "198.51.100.11")
                        + badSignatures(x, "198.51.100.12")).orElse(0L) > 0);
    }

    @Test
    void capturedPacketsReplayedAfterANodeDiedAreDroppedAndDoNotKeepItAlive() throws Exception {
        lab.open("replay");
        Path work = lab.work();
        Lab.Host h1 = lab.host("n1", "198.51.100.11");
        Lab.Host h2 = lab.host("n2", "198.51.100.12");
        Lab.Host attacker = lab.host("x", "198.51.100.13");
        String cf = haCf("bcast eth0\n", false, "n1", "n2");
        DaemonNode n1 = lab.node(h1).configure(cf, SECRET, "").start();
        DaemonNode n2 = lab.node(h2).configure(cf, SECRET, "").start();
        awaitUp(n1, "n2");

        Path pcap = work.resolve("n2.pcap");
        Process tcpdump = attacker.start(List.of("tcpdump", "-i", "eth0", "-U", "-n", "-c", "200", "-w",
                pcap.toString(), "udp and src host 198.51.100.12"), work.resolve("tcpdump.log"));
        await("packets of n2 captured").atMost(FORM).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(pcap) && PcapReplay.read(pcap,
                        java.net.InetAddress.getByName("198.51.100.12")).size() >= 20);
        tcpdump.destroy();
        tcpdump.waitFor();

        Instant t0 = Instant.now();
        n2.kill9();
        String classpath = Path.of(PcapReplay.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + ":" + Path.of(LinkUdp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process replay = attacker.start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, PcapReplay.class.getName(), pcap.toString(), "198.51.100.12", "40", "100"),
                work.resolve("replay.log"));
        long detection = awaitDead(n1, "n2", t0, "failed");
        report("kill -9 detection while replaying captured packets", detection);
        assertTrue(detection < DEAD_BOUND_MS, "replays must not keep the dead node alive");
        await("replayer finished").atMost(FORM).until(() -> !replay.isAlive());
        String replayLog = Files.readString(work.resolve("replay.log"));
        assertTrue(replayLog.contains(" sent "), replayLog);
        long replays = 0;
        for (JsonNode l : n1.status().path("links")) {
            for (JsonNode d : l.path("auth_drops")) {
                if (d.path("reason").asText().equals("replay")) {
                    replays += d.path("count").asLong();
                }
            }
        }
        System.out.println("MEASURED replayed datagrams: " + replayLog.trim() + "; refused by n1: " + replays);
        assertTrue(replays > 0, "replayed packets counted as drops");
        assertEquals("dead", n1.stateOf("n2"));
    }

    private static long badSignatures(JsonNode status, String peer) {
        long n = 0;
        for (JsonNode l : status.path("links")) {
            for (JsonNode d : l.path("auth_drops")) {
                if (d.path("peer").asText().equals(peer) && d.path("reason").asText().equals("bad_signature")) {
                    n += d.path("count").asLong();
                }
            }
        }
        return n;
    }

    private static List<String> members(JsonNode status) {
        List<String> out = new java.util.ArrayList<>();
        status.path("links").get(0).path("view_members").forEach(m -> out.add(m.asText()));
        return out;
    }

}
