package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.HaCf;
import io.lifeline.config.Haresources;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManagerDirectivesTest {

    static final Path HA_CF = Path.of("/etc/ha.d/ha.cf");
    static final Haresources HARESOURCES = new Haresources(Path.of("/etc/ha.d/haresources"), List.of(
            new ResourceGroup("node1", List.of(
                    new ResourceSpec("IPaddr", List.of("198.51.100.10/24/eth0"), "IPaddr::198.51.100.10/24/eth0", 1),
                    new ResourceSpec("nginx", List.of(), "nginx", 1)), 1)));

    private final Diagnostics diag = new Diagnostics();

    /** Each string is one ha.cf line; line numbers count from 1. */
    ManagerSettings parse(String... lines) {
        List<HaCf.Directive> ds = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String[] w = lines[i].trim().split("\\s+");
            ds.add(new HaCf.Directive(w[0], Arrays.asList(w).subList(1, w.length), i + 1));
        }
        return ManagerDirectives.parse(HA_CF, ds, HARESOURCES, diag);
    }

    /** As {@link #parse}, for an ha.cf whose nodes are node1 .. node4. */
    ManagerSettings parseWithFourNodes(String... lines) {
        List<HaCf.Directive> ds = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String[] w = lines[i].trim().split("\\s+");
            ds.add(new HaCf.Directive(w[0], Arrays.asList(w).subList(1, w.length), i + 1));
        }
        return ManagerDirectives.parse(HA_CF, List.of("node1", "node2", "node3", "node4"), ds, HARESOURCES, diag);
    }

    @Test
    void autoTieBreakerDefaultsToTheLowestNode() {
        assertEquals(TieBreaker.NONE, parseWithFourNodes("keepalive 1").tieBreaker());
        assertEquals(new TieBreaker.Position(true), parseWithFourNodes("auto_tie_breaker on").tieBreaker());
        assertEquals(new TieBreaker.Position(false),
                parseWithFourNodes("auto_tie_breaker yes", "auto_tie_breaker_node highest").tieBreaker());
        assertEquals(new TieBreaker.Named("node3"),
                parseWithFourNodes("auto_tie_breaker_node NODE3", "auto_tie_breaker on").tieBreaker());
        assertEquals(TieBreaker.NONE, parseWithFourNodes("auto_tie_breaker off").tieBreaker());
        assertEquals(List.of(), problems());
    }

    @Test
    void autoTieBreakerMistakesNameTheLine() {
        ManagerSettings s = parseWithFourNodes("auto_tie_breaker maybe", "auto_tie_breaker_node node9");
        assertEquals(TieBreaker.NONE, s.tieBreaker());
        assertEquals(List.of(
                "/etc/ha.d/ha.cf:1: error: auto_tie_breaker must be on or off, not 'maybe'",
                "/etc/ha.d/ha.cf:2: error: auto_tie_breaker_node must be lowest, highest or a node of /etc/ha.d/ha.cf"
                        + " (node1, node2, node3, node4), not 'node9'"), problems());
    }

    @Test
    void theQuorumLeaseIsOnUnlessTurnedOff() {
        assertTrue(parseWithFourNodes("keepalive 1").quorumLease());
        assertFalse(parseWithFourNodes("quorum_lease off").quorumLease());
        assertTrue(parseWithFourNodes("quorum_lease yes").quorumLease());
        assertEquals(List.of(), problems());
        assertTrue(parseWithFourNodes("quorum_lease sometimes").quorumLease());
        assertEquals(List.of("/etc/ha.d/ha.cf:1: error: quorum_lease must be on or off, not 'sometimes'"), problems());
    }

    @Test
    void anArbiterIsAnHaCfNodeSpelledAsInHaCf() {
        assertEquals(java.util.Set.of("node3"), parseWithFourNodes("arbiter NODE3").arbiters());
        assertEquals(List.of(), problems());
    }

    @Test
    void arbiterMistakesNameTheLine() {
        ManagerSettings s = parseWithFourNodes("arbiter witness node1");
        assertEquals(java.util.Set.of("node1"), s.arbiters());
        assertEquals(List.of(
                "/etc/ha.d/ha.cf:1: error: arbiter: witness is not a node of /etc/ha.d/ha.cf (node1, node2, node3,"
                        + " node4); an arbiter needs its own node line",
                "/etc/ha.d/haresources:1: error: the home node of this group, node1, is an arbiter"
                        + " (/etc/ha.d/ha.cf:1): an arbiter runs no group; name another node first"), problems());
    }

    @Test
    void aTieBreakerNodeWithoutTheSwitchIsOnlyAWarning() {
        assertEquals(TieBreaker.NONE, parseWithFourNodes("auto_tie_breaker_node node2").tieBreaker());
        assertEquals(List.of("/etc/ha.d/ha.cf:1: warning: auto_tie_breaker_node has no effect without"
                + " auto_tie_breaker on"), problems());
    }

    @Test
    void theDaemonsStallDefaultNeverReplacesAConfiguredThreshold() {
        assertEquals(Optional.of(Duration.ofMillis(300)),
                parse("keepalive 1").withDefaultStallThreshold(Duration.ofMillis(300)).stallThreshold());
        assertEquals(Optional.of(Duration.ofMillis(1500)),
                parse("stall_threshold 1500ms").withDefaultStallThreshold(Duration.ofMillis(300)).stallThreshold());
    }

    List<String> problems() {
        return diag.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void plainHeartbeatConfigGetsTheDefaults() {
        ManagerSettings s = parse("keepalive 2", "deadtime 30", "auto_failback on");
        assertEquals(ManagerSettings.defaults(), s);
        assertEquals(List.of(), problems(), "other subsystems' directives are not ours to judge");
    }

    @Test
    void monitorDirectiveOverridesTheDefaultsForOneResource() {
        ManagerSettings s = parse(
                "monitor nginx interval=5s timeout=10s threshold=2 window=30min on_fail=move",
                "resource_defaults interval=20 start_timeout=90s");
        assertEquals(List.of(), problems());
        ResourcePolicy nginx = s.policyFor("nginx");
        assertEquals(Duration.ofSeconds(5), nginx.monitorInterval());
        assertEquals(Duration.ofSeconds(10), nginx.monitorTimeout());
        assertEquals(2, nginx.threshold());
        assertEquals(Duration.ofMinutes(30), nginx.window());
        assertEquals(OnFail.MOVE, nginx.onFail());
        assertEquals(Duration.ofSeconds(90), nginx.startTimeout(), "inherits resource_defaults, even from a later line");
        ResourcePolicy ip = s.policyFor("IPaddr::198.51.100.10/24/eth0");
        assertEquals(Duration.ofSeconds(20), ip.monitorInterval(), "a bare number is seconds, as in Heartbeat");
        assertEquals(3, ip.threshold());
    }

    @Test
    void monitorIntervalZeroDisablesMonitoring() {
        assertFalse(parse("monitor nginx interval=0").policyFor("nginx").monitored());
    }

    @Test
    void clusterWideSettingsAreRead() {
        ManagerSettings s = parse("no_quorum_policy ignore", "failback_delay 2min", "notify /bin/true timeout=5s",
                "notify /bin/echo", "fence_hook /bin/false", "stall_threshold 1500ms", "event_log_size 500");
        assertEquals(List.of(), problems());
        assertEquals(NoQuorumPolicy.IGNORE, s.noQuorumPolicy());
        assertEquals(Duration.ofMinutes(2), s.failbackDelay());
        assertEquals(2, s.notifyHooks().size());
        assertEquals(Path.of("/bin/true"), s.notifyHooks().get(0).script());
        assertEquals(Duration.ofSeconds(5), s.notifyHooks().get(0).timeout());
        assertEquals(Duration.ofSeconds(30), s.notifyHooks().get(1).timeout());
        assertEquals(Path.of("/bin/false"), s.fenceHook().orElseThrow());
        assertEquals(Duration.ofMillis(1500), s.stallThreshold().orElseThrow());
        assertEquals(500, s.eventLogSize());
    }

    @Test
    void mistakesAreReportedWithFileAndLine() {
        parse("monitor ngnix interval=5s",
                "monitor nginx intervall=5s",
                "monitor nginx interval=5 parsecs",
                "resource_defaults threshold=0 window=forever on_fail=panic",
                "no_quorum_policy freeze",
                "stall_threshold -3",
                "notify relative/script.sh",
                "notify /bin/true after=5s",
                "monitor",
                "event_log_size 3",
                "failback_delay 1", "failback_delay 2");
        assertEquals(List.of(
                "/etc/ha.d/ha.cf:4: error: threshold must be a whole number from 1 to 1000000, not '0'",
                "/etc/ha.d/ha.cf:4: error: window: 'forever' is not a duration (e.g. 10, 1500ms, 10s, 5min, 1h)",
                "/etc/ha.d/ha.cf:4: error: on_fail must be restart, move or block, not 'panic'",
                "/etc/ha.d/ha.cf:1: error: monitor: no resource 'ngnix' in /etc/ha.d/haresources (use the word exactly as written there)",
                "/etc/ha.d/ha.cf:2: error: monitor: unknown setting 'intervall' (expected one of interval, timeout, start_timeout, stop_timeout, threshold, window, on_fail)",
                "/etc/ha.d/ha.cf:3: error: monitor nginx given twice (first at line 2)",
                "/etc/ha.d/ha.cf:5: error: no_quorum_policy must be stop or ignore, not 'freeze'",
                "/etc/ha.d/ha.cf:6: error: stall_threshold: '-3' is not a duration (e.g. 10, 1500ms, 10s, 5min, 1h)",
                "/etc/ha.d/ha.cf:7: error: notify: 'relative/script.sh' must be an absolute path",
                "/etc/ha.d/ha.cf:8: error: notify: expected timeout=DURATION after the script, not 'after=5s'",
                "/etc/ha.d/ha.cf:9: error: monitor needs a resource word from haresources, then settings, e.g. monitor nginx interval=10s",
                "/etc/ha.d/ha.cf:10: error: event_log_size must be a number from 10 to 1000000, not '3'",
                "/etc/ha.d/ha.cf:12: error: failback_delay given twice (first at line 11)"), problems());
    }

    /** The manager is pure: whether the script exists is HaCfParser's warning (HaCfParserTest), not checked here. */
    @Test
    void aMissingHookScriptIsTakenAsWritten() {
        ManagerSettings s = parse("notify /nonexistent/lifeline-hook.sh", "fence_hook /nonexistent/fence.sh");
        assertEquals(List.of(), problems());
        assertEquals(1, s.notifyHooks().size());
        assertEquals(java.util.Optional.of(java.nio.file.Path.of("/nonexistent/fence.sh")), s.fenceHook());
    }

    @Test
    void fencePeersRunsTheFenceHookWithFenceAgentOptions() {
        ManagerSettings s = parse("fence_hook /bin/true", "fence_peers on ipaddr=192.0.2.9 login=admin", "fence_timeout 45s");
        assertEquals(List.of(), problems());
        assertTrue(s.fencesPeers());
        assertEquals(Duration.ofSeconds(45), s.fencing().timeout());
        assertEquals(List.of("ipaddr", "login"), List.copyOf(s.fencing().options().keySet()));
        assertEquals("192.0.2.9", s.fencing().options().get("ipaddr"));
        ManagerSettings plain = parse("fence_hook /bin/true");
        assertFalse(plain.fencesPeers(), "fence_hook alone keeps its old meaning: a failed stop here");
        assertEquals(FencingSettings.DEFAULT_TIMEOUT, plain.fencing().timeout());
    }

    @Test
    void fencePeersMistakesNameTheLine() {
        parse("fence_peers on", "fence_peers maybe", "fence_peers on port=node2", "fence_peers on IPADDR",
                "fence_timeout 0");
        assertEquals(List.of(
                "/etc/ha.d/ha.cf:2: error: fence_peers given twice (first at line 1)",
                "/etc/ha.d/ha.cf:3: error: fence_peers given twice (first at line 1)",
                "/etc/ha.d/ha.cf:4: error: fence_peers given twice (first at line 1)",
                "/etc/ha.d/ha.cf:5: error: fence_timeout must be more than zero",
                "/etc/ha.d/ha.cf:1: error: fence_peers on needs a fence_hook line naming the script or fence agent"
                        + " to run (e.g. fence_hook /usr/sbin/fence_ipmilan)"), problems());
    }

    @Test
    void fencePeersBadValuesNameTheLine() {
        parse("fence_peers maybe");
        parse("fence_peers on port=node2");
        parse("fence_peers on IPADDR");
        assertEquals(List.of(
                "/etc/ha.d/ha.cf:1: error: fence_peers must be on or off, not 'maybe'",
                "/etc/ha.d/ha.cf:1: error: fence_peers: port is set by Lifeline for each peer it fences",
                "/etc/ha.d/ha.cf:1: error: fence_peers: 'IPADDR' is not a fence-agent option NAME=VALUE"
                        + " (lower-case name, e.g. ipaddr=192.0.2.1)"), problems());
    }

    @Test
    void fenceDelayDelaysTheFenceOfEachNamedNode() {
        ManagerSettings s = parseWithFourNodes("fence_hook /bin/true", "fence_peers on", "fence_delay Node1=5s node3=500ms");
        assertEquals(List.of(), problems());
        assertEquals(Duration.ofSeconds(5), s.fencing().delayFor("node1"));
        assertEquals(Duration.ofMillis(500), s.fencing().delayFor("node3"));
        assertEquals(Duration.ZERO, s.fencing().delayFor("node2"), "not named: fenced at once");
    }

    @Test
    void fenceDelayMistakesNameTheLine() {
        parseWithFourNodes("fence_hook /bin/true", "fence_peers on", "fence_delay node9=5s node1 node2=soon node3=1s node3=2s");
        parseWithFourNodes("fence_delay");
        parseWithFourNodes("fence_delay node1=5s");
        assertEquals(List.of(
                "/etc/ha.d/ha.cf:3: error: fence_delay: node9 is not a node of /etc/ha.d/ha.cf (node1, node2, node3, node4)",
                "/etc/ha.d/ha.cf:3: error: fence_delay: 'node1' is not NODE=TIME (e.g. node1=5s)",
                "/etc/ha.d/ha.cf:3: error: fence_delay node2: 'soon' is not a duration (e.g. 10, 1500ms, 10s, 5min, 1h)",
                "/etc/ha.d/ha.cf:3: error: fence_delay: node3 given twice",
                "/etc/ha.d/ha.cf:1: error: fence_delay takes NODE=TIME words (e.g. fence_delay node1=5s)",
                "/etc/ha.d/ha.cf:1: warning: fence_delay has no effect without fence_peers on"), problems());
    }

    @Test
    void keywordsAreExposedForTheCoreParser() {
        assertTrue(ManagerDirectives.KEYWORDS.contains("monitor"));
        assertTrue(ManagerDirectives.KEYWORDS.contains("no_quorum_policy"));
    }
}
