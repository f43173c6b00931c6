package io.lifeline.manager;

/** What an event is about, so that {@code hactl events} can filter. */
public enum EventKind {
    MEMBERSHIP, PLACEMENT, RESOURCE, FAILURE, FAILCOUNT, SPLIT_BRAIN, STALL, QUORUM, OPERATOR, MAINTENANCE, FENCING,
    /** A configuration reload: applied (with what changed) or refused (with every problem). */
    CONFIG
}
