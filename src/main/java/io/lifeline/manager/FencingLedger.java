package io.lifeline.manager;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which peers must be fenced before this node may start which groups (ha.cf {@code fence_peers
 * on}; docs/manager.md "Fencing"). Pure bookkeeping: the manager asks it and emits the actions.
 *
 * <p>A peer that reported a group claiming, starting, running, recovering, stopping or blocked may
 * hold it (a claim this node confirmed may have become a start whose report was lost). When such a
 * peer leaves the membership (dead, frozen or cut off: nobody can tell from here) it owes one
 * fence: one per departure, whatever the number of groups, and only once a takeover here needs it.
 * Until the hook succeeded, none of those groups starts here; a failure is retried every
 * {@link #RETRY_MS}. A peer that comes back cancels what it owes (a late result is ignored): it is
 * alive, and placement over the merged membership decides, as after any partition.
 */
final class FencingLedger {

    /** How long a failed fence waits before it is run again. */
    static final long RETRY_MS = 5_000;

    enum State {
        /** Owed; run as soon as a takeover here waits for it. */
        NEEDED,
        RUNNING,
        /** The last run failed; runs again at {@code retryAtMs}. */
        FAILED,
        /** The hook succeeded: the peer's groups may start here. */
        DONE
    }

    /** One departure of one peer and its fence. */
    static final class Debt {
        final String peer;
        final Set<String> groups;
        final long sinceMs;
        final Instant sinceWall;
        /** Not fenced before this time (fence_delay: the losing side of a fence race waits). */
        final long notBeforeMs;
        State state = State.NEEDED;
        long fenceId;
        long issuedAtMs;
        long retryAtMs = -1;
        int attempts;
        String lastError;

        Debt(String peer, Set<String> groups, long sinceMs, Instant sinceWall, long delayMs) {
            this.peer = peer;
            this.groups = new TreeSet<>(groups);
            this.sinceMs = sinceMs;
            this.sinceWall = sinceWall;
            this.notBeforeMs = sinceMs + delayMs;
        }

        boolean dueAt(long nowMs) {
            return state == State.NEEDED && nowMs >= notBeforeMs || state == State.FAILED && nowMs >= retryAtMs;
        }
    }

    /** Per peer, the groups its latest report says it claims or may hold. */
    private final Map<String, Set<String>> mayHold = new HashMap<>();
    private final Map<String, Debt> debts = new LinkedHashMap<>();

    /** What a peer's report says about one group (members or not, like {@link ReleaseLedger}). */
    void onReport(String peer, String group, GroupPhase phase) {
        Set<String> groups = mayHold.computeIfAbsent(peer, p -> new TreeSet<>());
        if (phase == GroupPhase.CLAIMING || phase.isActive() || phase == GroupPhase.STOPPING
                || phase == GroupPhase.BLOCKED) {
            groups.add(group);
        } else if (phase != GroupPhase.PROBING) {
            groups.remove(group);
        }
    }

    /**
     * The peer left the membership (fence_peers on): the debt it owes, not due before
     * {@code delayMs} from now (fence_delay), or null if it held and claimed nothing.
     */
    Debt onLeft(String peer, long nowMs, Instant wall, long delayMs) {
        Set<String> groups = mayHold.getOrDefault(peer, Set.of());
        if (groups.isEmpty()) {
            return null;
        }
        Debt d = new Debt(peer, groups, nowMs, wall, delayMs);
        debts.put(peer, d);
        return d;
    }

    /** The peer is back in the membership: what it owed is cancelled (returned, or null). */
    Debt onJoined(String peer) {
        return debts.remove(peer);
    }

    /** Unfenced departed peers that may hold the group: it must not start here before they are fenced. */
    List<Debt> blocking(String group) {
        List<Debt> out = new ArrayList<>();
        for (Debt d : debts.values()) {
            if (d.state != State.DONE && d.groups.contains(group)) {
                out.add(d);
            }
        }
        return out;
    }

    /** Marks a debt's fence as issued now with this id. */
    void issued(Debt d, long fenceId, long nowMs) {
        d.state = State.RUNNING;
        d.fenceId = fenceId;
        d.issuedAtMs = nowMs;
        d.attempts++;
    }

    /** The debt whose fence is running with this id, or null (cancelled, or already given up on). */
    Debt running(long fenceId) {
        for (Debt d : debts.values()) {
            if (d.state == State.RUNNING && d.fenceId == fenceId) {
                return d;
            }
        }
        return null;
    }

    void succeeded(Debt d) {
        d.state = State.DONE;
        d.lastError = null;
        d.retryAtMs = -1;
        // The peer's resources are down: nothing it reported holding vouches for anything any more.
        mayHold.remove(d.peer);
    }

    void failed(Debt d, String error, long nowMs) {
        d.state = State.FAILED;
        d.lastError = error;
        d.retryAtMs = nowMs + RETRY_MS;
    }

    /** Fences running longer than their timeout plus {@code graceMs}: their results are overdue. */
    List<Debt> overdue(long nowMs, long timeoutMs, long graceMs) {
        return debts.values().stream()
                .filter(d -> d.state == State.RUNNING && nowMs >= d.issuedAtMs + timeoutMs + graceMs).toList();
    }

    /** Every deadline of the ledger (retries, overdue results), for the manager's timer. */
    void deadlines(java.util.function.LongConsumer at, long timeoutMs, long graceMs) {
        for (Debt d : debts.values()) {
            if (d.state == State.NEEDED) {
                at.accept(d.notBeforeMs); // a delayed fence falls due (the caller ignores past times)
            } else if (d.state == State.FAILED) {
                at.accept(d.retryAtMs);
            } else if (d.state == State.RUNNING) {
                at.accept(d.issuedAtMs + timeoutMs + graceMs);
            }
        }
    }

    List<Debt> debts() {
        return List.copyOf(debts.values());
    }
}
