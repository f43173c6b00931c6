package io.lifeline.faults;

import java.util.List;
import java.util.Locale;

/**
 * The clusters the fault suite can build (issue 16, "How it is proved"): which daemons run, which
 * of them is a witness, the groups and their home nodes, the ha.cf lines that make the shape, the
 * fault kinds a run of the shape draws and the nodes each kind may be aimed at. {@link #THREE} is
 * the suite's original cluster and stays exactly what it was: {@code FaultSuiteIT} runs it.
 * docs/split-brain.md says what each shape promises; bench/faults/README.md what was measured.
 */
enum ClusterShape {

    /** Three nodes, every fault kind of issue 14 (the default; {@code FaultSuiteIT}). */
    THREE("3 nodes", List.of("n1", "n2", "n3"), null, "",
            List.of(FaultKind.KILL9_RESTART, FaultKind.FREEZE, FaultKind.NODE_CUT_OFF, FaultKind.ONE_LINK_CUT,
                    FaultKind.PARTITION, FaultKind.ONE_SIDED_PARTITION, FaultKind.APP_KILL, FaultKind.GRACEFUL_RESTART,
                    FaultKind.STANDBY_ONLINE, FaultKind.FAILOVER, FaultKind.COLD_START_ALONE, FaultKind.FULL_RESTART,
                    FaultKind.FORGED_DATAGRAMS, FaultKind.REPLAYED_DATAGRAMS),
            "n1", "n2", "n3"),
    /**
     * Two data nodes and a witness ({@code arbiter witness}, started as {@code hactl arbiter}):
     * a data node cut off or partitioned from the others (1 vote of 3: it stops, the other node
     * with the witness takes over), the witness cut off (a non-event), and the pair cut from each
     * other while both hear the witness (a one-sided partition: neither takes the other's groups).
     */
    ARBITER("2 nodes and an arbiter", List.of("n1", "n2", "witness"), "witness", "arbiter witness\n",
            List.of(FaultKind.PARTITION, FaultKind.NODE_CUT_OFF, FaultKind.WITNESS_CUT_OFF, FaultKind.ONE_SIDED_PARTITION),
            "n1", "n2", "n1"),
    /**
     * Four nodes with {@code auto_tie_breaker on} (the tie-breaker: n1, the first ha.cf node):
     * 2|2 splits (n1's half runs every group, the other half none) and 3|1 partitions and cut-offs.
     */
    FOUR_ATB("4 nodes, auto_tie_breaker", List.of("n1", "n2", "n3", "n4"), null, "auto_tie_breaker on\n",
            List.of(FaultKind.EVEN_SPLIT, FaultKind.PARTITION, FaultKind.NODE_CUT_OFF),
            "n1", "n2", "n3", "n4"),
    /**
     * Two nodes with {@code fence_peers on} and the lab's fence agent ({@link FaultCluster}: it
     * "powers off" the peer: kills its daemon and nginx, deletes its VIPs and the Dummy's state):
     * a partition or a node cut off, where each side fences the other; {@code fence_delay n1=3s}
     * decides the race for n1. The nemesis starts a fenced daemon again after the heal (the power
     * coming back).
     */
    TWO_FENCE("2 nodes, fence_peers", List.of("n1", "n2"), null, "fence_timeout 20s\nfence_delay n1=3s\n",
            List.of(FaultKind.PARTITION, FaultKind.NODE_CUT_OFF),
            "n1", "n2", "n1");

    /** The tie-breaker of {@link #FOUR_ATB}: {@code auto_tie_breaker_node lowest}, the first ha.cf node. */
    static final String TIE_BREAKER = "n1";

    final String description;
    /** Every daemon, in ha.cf order (the witness too): each gets addresses .11, .12, ... on both links. */
    final List<String> nodes;
    /** The node started as {@code hactl arbiter}, or null. */
    final String witness;
    /** ha.cf lines after the node lines. */
    final String haCfExtra;
    /** What a run of this shape draws, in this order (the nemesis shuffles it from the seed). */
    final List<FaultKind> kinds;
    /** Home node of group i: VIP 198.51.100.(101 + i); group 0 runs nginx, group 1 the OCF Dummy. */
    final List<String> homes;

    ClusterShape(String description, List<String> nodes, String witness, String haCfExtra, List<FaultKind> kinds,
            String... homes) {
        this.description = description;
        this.nodes = nodes;
        this.witness = witness;
        this.haCfExtra = haCfExtra;
        this.kinds = kinds;
        this.homes = List.of(homes);
    }

    /** The nodes that run groups (every node but the witness). */
    List<String> dataNodes() {
        return nodes.stream().filter(n -> !n.equals(witness)).toList();
    }

    /** The nodes a fault of {@code kind} may be aimed at in this shape. */
    List<String> targets(FaultKind kind) {
        if (this == THREE) {
            return nodes; // the original suite aims every kind at any node
        }
        return switch (kind) {
            case WITNESS_CUT_OFF, ONE_SIDED_PARTITION -> witness == null ? nodes : List.of(witness); // the bridge
            case EVEN_SPLIT -> nodes.stream().filter(n -> !n.equals(TIE_BREAKER)).toList(); // the tie-breaker's partner
            default -> dataNodes();
        };
    }

    /** Whether the nodes fence a peer that died holding groups (the fence hook's lines are the cluster's: a path). */
    boolean fences() {
        return this == TWO_FENCE;
    }

    /** The run.sh name: {@code three}, {@code arbiter}, {@code four-atb}, {@code two-fence}. */
    String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static ClusterShape parse(String name) {
        for (ClusterShape s : values()) {
            if (s.cliName().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown cluster shape '" + name + "' (one of "
                + String.join(", ", java.util.Arrays.stream(values()).map(ClusterShape::cliName).toList()) + ")");
    }

    /** The kinds of a focused run: each must be one this shape draws (a witness cut needs a witness...). */
    List<FaultKind> focus(List<FaultKind> requested) {
        for (FaultKind k : requested) {
            if (!kinds.contains(k)) {
                throw new IllegalArgumentException("fault kind " + k + " is not one the shape " + cliName()
                        + " draws (" + kinds + ")");
            }
        }
        return requested;
    }
}
