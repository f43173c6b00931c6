package io.lifeline.manager;

/** What this node knows about one resource of a group on itself. */
public enum ResourceState {
    /** Not probed yet (after boot, cleanup, or leaving maintenance mode). */
    UNKNOWN,
    STOPPED,
    STARTED,
    /** A monitor or start failed; the resource may be partly up and needs a stop. */
    FAILED,
    /** A stop failed: the resource may still run here and nothing may touch it until cleanup. */
    STOP_FAILED
}
