package io.lifeline.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Parsed ha.cf. Timing fields are already defaulted and cross-checked the way Heartbeat
 * does it (see {@link HaCfParser}).
 *
 * @param clusterName  Heartbeat's {@code cluster} directive (default {@code linux-ha}); keeps
 *                     two clusters on one LAN apart
 * @param nodes        cluster members in ha.cf order (this order is also the deterministic
 *                     tie-break order used elsewhere)
 * @param media        heartbeat media; each is one link
 * @param rtprio       {@code rtprio}: requested realtime priority, 0 for Lifeline's default
 * @param allowCrc     Lifeline directive {@code allow_crc on}: accept an authkeys {@code crc}
 *                     signing method, which authenticates nothing
 * @param clockSkew    Lifeline directive {@code max_clock_skew}: how far a first message's
 *                     timestamp may be from the local clock before it is treated as a replay
 * @param extensions   other Lifeline-only directives, kept for the subsystems that own them
 */
public record HaCf(
        Path file,
        String clusterName,
        List<String> nodes,
        Duration keepalive,
        Duration deadtime,
        Duration warntime,
        Duration initdead,
        int udpport,
        List<Medium> media,
        AutoFailback autoFailback,
        List<PingTarget> pingTargets,
        Duration deadping,
        Optional<Path> logfile,
        Optional<Path> debugfile,
        Optional<String> logfacility,
        int debug,
        List<Respawn> respawns,
        boolean realtime,
        int rtprio,
        boolean allowCrc,
        Duration clockSkew,
        List<Directive> extensions) {

    public HaCf {
        nodes = List.copyOf(nodes);
        media = List.copyOf(media);
        pingTargets = List.copyOf(pingTargets);
        respawns = List.copyOf(respawns);
        extensions = List.copyOf(extensions);
    }

    /** {@code respawn user /path args...}: a child kept running unless it exits 100. */
    public record Respawn(String user, List<String> command, int line) {
        public Respawn {
            command = List.copyOf(command);
        }
    }

    /** A directive as written: keyword, its words, and where it came from. */
    public record Directive(String keyword, List<String> args, int line) {
        public Directive {
            args = List.copyOf(args);
        }
    }

    /** True when {@code name} is a configured node (Heartbeat compares node names case-insensitively). */
    public boolean hasNode(String name) {
        return nodes.stream().anyMatch(n -> n.equalsIgnoreCase(name));
    }
}
