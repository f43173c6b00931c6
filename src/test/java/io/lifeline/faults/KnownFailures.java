package io.lifeline.faults;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Violations the suite finds on today's main that are open bugs of issue 14, each with its item
 * number. {@code FaultSuiteIT} prints them, marked, but does not fail on them; every other
 * violation fails it. Remove an entry when its fix lands: the suite then guards the fix.
 */
final class KnownFailures {

    /**
     * A known bug: violations of {@code invariant} in the context of a fault of one of
     * {@code kinds} (or overlapped by one; empty: any fault) whose detail contains one of
     * {@code details} (empty: any).
     */
    record Known(Invariant invariant, Set<FaultKind> kinds, List<String> details, int issueItem, String why) {
        boolean covers(Invariant.Violation v) {
            if (v.invariant() != invariant) {
                return false;
            }
            boolean kindMatches = kinds.isEmpty() || v.fault() != null
                    && (kinds.contains(v.fault().kind) || v.fault().overlappedKinds.stream().anyMatch(kinds::contains));
            return kindMatches && (details.isEmpty() || details.stream().anyMatch(v.detail()::contains));
        }
    }

    static final List<Known> LIST = List.of(
            new Known(Invariant.LONE_NODE_UNDECIDED, Set.of(FaultKind.COLD_START_ALONE), List.of(), 1,
                    "a node that boots while its peers are down never gets a membership: \"no membership yet\""),
            new Known(Invariant.UNJUSTIFIED_BAN, Set.of(), List.of("(IPaddr2::"), 2,
                    "a takeover refused by the duplicate-address probe (the old holder still has the VIP: frozen,"
                            + " killed, cut off) counts as the whole failure threshold and bans the node"),
            new Known(Invariant.LOG_EXCEPTION, Set.of(), List.of("OutOfMemoryError", "malformed ("), 3,
                    "unauthenticated datagrams are decoded before the HMAC check: OutOfMemoryError, decoder"
                            + " exceptions in the drop log"),
            new Known(Invariant.LOG_EXCEPTION, Set.of(FaultKind.FORGED_DATAGRAMS), List.of(), 3,
                    "the same: JGroups parses forged datagrams (e.g. a ClassCastException of a forged header)"),
            new Known(Invariant.LOG_EXCEPTION,
                    Set.of(FaultKind.FULL_RESTART, FaultKind.COLD_START_ALONE, FaultKind.GRACEFUL_RESTART),
                    List.of("RejectedExecutionException"), 8,
                    "on SIGTERM the agent and sender executors shut down while the manager still emits actions:"
                            + " ManagerRuntime logs 'could not carry out' with a stack trace and carries on, the"
                            + " action's in-flight state never completed (found by this suite; the trigger is shutdown)"),
            new Known(Invariant.STUCK, Set.of(), List.of("as not in ha.cf"), 11,
                    "a peer whose name was not known yet when its view arrived is refused on that link for good:"
                            + " the link stays dead to it"),
            new Known(Invariant.DUAL_OWNER, Set.of(FaultKind.KILL9_RESTART, FaultKind.FREEZE), List.of(), 10,
                    "after a refused takeover the next candidate's start counts as a handover and skips the"
                            + " duplicate-address probe, while the killed or frozen holder still has the VIP"),
            new Known(Invariant.DUAL_OWNER, Set.of(FaultKind.FORGED_DATAGRAMS), List.of(), 3,
                    "forged datagrams freeze a node (full GC, OutOfMemoryError) so that its peers take over while it"
                            + " still holds the VIP (then item 10's skipped probe)"));

    private KnownFailures() {
    }

    static Optional<Known> find(Invariant.Violation v) {
        return LIST.stream().filter(k -> k.covers(v)).findFirst();
    }
}
