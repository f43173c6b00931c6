package io.lifeline.manager;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

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

    /** Per group, the peers that may hold it, each with the phase of its last report about it. */
    private final Map<String, Map<String, GroupPhase>> mayHold = new HashMap<>();
    /** The peer whose release left the group with no possible holder, while nobody has held it since. */
    private final Map<String, String> releasedBy = new HashMap<>();

    /** A member peer's report: what it says about one group. */
    void onReport(String peer, String group, GroupPhase phase, boolean released) {
        Map<String, GroupPhase> holders = mayHold.computeIfAbsent(group, g -> new HashMap<>());
        if (phase.isActive() || phase == GroupPhase.STOPPING || phase == GroupPhase.BLOCKED) {
            holders.put(peer, phase);
            releasedBy.remove(group);
        } else if (phase != GroupPhase.PROBING) {
            holders.remove(peer);
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
     * Whether the group has possible holders, none of them in {@code members}, and each last
     * reported it running: a holder that was starting or restarting it may add its address after
     * a check run ahead, so only departed, steady ones let that check stand in for the start's own.
     */
    boolean heldSteadilyByDeparted(String group, Collection<String> members) {
        Map<String, GroupPhase> holders = mayHold.getOrDefault(group, Map.of());
        return !holders.isEmpty() && holders.entrySet().stream()
                .allMatch(h -> h.getValue() == GroupPhase.RUNNING && !members.contains(h.getKey()));
    }

    /** Whether a start of the group here follows a confirmed release by its last possible holder. */
    boolean isHandover(String group) {
        return releasedBy.containsKey(group) && mayHold.getOrDefault(group, Map.of()).isEmpty();
    }
}
