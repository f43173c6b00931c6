package io.lifeline.manager;

import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.ManagerAction.AnswerCommand;
import io.lifeline.manager.ManagerEvent.Level;
import io.lifeline.manager.ManagerInput.ConfigReloaded;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The reload part of the {@link ResourceManager}: applies a new configuration group by group and
 * stops, on the side, the old resources a reload removed or changed (docs/reload.md). It is the
 * only part that replaces the configuration in force and the set of {@link LocalGroup}s; kept in
 * one piece so that the reload's rules (what is kept, what restarts, what is forgotten) read in
 * one place.
 */
final class Reconfiguration {

    /** Issues the stop of one resource of a retiring group (the manager's one-action-per-group rule applies). */
    interface StopIssuer {
        void stop(LocalGroup lg, int index, String reason);
    }

    /** @param replaced a changed group (its successor waits); false: a removed group */
    private record Retiring(LocalGroup old, int keep, boolean replaced) {
    }

    private final ManagerContext ctx;
    private final String me;
    /** The manager's configured groups, by name in haresources order: a reload rebuilds it. */
    private final Map<String, LocalGroup> groups;
    private final Failcounts failcounts;
    private final StopIssuer stops;
    private final BooleanSupplier maintenance;
    /**
     * Groups a reload removed or changed, whose old resources are still being stopped here (right
     * to left, down to {@link Retiring#keep}). A changed group's successor in {@link #groups} waits
     * until its entry is gone.
     */
    private final Map<String, Retiring> retiring = new LinkedHashMap<>();

    Reconfiguration(ManagerContext ctx, Map<String, LocalGroup> groups, Failcounts failcounts, StopIssuer stops,
            BooleanSupplier maintenance) {
        this.ctx = ctx;
        this.me = ctx.me;
        this.groups = groups;
        this.failcounts = failcounts;
        this.stops = stops;
        this.maintenance = maintenance;
    }

    /** Whether a reload is still stopping the old resources of this group here (it is not decided meanwhile). */
    boolean isRetiring(String group) {
        return retiring.containsKey(group);
    }

    /** The old groups still being stopped (their actions and results are tracked like any group's). */
    List<LocalGroup> retiringGroups() {
        return retiring.values().stream().map(Retiring::old).toList();
    }

    /** The groups a reload removed and that are still stopping here: reported until they are down. */
    List<LocalGroup> removedGroupsStopping() {
        return retiring.values().stream().filter(r -> !r.replaced()).map(Retiring::old).toList();
    }

    /** The configured groups and the retiring ones: everything that may have an action in flight here. */
    List<LocalGroup> allGroups() {
        List<LocalGroup> all = new ArrayList<>(groups.values());
        all.addAll(retiringGroups());
        return all;
    }

    /**
     * Every group whose resources may be up here, for an emergency stop right to left: the
     * configured groups, plus those a reload removed and is still stopping, and for a group a
     * reload changed and is still restarting, one list with the old resources after the kept
     * ones before the new ones (so right to left stops the new, then the old, then the kept).
     */
    List<ResourceGroup> groupsThatMayRunHere() {
        List<ResourceGroup> all = new ArrayList<>();
        for (ResourceGroup g : ctx.cfg().groups()) {
            Retiring r = retiring.get(g.name());
            if (r == null) {
                all.add(g);
            } else {
                List<ResourceSpec> resources = new ArrayList<>(r.old().spec().resources());
                resources.addAll(g.resources().subList(r.keep(), g.resources().size()));
                all.add(new ResourceGroup(g.preferredNode(), resources, g.line()));
            }
        }
        retiring.values().stream().filter(r -> !r.replaced()).forEach(r -> all.add(r.old().spec()));
        return all;
    }

    /**
     * A reload ({@code hactl reload}, SIGHUP): the new configuration's groups replace the old ones, group by group
     * ({@link ConfigDiff}). Unchanged groups keep their state and are not touched (a new home
     * node or policy applies in place); added groups are probed and placed; removed groups are
     * stopped here right to left and forgotten; changed groups stop their old resources from the
     * first difference on (right to left) and then start the new ones in order, keeping the
     * resources before it up. A group that is blocked here, or still restarting after a previous
     * reload, keeps its old definition and is said so in the answer.
     */
    boolean onConfigReloaded(ConfigReloaded r) {
        ManagerConfig next = r.config();
        if (!next.localNode().equals(me) || !next.nodes().equals(ctx.cfg().nodes())) {
            String why = "the reloaded configuration changes the nodes (" + ctx.cfg().nodes() + " -> " + next.nodes()
                    + "): that needs a restart of every node; nothing was changed";
            ctx.event(Level.ERROR, EventKind.CONFIG, null, why);
            ctx.emit(new AnswerCommand(r.requestId(), false, why));
            return false;
        }
        List<String> kept = new ArrayList<>();
        List<ResourceGroup> effective = new ArrayList<>();
        Set<String> nextNames = new HashSet<>();
        for (ResourceGroup g : next.groups()) {
            nextNames.add(g.name());
            LocalGroup current = groups.get(g.name());
            boolean resourcesChange = current != null && !words(current.spec()).equals(words(g));
            if (resourcesChange && (current.blocked() || retiring.containsKey(g.name()))) {
                kept.add(g.name() + (current.blocked() ? " (blocked: run hactl cleanup, then reload again)"
                        : " (still restarting after the previous reload: reload again when it runs)"));
                effective.add(current.spec());
            } else {
                effective.add(g);
            }
        }
        for (LocalGroup lg : groups.values()) {
            if (!nextNames.contains(lg.name()) && lg.blocked()) {
                kept.add(lg.name() + " (blocked: it stays until hactl cleanup, then reload again)");
                effective.add(lg.spec());
            }
        }
        ManagerConfig applied = next.withGroups(effective);
        ConfigDiff diff = ConfigDiff.between(ctx.cfg(), applied, r.reloadable());
        ctx.reconfigure(applied);
        Map<String, ConfigDiff.Reload> reloads = new HashMap<>();
        diff.reloaded().forEach(x -> reloads.put(x.name(), x));

        Map<String, LocalGroup> rebuilt = new LinkedHashMap<>();
        Map<String, ConfigDiff.Change> changes = new HashMap<>();
        diff.changed().forEach(c -> changes.put(c.name(), c));
        for (ResourceGroup g : ctx.cfg().groups()) {
            LocalGroup old = groups.get(g.name());
            List<ResourcePolicy> policies = g.resources().stream().map(x -> ctx.cfg().settings().policyFor(x.word())).toList();
            ConfigDiff.Change change = changes.get(g.name());
            if (old == null) {
                rebuilt.put(g.name(), new LocalGroup(g, policies));
            } else if (change == null) {
                old.redefine(g, policies);
                rebuilt.put(g.name(), old);
                ConfigDiff.Reload reload = reloads.get(g.name());
                if (reload != null) {
                    old.abandonMonitor(); // a monitor of the old parameters says nothing about the new ones
                    reload.resources().forEach(old::queueReload);
                }
            } else {
                rebuilt.put(g.name(), LocalGroup.succeeding(old, g, policies, change.keep()));
                old.retireReplaced(); // stopping part of it is not a release: the successor keeps the group
                retiring.put(g.name(), new Retiring(old, change.keep(), true));
            }
        }
        for (ResourceGroup g : diff.removed()) {
            LocalGroup old = groups.get(g.name());
            old.retireRemoved(g.name() + " was removed from haresources by a reload");
            retiring.put(g.name(), new Retiring(old, 0, false));
        }
        groups.clear();
        groups.putAll(rebuilt);
        Set<String> removedNames = new HashSet<>();
        diff.removed().forEach(g -> removedNames.add(g.name()));
        int forgotten = failcounts.clear(k -> removedNames.contains(k.group())
                || changes.containsKey(k.group()) && !words(changes.get(k.group()).after()).contains(k.resource())
                || reloads.containsKey(k.group()) && !words(reloads.get(k.group()).after()).contains(k.resource()),
                ctx.nextStamp());
        String message = "configuration reloaded: " + diff.summary()
                + (kept.isEmpty() ? "" : "; kept the old definition of " + String.join(", ", kept))
                + (forgotten > 0 ? "; forgot " + forgotten + " failure" + (forgotten == 1 ? "" : "s")
                        + " of resources no longer configured" : "");
        ctx.event(kept.isEmpty() ? Level.INFO : Level.WARN, EventKind.CONFIG, null, message);
        ctx.emit(new AnswerCommand(r.requestId(), true, message));
        return true;
    }

    private static List<String> words(ResourceGroup g) {
        return g.resources().stream().map(ResourceSpec::word).toList();
    }

    /**
     * Stops, right to left, the old resources of the groups a reload removed or changed, one
     * action at a time per group; when a group's are all stopped, its successor (if any) is
     * decided like any group from then on. Nothing while maintenance mode is on; a failed stop
     * blocks the group (and its successor) until cleanup, as any failed stop does.
     */
    void retire() {
        if (maintenance.getAsBoolean()) {
            return;
        }
        for (Iterator<Retiring> it = retiring.values().iterator(); it.hasNext(); ) {
            Retiring r = it.next();
            LocalGroup lg = r.old();
            lg.abandonBackgroundAction(); // a monitor or announcement in flight would hold up the stops
            LocalGroup successor = r.replaced() ? groups.get(lg.name()) : null;
            if (lg.blocked() && successor != null && !successor.blocked()) {
                successor.inheritBlock(lg);
            }
            if (lg.inFlight() != null || lg.blocked()) {
                continue;
            }
            int next = lg.lastNotStopped(r.keep());
            if (next >= 0) {
                stops.stop(lg, next, r.replaced() ? lg.name() + " changed in a reload" : lg.lastReason());
            } else {
                it.remove();
                ctx.event(Level.INFO, EventKind.CONFIG, lg.name(), r.replaced()
                        ? "reload: the old resources of " + lg.name() + " after the first " + r.keep()
                                + " are stopped on " + me + "; placing it with its new resources"
                        : "reload: " + lg.name() + " is stopped on " + me + " and no longer managed");
            }
        }
    }
}
