package io.lifeline.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.config.ConfigDigest;
import io.lifeline.control.ControlProtocol;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Whether the live peers run the same configuration as this node: each peer's newest advertised
 * {@link ConfigDigest} (from its state reports) against this node's. A change of what differs is
 * told once to {@code notice} (an event: which node, which file, which groups), not once per
 * report. Decides nothing: the groups a difference concerns are run as before
 * (docs/propagate.md says why). Thread-safe: fed from the cluster's event thread, read by status.
 */
final class ConfigAgreement {

    /** A peer's state as status shows it: its digest (empty: it advertises none) and what differs. */
    record Peer(Optional<ConfigDigest> digest, List<String> differences) {
    }

    private final String localNode;
    /** (warning?, message): a change worth an event. */
    private final BiConsumer<Boolean, String> notice;
    private ConfigDigest local;
    private final Map<String, Optional<ConfigDigest>> peers = new HashMap<>();
    /** Per peer, the differences last told to {@link #notice} (empty: agrees, or nothing told yet). */
    private final Map<String, List<String>> told = new HashMap<>();

    ConfigAgreement(String localNode, ConfigDigest local, BiConsumer<Boolean, String> notice) {
        this.localNode = localNode;
        this.local = local;
        this.notice = notice;
    }

    synchronized ConfigDigest local() {
        return local;
    }

    /** This node's configuration changed (reload, propagate). */
    synchronized void local(ConfigDigest digest) {
        local = digest;
        peers.keySet().forEach(this::compare);
    }

    /** A state report from {@code node} arrived, with or without a digest (a version without this feature). */
    synchronized void peer(String node, Optional<ConfigDigest> digest) {
        if (node.equalsIgnoreCase(localNode)) {
            return;
        }
        Optional<ConfigDigest> before = peers.put(node, digest);
        if (!digest.equals(before)) {
            compare(node);
        }
    }

    /** The membership changed: peers no longer alive are forgotten (a returning one advertises again). */
    synchronized void alive(Set<String> nodes) {
        peers.keySet().removeIf(n -> !nodes.contains(n));
        told.keySet().removeIf(n -> !nodes.contains(n));
    }

    private void compare(String node) {
        Optional<ConfigDigest> d = peers.get(node);
        List<String> now = d.map(local::differences).orElse(List.of());
        List<String> before = told.getOrDefault(node, List.of());
        if (now.equals(before)) {
            return;
        }
        told.put(node, now);
        if (now.isEmpty()) {
            notice.accept(false, "node " + node + " runs the same configuration as this node again");
        } else {
            notice.accept(true, "node " + node + "'s configuration differs from this node's: "
                    + String.join(", ", now) + " (docs/propagate.md; hactl propagate)");
        }
    }

    /** Every live peer that reported, by name. */
    synchronized Map<String, Peer> peers() {
        Map<String, Peer> out = new TreeMap<>();
        peers.forEach((n, d) -> out.put(n, new Peer(d, d.map(local::differences).orElse(List.of()))));
        return out;
    }

    /** The {@code config} object of {@code hactl status --json} (docs/status-json.md). */
    synchronized ObjectNode json() {
        ObjectNode o = ControlProtocol.json().createObjectNode();
        ObjectNode mine = o.putObject("digest");
        mine.put("ha_cf", local.haCf());
        mine.put("haresources", local.haresources());
        mine.put("authkeys", local.authkeys());
        boolean agree = true;
        ArrayNode list = o.putArray("peers");
        for (Map.Entry<String, Peer> e : peers().entrySet()) {
            ObjectNode p = list.addObject();
            p.put("node", e.getKey());
            p.put("advertised", e.getValue().digest().isPresent());
            ArrayNode differs = p.putArray("differs");
            e.getValue().differences().forEach(differs::add);
            agree &= e.getValue().differences().isEmpty();
        }
        o.put("same_everywhere", agree);
        return o;
    }
}
