package io.lifeline.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.DaemonizedProcesses;
import io.lifeline.lab.Lab;
import io.lifeline.lab.NginxConfigs;
import io.lifeline.lab.TcpGreeter;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The fault suite's cluster: real daemons in network namespaces, as its {@link ClusterShape}
 * says (default {@link ClusterShape#THREE}: three), with two heartbeat links (bridges {@code br0}
 * 198.51.100.0/24 on eth0 and {@code br1} 203.0.113.0/24 on eth1), a client namespace on both
 * bridges, and one group per home node the shape names; for three nodes:
 *
 * <ol>
 *   <li>{@code VIP .101} + real nginx with a monitor (home n1), served on port 80;</li>
 *   <li>{@code VIP .102} + the ClusterLabs OCF {@code Dummy} (home n2);</li>
 *   <li>{@code VIP .103} alone (home n3).</li>
 * </ol>
 *
 * Groups after the first have no service of their own, so every data node runs a
 * {@link TcpGreeter} on port 7000 ("hello from nX", bound to the wildcard): whoever holds the VIP
 * answers for it, so the client sees who serves. A witness ({@code hactl arbiter}) runs no
 * greeter. The harness only acts (start, kill, cut, call); it decides nothing.
 */
final class FaultCluster implements AutoCloseable {

    static final String SECRET = "fault-suite-secret-0123456789";
    static final int HEARTBEAT_PORT = 694;
    static final int GREETER_PORT = 7000;
    static final String CLIENT_ETH0 = "198.51.100.50";

    /** One haresources group as the suite sees it. */
    record Group(String name, String vip, String home, int port, String service) {
    }

    /** The shape's groups: VIP 198.51.100.(101 + i) at home {@code homes[i]}; nginx first, the OCF Dummy second. */
    static List<Group> groupsOf(ClusterShape shape) {
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < shape.homes.size(); i++) {
            String vip = "198.51.100." + (101 + i);
            groups.add(new Group("IPaddr2::" + vip + "/24/eth0", vip, shape.homes.get(i), i == 0 ? 80 : GREETER_PORT,
                    i == 0 ? "nginx" : i == 1 ? "Dummy" : "VIP only"));
        }
        return List.copyOf(groups);
    }

    /** Short timers, as the other daemon ITs; the box is shared, so deadtime keeps a margin. */
    private static final String HA_CF_TIMERS = """
            keepalive 200ms
            deadtime 1500ms
            warntime 800ms
            initdead 5s
            udpport 694
            bcast eth0
            bcast eth1
            auto_failback on
            realtime off
            """;
    private static final String HA_CF_DEFAULTS =
            "resource_defaults interval=1s timeout=10s start_timeout=30s stop_timeout=30s threshold=3 window=60s\n";

    /** The shape's ha.cf (before the nginx monitor line): timers, node lines, the shape's own lines, defaults. */
    static String haCf(ClusterShape shape) {
        StringBuilder b = new StringBuilder(HA_CF_TIMERS);
        shape.nodes.forEach(n -> b.append("node ").append(n).append('\n'));
        return b.append(shape.haCfExtra).append(HA_CF_DEFAULTS).toString();
    }
    static final int FAIL_THRESHOLD = 3;
    static final long FAIL_WINDOW_MS = 60_000;
    /** nginx's monitor: a kill is seen at the next check, within one interval plus the check's timeout. */
    static final long NGINX_MONITOR_INTERVAL_MS = 500;
    static final long NGINX_MONITOR_TIMEOUT_MS = 5_000;
    static final long INITDEAD_MS = 5_000;

    final ClusterShape shape;
    /** Every daemon (the witness too), in ha.cf order. */
    final List<String> nodes;
    final List<Group> groups;
    final Lab lab;
    final Lab.Host client;
    final Path work;
    private final Map<String, Lab.Host> hosts = new LinkedHashMap<>();
    private final Map<String, DaemonNode> daemons = new LinkedHashMap<>();
    private final Map<String, Integer> incarnations = new LinkedHashMap<>();
    private final DaemonizedProcesses nginx = new DaemonizedProcesses();
    private final Map<String, Path> nginxPidFiles = new LinkedHashMap<>();
    private final Map<String, String> configDigests = new LinkedHashMap<>();
    /** The lab fence agent's folder (a shape that fences): its script, log, and each node's daemon pid and namespace. */
    final Path fenceDir;

    private FaultCluster(ClusterShape shape, Lab lab, Path work, long maxSeconds) throws IOException {
        this.shape = shape;
        this.nodes = shape.nodes;
        this.groups = groupsOf(shape);
        this.lab = lab;
        this.work = work;
        this.fenceDir = work.resolve("fence");
        String fenceLines = "";
        if (shape.fences()) {
            fenceLines = "fence_hook " + writeFenceAgent() + "\nfence_peers on\n";
        }
        lab.addBridge("br0");
        lab.addBridge("br1");
        for (int i = 0; i < nodes.size(); i++) {
            String n = nodes.get(i);
            Lab.Host h = lab.addHost(n)
                    .connect("br0", "eth0", "198.51.100." + (11 + i) + "/24")
                    .connect("br1", "eth1", "203.0.113." + (11 + i) + "/24");
            hosts.put(n, h);
            if (shape.fences()) {
                Files.writeString(fenceDir.resolve("ns-" + n), h.namespace());
            }
        }
        client = lab.addHost("cl").connect("br0", "eth0", CLIENT_ETH0 + "/24")
                .connect("br1", "eth1", "203.0.113.50/24");
        for (String n : nodes) {
            DaemonNode d = new DaemonNode(hosts.get(n), n, work);
            d.configure(haCf(shape) + fenceLines + "monitor nginx::" + nginxConfig(d) + "::url=http://127.0.0.1/health"
                    + "::binary=/usr/sbin/nginx interval=" + NGINX_MONITOR_INTERVAL_MS + "ms timeout="
                    + NGINX_MONITOR_TIMEOUT_MS + "ms\n", SECRET, haresources(d, groups));
            daemons.put(n, d);
            incarnations.put(n, 0);
            configDigests.put(n, configDigest(d));
            if (n.equals(shape.witness)) {
                continue; // serves nothing
            }
            // bounded like every lab service: the run's length, 200 connections a second
            hosts.get(n).start(javaMain(TcpGreeter.class, Integer.toString(GREETER_PORT), n,
                    Long.toString(maxSeconds), Long.toString(maxSeconds * 200)), d.dir.resolve("greeter.log"));
        }
    }

    /** Builds the lab (namespaces {@code ll-<tag>...}) and writes every node's configuration; starts no daemon. */
    static FaultCluster create(ClusterShape shape, String tag, Path work, long maxSeconds) throws IOException {
        Lab lab = Lab.create(tag);
        try {
            return new FaultCluster(shape, lab, work, maxSeconds);
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private Path nginxConfig(DaemonNode d) throws IOException {
        Path dir = d.dir.resolve("nginx");
        Path conf = NginxConfigs.write(dir, """
                server {
                    listen 80;
                    location = /health { return 200 "ok\\n"; }
                    location / { return 200 "%s\\n"; }
                }
                """.formatted(d.name));
        nginxPidFiles.put(d.name, nginx.register(NginxConfigs.pidFile(dir)));
        return conf;
    }

    /**
     * The lab's fence agent, following the ClusterLabs calling convention (options on stdin,
     * {@code port=NODE}): it powers the node off as far as the suite can see, killing its daemon
     * (the pid the suite wrote at its start) and nginx, deleting every VIP from its eth0 and the
     * Dummy's state file, then logs and exits 0. A node already off is fenced too (exit 0).
     */
    private Path writeFenceAgent() throws IOException {
        Files.createDirectories(fenceDir);
        Path script = fenceDir.resolve("fence_lab");
        StringBuilder vips = new StringBuilder();
        for (Group g : groups) {
            vips.append(' ').append(g.vip());
        }
        Files.writeString(script, """
                #!/bin/sh
                D=%s
                W=%s
                node=""; action=""
                while IFS='=' read -r k v; do
                  case "$k" in port) node=$v ;; action) action=$v ;; esac
                done
                case "$node" in n[0-9]) ;; *) echo "fence_lab: no port=NODE on stdin" >&2; exit 2 ;; esac
                echo "$(date +%%s%%3N) begin $action $node by $LIFELINE_NODE" >> "$D/fence.log"
                pid=$(cat "$D/pid-$node" 2>/dev/null) && kill -9 "$pid" 2>/dev/null
                master=$(cat "$W/$node/nginx/nginx.pid" 2>/dev/null) && { pkill -9 -P "$master"; kill -9 "$master"; } 2>/dev/null
                for vip in%s; do ip netns exec "$(cat "$D/ns-$node")" ip addr del "$vip/24" dev eth0 2>/dev/null; done
                rm -f "$W/$node/dummy.state"
                echo "$(date +%%s%%3N) fenced $node" >> "$D/fence.log"
                exit 0
                """.formatted(fenceDir, work, vips));
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** The nodes share one filesystem, so file-keeping resources name a per-node path; group names stay equal. */
    private static String haresources(DaemonNode d, List<Group> groups) {
        Path conf = d.dir.resolve("nginx").resolve("nginx.conf");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            b.append(g.home()).append(' ').append(g.name());
            if (i == 0) {
                b.append(" nginx::").append(conf).append("::url=http://127.0.0.1/health::binary=/usr/sbin/nginx");
            } else if (i == 1) {
                b.append(" ocf:heartbeat:Dummy::state=").append(d.dir.resolve("dummy.state"));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** {@code java -cp TEST_CLASSES main args...}: helper programs use the JDK only. */
    static List<String> javaMain(Class<?> main, String... args) {
        String classes;
        try {
            classes = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx24m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classes, main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    Lab.Host host(String node) {
        return hosts.get(node);
    }

    DaemonNode daemon(String node) {
        return daemons.get(node);
    }

    Iterable<DaemonNode> daemons() {
        return daemons.values();
    }

    String eth0Address(String node) {
        return "198.51.100." + (11 + nodes.indexOf(node));
    }

    String eth1Address(String node) {
        return "203.0.113." + (11 + nodes.indexOf(node));
    }

    /**
     * Starts the node's daemon. The previous run's log is kept beside it ({@code daemon.log.K}),
     * so the log check sees every incarnation.
     */
    void start(String node) throws IOException {
        DaemonNode d = daemons.get(node);
        if (Files.exists(d.log)) {
            int k = incarnations.merge(node, 1, Integer::sum);
            Files.move(d.log, d.dir.resolve("daemon.log." + k));
        }
        if (node.equals(shape.witness)) {
            d.startAsArbiter();
        } else {
            d.start();
        }
        if (shape.fences()) {
            Files.writeString(fenceDir.resolve("pid-" + node), Long.toString(d.pid()));
        }
    }

    /** Every log the node's daemons wrote, oldest first. */
    List<Path> logs(String node) {
        DaemonNode d = daemons.get(node);
        List<Path> out = new ArrayList<>();
        for (int k = 1; k <= incarnations.get(node); k++) {
            out.add(d.dir.resolve("daemon.log." + k));
        }
        out.add(d.log);
        return out;
    }

    /** The nodes whose daemon is not running (a shape that fences: fenced during the last fault). */
    List<String> down() {
        return nodes.stream().filter(n -> !daemons.get(n).alive()).toList();
    }

    void kill9(String node) throws InterruptedException {
        DaemonNode d = daemons.get(node);
        if (d.alive()) {
            d.kill9();
        }
    }

    /** SIGTERM and wait: the daemon releases its groups and leaves. Bounded by the stop timeouts. */
    void terminate(String node) throws InterruptedException {
        DaemonNode d = daemons.get(node);
        if (d.alive()) {
            d.terminate();
        }
    }

    /** SIGSTOP ({@code stop=true}) or SIGCONT to the daemon's JVM ({@code ip netns exec} execs it: same pid). */
    void signalFreeze(String node, boolean stop) {
        long pid = daemonPid(node);
        if (pid > 0) {
            Lab.Shell.exec(List.of("kill", stop ? "-STOP" : "-CONT", Long.toString(pid)));
        }
    }

    private long daemonPid(String node) {
        DaemonNode d = daemons.get(node);
        return d.alive() ? d.pid() : -1;
    }

    /** Kills nginx (master and workers) on the node, as a crash of the application would. */
    boolean killNginx(String node) {
        try {
            long pid = Long.parseLong(Files.readString(nginxPidFiles.get(node)).strip());
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty()) {
                return false;
            }
            io.lifeline.lab.ProcessTrees.kill(h.get()); // the master first, then its workers and group
            return true;
        } catch (IOException | NumberFormatException e) {
            return false; // not running on this node
        }
    }

    /** nft table names the suite owns in a node's namespace; each heal deletes its own. */
    static final String CUT_LINK_TABLE = "llfslink";
    static final String PARTITION_TABLE = "llfspart";
    static final String PAIR_CUT_TABLE = "llfspair";
    static final String SPLIT_TABLE = "llfssplit";

    /** Drops everything on one interface (one heartbeat link), both directions. */
    void cutLink(String node, String ifname) {
        dropTables(node, CUT_LINK_TABLE, "iifname " + ifname, "oifname " + ifname,
                List.of("iifname " + ifname), List.of("oifname " + ifname));
    }

    void healLink(String node) {
        hosts.get(node).shResult("nft delete table inet " + CUT_LINK_TABLE + "; nft delete table arp " + CUT_LINK_TABLE);
    }

    /**
     * Partition {node} | {the other two} on both links: the node neither hears nor reaches its
     * peers (heartbeats are broadcast, so every heartbeat it sends is dropped too). The client
     * still reaches both sides, as a client between two halves of a split network would.
     */
    void partition(String node) {
        List<String> peers = new ArrayList<>();
        for (String p : nodes) {
            if (!p.equals(node)) {
                peers.add(eth0Address(p));
                peers.add(eth1Address(p));
            }
        }
        String set = "{ " + String.join(", ", peers) + " }";
        dropTables(node, PARTITION_TABLE, "arp saddr ip " + set, "arp daddr ip " + set,
                List.of("ip saddr " + set), List.of("ip daddr " + set, "udp dport " + HEARTBEAT_PORT));
    }

    /**
     * Creates nft tables {@code name} (families inet and arp) in the node's namespace, each with
     * an input and an output chain dropping what the given match expressions select.
     */
    private void dropTables(String node, String name, String arpIn, String arpOut, List<String> in, List<String> out) {
        StringBuilder cmd = new StringBuilder();
        for (String family : List.of("inet", "arp")) {
            cmd.append(" && nft add table ").append(family).append(' ').append(name);
            for (String chain : List.of("in", "out")) {
                cmd.append(" && nft add chain ").append(family).append(' ').append(name).append(' ').append(chain)
                        .append(" '{ type filter hook ").append(chain.equals("in") ? "input" : "output")
                        .append(" priority 0; }'");
            }
        }
        for (String m : in) {
            cmd.append(" && nft add rule inet ").append(name).append(" in ").append(m).append(" drop");
        }
        for (String m : out) {
            cmd.append(" && nft add rule inet ").append(name).append(" out ").append(m).append(" drop");
        }
        cmd.append(" && nft add rule arp ").append(name).append(" in ").append(arpIn).append(" drop");
        cmd.append(" && nft add rule arp ").append(name).append(" out ").append(arpOut).append(" drop");
        hosts.get(node).sh(cmd.substring(4));
    }

    /**
     * A one-sided partition: the two nodes other than {@code bridge} stop hearing each other on
     * both links (each drops what comes from the other's addresses and what goes to them, ARP
     * included), while both still hear and reach the bridge: heartbeats are broadcast, so each
     * side drops the other's on input. The client reaches all three.
     */
    void cutAllBut(String bridge) {
        List<String> pair = nodes.stream().filter(n -> !n.equals(bridge)).toList();
        if (pair.size() != 2) {
            throw new IllegalStateException("a one-sided partition needs three nodes, the shape has " + nodes);
        }
        for (int i = 0; i < 2; i++) {
            String other = pair.get(1 - i);
            String set = "{ " + eth0Address(other) + ", " + eth1Address(other) + " }";
            dropTables(pair.get(i), PAIR_CUT_TABLE, "arp saddr ip " + set, "arp daddr ip " + set,
                    List.of("ip saddr " + set), List.of("ip daddr " + set));
        }
    }

    void healCut(String bridge) {
        for (String n : nodes) {
            if (!n.equals(bridge)) {
                hosts.get(n).shResult("nft delete table inet " + PAIR_CUT_TABLE + "; nft delete table arp " + PAIR_CUT_TABLE);
            }
        }
    }

    void healPartition(String node) {
        hosts.get(node).shResult("nft delete table inet " + PARTITION_TABLE + "; nft delete table arp " + PARTITION_TABLE);
    }

    /**
     * Splits the cluster into {@code half} and the rest on both links: every node drops what
     * comes from the other side's addresses and what goes to them, ARP included (heartbeats are
     * broadcast, so each side drops the other's on input). The client reaches both halves.
     */
    void split(java.util.Set<String> half) {
        for (String n : nodes) {
            boolean inHalf = half.contains(n);
            List<String> other = new ArrayList<>();
            for (String p : nodes) {
                if (half.contains(p) != inHalf) {
                    other.add(eth0Address(p));
                    other.add(eth1Address(p));
                }
            }
            String set = "{ " + String.join(", ", other) + " }";
            dropTables(n, SPLIT_TABLE, "arp saddr ip " + set, "arp daddr ip " + set,
                    List.of("ip saddr " + set), List.of("ip daddr " + set));
        }
    }

    void healSplit() {
        for (String n : nodes) {
            hosts.get(n).shResult("nft delete table inet " + SPLIT_TABLE + "; nft delete table arp " + SPLIT_TABLE);
        }
    }

    void isolate(String node) {
        hosts.get(node).isolate();
    }

    void rejoin(String node) {
        hosts.get(node).rejoin();
    }

    /** An operator command through the control socket, as {@code hactl} sends it. */
    JsonNode call(String node, String command, ObjectNode args) throws Exception {
        return daemons.get(node).call(command, args == null ? new ObjectMapper().createObjectNode() : args);
    }

    /** Which nodes hold the VIP right now, read from the kernel of each namespace. */
    List<String> vipHolders(Group g) {
        List<String> holders = new ArrayList<>();
        for (String n : nodes) {
            if (hosts.get(n).shResult("ip -o addr show dev eth0").output().contains(" " + g.vip() + "/")) {
                holders.add(n);
            }
        }
        return holders;
    }

    /** Every node's {@code hactl status --json}, or a note where the daemon does not answer. */
    Map<String, String> statusSnapshots() {
        Map<String, String> out = new LinkedHashMap<>();
        for (DaemonNode d : daemons.values()) {
            out.put(d.name, d.tryStatus().map(JsonNode::toPrettyString)
                    .orElse(d.alive() ? "(daemon does not answer)" : "(daemon not running)"));
        }
        return out;
    }

    /**
     * Every answering daemon's input journal ({@code hactl debug inputs}) copied into
     * {@code dir/nX.jsonl}: what a replay in a manager test needs to explain a decision (docs/manager.md,
     * "Input journal"). A daemon that does not answer is left out with a note in {@code dir/missing.txt}.
     */
    void saveJournals(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> missing = new ArrayList<>();
        for (DaemonNode d : daemons.values()) {
            try {
                Path dump = Path.of(call(d.name, "debug_inputs", null).path("file").asText());
                Files.move(dump, dir.resolve(d.name + ".jsonl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (Exception e) {
                missing.add(d.name + ": " + e.getMessage());
            }
        }
        if (!missing.isEmpty()) {
            Files.write(dir.resolve("missing.txt"), missing);
        }
    }

    /** Fingerprint of the node's ha.d files, to prove that no fault (and no daemon) changed them. */
    static String configDigest(DaemonNode d) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String f : List.of("ha.cf", "haresources", "authkeys")) {
                md.update(f.getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(d.haD.resolve(f)));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The nodes whose ha.d files differ from what the suite wrote. */
    List<String> changedConfigs() throws IOException {
        List<String> changed = new ArrayList<>();
        for (DaemonNode d : daemons.values()) {
            if (!configDigest(d).equals(configDigests.get(d.name))) {
                changed.add(d.name);
            }
        }
        return changed;
    }

    /** Runs a helper program in a namespace to its end (bounded), returning its output. */
    String runIn(Lab.Host h, List<String> command, Path log, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = h.start(command, log);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return Files.readString(log);
    }

    @Override
    public void close() {
        for (String n : nodes) {
            signalFreeze(n, false); // a frozen JVM would not die of SIGTERM in time
        }
        lab.close();
        nginx.killAll();
    }
}
