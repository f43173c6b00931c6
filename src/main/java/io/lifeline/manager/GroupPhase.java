package io.lifeline.manager;

/** Where a group is on one node, as reported to the peers and shown by {@code hactl status}. */
public enum GroupPhase {
    STOPPED,
    /** Resources not probed yet: the node does not know whether it runs them. */
    PROBING,
    /** This node is the placement choice and waits for every peer to confirm it does not hold the group. */
    CLAIMING,
    STARTING,
    RUNNING,
    /** Running, but a failed resource (and the ones after it) are being restarted in place. */
    RECOVERING,
    STOPPING,
    /** A stop failed or on_fail=block hit: no node may start the group until cleanup. */
    BLOCKED;

    /** Resources of the group may be up on the node and the node intends to keep them. */
    public boolean isActive() {
        return this == STARTING || this == RUNNING || this == RECOVERING;
    }
}
