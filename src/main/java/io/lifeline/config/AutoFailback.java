package io.lifeline.config;

/** Heartbeat's {@code auto_failback}: whether a group returns to its preferred node. */
public enum AutoFailback {
    /** Groups go back to their home node when it (re)joins. */
    ON,
    /** Groups stay where they run. */
    OFF,
    /** Heartbeat's pre-nice_failback behaviour; Lifeline treats it as {@code on} and warns. */
    LEGACY
}
