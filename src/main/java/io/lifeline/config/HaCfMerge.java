package io.lifeline.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The ha.cf a node installs when a peer propagates its own (docs/propagate.md): the peer's file
 * without its node-local lines ({@link ConfigDigest#NODE_LOCAL}: media, logging, process,
 * hooks, {@code propagate}), followed by this node's node-local lines as written. So the
 * cluster-wide part becomes the peer's, and this node keeps its interfaces, peers' addresses,
 * log targets and its own choice to accept propagation. A node-local directive of the peer is
 * never taken over, even where this node has none of that keyword. Comments of the peer's file
 * stay; this node's comments between its node-local lines do not.
 */
public final class HaCfMerge {

    static final String OWN_LINES_HEADER = "# this node's own directives, kept by hactl propagate (docs/propagate.md)";

    private HaCfMerge() {
    }

    /** {@code sent}'s cluster-wide lines, then {@code own}'s node-local lines. */
    public static String forThisNode(String sent, String own) {
        List<String> sentLines = sent.lines().toList();
        Set<Integer> dropped = nodeLocalLineNumbers(sentLines);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sentLines.size(); i++) {
            String line = sentLines.get(i);
            if (!dropped.contains(i + 1) && !line.equals(OWN_LINES_HEADER)) {
                out.append(line).append('\n');
            }
        }
        List<String> ownLines = own.lines().toList();
        Set<Integer> kept = nodeLocalLineNumbers(ownLines);
        if (!kept.isEmpty()) {
            out.append(OWN_LINES_HEADER).append('\n');
            for (int i = 0; i < ownLines.size(); i++) {
                if (kept.contains(i + 1)) {
                    out.append(ownLines.get(i)).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static Set<Integer> nodeLocalLineNumbers(List<String> raw) {
        Set<Integer> numbers = new HashSet<>();
        for (ConfigLines.Line l : ConfigLines.parse(new ArrayList<>(raw), false)) {
            if (ConfigDigest.NODE_LOCAL.contains(l.keyword().toLowerCase(Locale.ROOT))) {
                numbers.add(l.number());
            }
        }
        return numbers;
    }
}
