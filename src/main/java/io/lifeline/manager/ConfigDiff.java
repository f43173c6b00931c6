package io.lifeline.manager;

import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * </ul>
 */
public record ConfigDiff(List<ResourceGroup> unchanged, List<ResourceGroup> updated, List<ResourceGroup> added,
                         List<ResourceGroup> removed, List<Change> changed) {

    public ConfigDiff {
        unchanged = List.copyOf(unchanged);
        updated = List.copyOf(updated);
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
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

    /** The difference from {@code before} to {@code after}. */
    public static ConfigDiff between(ManagerConfig before, ManagerConfig after) {
        Map<String, ResourceGroup> old = before.groups().stream()
                .collect(Collectors.toMap(ResourceGroup::name, Function.identity()));
        Map<String, ResourceGroup> next = after.groups().stream()
                .collect(Collectors.toMap(ResourceGroup::name, Function.identity()));
        List<ResourceGroup> unchanged = new ArrayList<>();
        List<ResourceGroup> updated = new ArrayList<>();
        List<ResourceGroup> added = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
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
                changed.add(new Change(was, g, commonPrefix(words(was), words(g))));
            }
        }
        List<ResourceGroup> removed = before.groups().stream().filter(g -> !next.containsKey(g.name())).toList();
        return new ConfigDiff(unchanged, updated, added, removed, changed);
    }

    /** True when no group is added, removed or changed (updates in place may still be listed). */
    public boolean groupsUnchanged() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
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
