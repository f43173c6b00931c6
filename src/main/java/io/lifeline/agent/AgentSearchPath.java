package io.lifeline.agent;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the {@link AgentRegistry} looks for scripts. Every root is configurable so tests can
 * point them at temporary directories.
 *
 * @param resourceAgentDirs Lifeline's own Heartbeat-style scripts, searched in order: the
 *                          installed {@code /usr/share/lifeline/resource-agents} and, when
 *                          running from a checkout, its {@code resource-agents/}
 * @param haResourceDir     Heartbeat's {@code /etc/ha.d/resource.d}
 * @param ocfRoot           {@code OCF_ROOT}, normally {@code /usr/lib/ocf}
 * @param initDir           LSB init scripts, {@code /etc/init.d}
 * @param systemctl         the systemctl binary, for {@code systemd:} resources
 */
public record AgentSearchPath(List<Path> resourceAgentDirs, Path haResourceDir, Path ocfRoot, Path initDir,
                              Path systemctl) {

    public static final Path INSTALLED_RESOURCE_AGENTS = Path.of("/usr/share/lifeline/resource-agents");
    public static final Path HA_RESOURCE_DIR = Path.of("/etc/ha.d/resource.d");
    public static final Path OCF_ROOT = Path.of("/usr/lib/ocf");
    public static final Path INIT_DIR = Path.of("/etc/init.d");
    public static final Path SYSTEMCTL = Path.of("/usr/bin/systemctl");

    public AgentSearchPath {
        resourceAgentDirs = List.copyOf(resourceAgentDirs);
    }

    /** This search path with Heartbeat's {@code resource.d} at {@code dir}. */
    public AgentSearchPath withHaResourceDir(Path dir) {
        return new AgentSearchPath(resourceAgentDirs, dir, ocfRoot, initDir, systemctl);
    }

    /** The system locations, with the given Lifeline resource-agents directories. */
    public static AgentSearchPath standard(List<Path> resourceAgentDirs) {
        return new AgentSearchPath(resourceAgentDirs, HA_RESOURCE_DIR, OCF_ROOT, INIT_DIR, SYSTEMCTL);
    }

    /** The system locations and the installed resource-agents directory. */
    public static AgentSearchPath standard() {
        return standard(List.of(INSTALLED_RESOURCE_AGENTS));
    }

    /**
     * The system locations with the installed resource-agents directory and, when Lifeline
     * runs from a build in a checkout ({@code CHECKOUT/target/...}), that checkout's
     * {@code resource-agents/} after it.
     */
    public static AgentSearchPath detect() {
        List<Path> dirs = new ArrayList<>(List.of(INSTALLED_RESOURCE_AGENTS));
        checkoutResourceAgents().ifPresent(dirs::add);
        return standard(dirs);
    }

    /** {@code CHECKOUT/resource-agents} if this class was loaded from {@code CHECKOUT/target/}. */
    static Optional<Path> checkoutResourceAgents() {
        try {
            CodeSource source = AgentSearchPath.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            // target/classes (tests, IDE) or target/lifeline-VERSION-all.jar (bin/hactl)
            for (Path p = Path.of(source.getLocation().toURI()); p != null; p = p.getParent()) {
                if (p.getFileName() != null && p.getFileName().toString().equals("target")) {
                    Path dir = p.getParent() == null ? null : p.getParent().resolve("resource-agents");
                    return dir != null && Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
                }
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // not a file location: no checkout to find
        }
        return Optional.empty();
    }
}
