package io.lifeline.manager;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Per group, which peers may still hold it, from their own reports (members or not: a report may
 * arrive before the view that contains its sender): a peer that reported the group running,
 * starting, stopping or blocked may hold it until it reports it stopped or released, and it stays
 * a possible holder when it leaves the membership (dead, frozen or cut off, it never said it let
 * go). A release counts only if it came after the last time a peer left the membership other than by
 * a clean shutdown. A start here is a <em>handover</em> (agents may skip checks that
 * only guard against a live owner, such as a VIP's duplicate-address probe) only when a peer's
 * completed stop released the group and no other peer may hold it: the release must come from
 * the holder. A peer whose start was refused or failed and that then stops what it had says
 * nothing about the holder it was taking over from.
 */
final class ReleaseLedger {

    private final Map<String, Set<String>> mayHold = new HashMap<>();
    /** Per group, the possible holders whose last report said RUNNING. */
    private final Map<String, Set<String>> running = new HashMap<>();
    /** The peer whose release left the group with no possible holder, while nobody has held it since. */
    private final Map<String, String> releasedBy = new HashMap<>();

    /** A member peer's report: what it says about one group. */
    void onReport(String peer, String group, GroupPhase phase, boolean released) {
        Set<String> holders = mayHold.computeIfAbsent(group, g -> new HashSet<>());
        Set<String> steady = running.computeIfAbsent(group, g -> new HashSet<>());
        if (phase.isActive() || phase == GroupPhase.STOPPING || phase == GroupPhase.BLOCKED) {
            holders.add(peer);
            if (phase == GroupPhase.RUNNING) {
                steady.add(peer);
            } else {
                steady.remove(peer);
            }
            releasedBy.remove(group);
        } else if (phase != GroupPhase.PROBING) {
            holders.remove(peer);
            steady.remove(peer);
            if (released && holders.isEmpty()) {
                releasedBy.put(group, peer);
            }
        }
    }

    /**
     * No release seen so far counts any more: after a stall, or when peers failed out of the
     * membership (what they do from then on, e.g. on their side of a partition, is not known here).
     */
    void forgetReleases() {
        releasedBy.clear();
    }

    /**
     * Whether the group has possible holders and each last reported it running: a holder that was
     * starting or restarting it may add its address after a check run ahead, so only a steady one
     * lets that check stand in for the start's own.
     */
    boolean heldSteadily(String group) {
        Set<String> holders = mayHold.getOrDefault(group, Set.of());
        return !holders.isEmpty() && running.getOrDefault(group, Set.of()).containsAll(holders);
    }

    /** The peers that may hold the group. */
    Set<String> possibleHolders(String group) {
        return Set.copyOf(mayHold.getOrDefault(group, Set.of()));
    }

    /** Whether a start of the group here follows a confirmed release by its last possible holder. */
    boolean isHandover(String group) {
        return releasedBy.containsKey(group) && mayHold.getOrDefault(group, Set.of()).isEmpty();
    }
}
