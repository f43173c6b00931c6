package io.lifeline.daemon;

import java.time.Duration;

/**
 * When a respawned program is restarted, and how long it gets to stop.
 *
 * <p>The restart rule is Heartbeat's (heartbeat.c, ManagedChildDied and start_a_child_client):
 * a run shorter than {@code shortRun} (30 s) is a short run; after a short run the program is
 * started again only after {@code delayAfterShortRun} (1 s), so a program that dies at once
 * costs one start a second, not a busy loop; after more than {@code maxShortRestarts} (10)
 * short runs in a row it is "respawning too fast" and not started again until the daemon
 * restarts. A run of 30 s or more resets the count, so a program that crashes once a day is
 * restarted every time, at once.
 *
 * <p>{@code stopGrace} is Lifeline's own: Heartbeat sent SIGTERM and waited without a limit.
 * 10 s is plenty for a program to flush and exit, and keeps the daemon's stop well inside
 * systemd's TimeoutStopSec; whatever is left of the process group then gets SIGKILL.
 */
record RespawnPolicy(Duration shortRun, Duration delayAfterShortRun, int maxShortRestarts, Duration stopGrace) {

    static final RespawnPolicy HEARTBEAT = new RespawnPolicy(Duration.ofSeconds(30), Duration.ofSeconds(1), 10,
            Duration.ofSeconds(10));

    RespawnPolicy {
        if (shortRun.isNegative() || delayAfterShortRun.isNegative() || maxShortRestarts < 0
                || stopGrace.isNegative()) {
            throw new IllegalArgumentException("negative respawn policy value");
        }
    }
}
