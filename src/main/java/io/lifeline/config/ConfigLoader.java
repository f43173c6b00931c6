package io.lifeline.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads one ha.d directory: ha.cf, haresources and authkeys, each by its own parser, then the
 * checks that span files (every haresources node is an ha.cf node).
 */
public final class ConfigLoader {

    /** What {@link #check} found: every problem, and the configuration when there were no errors. */
    public record Result(Diagnostics diagnostics, Optional<ClusterConfig> config) {
    }

    private ConfigLoader() {
    }

    /** Loads the directory or throws with every error; warnings are in the returned Result too. */
    public static ClusterConfig load(Path dir) throws ConfigException {
        Result r = check(dir, true);
        if (r.config().isEmpty()) {
            throw new ConfigException(r.diagnostics().errors());
        }
        return r.config().get();
    }

    /**
     * Reads everything and reports all problems at once.
     *
     * @param checkAuthkeysPermissions false only for inspecting copies of a configuration
     */
    public static Result check(Path dir, boolean checkAuthkeysPermissions) {
        return read(dir, checkAuthkeysPermissions, false);
    }

    /**
     * What the daemon starts with: like {@link #check}, but a haresources line with errors (a
     * bad resource word, a node that is not in ha.cf, a second group of the same name) only
     * leaves that group out; its errors stay in the diagnostics, with file:line, for the daemon
     * to report. Any other error (ha.cf, authkeys, an unreadable haresources) still means no
     * configuration. {@code hactl check-config} and reloads stay strict ({@link #check}).
     */
    public static Result checkSkippingBadGroups(Path dir, boolean checkAuthkeysPermissions) {
        return read(dir, checkAuthkeysPermissions, true);
    }

    private static Result read(Path dir, boolean checkAuthkeysPermissions, boolean skipBadGroups) {
        Diagnostics diag = new Diagnostics();
        Path haCfFile = dir.resolve("ha.cf");
        Path resourcesFile = dir.resolve("haresources");
        Path authFile = dir.resolve("authkeys");

        Optional<HaCf> haCf = HaCfParser.parse(haCfFile, diag);
        Optional<Haresources> resources;
        if (Files.exists(resourcesFile)) {
            resources = skipBadGroups ? HaresourcesParser.parseValidGroups(resourcesFile, diag)
                    : HaresourcesParser.parse(resourcesFile, diag);
        } else {
            diag.warning(resourcesFile, 0, "no such file: the cluster will manage no resources");
            resources = Optional.of(new Haresources(resourcesFile, java.util.List.of()));
        }
        boolean allowCrc = haCf.map(HaCf::allowCrc).orElse(false);
        Optional<Authkeys> auth = AuthkeysParser.parse(authFile, allowCrc, checkAuthkeysPermissions, diag);
        if (!skipBadGroups) {
            // check-config and reload: a bad users file is an error. At start the daemon reads it
            // itself and, when it is bad, logs why and serves a read-only page (docs/metrics.md).
            haCf.flatMap(HaCf::httpAuth).ifPresent(users -> HttpUsers.read(users, checkAuthkeysPermissions, diag));
        }

        if (haCf.isPresent() && resources.isPresent()) {
            for (ResourceGroup g : resources.get().groups()) {
                if (!haCf.get().hasNode(g.preferredNode())) {
                    diag.error(resourcesFile, g.line(), "node '" + g.preferredNode() + "' is not a node in "
                            + haCfFile + " (nodes: " + String.join(", ", haCf.get().nodes()) + ")");
                }
            }
            GroupNames.of(haCf.get(), resources.get(), diag); // group_name lines
        }
        if (haCf.isEmpty() || resources.isEmpty() || auth.isEmpty()) {
            return new Result(diag, Optional.empty());
        }
        Haresources usable = resources.get();
        if (skipBadGroups && diag.hasErrors()) {
            if (!GroupErrors.onlyOnGroupLines(diag.errors(), resourcesFile)) {
                return new Result(diag, Optional.empty());
            }
            usable = GroupErrors.withoutBadLines(usable, diag.errors());
        } else if (diag.hasErrors()) {
            return new Result(diag, Optional.empty());
        }
        return new Result(diag, Optional.of(new ClusterConfig(dir, haCf.get(), usable, auth.get())));
    }
}
