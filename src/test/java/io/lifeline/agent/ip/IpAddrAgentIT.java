package io.lifeline.agent.ip;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.lab.Lab;
import io.lifeline.lab.UnprivilegedHactl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual-IP agent for real, through {@code hactl vip} from the shaded jar, in a lab of
 * network namespaces: nodes a and b, client c, all on one bridge.
 */
class IpAddrAgentIT {
    private static final Logger log = LoggerFactory.getLogger(IpAddrAgentIT.class);
    private static final String VIP = "198.51.100.100";
    private static final String VIP6 = "2001:db8::100";
    private static final Pattern ELAPSED = Pattern.compile("\\((\\d+) ms\\)");

    @TempDir
    Path tmp;

    private Lab lab;
    private Lab.Host a;
    private Lab.Host b;
    private Lab.Host c;

    @BeforeEach
    void buildLab() {
        lab = Lab.create("v");
        lab.addBridge("br0");
        a = node("a", 1);
        b = node("b", 2);
        c = node("c", 3);
    }

    private Lab.Host node(String name, int n) {
        Lab.Host h = lab.addHost(name).connect("br0", "eth0", "198.51.100." + n + "/24");
        h.sh("ip -6 addr add 2001:db8::" + n + "/64 dev eth0 nodad");
        return h;
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String jar() {
        String jar = System.getProperty("lifeline.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)),
                "system property lifeline.jar must name the shaded jar (run through mvn verify): " + jar);
        return jar;
    }

    private static String hactl() {
        return System.getProperty("java.home") + "/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar " + jar();
    }

    private static Lab.Shell.Result vip(Lab.Host h, String args) {
        Lab.Shell.Result r = h.shResult(hactl() + " vip " + args + " 2>&1");
        log.info("[{}] hactl vip {} -> exit {}: {}", h.name(), args, r.exitCode(), r.output().trim());
        return r;
    }

    private static String mac(Lab.Host h) {
        return h.sh("cat /sys/class/net/eth0/address").trim();
    }

    /** The client's neighbour entry for {@code ip} as "MAC STATE", or "" when it has none. */
    private static String neighbour(Lab.Host h, String ip) {
        String out = h.sh("ip neigh show " + ip + " dev eth0").trim();
        Matcher m = Pattern.compile("lladdr (\\S+) .*?(\\S+)$").matcher(out);
        return m.find() ? m.group(1) + " " + m.group(2) : "";
    }

    private static String greeting(Lab.Host client, String ip) {
        return client.shResult("timeout 5 bash -c 'exec 3<>/dev/tcp/" + ip + "/8080 && head -1 <&3'").output().trim();
    }

    private void startGreeter(Lab.Host h) throws Exception {
        List<String> cmd = List.of(System.getProperty("java.home") + "/bin/java", "-cp",
                System.getProperty("java.class.path"), "io.lifeline.lab.TcpGreeter", "8080", h.name(), "120");
        lab.hosts(); // keep the lab referenced: it ends the process on close
        h.start(cmd, tmp.resolve("greeter-" + h.name() + ".log"));
    }

    private static long elapsedMs(Lab.Shell.Result r) {
        Matcher m = ELAPSED.matcher(r.output());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Starts tcpdump in {@code h} and waits until it is capturing. */
    private Path tcpdump(Lab.Host h, String filter) throws Exception {
        Path out = tmp.resolve("tcpdump-" + h.name() + ".txt");
        h.start(List.of("timeout", "120", "tcpdump", "-l", "-n", "-e", "-tt", "-i", "eth0", filter), out);
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).contains("listening on"));
        return out;
    }

    private static List<String> lines(Path file, String... mustContain) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            boolean all = true;
            for (String s : mustContain) {
                all &= line.contains(s);
            }
            if (all) {
                out.add(line);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void clientReachesAServiceBehindTheVipAndMonitorFollowsItsState() throws Exception {
        startGreeter(a);
        Lab.Shell.Result start = vip(a, "add IPaddr2::" + VIP + "/24/eth0::arp_count=2");
        assertEquals(0, start.exitCode(), start.output());
        assertTrue(a.sh("ip -4 addr show dev eth0").contains("inet " + VIP + "/24 brd 198.51.100.255"));

        assertEquals(0, c.shResult("ping -c 1 -W 2 " + VIP).exitCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> greeting(c, VIP).equals("hello from a"));
        assertEquals(0, vip(a, "status " + VIP + "/24/eth0").exitCode());

        Lab.Shell.Result again = vip(a, "add IPaddr2::" + VIP + "/24/eth0::arp_count=1");
        assertEquals(0, again.exitCode(), "start on a running VIP must succeed");
        assertTrue(again.output().contains("already present; re-announced"), again.output());

        a.linkDown("eth0");
        Lab.Shell.Result down = vip(a, "status " + VIP + "/24/eth0");
        assertEquals(1, down.exitCode(), "link down is a failure, not 'not running'");
        assertTrue(down.output().contains("link eth0 is down (administratively down)"), down.output());
        a.linkUp("eth0");
        await().atMost(Duration.ofSeconds(20)).until(() -> vip(a, "status " + VIP + "/24/eth0").exitCode() == 0);

        assertEquals(0, vip(a, "del " + VIP + "/24/eth0").exitCode());
        assertFalse(a.sh("ip -4 addr show dev eth0").contains(VIP));
        Lab.Shell.Result stopped = vip(a, "status " + VIP + "/24/eth0");
        assertEquals(7, stopped.exitCode(), stopped.output());
        assertEquals(0, vip(a, "del " + VIP + "/24/eth0").exitCode(), "stop on a stopped VIP must succeed");
        assertNotEquals(0, c.shResult("ping -c 1 -W 1 " + VIP).exitCode());
    }

    @Test
    void interfaceAndPrefixComeFromTheConnectedRouteWhenNotGiven() {
        Lab.Shell.Result start = vip(a, "add " + VIP + "::iflabel=vip");
        assertEquals(0, start.exitCode(), start.output());
        String addr = a.sh("ip -4 addr show dev eth0");
        assertTrue(addr.contains("inet " + VIP + "/24 brd 198.51.100.255 scope global secondary eth0:vip"), addr);

        Lab.Shell.Result noRoute = vip(a, "add 203.0.113.10");
        assertEquals(6, noRoute.exitCode());
        assertTrue(noRoute.output().contains("no interface has a connected route covering 203.0.113.10"),
                noRoute.output());
        Lab.Shell.Result noIface = vip(a, "add 198.51.100.101/24/eth7");
        assertEquals(6, noIface.exitCode());
        assertTrue(noIface.output().contains("interface eth7 does not exist"), noIface.output());
    }

    @Test
    void failoverRedirectsTheClientsNeighbourEntryWithoutWaitingForExpiry() throws Exception {
        // without an announcement the client would keep a's MAC for 30 to 90 minutes
        c.sh("sysctl -qw net.ipv4.neigh.eth0.base_reachable_time_ms=3600000");
        startGreeter(a);
        startGreeter(b);
        String macA = mac(a);
        String macB = mac(b);
        assertEquals(0, vip(a, "add " + VIP + "/24/eth0").exitCode());
        assertEquals(0, c.shResult("ping -c 2 -i 0.2 -W 2 " + VIP).exitCode());
        assertEquals(macA + " REACHABLE", neighbour(c, VIP));
        assertEquals("hello from a", greeting(c, VIP));

        Failover f = failover(VIP, VIP + "/24/eth0", "arp", "tell 0.0.0.0", "tell " + VIP, macB);
        log.info("FAILOVER-IPv4 {}", f);
        assertTrue(f.neighbourUpdated >= f.firstAnnouncement, "the entry changed because of b's announcement: " + f);

        assertEquals("hello from b", greeting(c, VIP));
        assertEquals(0, c.shResult("ping -c 1 -W 2 " + VIP).exitCode());
    }

    /** Kernel-side timestamps (seconds since the epoch) of one failover, seen from the client. */
    record Failover(long agentStartMs, double firstProbe, double firstAnnouncement, double neighbourUpdated,
                    long launchToPolledMs) {
        @Override
        public String toString() {
            return String.format("agent start on b %d ms (duplicate probe %d ms of it); on the client's wire: "
                    + "first probe -> neighbour entry updated %.1f ms, first announcement -> updated %.1f ms; "
                    + "hactl launched (JVM start included) -> update seen by polling %d ms",
                    agentStartMs, VipOptions.DEFAULTS.probeTime().toMillis(), (neighbourUpdated - firstProbe) * 1000,
                    (neighbourUpdated - firstAnnouncement) * 1000, launchToPolledMs);
        }
    }

    /**
     * Deletes {@code vip} on a, adds it on b, and waits (polling concurrently with b's start)
     * until the client's neighbour entry names b's MAC. Timestamps come from tcpdump and
     * {@code ip -ts monitor neigh} in the client.
     */
    private Failover failover(String vip, String spec, String filter, String probeText, String announceText,
                              String macB) throws Exception {
        Path monitor = tmp.resolve("neigh-monitor.txt");
        c.start(List.of("timeout", "120", "stdbuf", "-oL", "ip", "-ts", "monitor", "neigh"), monitor);
        Path capture = tcpdump(c, filter);
        assertEquals(0, vip(a, "del " + spec).exitCode());

        long launched = System.nanoTime();
        CompletableFuture<Lab.Shell.Result> start = CompletableFuture.supplyAsync(() -> vip(b, "add " + spec));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .until(() -> neighbour(c, vip).startsWith(macB + " "));
        long polled = System.nanoTime();
        Lab.Shell.Result r = start.get(30, TimeUnit.SECONDS);
        assertEquals(0, r.exitCode(), r.output());

        await().atMost(Duration.ofSeconds(10)).until(() -> !lines(monitor, vip + " ", "lladdr " + macB).isEmpty());
        double updated = monitorTime(lines(monitor, vip + " ", "lladdr " + macB).get(0));
        List<String> probes = lines(capture, macB + " > ", probeText);
        List<String> announcements = lines(capture, macB + " > ", announceText);
        assertFalse(probes.isEmpty(), "b's duplicate-address probe on the wire");
        assertFalse(announcements.isEmpty(), "b's announcement on the wire");
        return new Failover(elapsedMs(r), tcpdumpTime(probes.get(0)), tcpdumpTime(announcements.get(0)), updated,
                (polled - launched) / 1_000_000);
    }

    private static double tcpdumpTime(String line) {
        return Double.parseDouble(line.substring(0, line.indexOf(' ')));
    }

    /** {@code [2026-11-21T19:06:31.352330] 198.51.100.9 dev ...} in local time. */
    private static double monitorTime(String line) {
        Instant t = LocalDateTime.parse(line.substring(1, line.indexOf(']'))).atZone(ZoneId.systemDefault())
                .toInstant();
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    @Test
    void tcpdumpInTheClientSeesWellFormedArpOfTheConfiguredModeAndCount() throws Exception {
        String macA = mac(a);
        Path capture = tcpdump(c, "arp");
        String from = macA + " > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: ";
        String request = from + "Request who-has " + VIP + " tell " + VIP + ", length 28";
        String reply = from + "Reply " + VIP + " is-at " + macA + ", length 28";
        String probe = from + "Request who-has " + VIP + " tell 0.0.0.0, length 28";

        assertEquals(0, vip(a, "add " + VIP + "/24/eth0 arp_mode=request arp_count=3 arp_interval=100ms").exitCode());
        await().atMost(Duration.ofSeconds(20)).until(() -> lines(capture, request).size() >= 3);
        assertEquals(VipOptions.DEFAULTS.dadCount(), lines(capture, probe).size(),
                "the default number of duplicate-address probes before adding");
        assertEquals(3, lines(capture, request).size());
        assertEquals(0, lines(capture, reply).size());
        assertEquals(0, vip(a, "del " + VIP + "/24/eth0").exitCode());

        assertEquals(0, vip(a, "add " + VIP + "/24/eth0 arp_mode=reply arp_count=2 dad_probe=off").exitCode());
        await().atMost(Duration.ofSeconds(20)).until(() -> lines(capture, reply).size() >= 2);
        assertEquals(VipOptions.DEFAULTS.dadCount(), lines(capture, probe).size(), "no more probes with dad_probe=off");
        assertEquals(3, lines(capture, request).size());
        assertEquals(2, lines(capture, reply).size());
        assertEquals(0, vip(a, "del " + VIP + "/24/eth0").exitCode());

        assertEquals(0, vip(a, "add " + VIP + "/24/eth0 arp_mode=both arp_count=4 dad_probe=off").exitCode());
        await().atMost(Duration.ofSeconds(20)).until(() -> lines(capture, reply).size() >= 6);
        assertEquals(7, lines(capture, request).size());
        assertEquals(6, lines(capture, reply).size());
        assertEquals(0, vip(a, "del " + VIP + "/24/eth0").exitCode());
    }

    @Test
    void startRefusesWhenAnotherHostOwnsTheAddressAndNamesItsMac() {
        b.sh("ip addr add " + VIP + "/24 dev eth0");
        Lab.Shell.Result r = vip(a, "add " + VIP + "/24/eth0");
        assertEquals(1, r.exitCode());
        assertTrue(r.output().contains(VIP + " is already in use on eth0 by " + mac(b)), r.output());
        assertFalse(a.sh("ip -4 addr show dev eth0").contains(VIP), "nothing added after a failed probe");

        b.sh("ip -6 addr add " + VIP6 + "/64 dev eth0 nodad");
        Lab.Shell.Result r6 = vip(a, "add IPv6addr::" + VIP6 + "/64/eth0");
        assertEquals(1, r6.exitCode());
        assertTrue(r6.output().contains(VIP6 + " is already in use on eth0 by " + mac(b)), r6.output());
    }

    @Test
    void withoutPrivilegesStartFailsWithTheClearPrivilegeError() {
        // a world-readable copy of the jar: the checkout may be under /root, which uid 65534 cannot read
        try (UnprivilegedHactl nobody = new UnprivilegedHactl()) {
            withoutPrivileges(nobody.command());
        }
    }

    private void withoutPrivileges(String hactl) {
        Lab.Shell.Result probe = a.shResult(hactl + " vip add " + VIP + "/24/eth0 2>&1");
        log.info("unprivileged add: {}", probe.output().trim());
        assertEquals(4, probe.exitCode());
        assertTrue(probe.output().contains("insufficient privilege: cannot probe for " + VIP + " on eth0: need root "
                + "or CAP_NET_ADMIN (+CAP_NET_RAW for ARP)"), probe.output());

        Lab.Shell.Result add = a.shResult(hactl + " vip add " + VIP + "/24/eth0 dad_probe=off 2>&1");
        assertEquals(4, add.exitCode());
        assertTrue(add.output().contains("insufficient privilege: cannot add " + VIP + "/24 on eth0: need root or "
                + "CAP_NET_ADMIN (+CAP_NET_RAW for ARP); the kernel said operation not permitted (EPERM)"),
                add.output());

        // listing needs no privilege
        Lab.Shell.Result list = a.shResult(hactl + " vip list 2>&1");
        assertEquals(0, list.exitCode(), list.output());
        assertTrue(list.output().contains("198.51.100.1/24"), list.output());
    }

    @Test
    void ipv6VipFailsOverAndTheAdvertisementUpdatesTheClient() throws Exception {
        c.sh("sysctl -qw net.ipv6.neigh.eth0.base_reachable_time_ms=3600000");
        String macA = mac(a);
        String macB = mac(b);
        Lab.Shell.Result startA = vip(a, "add IPv6addr::" + VIP6 + "/64/eth0");
        assertEquals(0, startA.exitCode(), startA.output());
        assertTrue(a.sh("ip -6 addr show dev eth0").contains(VIP6 + "/64 scope global nodad"));
        assertEquals(0, c.shResult("ping -6 -c 2 -i 0.2 -W 2 " + VIP6).exitCode());
        assertTrue(neighbour(c, VIP6).startsWith(macA + " "), neighbour(c, VIP6));
        Failover f = failover(VIP6, "IPv6addr::" + VIP6 + "/64/eth0", "icmp6",
                "neighbor solicitation, who has " + VIP6, "neighbor advertisement, tgt is " + VIP6, macB);
        log.info("FAILOVER-IPv6 {}", f);
        assertTrue(f.neighbourUpdated >= f.firstAnnouncement, "the entry changed because of b's advertisement: " + f);
        Path capture = tmp.resolve("tcpdump-c.txt");
        assertEquals(0, c.shResult("ping -6 -c 1 -W 2 " + VIP6).exitCode());
        String[] na = {macB + " > 33:33:00:00:00:01", VIP6 + " > ff02::1", "neighbor advertisement",
            "tgt is " + VIP6};
        await().atMost(Duration.ofSeconds(10)).until(() -> lines(capture, na).size() >= 5);
        assertEquals(5, lines(capture, na).size(), "default burst of 5 advertisements");
        List<String> dad = lines(capture, macB + " > 33:33:ff:00:01:00", ":: > ff02::1:ff00:100",
                "neighbor solicitation, who has " + VIP6);
        assertEquals(VipOptions.DEFAULTS.dadCount(), dad.size(), "the default number of duplicate-address solicitations");
    }
}
