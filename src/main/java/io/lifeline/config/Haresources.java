package io.lifeline.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Parsed haresources: the resource groups in file order. */
public record Haresources(Path file, List<ResourceGroup> groups) {
    public Haresources {
        groups = List.copyOf(groups);
    }

    public Optional<ResourceGroup> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }
}
