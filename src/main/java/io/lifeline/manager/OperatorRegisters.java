package io.lifeline.manager;

import static io.lifeline.manager.ManagerContext.fmt;

import io.lifeline.config.ResourceGroup;
import io.lifeline.manager.ManagerAction.AnswerCommand;
import io.lifeline.manager.ManagerEvent.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The operator's part of the {@link ResourceManager}: the commands of {@code hactl} (takeover,
 * standby, online, failover, unpin, cleanup, maintenance) and the registers they write. Standby
 * is this node's own; pins, cleanups and maintenance mode are {@link ClusterRegisters}, gossiped
 * in every report and merged last-writer-wins, and acted on here once each (a maintenance flip,
 * a cleanup newer than the last one applied). Placement reads them; nothing else writes them.
 */
final class OperatorRegisters {

    private final ManagerContext ctx;
    private final String me;
    private final Map<String, LocalGroup> groups;
    private final Supplier<List<LocalGroup>> allGroups;
    private final Failcounts failcounts;
    /** The view the operator's moves are checked against. */
    private final PlacementView views;

    /** This node's standby (hactl standby / online): the groups it gives away and refuses. */
    private GroupScope standby = GroupScope.NONE;
    private ClusterRegisters registers = ClusterRegisters.EMPTY;
    /** Per cleanup scope, the newest cleanup acted on here. */
    private final Map<String, Stamp> appliedCleanups = new HashMap<>();
    /** Maintenance mode as acted on here (the register's value once applied). */
    private boolean maintenance;

    /**
     * @param groups    the configured groups (a reload rebuilds the map in place)
     * @param allGroups the configured groups and those a reload is still stopping (cleanup lifts their blocks too)
     */
    OperatorRegisters(ManagerContext ctx, Map<String, LocalGroup> groups, Supplier<List<LocalGroup>> allGroups,
            Failcounts failcounts, PlacementView views) {
        this.ctx = ctx;
        this.me = ctx.me;
        this.groups = groups;
        this.allGroups = allGroups;
        this.failcounts = failcounts;
        this.views = views;
    }

    GroupScope standby() {
        return standby;
    }

    ClusterRegisters registers() {
        return registers;
    }

    boolean maintenance() {
        return maintenance;
    }

    /** A node left the membership: a pin to it is cleared (its groups are placed again). */
    void onNodeLeft(String n) {
        for (ResourceGroup g : ctx.cfg().groups()) {
            if (registers.pinnedNode(g.name()).filter(n::equals).isPresent()) {
                clearPin(g.name(), n + ", where an operator had moved it, is dead");
            }
        }
    }

    /** A node joined: with auto_failback on, the pins of the groups whose home it is are cleared. */
    void onNodeJoined(String n) {
        if (ctx.cfg().failbackEnabled()) {
            for (ResourceGroup g : ctx.cfg().groups()) {
                if (g.preferredNode().equals(n) && registers.pinnedNode(g.name()).isPresent()) {
                    clearPin(g.name(), "its home node " + n + " is back (auto_failback on)");
                }
            }
        }
    }

    void onCommand(long id, OperatorCommand cmd) {
        try {
            String answer = execute(cmd);
            ctx.event(Level.INFO, EventKind.OPERATOR, null, answer);
            ctx.emit(new AnswerCommand(id, true, answer));
        } catch (IllegalArgumentException e) {
            ctx.emit(new AnswerCommand(id, false, e.getMessage()));
        }
    }

    private String execute(OperatorCommand cmd) {
        if (cmd instanceof OperatorCommand.Takeover t) {
            if (t.scope() == GroupScope.NONE) {
                throw new IllegalArgumentException("takeover needs all, local, foreign or a group name");
            }
            requireEligibleHere();
            List<String> moved = new ArrayList<>();
            for (ResourceGroup g : ctx.cfg().groups()) {
                if (t.scope().covers(g, me)) {
                    pin(g.name(), me);
                    moved.add(g.name());
                }
            }
            return "takeover " + t.scope().word() + ": moving " + (moved.isEmpty() ? "no groups" : moved) + " to " + me
                    + moved.stream().map(g -> pinNotInEffect(g, me)).reduce("", String::concat);
        }
        if (cmd instanceof OperatorCommand.TakeoverGroup t) {
            ResourceGroup g = groupNamed(t.group());
            requireEligibleHere();
            pin(g.name(), me);
            return "takeover: moving " + g.name() + " to " + me + pinNotInEffect(g.name(), me);
        }
        if (cmd instanceof OperatorCommand.Standby s) {
            if (s.scope() == GroupScope.NONE) {
                throw new IllegalArgumentException("standby needs all, local or foreign");
            }
            standby = s.scope();
            for (ResourceGroup g : ctx.cfg().groups()) {
                if (s.scope().covers(g, me) && registers.pinnedNode(g.name()).filter(me::equals).isPresent()) {
                    clearPin(g.name(), me + " went into standby");
                }
            }
            return me + " is in standby (" + s.scope().word() + "): it gives away and refuses "
                    + ctx.cfg().groups().stream().filter(g -> s.scope().covers(g, me)).map(ResourceGroup::name).toList();
        }
        if (cmd instanceof OperatorCommand.Online) {
            standby = GroupScope.NONE;
            return me + " is online: it may run any group again";
        }
        if (cmd instanceof OperatorCommand.Failover f) {
            return failover(groupNamed(f.group()), f.to().map(n -> n.toLowerCase(Locale.ROOT)));
        }
        if (cmd instanceof OperatorCommand.Unpin u) {
            return unpin(u.group());
        }
        if (cmd instanceof OperatorCommand.Cleanup c) {
            String scope = c.resource().orElse(ClusterRegisters.ALL_RESOURCES);
            if (c.resource().isPresent() && ctx.cfg().groups().stream().noneMatch(g -> g.name().equals(scope)
                    || g.resources().stream().anyMatch(r -> r.word().equals(scope)))) {
                throw new IllegalArgumentException("no group or resource named " + scope + " in haresources");
            }
            registers = registers.withCleanup(scope, ctx.nextStamp());
            applyRegisters();
            return "cleanup " + (c.resource().isPresent() ? scope : "of all resources")
                    + ": failcounts forgotten and blocks lifted on every node";
        }
        if (cmd instanceof OperatorCommand.Maintenance m) {
            registers = registers.withMaintenance(m.on(), ctx.nextStamp());
            applyRegisters();
            return "maintenance mode " + (m.on() ? "on: no starts, stops or monitors until it is turned off"
                    : "off: probing resources, then managing again");
        }
        throw new IllegalArgumentException("unknown command " + cmd);
    }

    private String failover(ResourceGroup g, Optional<String> to) {
        List<StateReport> view = views.viewOrNull();
        if (view == null) {
            throw new IllegalArgumentException("cannot move " + g.name() + " now: " + views.whyNoView());
        }
        List<String> owners = view.stream().filter(r -> r.phase(g.name()).isActive()).map(StateReport::node).toList();
        String target;
        if (to.isPresent()) {
            target = to.get();
            if (!ctx.cfg().nodes().contains(target)) {
                throw new IllegalArgumentException("no node named " + target + " in ha.cf");
            }
            if (ctx.cfg().isArbiter(target)) {
                throw new IllegalArgumentException(target + " is an arbiter: it votes and runs no group");
            }
            StateReport r = view.stream().filter(x -> x.node().equals(target)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(target + " is not in the membership"));
            if (r.standby().covers(g, target)) {
                throw new IllegalArgumentException(target + " is in standby for " + g.name());
            }
            if (r.bannedFor(g.name())) {
                throw new IllegalArgumentException(target + " reached the failure threshold for " + g.name()
                        + "; run hactl cleanup " + g.name() + " first");
            }
        } else {
            if (owners.isEmpty()) {
                throw new IllegalArgumentException(g.name() + " is not running anywhere; use --to NODE");
            }
            Placement.Decision d = Placement.place(ctx.cfg(), g, view, ClusterRegisters.EMPTY, Set.copyOf(owners));
            if (d.node() == null) {
                throw new IllegalArgumentException("no other node can take " + g.name() + ": " + d.reason());
            }
            target = d.node();
        }
        pin(g.name(), target);
        return "failover: moving " + g.name() + (owners.isEmpty() ? "" : " from " + String.join(",", owners))
                + " to " + target + pinNotInEffect(g.name(), target);
    }

    /** A note for the operator when a pin just set does not decide placement (pins never beat connectivity). */
    private String pinNotInEffect(String group, String node) {
        List<StateReport> view = views.viewOrNull();
        if (view == null) {
            return "";
        }
        Placement.Decision d = Placement.place(ctx.cfg(), groups.get(group).spec(), view, registers);
        return node.equals(d.node()) ? "" : "; " + group + " is pinned to " + node + " but not moved now: " + d.reason();
    }

    /** Clears the pin of one group, or of every pinned group; nothing pinned is not an error (scripts may run it twice). */
    private String unpin(Optional<String> group) {
        List<String> names = group.isPresent() ? List.of(groupNamed(group.get()).name())
                : ctx.cfg().groups().stream().map(ResourceGroup::name).toList();
        List<String> cleared = new ArrayList<>();
        for (String g : names) {
            Optional<String> node = registers.pinnedNode(g);
            if (node.isPresent()) {
                clearPin(g, "hactl unpin on " + me + " (it was pinned to " + node.get() + ")");
                cleared.add(g + " (was pinned to " + node.get() + ")");
            }
        }
        if (cleared.isEmpty()) {
            return "unpin: " + (group.isPresent() ? names.get(0) + " has no pin" : "no group is pinned");
        }
        return "unpin: cleared " + String.join(", ", cleared) + " on every node; placement decides again";
    }

    private ResourceGroup groupNamed(String name) {
        return ctx.cfg().group(name).orElseThrow(() -> new IllegalArgumentException("no group named " + name
                + " in haresources (groups: " + groups.keySet() + ")"));
    }

    private void requireEligibleHere() {
        if (ctx.cfg().isArbiter(me)) {
            throw new IllegalArgumentException(me + " is an arbiter: it votes and runs no group");
        }
        if (standby != GroupScope.NONE) {
            throw new IllegalArgumentException(me + " is in standby (" + standby.word() + "); run hactl online first");
        }
    }

    private void pin(String group, String node) {
        registers = registers.withPin(group, node, ctx.nextStamp());
    }

    private void clearPin(String group, String why) {
        registers = registers.withPin(group, null, ctx.nextStamp());
        ctx.event(Level.INFO, EventKind.OPERATOR, group, "operator move of " + group + " cleared: " + why);
    }

    /** Adopts the newer register values a peer's report carries, and acts on them. */
    void merge(ClusterRegisters other) {
        ClusterRegisters merged = registers.merge(other);
        if (!merged.equals(registers)) {
            registers = merged;
            applyRegisters();
        }
    }

    /** Acts on register values this node has not acted on yet: maintenance flips and cleanups. */
    private void applyRegisters() {
        boolean m = registers.maintenance().on();
        if (m != maintenance) {
            maintenance = m;
            if (m) {
                ctx.event(Level.WARN, EventKind.MAINTENANCE, null, "maintenance mode on: resources are left as they are,"
                        + " monitors paused");
                for (LocalGroup lg : groups.values()) {
                    lg.abandonMonitor();
                    lg.dropClaim();
                }
            } else {
                ctx.event(Level.INFO, EventKind.MAINTENANCE, null, "maintenance mode off: probing every resource on "
                        + me + " before managing again");
                for (LocalGroup lg : groups.values()) {
                    if (!lg.blocked()) {
                        lg.reprobe();
                    }
                }
            }
        }
        for (Map.Entry<String, Stamp> c : registers.cleanups().entrySet()) {
            Stamp applied = appliedCleanups.getOrDefault(c.getKey(), Stamp.ZERO);
            if (c.getValue().isAfter(applied)) {
                appliedCleanups.put(c.getKey(), c.getValue());
                applyCleanup(c.getKey(), c.getValue());
            }
        }
    }

    private void applyCleanup(String scope, Stamp stamp) {
        boolean all = scope.equals(ClusterRegisters.ALL_RESOURCES);
        int cleared = failcounts.clear(k -> all || k.group().equals(scope) || k.resource().equals(scope), stamp);
        if (cleared > 0) {
            ctx.event(Level.INFO, EventKind.FAILCOUNT, null, "cleanup " + scope + ": forgot " + cleared + " failure"
                    + (cleared == 1 ? "" : "s") + " on " + me);
        }
        for (LocalGroup lg : allGroups.get()) {
            boolean matches = all || lg.name().equals(scope)
                    || lg.spec().resources().stream().anyMatch(r -> r.word().equals(scope));
            if (matches && lg.blocked() && stamp.isAfter(lg.blockedStamp())) {
                String reason = "cleanup lifted the block of " + lg.name() + " on " + me + "; probing its resources";
                lg.unblock(reason);
                ctx.event(Level.INFO, EventKind.FAILURE, lg.name(), reason);
            }
        }
    }

    /** Pins to a node that can no longer run the group (standby, failure threshold) are cleared. */
    void clearPinsToIneligibleNodes(List<StateReport> view) {
        for (ResourceGroup g : ctx.cfg().groups()) {
            Optional<String> pinned = registers.pinnedNode(g.name());
            if (pinned.isEmpty()) {
                continue;
            }
            view.stream().filter(r -> r.node().equals(pinned.get())).findFirst().ifPresent(r -> {
                if (r.standby().covers(g, r.node()) || r.bannedFor(g.name())) {
                    clearPin(g.name(), r.node() + " can no longer run it");
                }
            });
        }
    }
}
