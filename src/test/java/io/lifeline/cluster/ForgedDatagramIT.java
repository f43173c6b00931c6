package io.lifeline.cluster;

import static io.lifeline.cluster.ClusterDaemonIT.SECRET;
import static io.lifeline.cluster.ClusterDaemonIT.awaitUp;
import static io.lifeline.cluster.ClusterDaemonIT.haCf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.lab.DaemonLab;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14 items 3 and 4 with real daemons (64 MiB heap): a host without the key sends datagrams
 * announcing ~2 GiB lengths, random bytes, truncated, bit-flipped and replayed captures of a
 * peer, also after the receiver restarted. The cluster must not notice (no membership change, no
 * stack trace, no OutOfMemoryError) and every datagram must be counted as a drop. On the code
 * that let JGroups decode datagrams before checking them this test fails: each daemon logged
 * about 900 OutOfMemoryErrors and the drops were never all counted.
 */
class ForgedDatagramIT {

    private static final String ATTACKER = "198.51.100.13";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("au", "it-cluster");

    @Test
    void forgedAndReplayedDatagramsAreCountedAndChangeNothing() throws Exception {
        lab.open("forged");
        Path work = lab.work();
        DaemonNode n1 = lab.node("n1", "198.51.100.11");
        DaemonNode n2 = lab.node("n2", "198.51.100.12");
        Lab.Host x = lab.host("x", ATTACKER);
        String cf = haCf("bcast eth0\n", false, "n1", "n2");
        n1.configure(cf, SECRET, "").start();
        n2.configure(cf, SECRET, "").start();
        awaitUp(n1, "n2");
        awaitUp(n2, "n1");
        Path pcap = capture(x, work);
        String n2Since = since(n1, "n2");
        String n1Since = since(n2, "n1");

        // n1 receives every datagram: half to its unicast port, half to the broadcast group port
        long sent = 0;
        for (String kind : List.of("huge", "random", "truncated", "bitflip", "replay")) {
            sent += forge(x, work, pcap, kind, 4_000, 2_000);
        }
        long total = sent;
        await("every forged datagram counted on n1").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> dropsFrom(n1.status(), ATTACKER).values().stream().mapToLong(Long::longValue).sum()
                        >= total);
        Map<String, Long> drops = dropsFrom(n1.status(), ATTACKER);
        System.out.println("MEASURED forged datagrams sent: " + sent + ", counted by n1: " + drops);
        assertEquals(sent, drops.values().stream().mapToLong(Long::longValue).sum(), drops::toString);
        assertTrue(drops.getOrDefault("not_signed", 0L) >= 8_000, "huge and random: " + drops);
        assertTrue(drops.getOrDefault("replay", 0L) >= 4_000, "replayed: " + drops);
        assertTrue(drops.getOrDefault("bad_signature", 0L) > 0 && drops.getOrDefault("truncated", 0L) > 0, "" + drops);
        assertEquals(n2Since, since(n1, "n2"), "n1 never lost n2");
        assertEquals(n1Since, since(n2, "n1"), "n2 never lost n1");

        assertCleanLogs(n1, n2);

        // the capture predates n1's new incarnation: none of it may be accepted after the restart
        n1.terminate();
        n1.start();
        awaitUp(n1, "n2");
        awaitUp(n2, "n1");
        long replayed = forge(x, work, pcap, "replay", 1_000, 1_000);
        await("every replay counted on the restarted n1").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> refusedAsOld(dropsFrom(n1.status(), ATTACKER)) >= replayed);
        Map<String, Long> after = dropsFrom(n1.status(), ATTACKER);
        System.out.println("MEASURED replayed after n1 restarted: " + replayed + ", counted: " + after);
        assertEquals(replayed, refusedAsOld(after), after::toString);
        assertEquals("up", n1.stateOf("n2"));
        assertCleanLogs(n1, n2);
    }

    private static void assertCleanLogs(DaemonNode... nodes) {
        for (DaemonNode n : nodes) {
            String log = n.logText();
            assertFalse(log.contains("OutOfMemoryError"), n.name + " ran out of memory");
            assertFalse(log.contains("\tat "), n.name + " logged a stack trace");
        }
    }

    private static long refusedAsOld(Map<String, Long> drops) {
        return drops.getOrDefault("replay", 0L) + drops.getOrDefault("unconfirmed", 0L)
                + drops.getOrDefault("old_incarnation", 0L);
    }

    /** Records at least 20 of n2's datagrams from the attacker's namespace. */
    private static Path capture(Lab.Host x, Path work) throws Exception {
        Path pcap = work.resolve("n2.pcap");
        Process tcpdump = x.start(List.of("tcpdump", "-i", "eth0", "-U", "-n", "-c", "100", "-w",
                pcap.toString(), "udp and src host 198.51.100.12"), work.resolve("tcpdump.log"));
        await("datagrams of n2 captured").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(pcap)
                        && PcapReplay.read(pcap, InetAddress.getByName("198.51.100.12")).size() >= 20);
        tcpdump.destroy();
        tcpdump.waitFor();
        return pcap;
    }

    /** Runs {@link ForgedDatagrams} in the attacker's namespace; returns how many it sent. */
    private static long forge(Lab.Host x, Path work, Path pcap, String kind, int count, int perSecond)
            throws Exception {
        String classpath = Path.of(ForgedDatagrams.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + ":" + Path.of(LinkUdp.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + ":" + Path.of(org.jgroups.Version.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path log = work.resolve("forge-" + kind + "-" + System.nanoTime() + ".log");
        Process p = x.start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, ForgedDatagrams.class.getName(), kind, Integer.toString(count),
                Integer.toString(perSecond), pcap.toString(), "198.51.100.12",
                "198.51.100.11:695", "198.51.100.255:694"), log);
        await("forger " + kind + " finished").atMost(WAIT).until(() -> !p.isAlive());
        String out = Files.readString(log);
        assertTrue(out.contains(" sent " + count + " "), out);
        return count;
    }

    private static String since(DaemonNode observer, String node) throws Exception {
        return DaemonNode.nodeEntry(observer.status(), node).path("since").asText();
    }

    /** Drop counts by reason for datagrams from {@code peer}, over all links. */
    private static Map<String, Long> dropsFrom(JsonNode status, String peer) {
        Map<String, Long> out = new TreeMap<>();
        for (JsonNode l : status.path("links")) {
            for (JsonNode d : l.path("auth_drops")) {
                if (d.path("peer").asText().equals(peer)) {
                    out.merge(d.path("reason").asText(), d.path("count").asLong(), Long::sum);
                }
            }
        }
        return out;
    }
}
