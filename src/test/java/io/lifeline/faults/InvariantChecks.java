package io.lifeline.faults;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.lab.DaemonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The invariants, checked after every heal (stuck groups, log exceptions, bans, configs) and
 * over the whole run at its end (two owners, single-link non-events), each violation with the
 * context of the fault it happened in. Reads the observers; never changes the cluster except
 * for {@code hactl cleanup} after a violation, so that one stuck group does not poison every
 * later fault (said in the violation).
 */
final class InvariantChecks {

    /** How long the cluster may take after a heal to run every group on one node, served. */
    static final Duration SETTLE_BOUND = Duration.ofSeconds(30);
    /** After a split heals, the double owners are resolved within this (merge + stop). */
    static final long SPLIT_GRACE_MS = 5_000;
    /** A single-link cut is a non-event: no client gap longer than this. */
    static final long NON_EVENT_GAP_MS = 300;

    /** A stack trace's head ("java.lang.X: msg", "Caused by: ...") or one of its frames. */
    private static final Pattern TRACE = Pattern.compile(
            "([\\w$.]+(Exception|Error)\\b(:|$))|(^\\s+at [\\w$.<>]+\\()|(^Caused by: )");

    private final FaultCluster cluster;
    private final ProbeLog probe;
    private final List<AddressWatch> watches;
    private final Path stuckDir;
    final List<Invariant.Violation> violations = new ArrayList<>();
    /** Read offsets by file identity: a log renamed when its daemon restarts keeps its offset. */
    private final Map<Object, Long> logOffsets = new HashMap<>();
    private final Map<String, List<Long>> appKills = new HashMap<>();
    private final Set<String> activeBans = new HashSet<>();
    private final Set<String> changedConfigs = new HashSet<>();
    /** Every fault so far, to name the one under way when a log line was written. */
    private final List<Fault> history = new ArrayList<>();
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) ");
    private static final java.time.format.DateTimeFormatter LOG_TIME_FORMAT =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    InvariantChecks(FaultCluster cluster, ProbeLog probe, List<AddressWatch> watches) {
        this.cluster = cluster;
        this.probe = probe;
        this.watches = watches;
        this.stuckDir = cluster.work.resolve("stuck");
    }

    private void violated(Invariant i, Fault f, String detail) {
        Invariant.Violation v = new Invariant.Violation(i, f, detail);
        violations.add(v);
        System.out.println("fault suite: VIOLATION " + v);
    }

    void appKilled(String node, long atMs) {
        appKills.computeIfAbsent(node, k -> new ArrayList<>()).add(atMs);
    }

    /**
     * COLD_START_ALONE: after initdead the lone node must have decided (here: no quorum), not wait
     * for ever. Initdead counts from the moment the node's links are open (docs/cluster.md §4),
     * which is the JVM's start plus a JGroups join attempt (3 s) after the daemon was started:
     * the fault's 7 s hold can end before that, so the check waits up to LONE_DECISION_SLACK more.
     */
    void loneNodeDecided(Fault f, String node) {
        try {
            await().atMost(LONE_DECISION_SLACK).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.daemon(node).tryStatus().map(st -> !undecided(st)).orElse(false));
        } catch (ConditionTimeoutException e) {
            // reported below with what the node says
        }
        JsonNode s = cluster.daemon(node).tryStatus().orElse(null);
        if (s == null) {
            violated(Invariant.LONE_NODE_UNDECIDED, f, node + " does not answer hactl status");
            return;
        }
        for (JsonNode g : s.path("groups")) {
            if (g.path("reason").asText().contains("no membership yet")) {
                violated(Invariant.LONE_NODE_UNDECIDED, f, node + " alone past initdead: " + g.path("name").asText()
                        + " \"" + g.path("reason").asText() + "\", members " + s.path("manager").path("members"));
                return;
            }
        }
        f.detail = node + " alone: " + s.path("groups").get(0).path("reason").asText();
    }

    /** The join timeout (3 s) and a loaded JVM's start on top of the fault's hold. */
    private static final Duration LONE_DECISION_SLACK = Duration.ofSeconds(10);

    private static boolean undecided(JsonNode status) {
        for (JsonNode g : status.path("groups")) {
            if (g.path("reason").asText().contains("no membership yet")) {
                return true;
            }
        }
        return false;
    }

    /** After the heal of {@code faults} (the primary first): settled, clean logs, no unjustified ban, same configs. */
    void afterHeal(List<Fault> faults) throws IOException {
        Fault f = faults.get(0);
        history.addAll(faults);
        long healed = faults.stream().mapToLong(x -> x.healedAtMs).max().orElse(f.healedAtMs);
        try {
            await("every group on one node, served").atMost(SETTLE_BOUND).pollInterval(Duration.ofMillis(250))
                    .until(() -> unsettled(healed).isEmpty());
            f.settledAtMs = System.currentTimeMillis();
        } catch (ConditionTimeoutException e) {
            String why = String.join("; ", unsettled(healed));
            Path saved = saveStatuses(stuckDir, f);
            String repair = repair();
            violated(Invariant.STUCK, f, why + " (statuses in " + saved + "; " + repair + ")");
        }
        for (Fault x : faults.subList(1, faults.size())) {
            x.settledAtMs = f.settledAtMs;
        }
        saveStatuses(cluster.work.resolve("status"), f); // the status observer: every node, after every fault
        checkLogs(f);
        checkBans(f);
        for (String node : cluster.changedConfigs()) {
            if (changedConfigs.add(node)) {
                violated(Invariant.CONFIG_CHANGED, f, node + "'s ha.d files differ from what the suite wrote");
            }
        }
    }

    /** Why the cluster has not settled yet: one line per group that is not on exactly one node, agreed and served. */
    List<String> unsettled(long sinceMs) throws IOException {
        probe.refresh();
        Map<String, JsonNode> statuses = new java.util.LinkedHashMap<>();
        for (DaemonNode d : cluster.daemons()) {
            statuses.put(d.name, d.tryStatus().orElse(null));
        }
        List<String> why = new ArrayList<>();
        // every link back: a link whose view has not merged yet leaves a peer reachable on one
        // link only, and the next single-link cut would then look like that peer's death
        for (Map.Entry<String, JsonNode> s : statuses.entrySet()) {
            for (JsonNode peer : s.getValue() == null ? List.<JsonNode>of() : iterable(s.getValue().path("nodes"))) {
                for (JsonNode link : peer.path("links")) {
                    if (!link.path("state").asText().equals("up")) {
                        why.add(s.getKey() + " sees " + peer.path("name").asText() + " on " + link.path("link").asText()
                                + " " + link.path("state").asText() + rejections(s.getValue(), link.path("link").asText()));
                    }
                }
            }
        }
        for (int v = 0; v < cluster.groups.size(); v++) {
            FaultCluster.Group g = cluster.groups.get(v);
            List<String> holders = cluster.vipHolders(g);
            String holder = holders.size() == 1 ? holders.get(0) : "(" + holders.size() + " holders)";
            List<String> views = new ArrayList<>();
            boolean agreed = holders.size() == 1;
            for (Map.Entry<String, JsonNode> s : statuses.entrySet()) {
                JsonNode entry = groupEntry(s.getValue(), g.name());
                List<String> owners = new ArrayList<>();
                entry.path("owners").forEach(o -> owners.add(o.asText()));
                String phase = entry.path("phase").asText("?");
                String target = entry.path("target").asText("?");
                views.add(s.getKey() + ":" + String.join(",", owners) + "/" + phase + "->" + target);
                // settled: nothing left to do, so a later move is caused by a later fault
                agreed &= owners.equals(List.of(holder)) && phase.equals("running") && target.equals(holder);
            }
            boolean served = holders.size() == 1 && probe.servedBy(v, holder, sinceMs);
            if (!agreed || !served) {
                why.add(g.vip() + " (" + g.service() + ") on " + holders + ", daemons say " + views
                        + ", last served by " + probe.lastServer(v));
            }
        }
        return why;
    }

    /** The members the observer's link refused (not named in ha.cf when their view arrived), if any. */
    private static String rejections(JsonNode status, String linkName) {
        for (JsonNode l : status.path("links")) {
            if (l.path("name").asText().equals(linkName) && !l.path("rejected_members").isEmpty()) {
                return " (its link refused " + l.path("rejected_members").size() + " member(s) as not in ha.cf)";
            }
        }
        return "";
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    /** The group's entry in a status, or a missing node when the daemon did not answer. */
    private static JsonNode groupEntry(JsonNode status, String group) {
        if (status != null) {
            for (JsonNode g : status.path("groups")) {
                if (g.path("name").asText().equals(group)) {
                    return g;
                }
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** Every node's {@code hactl status --json} into {@code under/LABEL/nX.json}. */
    private Path saveStatuses(Path under, Fault f) throws IOException {
        Path dir = Files.createDirectories(under.resolve(f.label));
        for (Map.Entry<String, String> e : cluster.statusSnapshots().entrySet()) {
            Files.writeString(dir.resolve(e.getKey() + ".json"), e.getValue());
        }
        return dir;
    }

    /** The operator's answer to a stuck or banned group: {@code hactl cleanup}, then wait again. */
    private String repair() {
        for (String node : cluster.nodes) {
            try {
                cluster.call(node, "cleanup", null);
                await().atMost(SETTLE_BOUND).pollInterval(Duration.ofMillis(500))
                        .until(() -> unsettled(System.currentTimeMillis() - 1_000).isEmpty());
                return "hactl cleanup on " + node + " repaired it";
            } catch (ConditionTimeoutException e) {
                return "still unsettled after hactl cleanup on " + node;
            } catch (Exception e) {
                // this node does not answer: ask the next one
            }
        }
        return "no daemon accepted hactl cleanup";
    }

    private void checkLogs(Fault f) throws IOException {
        for (String node : cluster.nodes) {
            for (Path log : cluster.logs(node)) {
                if (!Files.exists(log)) {
                    continue;
                }
                Object id = Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
                long from = logOffsets.getOrDefault(id, 0L);
                String text;
                try (RandomAccessFile r = new RandomAccessFile(log.toFile(), "r")) {
                    if (r.length() <= from) {
                        continue;
                    }
                    byte[] b = new byte[(int) Math.min(r.length() - from, 16L << 20)];
                    r.seek(from);
                    r.readFully(b);
                    logOffsets.put(id, from + b.length);
                    text = new String(b, StandardCharsets.UTF_8);
                }
                // each stack trace is counted against the fault under way when it was written: the
                // last timestamped line before it (a trace's own lines carry no time)
                Map<Fault, int[]> traces = new java.util.LinkedHashMap<>();
                Map<Fault, String> firsts = new HashMap<>();
                long lineTime = 0;
                boolean inTrace = false;
                for (String line : text.split("\n")) {
                    Matcher t = LOG_TIME.matcher(line);
                    if (t.find()) {
                        lineTime = java.time.LocalDateTime.parse(t.group(1), LOG_TIME_FORMAT)
                                .atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
                    }
                    boolean hit = TRACE.matcher(line).find();
                    if (hit && !inTrace) {
                        Fault at = lineTime == 0 ? f : faultAt(history, lineTime); // null: before the first fault
                        traces.computeIfAbsent(at, k -> new int[1])[0]++;
                        firsts.putIfAbsent(at, line.strip());
                    }
                    inTrace = hit;
                }
                traces.forEach((at, n) -> {
                    String first = firsts.get(at);
                    violated(Invariant.LOG_EXCEPTION, at, n[0] + " in " + cluster.work.relativize(log)
                            + ", first: " + (first.length() > 300 ? first.substring(0, 300) + "..." : first));
                });
            }
        }
    }

    /** VIPs of the groups a node was banned from at the last check (see {@link Fault#vipsBannedBefore}). */
    private Set<String> bannedVips = Set.of();

    Set<String> vipsOfBannedGroups() {
        return bannedVips;
    }

    private void checkBans(Fault f) {
        Set<String> bannedNow = new HashSet<>();
        Set<String> now = new HashSet<>();
        Map<String, List<String>> unjustified = new java.util.TreeMap<>(); // what -> who saw it
        for (DaemonNode d : cluster.daemons()) {
            JsonNode s = d.tryStatus().orElse(null);
            if (s == null) {
                continue;
            }
            for (JsonNode fc : s.path("failcounts")) {
                if (fc.path("banned").asBoolean()) {
                    cluster.groups.stream().filter(g -> g.name().equals(fc.path("group").asText()))
                            .forEach(g -> bannedNow.add(g.vip()));
                    String node = fc.path("node").asText();
                    String key = node + " banned for " + fc.path("group").asText() + " (" + fc.path("resource").asText()
                            + " " + fc.path("count").asInt() + "/" + fc.path("threshold").asInt() + ")";
                    now.add(key);
                    if (!justifiedBan(node, fc.path("resource").asText()) && !activeBans.contains(key)) {
                        unjustified.computeIfAbsent(key, k -> new ArrayList<>()).add(d.name);
                    }
                }
            }
            for (JsonNode g : s.path("groups")) {
                if (g.path("phase").asText().equals("blocked") || !g.path("blocked_reason").isNull()
                        && !g.path("blocked_reason").isMissingNode()) {
                    String key = g.path("name").asText() + " blocked: " + g.path("blocked_reason").asText();
                    now.add(key);
                    if (!activeBans.contains(key)) {
                        unjustified.computeIfAbsent(key, k -> new ArrayList<>()).add(d.name);
                    }
                }
            }
        }
        bannedVips = Set.copyOf(bannedNow);
        activeBans.retainAll(now);
        if (!unjustified.isEmpty()) {
            activeBans.addAll(now);
            String repair = repair();
            unjustified.forEach((what, seenBy) -> violated(Invariant.UNJUSTIFIED_BAN, f,
                    what + ", seen by " + String.join(", ", seenBy) + " (" + repair + ")"));
        }
    }

    /**
     * Only nginx killed on that node at least threshold times within the window justifies a ban.
     * The daemon's window runs from when it saw each failure, up to one monitor interval plus the
     * check's timeout after the kill, so a kill counts for that much longer here: checked just
     * before the oldest failure expires, the ban is still in force while the kill that caused it
     * is already more than a window old (2026-12-07: n1 banned at 00:42:12.7 for failures seen at
     * 00:41:13.08, 00:41:30.1 and 00:42:06.2, the first of them caused by a kill before 00:41:12.7).
     */
    private boolean justifiedBan(String node, String resource) {
        return resource.startsWith("nginx") && killsCountingNow(node, System.currentTimeMillis()) >= FaultCluster.FAIL_THRESHOLD;
    }

    private long killsCountingNow(String node, long nowMs) {
        return killsCounting(appKills.getOrDefault(node, List.of()), nowMs);
    }

    /** Of these nginx kills, those that can still count in the daemon's failure window at {@code nowMs}. */
    static long killsCounting(List<Long> killsAtMs, long nowMs) {
        long since = nowMs - FaultCluster.FAIL_WINDOW_MS - FaultCluster.NGINX_MONITOR_INTERVAL_MS
                - FaultCluster.NGINX_MONITOR_TIMEOUT_MS;
        return killsAtMs.stream().filter(t -> t >= since).count();
    }

    /**
     * End of the run: the intervals where a VIP was on two nodes (from the address monitors),
     * those outside every split window counted against the fault they began in; each fault's
     * share of them, inside its split window or outside ({@link Fault#dualInSplitMs},
     * {@link Fault#dualOutsideMs}); non-event faults (a single-link cut, the witness cut off)
     * that were not non-events. Returns the dual-owner ms outside / inside splits.
     */
    long[] finish(List<Fault> faults, long endMs) throws IOException {
        probe.refresh();
        List<String> vips = cluster.groups.stream().map(FaultCluster.Group::vip).toList();
        List<AddressWatch.Holding> holdings = new ArrayList<>();
        List<AddressWatch.Change> changes = new ArrayList<>();
        for (AddressWatch w : watches) {
            holdings.addAll(w.holdings(vips, endMs));
            changes.addAll(w.changes(vips));
        }
        long outside = 0;
        long inside = 0;
        List<Fault> splits = faults.stream().filter(f -> f.kind.splitsCluster).toList();
        List<long[]> windows = splitWindows(faults);
        for (String vip : vips) {
            List<long[]> dual = DualOwners.intervals(holdings.stream().filter(h -> h.vip().equals(vip)).toList());
            for (long[] d : dual) {
                for (long[] piece : DualOwners.attribute(d, windows)) {
                    long ms = piece[2] - piece[1];
                    if (piece[0] >= 0) {
                        splits.get((int) piece[0]).dualInSplitMs += ms;
                    } else {
                        Fault at = faultAt(faults, piece[1]);
                        if (at != null) {
                            at.dualOutsideMs += ms;
                        }
                    }
                }
                for (long[] piece : DualOwners.subtract(d, splitWindows(faults))) {
                    long ms = piece[1] - piece[0];
                    outside += ms;
                    if (ms > 0) {
                        violated(Invariant.DUAL_OWNER, faultAt(faults, piece[0]), vip + " on two nodes for " + ms + " ms from "
                                + java.time.Instant.ofEpochMilli(piece[0]) + " (" + DualOwners.holdersAt(holdings, vip, piece[0]) + ")");
                    }
                }
                inside += (d[1] - d[0]);
            }
        }
        inside -= outside;
        for (Fault f : faults) {
            if (!f.kind.nonEvent() || !f.solo()) {
                continue;
            }
            long end = f.settledAtMs > 0 ? f.settledAtMs : f.healedAtMs + 2_000; // the next fault starts later
            for (AddressWatch.Change c : changes) {
                if (c.atMs() >= f.injectedAtMs && c.atMs() <= end && !f.vipsBannedBefore.contains(c.vip())) {
                    violated(Invariant.NOT_A_NON_EVENT, f, c.vip() + (c.added() ? " added on " : " deleted on ") + c.node());
                    break;
                }
            }
            long gap = outageExcept(f, f.vipsBannedBefore);
            if (gap > NON_EVENT_GAP_MS) {
                violated(Invariant.NOT_A_NON_EVENT, f, "a client waited " + gap + " ms");
            }
        }
        return new long[] {outside, inside};
    }

    private static List<long[]> splitWindows(List<Fault> faults) {
        List<long[]> w = new ArrayList<>();
        for (Fault f : faults) {
            if (f.kind.splitsCluster) {
                w.add(new long[] {f.injectedAtMs, f.healedAtMs + SPLIT_GRACE_MS});
            }
        }
        return w;
    }

    /** The fault whose step was under way at {@code atMs}: the last one injected before it. */
    private static Fault faultAt(List<Fault> faults, long atMs) {
        Fault at = null;
        for (Fault f : faults) {
            if (f.injectedAtMs <= atMs && (at == null || f.injectedAtMs >= at.injectedAtMs)) {
                at = f;
            }
        }
        return at;
    }

    /** The longest client gap (any VIP) from the fault's injection until it settled (or the bound after its heal). */
    long outage(Fault f) {
        return outageExcept(f, Set.of());
    }

    /** As {@link #outage}, over every VIP but {@code exempt}. */
    private long outageExcept(Fault f, Set<String> exempt) {
        long end = f.settledAtMs > 0 ? f.settledAtMs : f.healedAtMs + SETTLE_BOUND.toMillis();
        long worst = 0;
        for (int v = 0; v < cluster.groups.size(); v++) {
            if (!exempt.contains(cluster.groups.get(v).vip())) {
                worst = Math.max(worst, probe.longestGap(v, f.injectedAtMs, end));
            }
        }
        return worst;
    }
}
