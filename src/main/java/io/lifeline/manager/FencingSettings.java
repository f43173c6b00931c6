package io.lifeline.manager;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fencing of peers (ha.cf {@code fence_peers}, {@code fence_timeout}; docs/manager.md "Fencing").
 *
 * @param peers   run {@code fence_hook} against a peer that left the membership while it held or
 *                claimed groups, before this node starts any of them
 * @param timeout how long one run of the hook may take (both uses: a peer, and a failed stop here)
 * @param options extra {@code NAME=VALUE} lines for the hook's stdin, in the ClusterLabs
 *                fence-agent convention (e.g. {@code ipaddr}, {@code login}, {@code passwd_script})
 * @param delays  per peer, how long to wait after it left before fencing it (ha.cf
 *                {@code fence_delay}, like Pacemaker's {@code pcmk_delay_base}): in a fence race
 *                of two nodes the one whose fence is delayed survives, since it fences the other
 *                first. Peers not named are fenced at once
 */
public record FencingSettings(boolean peers, Duration timeout, Map<String, String> options,
                              Map<String, Duration> delays) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final FencingSettings OFF = new FencingSettings(false, DEFAULT_TIMEOUT, Map.of());

    public FencingSettings {
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        delays = delays == null ? Map.of() : Map.copyOf(delays); // null: a journal written before fence_delay
    }

    public FencingSettings(boolean peers, Duration timeout, Map<String, String> options) {
        this(peers, timeout, options, Map.of());
    }

    /** How long to wait before fencing {@code peer} (zero unless fence_delay names it). */
    public Duration delayFor(String peer) {
        return delays.getOrDefault(peer, Duration.ZERO);
    }
}
