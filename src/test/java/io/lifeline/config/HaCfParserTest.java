package io.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaCfParserTest {

    @TempDir
    Path dir;

    private final Diagnostics diag = new Diagnostics();

    private Optional<HaCf> parse(String content) {
        return HaCfParser.parse(ConfigFiles.write(dir, "ha.cf", content), diag);
    }

    private HaCf parseOk(String content) {
        Optional<HaCf> cf = parse(content);
        assertTrue(cf.isPresent(), () -> "unexpected errors: " + diag.problems());
        return cf.get();
    }

    private void assertError(int line, String fragment) {
        assertTrue(diag.errors().stream().anyMatch(p -> p.line() == line && p.message().contains(fragment)),
                () -> "expected error at line " + line + " containing '" + fragment + "', got " + diag.problems());
    }

    private void assertWarning(int line, String fragment) {
        assertTrue(diag.warnings().stream().anyMatch(p -> p.line() == line && p.message().contains(fragment)),
                () -> "expected warning at line " + line + " containing '" + fragment + "', got " + diag.problems());
    }

    @Test
    void appliesHeartbeatDefaults() {
        HaCf cf = parseOk("node a b\nbcast eth0\n");
        assertEquals(Duration.ofSeconds(1), cf.keepalive());
        assertEquals(Duration.ofSeconds(30), cf.deadtime());
        assertEquals(Duration.ofSeconds(15), cf.warntime());
        assertEquals(Duration.ofSeconds(30), cf.initdead());
        assertEquals(694, cf.udpport());
        assertEquals(AutoFailback.LEGACY, cf.autoFailback());
        assertEquals("linux-ha", cf.clusterName());
        assertTrue(cf.realtime());
        assertEquals(List.of("a", "b"), cf.nodes());
    }

    @Test
    void readsTimeUnitsAsHeartbeatDoes() {
        HaCf cf = parseOk("node a b\nbcast eth0\nkeepalive 50ms\ndeadtime 0.25\nwarntime 150ms\ninitdead 2s\n");
        assertEquals(Duration.ofMillis(50), cf.keepalive());
        assertEquals(Duration.ofMillis(250), cf.deadtime());
        assertEquals(Duration.ofMillis(150), cf.warntime());
        assertEquals(Duration.ofSeconds(2), cf.initdead());
    }

    @Test
    void derivesInitdeadFromDeadtimeLikeHeartbeat() {
        assertEquals(Duration.ofSeconds(12), parseOk("node a\nbcast eth0\ndeadtime 5\n").initdead());
        assertEquals(Duration.ofSeconds(16), parseOk("node a\nbcast eth0\ndeadtime 8\n").initdead());
        assertEquals(Duration.ofSeconds(60), parseOk("node a\nbcast eth0\ndeadtime 60\n").initdead());
    }

    @Test
    void rejectsDeadtimeNotAboveTwiceKeepalive() {
        assertTrue(parse("node a\nbcast eth0\nkeepalive 2\ndeadtime 4\n").isEmpty());
        assertError(4, "must be more than twice keepalive");
    }

    @Test
    void rejectsInitdeadBelowDeadtimeAndWarntimeNotBelowDeadtime() {
        assertTrue(parse("node a\nbcast eth0\ndeadtime 10\ninitdead 5\nwarntime 10\n").isEmpty());
        assertError(4, "initdead");
        assertError(5, "warntime");
    }

    @Test
    void udpportMustPrecedeTheMediaThatUseIt() {
        assertTrue(parse("node a\nbcast eth0\nudpport 700\n").isEmpty());
        assertError(3, "udpport must come before");
        Diagnostics d2 = new Diagnostics();
        HaCf cf = HaCfParser.parse(ConfigFiles.write(dir, "ha2.cf", "node a\nudpport 700\nbcast eth0 eth1\n"), d2)
                .orElseThrow();
        assertEquals(List.of(new Medium.Bcast("eth0", 700, 3), new Medium.Bcast("eth1", 700, 3)), cf.media());
    }

    @Test
    void parsesAllThreeMediaKinds() throws Exception {
        HaCf cf = parseOk("node a b\nmcast eth1 239.1.2.3 6940 1 0\nucast eth2 198.51.100.2\nbcast eth0\n");
        assertEquals(new Medium.Mcast("eth1", InetAddress.getByName("239.1.2.3"), 6940, 1, false, 2), cf.media().get(0));
        assertEquals(new Medium.Ucast("eth2", InetAddress.getByName("198.51.100.2"), 694, 3), cf.media().get(1));
        assertEquals("bcast:eth0", cf.media().get(2).linkName());
    }

    @Test
    void reportsMalformedMediaWithTheirLine() {
        assertTrue(parse("node a\nmcast eth0 198.51.100.1 694 1 0\nmcast eth0 239.0.0.1 694\n"
                + "ucast eth0 not-an-ip\nmcast eth0 239.0.0.1 99999 1 0\nucast eth0 999.1.1.1\n").isEmpty());
        assertError(2, "not a multicast address");
        assertError(3, "usage is 'mcast DEVICE GROUP PORT TTL LOOP'");
        assertError(4, "not an IPv4 address");
        assertError(5, "from 1 to 65535");
        assertError(6, "'999.1.1.1' is not an IPv4 address");
    }

    @Test
    void acceptsHeartbeatBooleans() {
        for (String t : List.of("on", "YES", "true", "y", "1")) {
            assertTrue(parseOk("node a\nbcast eth0\nrealtime off\nrealtime " + t + "\n").realtime(), t);
        }
        for (String f : List.of("off", "No", "false", "n", "0")) {
            assertFalse(parseOk("node a\nbcast eth0\nrealtime " + f + "\n").realtime(), f);
        }
        assertTrue(parse("node a\nbcast eth0\nrealtime maybe\n").isEmpty());
        assertError(3, "not a boolean");
    }

    @Test
    void readsFailbackPingAndLogging() throws Exception {
        HaCf cf = parseOk("node a b\nbcast eth0\nauto_failback off\nping 198.51.100.254\n"
                + "ping_group routers 198.51.100.1 198.51.100.2\nlogfile /var/log/ha-log\nlogfacility local0\n"
                + "debugfile /var/log/ha-debug\ncluster web-pair\n");
        assertEquals(AutoFailback.OFF, cf.autoFailback());
        assertEquals(2, cf.pingTargets().size());
        assertEquals(List.of(InetAddress.getByName("198.51.100.1"), InetAddress.getByName("198.51.100.2")),
                cf.pingTargets().get(1).addresses());
        assertEquals(Optional.of(Path.of("/var/log/ha-log")), cf.logfile());
        assertEquals(Optional.of("local0"), cf.logfacility());
        assertEquals("web-pair", cf.clusterName());
    }

    @Test
    void niceFailbackMapsToAutoFailbackWithAWarning() {
        assertEquals(AutoFailback.OFF, parseOk("node a\nbcast eth0\nnice_failback on\n").autoFailback());
        assertWarning(3, "obsolete");
    }

    @Test
    void unknownAndIgnoredDirectivesAreWarningsNotErrors() {
        HaCf cf = parseOk("node a\nbcast eth0\nfrobnicate 3\napiauth ipfail uid=hacluster\n"
                + "respawn hacluster /usr/lib/heartbeat/ipfail\nserial /dev/ttyS0\nmonitor nginx interval=5s\n");
        assertWarning(3, "unknown directive 'frobnicate'");
        assertWarning(4, "accepted but ignored");
        assertWarning(5, "ipfail is built into Lifeline");
        assertWarning(6, "serial media are not supported");
        assertEquals(List.of(new HaCf.Directive("monitor", List.of("nginx", "interval=5s"), 7)), cf.extensions());
    }

    @Test
    void requiresNodesAndMedia() {
        assertTrue(parse("keepalive 1\n").isEmpty());
        assertTrue(diag.errors().stream().anyMatch(p -> p.message().startsWith("no nodes")));
        assertTrue(diag.errors().stream().anyMatch(p -> p.message().startsWith("no heartbeat media")));
    }

    @Test
    void commentsMayFollowValues() {
        HaCf cf = parseOk("node a # primary\nbcast\teth1 eth2\t# Linux\n");
        assertEquals(2, cf.media().size());
    }

    @Test
    void errorsNameFileAndLine() {
        parse("node a\nbcast eth0\nkeepalive soon\n");
        String text = diag.errors().get(0).toString();
        assertEquals(dir.resolve("ha.cf") + ":3: error: keepalive: 'soon' is not a time"
                + " (seconds like 2 or 1.5, or milliseconds like 1500ms)", text);
    }

    @Test
    void unreadableFileIsAnErrorNotAnException() {
        assertTrue(HaCfParser.parse(dir.resolve("missing.cf"), diag).isEmpty());
        assertTrue(diag.errors().get(0).message().contains("no such file"));
    }

    @Test
    void binaryGarbageProducesErrorsNotExceptions() {
        byte[] junk = new byte[2048];
        new java.util.Random(7).nextBytes(junk);
        assertTrue(parse(new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1)).isEmpty());
        assertTrue(diag.hasErrors());
    }
}
