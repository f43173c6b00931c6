package io.lifeline.manager;

import io.lifeline.manager.ManagerEvent.Level;
import io.lifeline.manager.ManagerInput.MembershipChanged;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What this node knows of the others, the part of the {@link ResourceManager} that listens: the
 * membership the cluster layer reports, each peer's latest {@link StateReport} (duplicates and
 * stale ones dropped), the start-up rule (place nothing before every node reported or initdead
 * passed) and quorum, counted on an agreed membership. It decides nothing about groups; the
 * claims read it.
 */
final class ClusterView {

    /** A peer's time away from the membership: since when, and the incarnation it had when it left (null: unknown). */
    private record Absence(long sinceMs, String incarnation) {
    }

    /** What a new membership changes: the members now, and who left and joined (this node never does). */
    record Change(List<String> members, List<String> left, List<String> joined) {
    }

    private final ManagerContext ctx;
    private final String me;
    private final Map<String, LocalGroup> groups;

    /** Latest report per peer; removed when the peer leaves the membership. */
    private final Map<String, StateReport> reports = new HashMap<>();
    /** Newest report mark per peer, kept after it leaves, so late or duplicate reports are ignored. */
    private final Map<String, StateReport.SeenMark> lastSeen = new HashMap<>();
    private final Set<String> warnedUnknownNodes = new HashSet<>();
    /** Peers that left the membership and have not come back. */
    private final Map<String, Absence> absent = new HashMap<>();
    /** Peers that came back and whose first report, which tells whether they restarted meanwhile, has not arrived. */
    private final Map<String, Absence> rejoined = new HashMap<>();
    private List<String> members;
    private boolean membershipKnown;
    private boolean initdeadElapsed;
    private boolean startupComplete;
    /** Which peers may still hold each group; whether a start here is a confirmed handover. */
    private final ReleaseLedger releases = new ReleaseLedger();
    private Boolean quorate;
    /** Whether the quorum held is an even split's, won by auto_tie_breaker (events say so when it changes). */
    private boolean quorumByTieBreaker;
    /** The daemon's quorum-lease timer's last word; null until it speaks (no lease applies: a test, an old journal). */
    private ManagerInput.QuorumLeaseChanged lease;
    /** Whether the last quorum decision was lost to the lease alone (the membership had quorum). */
    private boolean lostToLease;
    /** Whether {@link #lease}'s text is new, not yet in an event (a later event must not repeat stale numbers). */
    private boolean leaseNews;
    /** Whether this node held a lease since it started (the events say "again" and "yet"). */
    private boolean leaseEverHeld;

    ClusterView(ManagerContext ctx, Map<String, LocalGroup> groups) {
        this.ctx = ctx;
        this.me = ctx.me;
        this.groups = groups;
        this.members = List.of(me);
    }

    // ------------------------------------------------------------------ reading

    /** The alive nodes in ha.cf order, this node included. */
    List<String> members() {
        return members;
    }

    boolean membershipKnown() {
        return membershipKnown;
    }

    boolean startupComplete() {
        return startupComplete;
    }

    /** Whether this partition has quorum, as last decided (null before the first decision). */
    Boolean quorate() {
        return quorate;
    }

    /** A member's latest report, or null. */
    StateReport report(String node) {
        return reports.get(node);
    }

    /** The members' latest reports by node (read-only). */
    Map<String, StateReport> reports() {
        return Collections.unmodifiableMap(reports);
    }

    /** The newest report mark seen per peer (carried in this node's reports: claims are confirmed by it). */
    Map<String, StateReport.SeenMark> lastSeen() {
        return lastSeen;
    }

    /** Whether a start of the group here follows a confirmed release by its last possible holder. */
    boolean isHandover(String group) {
        return releases.isHandover(group);
    }

    /**
     * A takeover from departed holders that were running the group steadily: every peer that may
     * hold it has left the membership and last said it runs it (not starting, restarting or
     * stopping it); there is one.
     */
    boolean takenOverFromSteadyHolders(String group) {
        return releases.heldSteadilyByDeparted(group, members);
    }

    /** Why a complete view is missing on the peers' side (a member has not reported, or is probing), or "". */
    String peersNotReady() {
        for (String n : members) {
            if (!n.equals(me)) {
                StateReport r = reports.get(n);
                if (r == null) {
                    return "no report from " + n + " yet";
                }
                if (!r.ready()) {
                    return n + " is still probing";
                }
            }
        }
        return "";
    }

    /** The members' reports in ha.cf order, {@code own} standing for this node's. */
    List<StateReport> view(StateReport own) {
        List<StateReport> view = new ArrayList<>();
        for (String n : members) {
            view.add(n.equals(me) ? own : reports.get(n));
        }
        return view;
    }

    /** Every other member has reported, and none of them runs or is still stopping the group. */
    boolean noPeerHolds(String group) {
        return members.stream().filter(n -> !n.equals(me))
                .allMatch(n -> reports.containsKey(n) && !reports.get(n).phase(group).isActive()
                        && reports.get(n).phase(group) != GroupPhase.STOPPING);
    }

    /** After a stall: the peer's report has seen this node's rejoin probe and still counts it as a member. */
    boolean countsThisNodeAfterTheStall(String peer, long probeSeq) {
        StateReport r = reports.get(peer);
        return r != null && r.saysMembers() && r.mayHear(me) && r.hasSeen(me, ctx.incarnation, probeSeq);
    }

    // ------------------------------------------------------------------ membership

    /**
     * A new membership from the cluster layer: names outside ha.cf are warned about once and
     * ignored. Returns what changes; the manager applies it in order ({@link #nodeLeft},
     * {@link #nodeJoined}, {@link #install}), so that each part's events follow the node they
     * are about.
     */
    Change compare(MembershipChanged m) {
        List<String> named = m.members().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        for (String n : named) {
            if (!ctx.cfg().nodes().contains(n) && warnedUnknownNodes.add(n)) {
                ctx.event(Level.WARN, EventKind.MEMBERSHIP, null,
                        "membership names " + n + ", which is not a node in ha.cf: ignored");
            }
        }
        List<String> next = ctx.cfg().nodes().stream().filter(n -> n.equals(me) || named.contains(n)).toList();
        List<String> left = members.stream().filter(n -> !next.contains(n)).toList();
        List<String> joined = next.stream().filter(n -> !members.contains(n) && !n.equals(me)).toList();
        return new Change(next, left, joined);
    }

    /** A node gone from the membership: its report no longer counts; the event names the cluster layer's cause. */
    void nodeLeft(String n, String cause) {
        reports.remove(n);
        if ("left".equals(cause)) {
            ctx.event(Level.INFO, EventKind.MEMBERSHIP, null, "node " + n + " left: it announced a clean shutdown");
        } else if ("failed".equals(cause)) {
            ctx.event(Level.WARN, EventKind.MEMBERSHIP, null, "node " + n + " failed: silent on every link for deadtime"
                    + " (a crash, a hang, power loss or a cut network); it is dead");
        } else {
            ctx.event(Level.WARN, EventKind.MEMBERSHIP, null, "node " + n + " is dead (left the membership)");
        }
    }

    void nodeJoined(String n, boolean merge) {
        ctx.event(Level.INFO, EventKind.MEMBERSHIP, null, "node " + n + " joined" + (merge ? " (partition healed)" : ""));
    }

    /**
     * Peers left: what one that failed does now is unknown (dead, frozen or cut off, it may start
     * groups on its side), so no release heard before this point vouches for the groups' addresses
     * any more. A peer that announced a clean shutdown stopped its groups and exits: its last
     * report stays the truth (a group it still held keeps it a possible holder), so releases
     * stand. Each one's absence is remembered, to tell on its return whether it restarted.
     *
     * @param causes the cluster layer's cause per departed node ({@code left}: a clean shutdown)
     */
    void markAbsent(List<String> left, Map<String, String> causes) {
        if (left.stream().anyMatch(n -> !"left".equals(causes.get(n)))) {
            releases.forgetReleases();
        }
        for (String n : left) {
            StateReport.SeenMark mark = lastSeen.get(n);
            absent.put(n, new Absence(ctx.nowMs(), mark == null ? null : mark.incarnation()));
        }
    }

    /** A peer is back: its first report says whether it restarted meanwhile. */
    void markReturned(String n) {
        Absence a = absent.remove(n);
        if (a != null && a.incarnation() != null) {
            rejoined.put(n, a);
        }
    }

    void install(List<String> next) {
        members = next;
        membershipKnown = true;
    }

    void initdeadElapsed() {
        initdeadElapsed = true;
    }

    /**
     * A stall: every report heard so far predates what the peers decided about this node, and no
     * release vouches for anything any more.
     */
    void forgetAfterStall() {
        reports.clear();
        releases.forgetReleases();
    }

    // ------------------------------------------------------------------ reports

    /**
     * A peer's state report. Returns the peer's name when it counts (a node of ha.cf other than
     * this one, newer than the last from it), else null. What a peer holds counts whether or not
     * it is a member yet: its report may arrive before this node installs the view that contains
     * it, and a holder missed then is missed for good. From a member, the report also tells
     * whether a group runs on both sides (a healed split brain) or must be announced again
     * because the peer kept running while cut off.
     */
    String onReport(StateReport r) {
        String from = r.node().toLowerCase(Locale.ROOT);
        if (from.equals(me)) {
            if (!r.incarnation().equals(ctx.incarnation) && warnedUnknownNodes.add("self:" + r.incarnation())) {
                ctx.event(Level.ERROR, EventKind.MEMBERSHIP, null, "another process reports as " + me
                        + " (incarnation " + r.incarnation() + "): two nodes share a name?");
            }
            return null;
        }
        if (!ctx.cfg().nodes().contains(from)) {
            if (warnedUnknownNodes.add(from)) {
                ctx.event(Level.WARN, EventKind.MEMBERSHIP, null, "report from " + from + ", which is not a node in ha.cf: ignored");
            }
            return null;
        }
        StateReport.SeenMark last = lastSeen.get(from);
        if (last != null && last.incarnation().equals(r.incarnation()) && r.seq() <= last.seq()) {
            return null;
        }
        if (last != null && !last.incarnation().equals(r.incarnation())) {
            ctx.event(Level.INFO, EventKind.MEMBERSHIP, null, "node " + from + " restarted (new incarnation " + r.incarnation() + ")");
        }
        lastSeen.put(from, new StateReport.SeenMark(r.incarnation(), r.seq()));
        reports.put(from, r);
        ctx.observeLamport(r.lamport());
        for (String g : groups.keySet()) {
            releases.onReport(from, g, r.phase(g), r.released().contains(g));
        }
        if (members.contains(from)) {
            for (String g : r.released()) {
                ctx.event(Level.INFO, EventKind.PLACEMENT, g, from + " released " + g);
            }
            Absence away = rejoined.remove(from);
            if (away != null && away.incarnation().equals(r.incarnation())) {
                // It kept running while cut off from this node (a partition, a blip): a group that came
                // up here meanwhile was announced only where this node could reach, and clients on its
                // side may still point at the old owner.
                for (LocalGroup lg : groups.values()) {
                    if (lg.phase().isActive() && lg.runningSinceMs() >= away.sinceMs()) {
                        lg.reannounceAfter(from + " came back (" + lg.name() + " moved here while it was cut off)");
                    }
                }
            }
            for (LocalGroup lg : groups.values()) {
                // the peer's first report after a heal may already say STOPPING, or even released
                GroupPhase theirs = r.phase(lg.name());
                boolean theyHadIt = theirs.isActive() || theirs == GroupPhase.STOPPING || r.released().contains(lg.name());
                if (lg.phase().isActive() && theyHadIt && lg.noteSplitBrain()) {
                    ctx.event(Level.WARN, EventKind.SPLIT_BRAIN, lg.name(), lg.name() + " runs on both " + me
                            + " and " + from + "; placement over the merged membership picks one");
                }
            }
        }
        return from;
    }

    // ------------------------------------------------------------------ start-up and quorum

    /** Start-up ends once every node of ha.cf has reported, or initdead passed: only then are groups placed. */
    void checkStartup() {
        if (startupComplete || !membershipKnown) {
            return;
        }
        boolean allReported = members.size() == ctx.cfg().nodes().size()
                && members.stream().allMatch(n -> n.equals(me) || reports.containsKey(n));
        if (allReported || initdeadElapsed) {
            startupComplete = true;
            ctx.event(Level.INFO, EventKind.MEMBERSHIP, null, allReported
                    ? "all nodes are up: placing groups"
                    : "initdead elapsed: placing groups on " + members
                            + " (" + ctx.cfg().nodes().stream().filter(n -> !members.contains(n)).toList() + " not seen)");
        }
    }

    /** The daemon's quorum-lease timer spoke (docs/leases.md); {@link #decideQuorum} weighs it. */
    void onLease(ManagerInput.QuorumLeaseChanged l) {
        lease = l;
        leaseNews = true;
    }

    /**
     * Whether the quorum lease forbids running groups here: the timer said it is not held, and
     * the lease applies (quorum_lease on, and quorum rules in force: 3 or more nodes, no_quorum_policy
     * stop). Without a word from the timer nothing is forbidden.
     */
    boolean leaseForbids() {
        return lease != null && !lease.held() && ctx.cfg().quorumLeaseEnforced();
    }

    /** When the quorum lease ends or ended (manager clock), while it is not held; -1 otherwise or unknown. */
    long leaseEndsAtMs() {
        return leaseForbids() ? lease.endsAtMs() : -1;
    }

    /**
     * Decides quorum over the voters ({@link #quorumMembers}) and the quorum lease, saying so in
     * an event when it changes: a node without a lease has no quorum, whatever its membership says.
     */
    boolean decideQuorum() {
        List<String> voters = quorumMembers();
        boolean byMembers = ctx.cfg().hasQuorum(voters);
        boolean leaseLost = byMembers && leaseForbids();
        boolean q = byMembers && !leaseLost;
        boolean tie = q && ctx.cfg().tieBrokenFor(voters);
        if (quorate == null || q != quorate || tie != quorumByTieBreaker || leaseLost != lostToLease) {
            quorumByTieBreaker = tie;
            boolean wasLease = lostToLease;
            lostToLease = leaseLost;
            if (leaseLost) {
                ctx.event(Level.ERROR, EventKind.QUORUM, null, lease.endsAtMs() < 0
                        ? "no quorum lease yet: " + (leaseNews ? lease.why() : "no quorum of the nodes has confirmed this"
                                + " node's heartbeats") + "; nothing starts here until a quorum confirms this node"
                        : leaseNews
                                ? "quorum lease ending: " + lease.why() + "; every group stops here before it ends, so"
                                        + " that none runs here once a peer may take it over"
                                : "no quorum lease: no quorum of the nodes has confirmed this node's heartbeats since it"
                                        + " ended; nothing starts here until one does");
            } else if (wasLease && q) {
                ctx.event(Level.INFO, EventKind.QUORUM, null, "quorum lease held" + (leaseEverHeld ? " again: " : ": ")
                        + lease.why());
            } else if (quorate != null || !q) {
                ctx.event(q ? Level.INFO : Level.ERROR, EventKind.QUORUM, null, q
                        ? "quorum: " + voters.size() + " of " + ctx.cfg().nodes().size() + " nodes"
                                + (tie ? " (an even split, won by auto_tie_breaker: "
                                        + ctx.cfg().settings().tieBreaker().describe(ctx.cfg().nodes()) + " is in this half)" : "")
                        : "no quorum: " + voters.size() + " of " + ctx.cfg().nodes().size() + " nodes in this partition"
                                + deafPeers(voters) + " (no_quorum_policy "
                                + ctx.cfg().settings().noQuorumPolicy().name().toLowerCase(Locale.ROOT) + ")");
            }
            quorate = q;
        }
        leaseNews = false;
        leaseEverHeld |= q && (lease == null || lease.held());
        return q;
    }

    /**
     * The nodes that count for quorum: this node and every member whose latest report does not
     * leave this node out. A member that this node hears but that does not hear it (a one-sided
     * or one-way cut) is not part of an agreed membership, so it cannot lend this node its vote
     * (docs/split-brain.md, "Quorum on an agreed membership"). A member that has not reported yet,
     * or whose report does not say its membership (a node built before the field), counts, as
     * before: nothing contradicts the membership yet.
     */
    List<String> quorumMembers() {
        return members.stream().filter(n -> {
            StateReport r = n.equals(me) ? null : reports.get(n);
            return r == null || r.mayHear(me);
        }).toList();
    }

    /** For the quorum event: the members left out because their reports leave this node out. */
    private String deafPeers(List<String> voters) {
        List<String> deaf = members.stream().filter(n -> !voters.contains(n)).toList();
        return deaf.isEmpty() ? "" : " (" + String.join(", ", deaf) + (deaf.size() == 1 ? " does" : " do")
                + " not count: " + (deaf.size() == 1 ? "its report leaves " : "their reports leave ") + me + " out)";
    }
}
