package io.lifeline.manager.notify;

import java.time.Instant;

/** One transition to report to the notify hooks, in the order the manager decided them. */
public record Notification(Instant at, String node, String group, Transition transition, String reason) {
}
