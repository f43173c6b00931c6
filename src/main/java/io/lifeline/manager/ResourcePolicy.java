package io.lifeline.manager;

import java.time.Duration;

/**
 * How the manager treats one resource: action timeouts, the monitor schedule, and the failure
 * policy. Built from {@code resource_defaults} and {@code monitor WORD ...} directives.
 *
 * @param monitorInterval how often to monitor a running resource; zero disables monitoring
 * @param threshold       failures within {@code window} after which this node is no longer
 *                        eligible for the resource's group
 * @param window          how long a failure counts; each failure expires on its own
 */
public record ResourcePolicy(
        Duration monitorInterval,
        Duration monitorTimeout,
        Duration startTimeout,
        Duration stopTimeout,
        int threshold,
        Duration window,
        OnFail onFail) {

    public static final ResourcePolicy DEFAULT = new ResourcePolicy(
            Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(60),
            Duration.ofSeconds(60), 3, Duration.ofMinutes(10), OnFail.RESTART);

    public ResourcePolicy {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1");
        }
        for (Duration d : new Duration[] {monitorInterval, monitorTimeout, startTimeout, stopTimeout, window}) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
        }
    }

    public boolean monitored() {
        return !monitorInterval.isZero();
    }
}
