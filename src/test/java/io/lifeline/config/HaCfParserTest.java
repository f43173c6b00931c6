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

    @Test
    void lifelineDurationsAcceptMinutesAndHours() {
        assertEquals(Optional.of(Duration.ofMinutes(10)), HeartbeatValues.duration("10min"));
        assertEquals(Optional.of(Duration.ofMinutes(5)), HeartbeatValues.duration("5m"));
        assertEquals(Optional.of(Duration.ofHours(1)), HeartbeatValues.duration("1h"));
        assertEquals(Optional.of(Duration.ofMillis(1500)), HeartbeatValues.duration("1.5"));
        assertEquals(Optional.of(Duration.ofNanos(250_000)), HeartbeatValues.duration("250us"));
        assertTrue(HeartbeatValues.duration("-1").isEmpty());
        assertTrue(HeartbeatValues.duration("5 min").isEmpty());
    }

    // --- respawn and env ---

    private Path executable(String name) throws java.io.IOException {
        Path p = java.nio.file.Files.writeString(dir.resolve(name), "#!/bin/sh\nexit 0\n");
        java.nio.file.Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void respawnKeepsUserProgramArgumentsAndTheCommandAsWritten() throws Exception {
        Path prog = executable("watcher");
        HaCf cf = parseOk("node a\nbcast eth0\nrespawn root   " + prog + "  --name 'two words'  -v  # comment\n");
        assertEquals(1, cf.respawns().size());
        HaCf.Respawn r = cf.respawns().get(0);
        assertEquals("root", r.user());
        assertEquals(prog.toString(), r.program());
        assertEquals(List.of(prog.toString(), "--name", "'two", "words'", "-v"), r.command());
        assertEquals(prog + "  --name 'two words'  -v", r.commandLine());
        assertEquals(3, r.line());
        assertTrue(diag.problems().isEmpty(), () -> "unexpected problems: " + diag.problems());
    }

    @Test
    void respawnOfIpfailIsIgnoredWithAWarningEvenForAnUnknownUser() {
        HaCf cf = parseOk("node a\nbcast eth0\nrespawn ll-no-such-user /usr/lib/heartbeat/ipfail\n");
        assertTrue(cf.respawns().isEmpty());
        assertWarning(3, "ipfail is built into Lifeline");
        assertTrue(diag.errors().isEmpty());
    }

    @Test
    void respawnNeedsAnExistingUserAndAnExecutableAbsolutePath() throws Exception {
        Path prog = executable("ok");
        Path plain = ConfigFiles.write(dir, "plain", "not a program\n");
        parse("node a\nbcast eth0\n"
                + "respawn ll-no-such-user " + prog + "\n"
                + "respawn root bin/relative\n"
                + "respawn root " + dir.resolve("missing") + "\n"
                + "respawn root " + plain + "\n"
                + "respawn root " + dir + "\n"
                + "respawn root\n");
        assertError(3, "no such user 'll-no-such-user'");
        assertError(4, "'bin/relative' must be an absolute path");
        assertError(5, dir.resolve("missing") + " does not exist");
        assertError(6, plain + " is not an executable file");
        assertError(7, dir + " is not an executable file");
        assertError(8, "usage is 'respawn USER /path/to/program [ARGS...]'");
    }

    @Test
    void respawnIsNoLongerReportedAsUnsupported() throws Exception {
        Path prog = executable("p");
        parseOk("node a\nbcast eth0\nrespawn root " + prog + "\nenv A=1\n");
        assertTrue(diag.warnings().isEmpty(), () -> "unexpected warnings: " + diag.warnings());
    }

    @Test
    void envSetsTheRespawnEnvironmentInFileOrderSeveralPerLineAsHeartbeatAllows() {
        HaCf cf = parseOk("node a\nbcast eth0\nenv ZED=last B_2=x=y\nenv EMPTY=\nenv ZED=again\n");
        assertEquals(List.of("ZED", "B_2", "EMPTY"), List.copyOf(cf.respawnEnvironment().keySet()));
        assertEquals("again", cf.respawnEnvironment().get("ZED"));
        assertEquals("x=y", cf.respawnEnvironment().get("B_2"));
        assertEquals("", cf.respawnEnvironment().get("EMPTY"));
        assertWarning(5, "ZED is set again (first at line 3)");
    }

    @Test
    void badEnvLinesAreErrorsWithTheirLine() {
        parse("node a\nbcast eth0\nenv NOVALUE\nenv 1ABC=x\nenv A-B=x\nenv =x\nenv\n");
        assertError(3, "'NOVALUE' is not NAME=value");
        assertError(4, "'1ABC' is not a valid variable name");
        assertError(5, "'A-B' is not a valid variable name");
        assertError(6, "'' is not a valid variable name");
        assertError(7, "usage is 'env NAME=value [NAME=value...]'");
    }

    @Test
    void httpListenIsOffByDefaultAndTakesAnAddressAndPort() {
        assertTrue(parseOk("node a\nbcast eth0\n").httpListen().isEmpty(), "no listener unless asked for");
        HaCf cf = parseOk("node a\nbcast eth0\nhttp_listen 127.0.0.1:9694\n");
        assertEquals(Optional.of(new java.net.InetSocketAddress("127.0.0.1", 9694)), cf.httpListen());
        assertTrue(diag.warnings().isEmpty(), () -> "loopback needs no warning: " + diag.warnings());
        assertEquals(9694, parseOk("node a\nbcast eth0\nhttp_listen localhost:9694\n").httpListen().get().getPort());
        assertTrue(parseOk("node a\nbcast eth0\nhttp_listen [::1]:80\n").httpListen().get().getAddress()
                instanceof java.net.Inet6Address);
    }

    @Test
    void httpListenOnANonLoopbackAddressWarnsThatMetricsAreUnauthenticated() {
        parseOk("node a\nbcast eth0\nhttp_listen 198.51.100.11:9694\n");
        assertWarning(3, "no authentication");
    }

    @Test
    void badHttpListenValuesAreErrorsWithTheirLine() {
        parse("node a\nbcast eth0\nhttp_listen 9694\nhttp_listen 127.0.0.1:0\nhttp_listen 127.0.0.1:x\n"
                + "http_listen metrics.example.com:9694\nhttp_listen [fe80::zz]:1\nhttp_listen\n"
                + "http_listen 127.0.0.1:1 2\nhttp_listen 999.0.0.1:80\n");
        assertError(3, "'9694' is not ADDRESS:PORT");
        assertError(4, "http_listen port must be a number from 1 to 65535, not '0'");
        assertError(5, "not 'x'");
        assertError(6, "'metrics.example.com:9694' is not ADDRESS:PORT");
        assertError(7, "'[fe80::zz]:1' is not ADDRESS:PORT");
        assertError(8, "usage is 'http_listen ADDRESS:PORT");
        assertError(9, "too many values");
        assertError(10, "'999.0.0.1:80' is not ADDRESS:PORT");
    }

    /** A hook script that is not there (yet) is a warning at its line; the manager only checks the syntax. */
    @Test
    void missingNotifyOrFenceHookScriptIsOnlyAWarning() {
        parseOk("node a b\nbcast eth0\nnotify /nonexistent/lifeline-hook.sh timeout=5s\nfence_hook /nonexistent/fence.sh\n"
                + "notify /bin/true\nnotify relative.sh\n");
        assertEquals(List.of(dir.resolve("ha.cf") + ":3: warning: notify: /nonexistent/lifeline-hook.sh does not exist or is not executable (yet)",
                dir.resolve("ha.cf") + ":4: warning: fence_hook: /nonexistent/fence.sh does not exist or is not executable (yet)"),
                diag.problems().stream().map(ConfigProblem::toString).toList());
    }
}
