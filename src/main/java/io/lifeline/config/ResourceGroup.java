package io.lifeline.config;

import java.util.List;

/**
 * One logical line of haresources: the preferred (home) node, then resources started left to
 * right and stopped right to left. Like Heartbeat, the first resource word is the group's key.
 */
public record ResourceGroup(String preferredNode, List<ResourceSpec> resources, int line) {
    public ResourceGroup {
        resources = List.copyOf(resources);
        if (resources.isEmpty()) {
            throw new IllegalArgumentException("a group needs at least one resource");
        }
    }

    /** The group's name: its first resource word, as in Heartbeat. */
    public String name() {
        return resources.get(0).word();
    }
}
