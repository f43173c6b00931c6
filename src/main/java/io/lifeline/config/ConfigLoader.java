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
        Diagnostics diag = new Diagnostics();
        Path haCfFile = dir.resolve("ha.cf");
        Path resourcesFile = dir.resolve("haresources");
        Path authFile = dir.resolve("authkeys");

        Optional<HaCf> haCf = HaCfParser.parse(haCfFile, diag);
        Optional<Haresources> resources;
        if (Files.exists(resourcesFile)) {
            resources = HaresourcesParser.parse(resourcesFile, diag);
        } else {
            diag.warning(resourcesFile, 0, "no such file: the cluster will manage no resources");
            resources = Optional.of(new Haresources(resourcesFile, java.util.List.of()));
        }
        boolean allowCrc = haCf.map(HaCf::allowCrc).orElse(false);
        Optional<Authkeys> auth = AuthkeysParser.parse(authFile, allowCrc, checkAuthkeysPermissions, diag);

        if (haCf.isPresent() && resources.isPresent()) {
            for (ResourceGroup g : resources.get().groups()) {
                if (!haCf.get().hasNode(g.preferredNode())) {
                    diag.error(resourcesFile, g.line(), "node '" + g.preferredNode() + "' is not a node in "
                            + haCfFile + " (nodes: " + String.join(", ", haCf.get().nodes()) + ")");
                }
            }
        }
        if (diag.hasErrors() || haCf.isEmpty() || resources.isEmpty() || auth.isEmpty()) {
            return new Result(diag, Optional.empty());
        }
        return new Result(diag, Optional.of(new ClusterConfig(dir, haCf.get(), resources.get(), auth.get())));
    }
}
