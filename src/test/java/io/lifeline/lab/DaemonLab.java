package io.lifeline.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lab most daemon integration tests build: a {@link Lab} with one bridge, hosts on it with an
 * {@code eth0} in 198.51.100.0/24, and a {@link DaemonNode} per cluster host whose files live in
 * {@code target/AREA/TEST} (emptied when the test opens the lab, kept afterwards for a
 * post-mortem).
 *
 * <p>A test class registers one per test ({@code @RegisterExtension final DaemonLab lab = new
 * DaemonLab("tag", "it-area")}) and each test calls {@link #open(String)}. After every test the
 * lab ends the processes it started (by PID), deletes its namespaces and ends the
 * {@link #daemonized()} ones; when the test failed it first prints the end of every daemon's log
 * into the test's output, so that a failure read in the failsafe report explains itself without
 * the files under target/.
 */
public final class DaemonLab implements AfterEachCallback {

    /** The one bridge of the lab, in the hub namespace. */
    public static final String BRIDGE = "br0";
    /** How many lines of each daemon's log a failed test prints. */
    private static final int LOG_TAIL_LINES = 200;

    private final String tag;
    private final String area;
    private final List<DaemonNode> nodes = new ArrayList<>();
    private final DaemonizedProcesses daemonized = new DaemonizedProcesses();
    private Lab lab;
    private Path work;

    /**
     * @param tag  the lab's namespace tag ({@link Lab#create(String)})
     * @param area the directory under target/ that holds the tests' work directories
     */
    public DaemonLab(String tag, String area) {
        this.tag = tag;
        this.area = area;
    }

    /**
     * The ha.cf head every two-node lab cluster shares: fast heartbeats ({@code keepalive 200ms},
     * {@code initdead 4s}), one broadcast link on eth0, nodes n1 and n2, automatic failback,
     * {@code realtime off}. Ten lines; tests append theirs (line numbers in expected errors count
     * from 11).
     */
    public static String haCf(String deadtime, String warntime) {
        return haCf(deadtime, warntime, true);
    }

    /** {@link #haCf(String, String)} with {@code auto_failback} on or off. */
    public static String haCf(String deadtime, String warntime, boolean autoFailback) {
        return """
                keepalive 200ms
                deadtime %s
                warntime %s
                initdead 4s
                udpport 694
                bcast eth0
                auto_failback %s
                realtime off
                node n1
                node n2
                """.formatted(deadtime, warntime, autoFailback ? "on" : "off");
    }

    /** Creates the namespaces and the bridge, and empties {@code target/AREA/TEST}. Skips the test when not root. */
    public DaemonLab open(String test) throws IOException {
        if (lab != null) {
            throw new IllegalStateException("the lab is already open for this test");
        }
        lab = Lab.create(tag);
        lab.addBridge(BRIDGE);
        work = DaemonNode.freshWorkDir(area, test);
        return this;
    }

    /** Another bridge in the hub, for a second link ({@link #BRIDGE} exists from the start). */
    public String addBridge(String name) {
        return lab().addBridge(name);
    }

    /** A host connected to nothing yet, for links other than eth0 in a /24 on {@link #BRIDGE}. */
    public Lab.Host bareHost(String name) {
        return lab().addHost(name);
    }

    /** A host on the bridge: its {@code eth0} has {@code address}/24. */
    public Lab.Host host(String name, String address) {
        return lab().addHost(name).connect(BRIDGE, "eth0", address + "/24");
    }

    /** A host on the bridge with a daemon node of the same name (not configured, not started). */
    public DaemonNode node(String name, String address) throws IOException {
        return node(host(name, address));
    }

    /** A daemon node on a host of this lab, named as the host (not configured, not started). */
    public DaemonNode node(Lab.Host host) throws IOException {
        return register(new DaemonNode(host, host.name(), work()));
    }

    /**
     * A daemon node whose files are in {@code target/AREA/TEST/SUBDIR/NAME}: for a test that runs
     * one cluster after another on the same hosts.
     */
    public DaemonNode node(Lab.Host host, String subdir) throws IOException {
        return register(new DaemonNode(host, host.name(), work().resolve(subdir)));
    }

    private DaemonNode register(DaemonNode n) {
        nodes.add(n);
        return n;
    }

    /**
     * Programs of the test that daemonize (nginx) and so leave the lab's process tree: register
     * their pid files here and the lab ends them, by PID, after the daemons that manage them
     * (which would otherwise start them again).
     */
    public DaemonizedProcesses daemonized() {
        return daemonized;
    }

    /** The hosts added so far, in order. */
    public List<Lab.Host> hosts() {
        return lab().hosts();
    }

    /** The test's work directory, {@code target/AREA/TEST}. */
    public Path work() {
        if (work == null) {
            throw new IllegalStateException("open(test) first");
        }
        return work;
    }

    private Lab lab() {
        if (lab == null) {
            throw new IllegalStateException("open(test) first");
        }
        return lab;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (context.getExecutionException().isPresent()) {
                printLogTails(context.getDisplayName());
            }
        } finally {
            try {
                if (lab != null) {
                    lab.close();
                    lab = null;
                }
            } finally {
                daemonized.killAll(); // even when closing the lab failed: no nginx may outlive the test
                nodes.clear();
                work = null;
            }
        }
    }

    private void printLogTails(String test) {
        for (DaemonNode n : nodes) {
            List<String> lines;
            try {
                lines = Files.exists(n.log) ? Files.readAllLines(n.log) : List.of();
            } catch (IOException e) {
                lines = List.of("(cannot read " + n.log + ": " + e.getMessage() + ")");
            }
            int from = Math.max(0, lines.size() - LOG_TAIL_LINES);
            System.out.println("---- " + test + " failed: " + n.name + "'s daemon log, last " + (lines.size() - from)
                    + " of " + lines.size() + " lines (" + n.log + ") ----");
            lines.subList(from, lines.size()).forEach(System.out::println);
        }
    }
}
