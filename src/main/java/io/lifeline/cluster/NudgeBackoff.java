package io.lifeline.cluster;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Per key, whether a nudge may go out now: the first at once, the next ones after a delay that
 * doubles from {@code firstDelayMs} up to {@code maxDelayMs}, and at once again after
 * {@code quietResetMs} without a nudge.
 *
 * <p>Why: {@link PromptMerge} nudges a merge the moment it hears a node outside its view. A healed
 * partition needs one or two nudges; a node that keeps being dropped and heard again (a one-sided
 * cut, where a third node hears both ends) would otherwise be merged back on every datagram and
 * dropped again, a cycle of view changes as fast as the failure detector. With the delay doubling
 * up to a cap above MERGE3's own check interval, such a node is soon retried no more often than
 * MERGE3 would retry it anyway.
 *
 * <p>At most {@code maxKeys} keys are kept (keys are the JGroups addresses of authenticated
 * peers, and a peer gets a new address on each restart): when full, the key asked about longest
 * ago is forgotten, which at worst lets one more nudge for it through.
 */
final class NudgeBackoff<K> {

    private final long firstDelayMs;
    private final long maxDelayMs;
    private final long quietResetMs;
    private final int maxKeys;
    /** In the order they were last asked about, oldest first (access order). */
    private final LinkedHashMap<K, long[]> lastAndDelay = new LinkedHashMap<>(16, 0.75f, true);

    NudgeBackoff(long firstDelayMs, long maxDelayMs, long quietResetMs, int maxKeys) {
        if (firstDelayMs <= 0 || maxDelayMs < firstDelayMs || quietResetMs < maxDelayMs || maxKeys <= 0) {
            throw new IllegalArgumentException("0 < first <= max <= quiet reset, maxKeys > 0");
        }
        this.firstDelayMs = firstDelayMs;
        this.maxDelayMs = maxDelayMs;
        this.quietResetMs = quietResetMs;
        this.maxKeys = maxKeys;
    }

    /** Whether a nudge for {@code key} may go out at {@code nowMs} (monotonic); if so, it counts as sent. */
    synchronized boolean tryNudge(K key, long nowMs) {
        long[] e = lastAndDelay.get(key);
        if (e == null || nowMs - e[0] >= quietResetMs) {
            if (e == null && lastAndDelay.size() >= maxKeys) {
                Iterator<K> oldest = lastAndDelay.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            lastAndDelay.put(key, new long[] {nowMs, firstDelayMs});
            return true;
        }
        if (nowMs - e[0] < e[1]) {
            return false;
        }
        e[0] = nowMs;
        e[1] = Math.min(maxDelayMs, e[1] * 2);
        return true;
    }

    synchronized int size() {
        return lastAndDelay.size();
    }
}
