package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.agent.AgentDetails;
import io.lifeline.agent.OcfStatus;
import io.lifeline.cluster.AuthDropReason;
import io.lifeline.cluster.AuthDrops;
import io.lifeline.cluster.ClusterStatus;
import io.lifeline.cluster.MembershipTracker.LinkState;
import io.lifeline.cluster.MembershipTracker.NodeState;
import io.lifeline.cluster.TimerSettings;
import io.lifeline.config.ClusterConfig;
import io.lifeline.config.ConfigLoader;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.GroupNames;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.control.JsonValue;
import io.lifeline.control.ManagerStatusJson;
import io.lifeline.control.StatusReport;
import io.lifeline.manager.GroupPhase;
import io.lifeline.manager.GroupScope;
import io.lifeline.manager.ManagerStatus;
import io.lifeline.manager.ResourceState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hactl status} fits 100 columns for the configurations most clusters have: two or three
 * nodes on two links, each group a VIP and nginx, named with ha.cf {@code group_name}. The
 * configuration is parsed from files (the short names come from GroupNames as in the daemon), the
 * status carries what a busy day shows (a failing monitor with its message, a failcount, a pin,
 * auth drops, a peer whose configuration differs), and every rendered line is measured.
 */
class StatusWidthTest {

    @TempDir
    Path dir;

    private static final long T = 1_800_000_000_000L;

    private ClusterConfig config(int nodes) throws Exception {
        StringBuilder haCf = new StringBuilder("keepalive 1\ndeadtime 10\nudpport 694\nbcast eth0\nbcast eth1\n");
        StringBuilder haresources = new StringBuilder();
        String[] sites = {"web", "api", "static"};
        for (int i = 1; i <= nodes; i++) {
            haCf.append("node node").append(i).append('\n');
            String vip = "IPaddr2::198.51.100." + (100 + i) + "/24/eth0/198.51.100.255";
            haresources.append("node").append(i).append(' ').append(vip)
                    .append(" ocf:heartbeat:nginx::configfile=/etc/nginx/sites-enabled/").append(sites[i - 1])
                    .append(".example.org.conf::status10url=http://localhost/nginx_status\n");
            haCf.append("group_name ").append(sites[i - 1]).append(' ').append(vip).append('\n');
        }
        Files.writeString(dir.resolve("ha.cf"), haCf.toString());
        Files.writeString(dir.resolve("haresources"), haresources.toString());
        Files.writeString(dir.resolve("authkeys"), "auth 1\n1 sha256 0123456789abcdef0123456789abcdef\n");
        ConfigLoader.Result r = ConfigLoader.check(dir, false);
        assertTrue(r.config().isPresent(), r.diagnostics().toString());
        return r.config().get();
    }

    private String render(int nodes) throws Exception {
        ClusterConfig cfg = config(nodes);
        List<String> names = cfg.haCf().nodes();
        TimerSettings timers = TimerSettings.from(Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofSeconds(5), Duration.ofSeconds(20));
        List<ClusterStatus.Node> clusterNodes = new ArrayList<>();
        for (String n : names) {
            boolean local = n.equals(names.get(0));
            clusterNodes.add(new ClusterStatus.Node(n, local, NodeState.UP, null, T - 3_600_000L * 30, local ? List.of()
                    : List.of(new ClusterStatus.PeerLink("bcast:eth0", LinkState.UP, T - 400),
                            new ClusterStatus.PeerLink("bcast:eth1", LinkState.DEAD, T - 125_000))));
        }
        ClusterStatus cs = new ClusterStatus(names.get(0), T - 3_600_000L * 30, T, timers, clusterNodes,
                List.of(new ClusterStatus.LinkInfo("bcast:eth0", "bcast", "eth0", "198.51.100.11", 694, "lifeline-x",
                                "up", names, List.of(new AuthDrops.Entry("198.51.100.213",
                                AuthDropReason.BAD_SIGNATURE, 12_345, T - 2_000)), Map.of()),
                        new ClusterStatus.LinkInfo("bcast:eth1", "bcast", "eth1", "203.0.113.11", 694, "lifeline-x",
                                "up", List.of(names.get(0)), List.of(), Map.of())),
                0, 0);
        ObjectNode j = StatusReport.build(cs, new StatusReport.DaemonInfo("1.0.0-SNAPSHOT", 123_456, "clean"));
        Instant at = Instant.ofEpochMilli(T);
        List<ManagerStatus.GroupStatus> groups = new ArrayList<>();
        List<ManagerStatus.FailcountStatus> fails = new ArrayList<>();
        for (ResourceGroup g : cfg.haresources().groups()) {
            List<ManagerStatus.ResourceStatus> rs = new ArrayList<>();
            for (ResourceSpec r : g.resources()) {
                boolean nginx = r.word().startsWith("ocf:heartbeat:nginx");
                rs.add(new ManagerStatus.ResourceStatus(r.word(), ResourceState.STARTED,
                        nginx && g.preferredNode().equals("node1") ? OcfStatus.NOT_RUNNING : OcfStatus.SUCCESS,
                        nginx && g.preferredNode().equals("node1")
                                ? "nginx: status10url http://localhost/nginx_status answered 502 Bad Gateway" : "", at));
                if (nginx && g.preferredNode().equals("node1")) {
                    fails.add(new ManagerStatus.FailcountStatus("node1", g.name(), r.word(), 2, 3, false));
                }
            }
            groups.add(new ManagerStatus.GroupStatus(g.name(), g.preferredNode(), List.of(g.preferredNode()),
                    GroupPhase.RUNNING, g.preferredNode(), g.preferredNode() + " is the home node of " + g.name()
                            + " (auto_failback on)",
                    null, null, rs));
        }
        List<ManagerStatus.NodeStatus> ns = names.stream()
                .map(n -> new ManagerStatus.NodeStatus(n, true, true, true, 0, GroupScope.NONE)).toList();
        ResourceGroup first = cfg.haresources().groups().get(0);
        ManagerStatus m = new ManagerStatus(at, names.get(0), "inc-1", names, true, false, false, true, ns, groups,
                fails, List.of(new ManagerStatus.PinStatus(first.name(), "node1", "node2", true)), List.of());
        ManagerStatusJson.addTo(j, m, Map.of(first.name(), new AgentDetails(List.of(), Map.of())));
        GroupNames short_ = GroupNames.of(cfg.haCf(), cfg.haresources(), new Diagnostics());
        j.path("groups").forEach(g -> ((ObjectNode) g).put("short_name", short_.shortName(g.path("name").asText())));
        ObjectNode peer = j.putObject("config").putArray("peers").addObject();
        peer.put("node", "node2");
        peer.putArray("differs").add("haresources (web: only here, static: differs)").add("authkeys")
                .add("ha.cf (deadtime, keepalive, auto_failback)");
        StringWriter w = new StringWriter();
        StatusTable.print(JsonValue.parse(j.toString()), new PrintWriter(w));
        return w.toString();
    }

    private static void assertFits(String out) {
        for (String line : out.split("\n", -1)) {
            assertTrue(line.length() <= StatusTable.MAX_WIDTH,
                    line.length() + " columns: '" + line + "' in\n" + out);
        }
    }

    @Test
    void twoNodesWithVipAndNginxGroupsFitIn100Columns() throws Exception {
        String out = render(2);
        System.out.println(out);
        assertFits(out);
        assertTrue(out.contains("\nweb "), "short names: " + out);
        assertTrue(out.matches("(?s).*\\nweb +running +node1 +node1 +IPaddr2::198\\.51\\.100\\.101/24/ +started +success\\n"
                + " +eth0/198\\.51\\.100\\.255\\n.*"), "the VIP's word wraps between its arguments: " + out);
    }

    @Test
    void threeNodesWithVipAndNginxGroupsFitIn100Columns() throws Exception {
        String out = render(3);
        System.out.println(out);
        assertFits(out);
        assertTrue(out.contains("\nstatic "), out);
        // nothing is lost by wrapping: the pieces of the long resource word are all there, in order
        String joined = out.replaceAll("\\s+", "");
        assertTrue(joined.contains("configfile=/etc/nginx/sites-enabled/static.example.org.conf"), out);
        assertTrue(joined.contains("answered502BadGateway"), out);
    }

    @Test
    void wrappingBreaksBetweenArgumentsAndIndentsTheRest() {
        assertEquals(List.of("ocf:heartbeat:nginx::", "  configfile=/etc/", "  nginx/web.conf"),
                StatusTable.wrap("ocf:heartbeat:nginx::configfile=/etc/nginx/web.conf", 21));
        assertEquals(List.of("short"), StatusTable.wrap("short", 21));
        assertEquals(List.of("abcdefghij", "  klmnopqr", "  st"), StatusTable.wrap("abcdefghijklmnopqrst", 10));
    }
}
