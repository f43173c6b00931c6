package io.lifeline.manager;

import java.time.Instant;

/**
 * One state change with the reason for it, in words an admin understands
 * ("monitor of nginx failed 3 times within 10m on node1: web leaves node1").
 *
 * @param group the group concerned, or null for node-wide events
 */
public record ManagerEvent(Instant at, long monotonicMs, Level level, EventKind kind, String node,
                           String group, String message) {

    public enum Level { INFO, WARN, ERROR }

    @Override
    public String toString() {
        return level + " " + kind + (group == null ? "" : " [" + group + "]") + " " + message;
    }
}
