package io.lifeline.daemon;

import io.lifeline.config.HaCf;
import io.lifeline.config.Medium;
import io.lifeline.manager.ManagerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The ha.cf directives a reload cannot apply to a running daemon, and which of them a new
 * configuration changes. Each shapes something built once at start: the links (media, ports,
 * cluster name, nodes), the failure-detection timers inside every JGroups stack, the logging
 * targets, the process's priority and memory locking, the respawned programs, the metrics
 * listener, the event log's size and the notify hooks' executor. Changing them live would mean
 * re-forming membership, which is what a reload must never risk; a restart of one node at a
 * time does it safely (its groups move and come back).
 */
final class RestartDirectives {

    private record Directive(String name, Function<HaCf, Object> value) {
    }

    private static final List<Directive> HA_CF = List.of(
            new Directive("cluster", HaCf::clusterName),
            new Directive("node", HaCf::nodes),
            new Directive("keepalive", HaCf::keepalive),
            new Directive("deadtime", HaCf::deadtime),
            new Directive("warntime", HaCf::warntime),
            new Directive("initdead", HaCf::initdead),
            new Directive("udpport", HaCf::udpport),
            new Directive("bcast/mcast/ucast", h -> h.media().stream().map(RestartDirectives::withoutLine).toList()),
            new Directive("ping/ping_group", h -> h.pingTargets().stream()
                    .map(p -> p.name() + " " + p.addresses()).toList()),
            new Directive("deadping", HaCf::deadping),
            new Directive("logfile", HaCf::logfile),
            new Directive("debugfile", HaCf::debugfile),
            new Directive("logfacility", HaCf::logfacility),
            new Directive("debug", HaCf::debug),
            new Directive("respawn", h -> h.respawns().stream().map(r -> r.user() + " " + r.commandLine()).toList()),
            new Directive("env", HaCf::respawnEnvironment),
            new Directive("realtime", HaCf::realtime),
            new Directive("rtprio", HaCf::rtprio),
            new Directive("allow_crc", HaCf::allowCrc),
            new Directive("http_listen", HaCf::httpListen),
            new Directive("http_auth", HaCf::httpAuth));

    private RestartDirectives() {
    }

    /** A medium as it works, without the ha.cf line it was written on (moving a line changes nothing). */
    private static String withoutLine(Medium m) {
        if (m instanceof Medium.Bcast b) {
            return "bcast " + b.device() + " " + b.port();
        }
        if (m instanceof Medium.Mcast c) {
            return "mcast " + c.device() + " " + c.group() + " " + c.port() + " " + c.ttl() + " " + c.loop();
        }
        if (m instanceof Medium.Ucast u) {
            return "ucast " + u.device() + " " + u.peer() + " " + u.port();
        }
        return m.toString();
    }

    /** The directives whose value differs between the running configuration and {@code next}, in ha.cf terms. */
    static List<String> changed(HaCf running, HaCf next, ManagerSettings runningSettings, ManagerSettings nextSettings) {
        List<String> out = new ArrayList<>();
        for (Directive d : HA_CF) {
            if (!Objects.equals(d.value().apply(running), d.value().apply(next))) {
                out.add(d.name());
            }
        }
        if (runningSettings.eventLogSize() != nextSettings.eventLogSize()) {
            out.add("event_log_size");
        }
        if (!runningSettings.notifyHooks().equals(nextSettings.notifyHooks())) {
            out.add("notify");
        }
        return out;
    }
}
