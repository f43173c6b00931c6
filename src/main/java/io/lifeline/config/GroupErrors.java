package io.lifeline.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which haresources groups a list of errors condemns. Every haresources error names the line of
 * its group (a continued line keeps the number of its first physical line), so an error at a
 * group's line is that group's alone; an error anywhere else (ha.cf, authkeys, the file as a
 * whole, line 0) is not, and then no group can be trusted to run.
 */
public final class GroupErrors {

    private GroupErrors() {
    }

    /** True when every error is on a numbered haresources line (so leaving those groups out fixes them all). */
    public static boolean onlyOnGroupLines(List<ConfigProblem> errors, Path haresourcesFile) {
        return errors.stream().allMatch(p -> !p.isError()
                || p.file().equals(haresourcesFile) && p.line() > 0);
    }

    /** {@code haresources} without the groups at lines that have an error in {@code problems}. */
    public static Haresources withoutBadLines(Haresources haresources, List<ConfigProblem> problems) {
        Set<Integer> bad = problems.stream()
                .filter(p -> p.isError() && p.file().equals(haresources.file()))
                .map(ConfigProblem::line).collect(Collectors.toSet());
        return new Haresources(haresources.file(),
                haresources.groups().stream().filter(g -> !bad.contains(g.line())).toList());
    }

    /** The groups of {@code haresources} at lines that have an error in {@code problems}. */
    public static List<ResourceGroup> badGroups(Haresources haresources, List<ConfigProblem> problems) {
        Set<Integer> bad = problems.stream()
                .filter(p -> p.isError() && p.file().equals(haresources.file()))
                .map(ConfigProblem::line).collect(Collectors.toSet());
        return haresources.groups().stream().filter(g -> bad.contains(g.line())).toList();
    }
}
