package io.lifeline.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Digests of the configuration that must be the same on every node (Heartbeat's "haresources
 * MUST BE IDENTICAL", extended to the cluster-wide parts of ha.cf and to authkeys' key set),
 * advertised by each node in its state reports so that a node whose files differ is named with
 * the file (docs/propagate.md).
 *
 * <p>Digests are taken over the <em>parsed</em> configuration, not the bytes: comments, spacing,
 * the order of haresources lines and {@code deadtime 30} against {@code deadtime 30000ms} make
 * no difference; what the nodes would do differently does. Node-local directives
 * ({@link #NODE_LOCAL}: the media, which name this node's interfaces and peers; logging; the
 * process; hooks that run on this node) are left out, since they legitimately differ.
 *
 * @param haCf        the cluster-wide part of ha.cf
 * @param haresources every group (name, home node, resource words in order)
 * @param authkeys    the set of keys (id, method, secret), not which one signs: during a key
 *                    rotation the signing key differs between nodes for a while by design
 * @param groups      per group name, a digest of its home node and resource words, so that a
 *                    difference names the group
 */
public record ConfigDigest(String haCf, String haresources, String authkeys, Map<String, String> groups) {

    /** The digests' length in hex digits (64 bits: a chance difference is not a concern). */
    public static final int LENGTH = 16;

    /**
     * ha.cf directives that are this node's own business, left out of {@link #haCf}: they name
     * this node's interfaces and peers' addresses (the media), where it logs, how its process
     * runs, its listener, hooks that run on it, and whether it accepts propagated files.
     */
    public static final Set<String> NODE_LOCAL = Set.of("bcast", "mcast", "ucast", "logfile", "debugfile",
            "logfacility", "debug", "respawn", "env", "realtime", "rtprio", "allow_crc", "http_listen", "http_auth",
            "event_log_size", "notify", "fence_hook", "fence_timeout", "propagate",
            // Heartbeat media and devices this node may name but Lifeline does not use
            "serial", "mcast6", "ucast6", "hbaping", "watchdog", "baud");

    public ConfigDigest {
        Objects.requireNonNull(haCf);
        Objects.requireNonNull(haresources);
        Objects.requireNonNull(authkeys);
        groups = Map.copyOf(new TreeMap<>(groups));
    }

    /** The digest of a loaded configuration. */
    public static ConfigDigest of(ClusterConfig config) {
        Map<String, String> groups = new TreeMap<>();
        for (ResourceGroup g : config.haresources().groups()) {
            groups.put(g.name(), digest(groupText(g)));
        }
        StringBuilder all = new StringBuilder();
        groups.forEach((name, d) -> all.append(name).append('\0').append(d).append('\n'));
        return new ConfigDigest(digest(haCfText(config.haCf())), digest(all.toString()),
                authkeysDigest(config.authkeys()), groups);
    }

    /** The cluster-wide part of ha.cf as canonical text (one value per line). */
    static String haCfText(HaCf h) {
        StringBuilder b = new StringBuilder();
        b.append("cluster ").append(h.clusterName()).append('\n');
        b.append("node");
        h.nodes().forEach(n -> b.append(' ').append(n)); // ha.cf order is the tie-break order
        b.append('\n');
        b.append("keepalive ").append(h.keepalive().toMillis()).append('\n');
        b.append("deadtime ").append(h.deadtime().toMillis()).append('\n');
        b.append("warntime ").append(h.warntime().toMillis()).append('\n');
        b.append("initdead ").append(h.initdead().toMillis()).append('\n');
        b.append("udpport ").append(h.udpport()).append('\n');
        b.append("auto_failback ").append(h.autoFailback()).append('\n');
        h.pingTargets().stream()
                .map(p -> p.name() + " " + p.addresses().stream().map(a -> a.getHostAddress()).sorted().toList())
                .sorted().forEach(p -> b.append("ping ").append(p).append('\n'));
        b.append("deadping ").append(h.deadping() == null ? "-" : h.deadping().toMillis()).append('\n');
        // the resource manager's directives in file order within each keyword (a later line may override)
        h.extensions().stream().filter(d -> !NODE_LOCAL.contains(d.keyword()))
                .sorted(Comparator.comparing(HaCf.Directive::keyword))
                .forEach(d -> b.append(d.keyword()).append(' ').append(String.join(" ", d.args())).append('\n'));
        return b.toString();
    }

    private static String groupText(ResourceGroup g) {
        StringBuilder b = new StringBuilder(g.preferredNode());
        g.resources().forEach(r -> b.append('\0').append(r.word()));
        return b.toString();
    }

    private static String authkeysDigest(Authkeys a) {
        MessageDigest md = sha256();
        md.update("lifeline authkeys digest\n".getBytes(StandardCharsets.US_ASCII)); // not a bare hash of a secret
        for (AuthKey k : new TreeMap<>(a.keys()).values()) {
            md.update((k.id() + " " + k.method().name() + " ").getBytes(StandardCharsets.US_ASCII));
            md.update(k.secret());
            md.update((byte) '\n');
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, LENGTH);
    }

    static String digest(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, LENGTH);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * What differs between this node's configuration and {@code other}'s, one entry per file:
     * {@code ha.cf}, {@code authkeys}, and {@code haresources} with the groups that differ
     * ({@code haresources (group web: only here; group db: differs)}). Empty when they agree.
     */
    public List<String> differences(ConfigDigest other) {
        List<String> out = new ArrayList<>();
        if (!haCf.equals(other.haCf)) {
            out.add("ha.cf");
        }
        if (!haresources.equals(other.haresources)) {
            List<String> groupsDiffering = new ArrayList<>();
            Set<String> names = new TreeSet<>(groups.keySet());
            names.addAll(other.groups.keySet());
            for (String g : names) {
                String mine = groups.get(g);
                String theirs = other.groups.get(g);
                if (theirs == null) {
                    groupsDiffering.add(g + ": only here");
                } else if (mine == null) {
                    groupsDiffering.add(g + ": only there");
                } else if (!mine.equals(theirs)) {
                    groupsDiffering.add(g + ": differs");
                }
            }
            out.add(groupsDiffering.isEmpty() ? "haresources"
                    : "haresources (" + String.join("; ", groupsDiffering) + ")");
        }
        if (!authkeys.equals(other.authkeys)) {
            out.add("authkeys");
        }
        return out;
    }
}
