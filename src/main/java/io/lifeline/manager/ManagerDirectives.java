package io.lifeline.manager;

import io.lifeline.config.Diagnostics;
import io.lifeline.config.HaCf;
import io.lifeline.config.HaCfParser;
import io.lifeline.config.HeartbeatValues;
import io.lifeline.config.Haresources;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.notify.NotifyHook;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the manager's Lifeline-only ha.cf directives (which Heartbeat itself would reject, so
 * a plain Heartbeat configuration simply has none of them). The reference is docs/manager.md:
 *
 * <pre>
 * resource_defaults interval=10s timeout=20s threshold=3 window=10min on_fail=restart
 * monitor nginx interval=5s timeout=10s threshold=2
 * monitor IPaddr::198.51.100.10/24/eth0 interval=2s
 * no_quorum_policy stop
 * failback_delay 60s
 * notify /etc/ha.d/notify.sh timeout=30s
 * fence_hook /etc/ha.d/fence.sh
 * auto_tie_breaker on
 * auto_tie_breaker_node lowest
 * fence_peers on ipaddr=192.0.2.1 login=admin
 * fence_timeout 60s
 * fence_delay node1=5s
 * arbiter witness
 * </pre>
 *
 * Every problem is reported with file and line; a bad directive is skipped, the rest still load.
 */
public final class ManagerDirectives {

    /** The ha.cf keywords this class owns. */
    public static final Set<String> KEYWORDS = HaCfParser.EXTENSION_KEYWORDS;

    private static final List<String> POLICY_KEYS = List.of("interval", "timeout", "start_timeout", "stop_timeout",
            "threshold", "window", "on_fail");

    private final Path file;
    private final Diagnostics diag;
    /** ha.cf's nodes, in order (for auto_tie_breaker_node); empty when the caller has none. */
    private final List<String> nodes;

    private ManagerDirectives(Path file, Diagnostics diag, List<String> nodes) {
        this.file = file;
        this.diag = diag;
        this.nodes = nodes;
    }

    /** Settings from {@code haCf.extensions()}; problems go to {@code diag}. */
    public static ManagerSettings parse(HaCf haCf, Haresources haresources, Diagnostics diag) {
        return new ManagerDirectives(haCf.file(), diag, haCf.nodes()).read(haCf.extensions(), haresources);
    }

    /**
     * @param directives  ha.cf directives; keywords not in {@link #KEYWORDS} belong to other
     *                    subsystems and are ignored here
     * @param haresources to check that {@code monitor} names a real resource word; may be null
     */
    public static ManagerSettings parse(Path file, List<HaCf.Directive> directives, Haresources haresources,
                                        Diagnostics diag) {
        return new ManagerDirectives(file, diag, List.of()).read(directives, haresources);
    }

    /** As {@link #parse(Path, List, Haresources, Diagnostics)}, checking node names against ha.cf's {@code nodes}. */
    static ManagerSettings parse(Path file, List<String> nodes, List<HaCf.Directive> directives,
                                 Haresources haresources, Diagnostics diag) {
        return new ManagerDirectives(file, diag, List.copyOf(nodes)).read(directives, haresources);
    }

    private ManagerSettings read(List<HaCf.Directive> directives, Haresources haresources) {
        ManagerSettings s = ManagerSettings.defaults();
        // resource_defaults first, wherever it is, so that monitor lines inherit from it
        Map<String, String> defaults = new LinkedHashMap<>();
        int defaultsLine = 0;
        for (HaCf.Directive d : directives) {
            if (d.keyword().equals("resource_defaults")) {
                if (defaultsLine > 0) {
                    diag.error(file, d.line(), "resource_defaults given twice (first at line " + defaultsLine + ")");
                    continue;
                }
                defaultsLine = d.line();
                Map<String, String> kv = settings(d, d.args());
                if (kv != null) {
                    defaults.putAll(kv);
                }
            }
        }
        ResourcePolicy base = policy(ResourcePolicy.DEFAULT, defaults, defaultsLine);
        s = s.withResourceDefaults(base);

        Map<String, ResourcePolicy> perResource = new HashMap<>();
        Map<String, Integer> monitorLines = new HashMap<>();
        List<NotifyHook> hooks = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (HaCf.Directive d : directives) {
            String k = d.keyword();
            if (!KEYWORDS.contains(k) || k.equals("resource_defaults")) {
                continue;
            }
            if (!k.equals("monitor") && !k.equals("notify")) {
                Integer first = seen.putIfAbsent(k, d.line());
                if (first != null) {
                    diag.error(file, d.line(), k + " given twice (first at line " + first + ")");
                    continue;
                }
            }
            switch (k) {
                case "monitor" -> {
                    if (d.args().isEmpty()) {
                        diag.error(file, d.line(), "monitor needs a resource word from haresources, then settings,"
                                + " e.g. monitor nginx interval=10s");
                        continue;
                    }
                    String word = d.args().get(0);
                    if (haresources != null && !hasWord(haresources, word)) {
                        diag.error(file, d.line(), "monitor: no resource '" + word + "' in " + haresources.file()
                                + " (use the word exactly as written there)");
                        continue;
                    }
                    Integer first = monitorLines.putIfAbsent(word, d.line());
                    if (first != null) {
                        diag.error(file, d.line(), "monitor " + word + " given twice (first at line " + first + ")");
                        continue;
                    }
                    Map<String, String> kv = settings(d, d.args().subList(1, d.args().size()));
                    if (kv != null) {
                        perResource.put(word, policy(base, kv, d.line()));
                    }
                }
                case "no_quorum_policy" -> one(d).ifPresent(v -> {
                    switch (v.toLowerCase(Locale.ROOT)) {
                        case "stop" -> { }
                        case "ignore" -> noQuorum[0] = NoQuorumPolicy.IGNORE;
                        default -> diag.error(file, d.line(), "no_quorum_policy must be stop or ignore, not '" + v + "'");
                    }
                });
                case "failback_delay" -> one(d).flatMap(v -> duration(d.line(), k, v, true))
                        .ifPresent(v -> delays.put(k, v));
                case "stall_threshold", "stall_rejoin_wait", "report_interval" ->
                        one(d).flatMap(v -> duration(d.line(), k, v, false)).ifPresent(v -> delays.put(k, v));
                case "event_log_size" -> one(d).ifPresent(v -> {
                    try {
                        int n = Integer.parseInt(v);
                        if (n < 10 || n > 1_000_000) {
                            throw new NumberFormatException();
                        }
                        logSize[0] = n;
                    } catch (NumberFormatException e) {
                        diag.error(file, d.line(), "event_log_size must be a number from 10 to 1000000, not '" + v + "'");
                    }
                });
                case "notify" -> notifyHook(d).ifPresent(hooks::add);
                case "fence_hook" -> one(d).flatMap(v -> script(d.line(), k, v)).ifPresent(p -> fence[0] = p);
                case "quorum_lease" -> one(d).ifPresent(v -> {
                    switch (v.toLowerCase(Locale.ROOT)) {
                        case "on", "yes", "true", "1" -> quorumLease[0] = Boolean.TRUE;
                        case "off", "no", "false", "0" -> quorumLease[0] = Boolean.FALSE;
                        default -> diag.error(file, d.line(), "quorum_lease must be on or off, not '" + v + "'");
                    }
                });
                case "auto_tie_breaker" -> one(d).ifPresent(v -> {
                    switch (v.toLowerCase(Locale.ROOT)) {
                        case "on", "yes", "true", "1" -> tieBreakerLine[0] = d.line();
                        case "off", "no", "false", "0" -> { }
                        default -> diag.error(file, d.line(), "auto_tie_breaker must be on or off, not '" + v + "'");
                    }
                });
                case "auto_tie_breaker_node" -> one(d).ifPresent(v -> {
                    TieBreaker t = TieBreaker.of(v, nodes);
                    if (t == null && !nodes.isEmpty()) {
                        diag.error(file, d.line(), "auto_tie_breaker_node must be lowest, highest or a node of "
                                + file + " (" + String.join(", ", nodes) + "), not '" + v + "'");
                    } else if (t != null) {
                        tieBreakerNode[0] = t;
                        tieBreakerNodeLine[0] = d.line();
                    }
                });
                case "fence_peers" -> fencePeers(d);
                case "fence_timeout" -> one(d).flatMap(v -> duration(d.line(), k, v, false))
                        .ifPresent(v -> delays.put(k, v));
                case "fence_delay" -> fenceDelay(d);
                case "arbiter" -> arbiter(d);
                default -> throw new IllegalStateException(k);
            }
        }
        s = s.withResourcePolicies(perResource).withNotifyHooks(hooks);
        if (noQuorum[0] != null) {
            s = s.withNoQuorumPolicy(noQuorum[0]);
        }
        if (delays.containsKey("failback_delay")) {
            s = s.withFailbackDelay(delays.get("failback_delay"));
        }
        if (delays.containsKey("stall_threshold")) {
            s = s.withStallThreshold(delays.get("stall_threshold"));
        }
        if (delays.containsKey("stall_rejoin_wait")) {
            s = s.withStallRejoinWait(delays.get("stall_rejoin_wait"));
        }
        if (delays.containsKey("report_interval")) {
            s = s.withReportInterval(delays.get("report_interval"));
        }
        if (quorumLease[0] != null) {
            s = s.withQuorumLease(quorumLease[0]);
        }
        if (fence[0] != null) {
            s = s.withFenceHook(fence[0]);
        }
        if (logSize[0] > 0) {
            s = s.withEventLogSize(logSize[0]);
        }
        if (tieBreakerLine[0] > 0) {
            s = s.withTieBreaker(tieBreakerNode[0] != null ? tieBreakerNode[0] : new TieBreaker.Position(true));
            if (nodes.size() == 2 || nodes.size() == 3) {
                diag.warning(file, tieBreakerLine[0], "auto_tie_breaker has no effect with " + nodes.size()
                        + " nodes: only an even split of 4 or more nodes can tie (quorum does not apply to a pair)");
            }
        } else if (tieBreakerNodeLine[0] > 0) {
            diag.warning(file, tieBreakerNodeLine[0], "auto_tie_breaker_node has no effect without auto_tie_breaker on");
        }
        if (!arbiters.isEmpty()) {
            s = s.withArbiters(arbiters.keySet());
            arbiterChecks(haresources);
        }
        if (fencePeers[0] != null || delays.containsKey("fence_timeout") || !fenceDelays.isEmpty()) {
            s = s.withFencing(new FencingSettings(Boolean.TRUE.equals(fencePeers[0]),
                    delays.getOrDefault("fence_timeout", FencingSettings.DEFAULT_TIMEOUT), fenceOptions, fenceDelays));
        }
        if (!fenceDelays.isEmpty() && !Boolean.TRUE.equals(fencePeers[0])) {
            diag.warning(file, fenceDelayLine[0], "fence_delay has no effect without fence_peers on");
        }
        if (Boolean.TRUE.equals(fencePeers[0]) && s.fenceHook().isEmpty()) {
            diag.error(file, fencePeersLine[0], "fence_peers on needs a fence_hook line naming the script or"
                    + " fence agent to run (e.g. fence_hook /usr/sbin/fence_ipmilan)");
        }
        return s;
    }

    // values collected while reading; arrays so that the switch lambdas can set them
    private final NoQuorumPolicy[] noQuorum = new NoQuorumPolicy[1];
    private final Map<String, Duration> delays = new HashMap<>();
    private final Path[] fence = new Path[1];
    private final Boolean[] quorumLease = new Boolean[1];
    private final int[] logSize = new int[1];
    private final int[] tieBreakerLine = new int[1];
    private final int[] tieBreakerNodeLine = new int[1];
    private final TieBreaker[] tieBreakerNode = new TieBreaker[1];
    private final Boolean[] fencePeers = new Boolean[1];
    private final int[] fencePeersLine = new int[1];
    private final Map<String, String> fenceOptions = new LinkedHashMap<>();
    private final Map<String, Duration> fenceDelays = new LinkedHashMap<>();
    private final int[] fenceDelayLine = new int[1];
    /** Arbiter node (canonical ha.cf spelling) and the line that named it. */
    private final Map<String, Integer> arbiters = new LinkedHashMap<>();

    /**
     * {@code fence_delay NODE=TIME [NODE=TIME ...]}: wait TIME after NODE left before fencing it
     * (Pacemaker's {@code pcmk_delay_base} with a per-node map). Of two nodes that fence each
     * other at once, the one named survives: the other fences it only after the delay, by which
     * time it has been fenced itself. A bad word is reported and skipped, the others still count.
     */
    private void fenceDelay(HaCf.Directive d) {
        if (d.args().isEmpty()) {
            diag.error(file, d.line(), "fence_delay takes NODE=TIME words (e.g. fence_delay node1=5s)");
            return;
        }
        fenceDelayLine[0] = d.line();
        for (String w : d.args()) {
            int eq = w.indexOf('=');
            if (eq <= 0 || eq == w.length() - 1) {
                diag.error(file, d.line(), "fence_delay: '" + w + "' is not NODE=TIME (e.g. node1=5s)");
                continue;
            }
            String node = w.substring(0, eq).toLowerCase(Locale.ROOT);
            if (!nodes.isEmpty() && nodes.stream().noneMatch(n -> n.equalsIgnoreCase(node))) {
                diag.error(file, d.line(), "fence_delay: " + w.substring(0, eq) + " is not a node of " + file
                        + " (" + String.join(", ", nodes) + ")");
                continue;
            }
            Optional<Duration> delay = duration(d.line(), "fence_delay " + node, w.substring(eq + 1), true);
            if (delay.isPresent() && fenceDelays.put(node, delay.get()) != null) {
                diag.error(file, d.line(), "fence_delay: " + node + " given twice");
            }
        }
    }

    /** {@code arbiter NODE...}: nodes that vote and never run a group (docs/split-brain.md, "Arbiter"). */
    private void arbiter(HaCf.Directive d) {
        if (d.args().isEmpty()) {
            diag.error(file, d.line(), "arbiter takes the ha.cf node names of the witnesses (e.g. arbiter witness)");
            return;
        }
        for (String w : d.args()) {
            Optional<String> node = nodes.stream().filter(n -> n.equalsIgnoreCase(w)).findFirst();
            if (node.isEmpty() && !nodes.isEmpty()) {
                diag.error(file, d.line(), "arbiter: " + w + " is not a node of " + file + " (" + String.join(", ", nodes)
                        + "); an arbiter needs its own node line");
                continue;
            }
            arbiters.put(node.orElse(w), d.line());
        }
    }

    /** An arbiter is nobody's home, and someone must be left to run the groups. */
    private void arbiterChecks(Haresources haresources) {
        if (haresources != null) {
            for (io.lifeline.config.ResourceGroup g : haresources.groups()) {
                arbiters.keySet().stream().filter(a -> a.equalsIgnoreCase(g.preferredNode())).findFirst()
                        .ifPresent(a -> diag.error(haresources.file(), g.line(), "the home node of this group, "
                                + g.preferredNode() + ", is an arbiter (" + file + ":" + arbiters.get(a)
                                + "): an arbiter runs no group; name another node first"));
            }
        }
        if (!nodes.isEmpty() && arbiters.size() >= nodes.size()) {
            diag.error(file, arbiters.values().iterator().next(), "every node is an arbiter: nothing could run a group");
        }
    }

    /**
     * {@code fence_peers on|off [NAME=VALUE ...]}: the extra words are fence-agent options, handed
     * to the hook on stdin one per line after {@code action} and {@code port}/{@code plug}.
     */
    private void fencePeers(HaCf.Directive d) {
        if (d.args().isEmpty()) {
            diag.error(file, d.line(), "fence_peers takes on or off, then optional fence-agent options NAME=VALUE");
            return;
        }
        Optional<Boolean> on = HeartbeatValues.bool(d.args().get(0));
        if (on.isEmpty()) {
            diag.error(file, d.line(), "fence_peers must be on or off, not '" + d.args().get(0) + "'");
            return;
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (String w : d.args().subList(1, d.args().size())) {
            int eq = w.indexOf('=');
            String name = eq <= 0 ? "" : w.substring(0, eq);
            if (!name.matches("[a-z][a-z0-9_-]*")) {
                diag.error(file, d.line(), "fence_peers: '" + w + "' is not a fence-agent option NAME=VALUE"
                        + " (lower-case name, e.g. ipaddr=192.0.2.1)");
                return;
            }
            if (RESERVED_FENCE_OPTIONS.contains(name)) {
                diag.error(file, d.line(), "fence_peers: " + name + " is set by Lifeline for each peer it fences");
                return;
            }
            if (options.put(name, w.substring(eq + 1)) != null) {
                diag.error(file, d.line(), "fence_peers: option " + name + " given twice");
                return;
            }
        }
        fencePeers[0] = on.get();
        fencePeersLine[0] = d.line();
        fenceOptions.putAll(options);
    }

    /** The stdin lines Lifeline writes itself for every fence (the fence-agent convention). */
    static final Set<String> RESERVED_FENCE_OPTIONS = Set.of("action", "port", "plug", "nodename");

    private static boolean hasWord(Haresources h, String word) {
        for (ResourceGroup g : h.groups()) {
            for (ResourceSpec r : g.resources()) {
                if (r.word().equals(word)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Optional<String> one(HaCf.Directive d) {
        if (d.args().size() != 1) {
            diag.error(file, d.line(), d.keyword() + " takes exactly one value, got " + d.args().size());
            return Optional.empty();
        }
        return Optional.of(d.args().get(0));
    }

    /** key=value words; null (after reporting) if any is malformed or unknown. */
    private Map<String, String> settings(HaCf.Directive d, List<String> words) {
        Map<String, String> kv = new LinkedHashMap<>();
        boolean ok = true;
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq <= 0 || eq == w.length() - 1) {
                diag.error(file, d.line(), d.keyword() + ": '" + w + "' is not key=value");
                ok = false;
                continue;
            }
            String key = w.substring(0, eq).toLowerCase(Locale.ROOT);
            if (!POLICY_KEYS.contains(key)) {
                diag.error(file, d.line(), d.keyword() + ": unknown setting '" + key + "' (expected one of "
                        + String.join(", ", POLICY_KEYS) + ")");
                ok = false;
                continue;
            }
            if (kv.put(key, w.substring(eq + 1)) != null) {
                diag.error(file, d.line(), d.keyword() + ": " + key + " given twice");
                ok = false;
            }
        }
        return ok ? kv : null;
    }

    private ResourcePolicy policy(ResourcePolicy base, Map<String, String> kv, int line) {
        Duration interval = base.monitorInterval();
        Duration timeout = base.monitorTimeout();
        Duration start = base.startTimeout();
        Duration stop = base.stopTimeout();
        int threshold = base.threshold();
        Duration window = base.window();
        OnFail onFail = base.onFail();
        for (Map.Entry<String, String> e : kv.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "interval" -> interval = duration(line, "interval", v, true).orElse(interval);
                case "timeout" -> timeout = duration(line, "timeout", v, false).orElse(timeout);
                case "start_timeout" -> start = duration(line, "start_timeout", v, false).orElse(start);
                case "stop_timeout" -> stop = duration(line, "stop_timeout", v, false).orElse(stop);
                case "window" -> window = duration(line, "window", v, false).orElse(window);
                case "threshold" -> {
                    try {
                        int t = Integer.parseInt(v);
                        if (t < 1 || t > 1_000_000) {
                            throw new NumberFormatException();
                        }
                        threshold = t;
                    } catch (NumberFormatException ex) {
                        diag.error(file, line, "threshold must be a whole number from 1 to 1000000, not '" + v + "'");
                    }
                }
                case "on_fail" -> {
                    switch (v.toLowerCase(Locale.ROOT)) {
                        case "restart" -> onFail = OnFail.RESTART;
                        case "move" -> onFail = OnFail.MOVE;
                        case "block" -> onFail = OnFail.BLOCK;
                        default -> diag.error(file, line, "on_fail must be restart, move or block, not '" + v + "'");
                    }
                }
                default -> throw new IllegalStateException(e.getKey());
            }
        }
        return new ResourcePolicy(interval, timeout, start, stop, threshold, window, onFail);
    }

    /**
     * Heartbeat's duration forms ({@link HeartbeatValues#duration}): a bare number is seconds
     * ({@code 2}), or with a unit ({@code 1500ms}, {@code 10s}, {@code 5min}, {@code 1h}).
     */
    Optional<Duration> duration(int line, String what, String v, boolean zeroAllowed) {
        Optional<Duration> parsed = HeartbeatValues.duration(v);
        if (parsed.isEmpty()) {
            diag.error(file, line, what + ": '" + v + "' is not a duration (e.g. 10, 1500ms, 10s, 5min, 1h)");
            return Optional.empty();
        }
        Duration d = parsed.get();
        if (d.isZero() && !zeroAllowed) {
            diag.error(file, line, what + " must be more than zero");
            return Optional.empty();
        }
        return Optional.of(d);
    }

    private Optional<NotifyHook> notifyHook(HaCf.Directive d) {
        if (d.args().isEmpty() || d.args().size() > 2) {
            diag.error(file, d.line(), "notify takes a script path and optionally timeout=DURATION");
            return Optional.empty();
        }
        Optional<Path> script = script(d.line(), "notify", d.args().get(0));
        Duration timeout = NotifyHook.DEFAULT_TIMEOUT;
        if (d.args().size() == 2) {
            String w = d.args().get(1);
            if (!w.startsWith("timeout=")) {
                diag.error(file, d.line(), "notify: expected timeout=DURATION after the script, not '" + w + "'");
                return Optional.empty();
            }
            Optional<Duration> t = duration(d.line(), "notify timeout", w.substring("timeout=".length()), false);
            if (t.isEmpty()) {
                return Optional.empty();
            }
            timeout = t.get();
        }
        Duration to = timeout;
        return script.map(p -> new NotifyHook(p, to));
    }

    /** An absolute path; whether the script exists is checked by the config side (HaCfParser), not here: no I/O. */
    private Optional<Path> script(int line, String what, String v) {
        Path p = Path.of(v);
        if (!p.isAbsolute()) {
            diag.error(file, line, what + ": '" + v + "' must be an absolute path");
            return Optional.empty();
        }
        return Optional.of(p);
    }
}
