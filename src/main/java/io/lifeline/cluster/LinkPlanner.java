package io.lifeline.cluster;

import io.lifeline.config.Medium;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns ha.cf media into links: one per {@code bcast} device, one per {@code mcast} line, and one
 * per device for all {@code ucast} lines on it (as Heartbeat, every node may list every peer
 * including itself; our own address is simply one of the members).
 */
public final class LinkPlanner {

    private LinkPlanner() {
    }

    public static List<LinkSpec> plan(List<Medium> media) {
        List<LinkSpec> links = new ArrayList<>();
        Map<String, LinkSpec.Bcast> bcast = new LinkedHashMap<>();
        Map<String, List<Medium.Ucast>> ucast = new LinkedHashMap<>();
        Map<String, Integer> firstUcastIndex = new LinkedHashMap<>();
        for (Medium m : media) {
            if (m instanceof Medium.Bcast b) {
                if (!bcast.containsKey(b.device())) {
                    LinkSpec.Bcast spec = new LinkSpec.Bcast(b.device(), b.port(), b.line());
                    bcast.put(b.device(), spec);
                    links.add(spec);
                }
            } else if (m instanceof Medium.Mcast mc) {
                links.add(new LinkSpec.Mcast(mc.device(), mc.group(), mc.port(), mc.ttl(), mc.loop(), mc.line()));
            } else if (m instanceof Medium.Ucast u) {
                if (!ucast.containsKey(u.device())) {
                    firstUcastIndex.put(u.device(), links.size());
                    links.add(null); // placeholder keeps ha.cf order
                }
                ucast.computeIfAbsent(u.device(), d -> new ArrayList<>()).add(u);
            }
        }
        for (Map.Entry<String, List<Medium.Ucast>> e : ucast.entrySet()) {
            Set<InetAddress> peers = new LinkedHashSet<>();
            e.getValue().forEach(u -> peers.add(u.peer()));
            Medium.Ucast first = e.getValue().get(0);
            links.set(firstUcastIndex.get(e.getKey()),
                    new LinkSpec.Ucast(e.getKey(), first.port(), List.copyOf(peers), first.line()));
        }
        return List.copyOf(links);
    }

    /**
     * The JGroups cluster name of a link: derived from ha.cf's {@code cluster} name, the
     * configured node names and the link's network parameters, so two Lifeline clusters sharing a
     * LAN (or one cluster's two links) never form one group; the device name is left out because
     * it may differ between nodes.
     */
    public static String clusterName(String haCluster, List<String> nodes, LinkSpec link) {
        List<String> sorted = new ArrayList<>();
        nodes.forEach(n -> sorted.add(n.toLowerCase(Locale.ROOT)));
        sorted.sort(null);
        String basis = haCluster + "|" + String.join(",", sorted) + "|" + link.networkId();
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8));
            return "lifeline-" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
