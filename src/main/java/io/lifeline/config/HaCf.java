package io.lifeline.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param respawns     ha.cf's {@code respawn USER COMMAND} lines: programs the daemon keeps running (see
 *                     io.lifeline.daemon.RespawnedChildren)
 * @param respawnEnvironment {@code env NAME=value} lines, in file order: the environment of
 *                     the respawned programs
 * @param rtprio       {@code rtprio}: requested realtime priority, 0 for Lifeline's default
 * @param allowCrc     Lifeline directive {@code allow_crc on}: accept an authkeys {@code crc}
 *                     signing method, which authenticates nothing
 * @param httpListen   Lifeline directive {@code http_listen ADDR:PORT}: where the daemon serves
 *                     {@code /metrics} (io.lifeline.metrics); empty (the default) for no listener
 * @param httpAuth     Lifeline directive {@code http_auth FILE}: the users (names and password hashes,
 *                     {@link HttpUsers}) who may act on the cluster from the status page; empty (the
 *                     default) for a read-only page
 * @param propagate    Lifeline directive {@code propagate on}: this node sends its files with
 *                     {@code hactl propagate} and accepts its peers' (docs/propagate.md); off by default
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
        Map<String, String> respawnEnvironment,
        boolean realtime,
        int rtprio,
        boolean allowCrc,
        Optional<InetSocketAddress> httpListen,
        Optional<Path> httpAuth,
        boolean propagate,
        List<Directive> extensions) {

    public HaCf {
        nodes = List.copyOf(nodes);
        media = List.copyOf(media);
        pingTargets = List.copyOf(pingTargets);
        respawns = List.copyOf(respawns);
        respawnEnvironment = Collections.unmodifiableMap(new LinkedHashMap<>(respawnEnvironment));
        extensions = List.copyOf(extensions);
    }

    /**
     * {@code respawn user /path args...}: a child kept running unless it exits 100.
     *
     * @param user        the account it runs as
     * @param command     the program (an absolute path) and its arguments, as words
     * @param commandLine the command as written after the user, run by {@code /bin/sh} as
     *                    Heartbeat does, so quoting and {@code $VARIABLES} keep working
     * @param line        its ha.cf line
     */
    public record Respawn(String user, List<String> command, String commandLine, int line) {
        public Respawn {
            command = List.copyOf(command);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("respawn without a program");
            }
        }

        /** The program: the first word of the command. */
        public String program() {
            return command.get(0);
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
