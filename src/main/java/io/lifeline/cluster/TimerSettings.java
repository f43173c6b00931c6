package io.lifeline.cluster;

import io.lifeline.config.HaCf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How ha.cf's Heartbeat timers become JGroups failure-detection settings.
 *
 * <p>JGroups declares a silent member dead in two steps: FD_ALL3 suspects it once nothing was
 * heard for {@code timeout} (checked every {@code interval}, so between {@code timeout-interval}
 * and {@code timeout+interval}), then VERIFY_SUSPECT2 asks it directly and confirms after
 * {@code verify..2*verify}. Measured link-failure detection is about
 * {@code timeout + 1.5 * verify} on average (research note, section 3.2). So, to make a node
 * dead "after about deadtime" as in Heartbeat:
 * <ul>
 *   <li>FD_ALL3 interval = {@code keepalive} (heartbeat period; any packet counts as one);</li>
 *   <li>VERIFY_SUSPECT2 timeout = {@code deadtime / 10}, clamped to 50..1000 ms;</li>
 *   <li>FD_ALL3 timeout = {@code deadtime - 1.5 * verify}, but at least {@code 2 * keepalive}
 *       (FD_ALL3 needs timeout &gt; interval; a tighter deadtime would flap);</li>
 *   <li>MERGE3 1..3 s so a healed partition or link merges within a few seconds;</li>
 *   <li>GMS join timeout = {@code 2 * keepalive}, clamped to 500..2000 ms: how long a lone
 *       first node looks for an existing cluster before forming its own (it merges later).</li>
 * </ul>
 * Expected detection therefore lies between {@code deadtime - keepalive - verify/2} and
 * {@code deadtime + keepalive + verify/2}. {@code warntime} and {@code initdead} are applied by
 * Lifeline's membership itself (late-heartbeat warnings, start-up grace).
 */
public record TimerSettings(
        Duration keepalive,
        Duration deadtime,
        Duration warntime,
        Duration initdead,
        long fdIntervalMs,
        long fdTimeoutMs,
        long verifySuspectMs,
        long mergeMinMs,
        long mergeMaxMs,
        long joinTimeoutMs,
        List<String> warnings) {

    public TimerSettings {
        warnings = List.copyOf(warnings);
    }

    public static TimerSettings from(HaCf haCf) {
        return from(haCf.keepalive(), haCf.deadtime(), haCf.warntime(), haCf.initdead());
    }

    public static TimerSettings from(Duration keepalive, Duration deadtime, Duration warntime, Duration initdead) {
        List<String> warnings = new ArrayList<>();
        long ka = Math.max(10, keepalive.toMillis());
        long dead = deadtime.toMillis();
        long verify = clamp(dead / 10, 50, 1000);
        long timeout = dead - (verify * 3) / 2;
        if (timeout < 2 * ka) {
            timeout = 2 * ka;
            warnings.add("deadtime " + dead + " ms is too short for keepalive " + ka
                    + " ms; nodes will be declared dead after about " + (timeout + (verify * 3) / 2)
                    + " ms (make deadtime at least " + (2 * ka + (verify * 3) / 2) + " ms)");
        }
        long join = clamp(2 * ka, 500, 2000);
        return new TimerSettings(keepalive, deadtime, warntime, initdead, ka, timeout, verify, 1000, 3000, join,
                warnings);
    }

    /** The expected time from a node's failure to its removal from a link's view, in ms. */
    public long expectedDetectionMs() {
        return fdTimeoutMs + (verifySuspectMs * 3) / 2;
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }
}
