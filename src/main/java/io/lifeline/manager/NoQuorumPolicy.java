package io.lifeline.manager;

/** What a partition without a majority of the ha.cf nodes does (only with 3 or more nodes). */
public enum NoQuorumPolicy {
    /** Stop every group and start nothing until quorum is back. */
    STOP,
    /** Keep running as if quorum did not exist (Heartbeat R1 behaviour). */
    IGNORE
}
