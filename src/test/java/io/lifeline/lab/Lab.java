package io.lifeline.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away network lab for integration tests: network namespaces named {@code ll-*}, one
 * "hub" namespace holding the bridges (the root namespace's network is never touched), veth
 * links from each host to a bridge, and the processes started inside. {@link #close()} ends
 * the processes it started (by PID) and deletes every namespace it created; a JVM shutdown hook
 * does the same if a test run is interrupted.
 *
 * <p>Addresses used by tests must be in 198.51.100.0/24 or 203.0.113.0/24 (IPv6 2001:db8::/32),
 * and no default routes are added.
 */
public final class Lab implements AutoCloseable {

    private final String prefix;
    private final Host hub;
    private final List<Host> hosts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread cleanupHook = new Thread(this::cleanup, "lab-cleanup");
    private int vethCounter;

    private Lab(String prefix) {
        this.prefix = prefix;
        Runtime.getRuntime().addShutdownHook(cleanupHook);
        this.hub = createHost("hub");
    }

    /**
     * Creates a lab whose namespaces are named {@code ll-<run><tag><random>-<host>}, where
     * {@code <run>} is the system property {@code lifeline.lab.tag} (empty by default): runs that
     * share a machine pass one each, so every namespace says whose it is. Skips the calling
     * test (with the reason) when not running as root, since namespaces need CAP_SYS_ADMIN.
     */
    public static Lab create(String tag) {
        Assumptions.assumeTrue(isRoot(), "network-namespace lab tests need root");
        String prefix = "ll-" + System.getProperty("lifeline.lab.tag", "") + tag
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        return new Lab(prefix);
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Adds a Linux bridge inside the hub namespace (multicast snooping off, like a dumb switch). */
    public String addBridge(String name) {
        hub.sh("ip link add " + name + " type bridge mcast_snooping 0 && ip link set " + name + " up");
        return name;
    }

    public Host addHost(String name) {
        Host h = createHost(name);
        hosts.add(h);
        return h;
    }

    private Host createHost(String name) {
        String ns = prefix + "-" + name;
        Shell.run(List.of("ip", "netns", "add", ns));
        Host h = new Host(ns, name);
        h.sh("ip link set lo up");
        return h;
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    @Override
    public void close() {
        cleanup();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook itself is running
        }
    }

    private synchronized void cleanup() {
        for (Process p : processes) {
            ProcessTrees.kill(p.toHandle());
        }
        for (Process p : processes) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        for (Host h : hosts) {
            Shell.runQuietly(List.of("ip", "netns", "del", h.namespace()));
        }
        hosts.clear();
        Shell.runQuietly(List.of("ip", "netns", "del", hub.namespace()));
    }

    /** One network namespace: a simulated machine. */
    public final class Host {
        private final String namespace;
        private final String name;
        /** The hub-side ends of this host's veth pairs (its switch ports). */
        private final List<String> ports = new ArrayList<>();

        Host(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        public String namespace() {
            return namespace;
        }

        public String name() {
            return name;
        }

        /**
         * Connects this host to a bridge of the hub with a veth pair; {@code ifname} is the
         * host side, {@code cidr} (e.g. {@code 198.51.100.11/24}) its address.
         */
        public Host connect(String bridge, String ifname, String cidr) {
            String hubSide = "v" + (vethCounter++) + "-" + name;
            hubSide = hubSide.length() > 15 ? hubSide.substring(0, 15) : hubSide;
            String tmp = "t" + ThreadLocalRandom.current().nextInt(1_000_000);
            Shell.run(List.of("ip", "link", "add", tmp, "netns", namespace, "type", "veth",
                    "peer", "name", hubSide, "netns", hub.namespace()));
            sh("ip link set " + tmp + " name " + ifname);
            hub.sh("ip link set " + hubSide + " master " + bridge + " && ip link set " + hubSide + " up");
            ports.add(hubSide);
            sh("ip addr add " + cidr + " brd + dev " + ifname + " && ip link set " + ifname + " up");
            return this;
        }

        /** Runs a shell command line inside the namespace; fails the test on a non-zero exit. */
        public String sh(String commandLine) {
            return Shell.run(List.of("ip", "netns", "exec", namespace, "sh", "-c", commandLine));
        }

        /** Like {@link #sh} but returns the exit code and never fails. */
        public Shell.Result shResult(String commandLine) {
            return Shell.exec(List.of("ip", "netns", "exec", namespace, "sh", "-c", commandLine));
        }

        /** Starts a long-running process in the namespace, output to {@code log}; ended by {@link Lab#close()}. */
        public Process start(List<String> command, Path log) throws IOException {
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
            full.addAll(command);
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process p = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            synchronized (Lab.this) {
                processes.add(p);
            }
            return p;
        }

        /** Whether {@code ifname} holds {@code address} (any prefix length), as {@code ip addr} lists it. */
        public boolean hasAddress(String ifname, String address) {
            return shResult("ip -o addr show dev " + ifname).output().contains(" " + address + "/");
        }

        /**
         * Cuts the host off as if unplugged, with its interfaces left up: nftables drops every
         * packet in and out (IPv4, IPv6 and ARP) except on loopback. {@link #rejoin()} undoes it.
         */
        public void isolate() {
            // On the hub's bridge first, as an unplugged cable: frames sent through packet sockets
            // (the VIP's gratuitous ARPs) bypass the host's own nftables tables and reached the
            // client, which then sent its requests to the cut-off node (ManagerDaemonIT, 2026-12-07).
            if (!ports.isEmpty()) {
                StringBuilder rules = new StringBuilder("nft add table bridge " + cutTable()
                        + " && nft add chain bridge " + cutTable()
                        + " cut '{ type filter hook forward priority 0; policy accept; }'");
                for (String port : ports) {
                    rules.append(" && nft add rule bridge ").append(cutTable()).append(" cut iifname '\"")
                            .append(port).append("\"' drop && nft add rule bridge ").append(cutTable())
                            .append(" cut oifname '\"").append(port).append("\"' drop");
                }
                hub.sh(rules.toString());
            }
            sh("nft add table inet llcut"
                    + " && nft add chain inet llcut in '{ type filter hook input priority 0; policy drop; }'"
                    + " && nft add chain inet llcut out '{ type filter hook output priority 0; policy drop; }'"
                    + " && nft add rule inet llcut in iif lo accept && nft add rule inet llcut out oif lo accept"
                    + " && nft add table arp llcut"
                    + " && nft add chain arp llcut in '{ type filter hook input priority 0; policy drop; }'"
                    + " && nft add chain arp llcut out '{ type filter hook output priority 0; policy drop; }'");
        }

        /** Ends {@link #isolate()}. */
        public void rejoin() {
            sh("nft delete table inet llcut && nft delete table arp llcut");
            if (!ports.isEmpty()) {
                hub.sh("nft delete table bridge " + cutTable());
            }
        }

        /** This host's table on the hub (one per host, so hosts are isolated and rejoined independently). */
        private String cutTable() {
            return "llcut_" + name.replaceAll("[^A-Za-z0-9]", "_");
        }

        public void linkDown(String ifname) {
            sh("ip link set " + ifname + " down");
        }

        public void linkUp(String ifname) {
            sh("ip link set " + ifname + " up");
        }
    }

    /** Small process runner used by the lab. */
    public static final class Shell {
        private Shell() {
        }

        public record Result(int exitCode, String output) {
        }

        public static Result exec(List<String> command) {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + command);
                }
                return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted: " + command, e);
            }
        }

        public static String run(List<String> command) {
            Result r = exec(command);
            if (r.exitCode() != 0) {
                throw new IllegalStateException("command failed (" + r.exitCode() + "): "
                        + String.join(" ", command) + "\n" + r.output());
            }
            return r.output();
        }

        static void runQuietly(List<String> command) {
            try {
                exec(command);
            } catch (RuntimeException ignored) {
                // best-effort cleanup
            }
        }
    }
}
