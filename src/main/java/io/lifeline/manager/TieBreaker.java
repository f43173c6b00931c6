package io.lifeline.manager;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Breaks an even split of a cluster of 4 or more nodes without a witness, like corosync's
 * {@code auto_tie_breaker}: of two halves of exactly equal size, the one holding the tie-breaker
 * node keeps quorum, so one side goes on running the groups instead of both stopping them.
 *
 * <p>ha.cf (Lifeline-only, docs/manager.md "Quorum"): {@code auto_tie_breaker on} and optionally
 * {@code auto_tie_breaker_node lowest|highest|NODE}; "lowest" and "highest" mean the first and
 * the last {@code node} of ha.cf (Lifeline has no node ids; the ha.cf order is the one order all
 * nodes share, since their ha.cf must be identical).
 *
 * <p>Why a node and not a count: both halves must reach opposite answers from their own view
 * alone, without hearing each other. The price is corosync's too: when the tie-breaker node itself
 * is down, an even split leaves neither half quorate.
 */
public sealed interface TieBreaker {

    /** The default: an even split leaves both halves without quorum. */
    TieBreaker NONE = new None();

    /** Whether a partition of exactly half the nodes, {@code partition}, keeps quorum. */
    boolean favours(Collection<String> partition, List<String> nodes);

    /** For events and status: which node breaks ties, or "none". */
    String describe(List<String> nodes);

    /** Parses an {@code auto_tie_breaker_node} value; null when it names no known node. */
    static TieBreaker of(String value, List<String> nodes) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "lowest" -> new Position(true);
            case "highest" -> new Position(false);
            default -> nodes.stream().filter(n -> n.equalsIgnoreCase(value)).findFirst()
                    .<TieBreaker>map(Named::new).orElse(null);
        };
    }

    record None() implements TieBreaker {
        @Override
        public boolean favours(Collection<String> partition, List<String> nodes) {
            return false;
        }

        @Override
        public String describe(List<String> nodes) {
            return "none";
        }
    }

    /** The first (lowest) or last (highest) ha.cf node. */
    record Position(boolean lowest) implements TieBreaker {
        @Override
        public boolean favours(Collection<String> partition, List<String> nodes) {
            return !nodes.isEmpty() && partition.contains(node(nodes));
        }

        @Override
        public String describe(List<String> nodes) {
            return nodes.isEmpty() ? "none" : node(nodes);
        }

        private String node(List<String> nodes) {
            return lowest ? nodes.get(0) : nodes.get(nodes.size() - 1);
        }
    }

    /** One node named in ha.cf. */
    record Named(String node) implements TieBreaker {
        @Override
        public boolean favours(Collection<String> partition, List<String> nodes) {
            return partition.contains(node);
        }

        @Override
        public String describe(List<String> nodes) {
            return node;
        }
    }
}
