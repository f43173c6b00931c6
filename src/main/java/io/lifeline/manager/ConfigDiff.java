package io.lifeline.manager;

import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a reload changes in the groups, group by group (a group is its name, the first resource
 * word, as in Heartbeat). Pure: the same two configurations always give the same difference.
 *
 * <ul>
 *   <li>{@code unchanged}: the same resource words in the same order. Nothing is stopped; a new
 *       home node, new resource policies (monitor interval, timeouts, thresholds) or a new line
 *       number apply in place ({@link #updated} lists the groups where any of these differ).</li>
 *   <li>{@code added}: probed, then placed like any group.</li>
 *   <li>{@code removed}: stopped here, right to left, then forgotten.</li>
 *   <li>{@code changed}: restarted in order, but only from the first resource that differs:
 *       the resources before it ({@link Change#keep}) stay up, the old resources from there on
 *       are stopped right to left, then the new ones are started left to right. Adding a
 *       resource at the end of a group therefore leaves its VIP alone.</li>
 *   <li>{@code reloaded}: the same resources, where only parameters that their agent reloads in
 *       place changed ({@link #reloadInPlace}): nothing is stopped; each changed resource that runs
 *       here gets its agent's reload (OCF {@code reload-agent}, or {@code reload}) instead of a
 *       restart.</li>
 * </ul>
 */
public record ConfigDiff(List<ResourceGroup> unchanged, List<ResourceGroup> updated, List<ResourceGroup> added,
                         List<ResourceGroup> removed, List<Change> changed, List<Reload> reloaded) {

    public ConfigDiff {
        unchanged = List.copyOf(unchanged);
        updated = List.copyOf(updated);
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        reloaded = List.copyOf(reloaded);
    }

    /**
     * A group whose resources changed only in parameters their agents reload in place.
     *
     * @param resources the positions of the resources whose words changed, left to right
     */
    public record Reload(ResourceGroup before, ResourceGroup after, List<Integer> resources) {
        public Reload {
            resources = List.copyOf(resources);
        }

        public String name() {
            return after.name();
        }
    }

    /**
     * A group whose resources differ.
     *
     * @param keep how many resources at the front are the same in both (they keep running)
     */
    public record Change(ResourceGroup before, ResourceGroup after, int keep) {
        public String name() {
            return after.name();
        }
    }

    /** The difference from {@code before} to {@code after}, where no agent reloads in place. */
    public static ConfigDiff between(ManagerConfig before, ManagerConfig after) {
        return between(before, after, Map.of());
    }

    /**
     * The difference from {@code before} to {@code after}.
     *
     * @param reloadable per resource word of {@code after}: the parameters its agent reloads in place
     */
    public static ConfigDiff between(ManagerConfig before, ManagerConfig after, Map<String, Set<String>> reloadable) {
        Map<String, ResourceGroup> old = before.groups().stream()
                .collect(Collectors.toMap(ResourceGroup::name, Function.identity()));
        Map<String, ResourceGroup> next = after.groups().stream()
                .collect(Collectors.toMap(ResourceGroup::name, Function.identity()));
        List<ResourceGroup> unchanged = new ArrayList<>();
        List<ResourceGroup> updated = new ArrayList<>();
        List<ResourceGroup> added = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        List<Reload> reloaded = new ArrayList<>();
        for (ResourceGroup g : after.groups()) {
            ResourceGroup was = old.get(g.name());
            if (was == null) {
                added.add(g);
            } else if (words(was).equals(words(g))) {
                unchanged.add(g);
                if (!was.preferredNode().equals(g.preferredNode()) || was.line() != g.line()
                        || !policies(before, was).equals(policies(after, g))) {
                    updated.add(g);
                }
            } else {
                Optional<List<Integer>> inPlace = reloadInPlace(was, g, reloadable);
                if (inPlace.isPresent()) {
                    reloaded.add(new Reload(was, g, inPlace.get()));
                } else {
                    changed.add(new Change(was, g, commonPrefix(words(was), words(g))));
                }
            }
        }
        List<ResourceGroup> removed = before.groups().stream().filter(g -> !next.containsKey(g.name())).toList();
        return new ConfigDiff(unchanged, updated, added, removed, changed, reloaded);
    }

    /** True when no group is added, removed, changed or reloaded (updates in place may still be listed). */
    public boolean groupsUnchanged() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty() && reloaded.isEmpty();
    }

    /**
     * The positions of the resources to reload when {@code before} becomes {@code after} by
     * parameters alone, or empty when a restart is needed. That is the case when the groups have
     * the same number of resources and every resource that differs keeps its agent, all its
     * arguments are OCF {@code name=value} parameters, and every parameter that changed (added,
     * removed or given another value) is one its agent reloads: OCF 1.1 {@code reloadable="1"}
     * with a {@code reload-agent} action, or, in the older style, a non-unique parameter of an
     * agent with a {@code reload} action (Pacemaker's rule), as the daemon read them into
     * {@code reloadable}.
     */
    public static Optional<List<Integer>> reloadInPlace(ResourceGroup before, ResourceGroup after,
                                                        Map<String, Set<String>> reloadable) {
        List<ResourceSpec> a = before.resources();
        List<ResourceSpec> b = after.resources();
        if (a.size() != b.size()) {
            return Optional.empty();
        }
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).word().equals(b.get(i).word())) {
                continue;
            }
            Set<String> canReload = reloadable.get(b.get(i).word());
            Optional<Map<String, String>> was = parameters(a.get(i));
            Optional<Map<String, String>> now = parameters(b.get(i));
            if (canReload == null || !a.get(i).name().equals(b.get(i).name()) || was.isEmpty() || now.isEmpty()) {
                return Optional.empty();
            }
            Set<String> keys = new java.util.HashSet<>(was.get().keySet());
            keys.addAll(now.get().keySet());
            for (String k : keys) {
                if (!Objects.equals(was.get().get(k), now.get().get(k)) && !canReload.contains(k)) {
                    return Optional.empty();
                }
            }
            positions.add(i);
        }
        return positions.isEmpty() ? Optional.empty() : Optional.of(positions);
    }

    /** A resource's arguments as OCF parameters, or empty when any is positional (no {@code =}) or repeated. */
    private static Optional<Map<String, String>> parameters(ResourceSpec r) {
        Map<String, String> p = new java.util.HashMap<>();
        for (String arg : r.args()) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || p.put(arg.substring(0, eq), arg.substring(eq + 1)) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(p);
    }

    /** One line for the reload's answer and the event log. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        parts.add(unchanged.size() + " unchanged" + (updated.isEmpty() ? "" : " (" + names(updated) + " updated in place)"));
        if (!added.isEmpty()) {
            parts.add("added " + names(added));
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + names(removed));
        }
        if (!changed.isEmpty()) {
            parts.add("changed " + changed.stream().map(c -> c.name() + " (restarting from resource "
                    + (c.keep() + 1) + ")").collect(Collectors.joining(", ")));
        }
        if (!reloaded.isEmpty()) {
            parts.add("reloaded in place " + reloaded.stream().map(r -> r.name() + " (" + r.resources().stream()
                    .map(i -> r.after().resources().get(i).name()).collect(Collectors.joining(", ")) + ")")
                    .collect(Collectors.joining(", ")));
        }
        return "groups: " + String.join("; ", parts);
    }

    private static String names(List<ResourceGroup> groups) {
        return groups.stream().map(ResourceGroup::name).collect(Collectors.joining(", "));
    }

    /**
     * A resource is its word as written (name and arguments): the same word is the same
     * resource, with the same agent instance in the daemon, so it is not touched.
     */
    private static List<String> words(ResourceGroup g) {
        return g.resources().stream().map(ResourceSpec::word).toList();
    }

    private static List<ResourcePolicy> policies(ManagerConfig cfg, ResourceGroup g) {
        return g.resources().stream().map(r -> cfg.settings().policyFor(r.word())).toList();
    }

    private static int commonPrefix(List<String> a, List<String> b) {
        int n = 0;
        while (n < a.size() && n < b.size() && Objects.equals(a.get(n), b.get(n))) {
            n++;
        }
        return n;
    }
}
