package io.lifeline.manager.notify;

import java.util.Locale;

/** A group's change on one node, passed to notify hooks as their first argument (lower-case). */
public enum Transition {
    STARTING, STARTED, STOPPING, STOPPED, RECOVERING, RECOVERED, FAILED, BLOCKED, UNBLOCKED, REANNOUNCED;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
