package io.lifeline.config;

import static io.lifeline.config.Keyword.Status.IGNORED;
import static io.lifeline.config.Keyword.Status.LIFELINE;
import static io.lifeline.config.Keyword.Status.LIFELINE_MANAGER;
import static io.lifeline.config.Keyword.Status.UNSUPPORTED;
import static io.lifeline.config.Keyword.Status.USED;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ha.cf keyword table: every directive {@link HaCfParser} knows, Heartbeat's and Lifeline's
 * own, with its syntax, what Lifeline does with it and the handler that applies it (one
 * {@link Keyword} each, the type the IPVS and proxy tables share). The parser runs this table:
 * a word not in it is an unknown directive (a warning), so a new directive is one row here with
 * its handler. docs/ha.cf.md contains {@link #markdownReference()} verbatim (a test keeps them
 * equal) and ha.cf(5) is generated from the same table.
 */
public final class HaCfKeywords {

    private HaCfKeywords() {
    }

    /**
     * Applies one line of a directive to the parser's state, reporting its own problems with
     * file:line. Most are {@link HaCfParser}'s methods; a directive that only warns carries its
     * text in its row ({@link #warns}), an ignored one the reason from its meaning.
     */
    @FunctionalInterface
    interface Handler {
        void apply(HaCfParser parser, ConfigLines.Line line);
    }

    private static final String TIME = " TIME is seconds (2, 1.5) or milliseconds (1500ms).";

    /** Every directive with its handler, by lower-case name, in documentation order: what the parser runs. */
    static final Map<String, Keyword<Handler>> TABLE = table(
            // --- membership and timers
            kw("node", "node NAME...", USED, "A cluster member, named as `uname -n` prints it on that node; "
                    + "several per line or one line each. Identical list on every node.", HaCfParser::node),
            kw("cluster", "cluster NAME", LIFELINE, "Name of the cluster (letters, digits, `.`, `_`, `-`; "
                    + "default linux-ha). Mixed into the group name and every signature, so two clusters "
                    + "on one network never join each other.", HaCfParser::cluster),
            kw("keepalive", "keepalive TIME", USED, "Interval between heartbeats (default 1s)." + TIME
                    + " How short keepalive and deadtime can be, what 50ms/250ms and 20ms/100ms cost and where "
                    + "20ms/100ms failed: docs/cluster.md, \"Fast profiles\".", HaCfParser::keepalive),
            kw("deadtime", "deadtime TIME", USED, "Silence on every link after which a node is declared dead "
                    + "(default 30s); must be more than twice keepalive.", HaCfParser::deadtime),
            kw("warntime", "warntime TIME", USED, "A heartbeat later than this is logged as late, with its "
                    + "link (default deadtime/2); must be less than deadtime.", HaCfParser::warntime),
            kw("initdead", "initdead TIME", USED, "Deadtime right after start-up, while switches and NICs "
                    + "settle, counted from the moment this node's links are open (default: deadtime if above "
                    + "10s, else twice deadtime, at least 12s); not below deadtime.", HaCfParser::initdead),
            // --- media
            kw("udpport", "udpport PORT", USED, "UDP port of the bcast and ucast lines after it (default: "
                    + "`ha-cluster` in /etc/services, else 694). Must come before the lines that use it.",
                    HaCfParser::udpport),
            kw("bcast", "bcast DEVICE...", USED, "A heartbeat link by UDP broadcast on each device named.",
                    HaCfParser::bcast),
            kw("mcast", "mcast DEVICE GROUP PORT TTL LOOP", USED, "A heartbeat link by IPv4 multicast: group "
                    + "address, port, TTL 1-255, loop 0 or 1 (0 recommended).", HaCfParser::mcast),
            kw("ucast", "ucast DEVICE PEER-ADDRESS", USED, "A heartbeat link by UDP unicast to one peer. Lines "
                    + "naming one of this node's own addresses are ignored, so one file serves all nodes.",
                    HaCfParser::ucast),
            kw("mcast6", "mcast6 DEVICE GROUP PORT HOPS LOOP", UNSUPPORTED,
                    "IPv6 heartbeat media are not supported yet; the medium is ignored, with a warning.",
                    warns("mcast6 (IPv6 heartbeat media) is not supported yet; this medium is ignored")),
            kw("ucast6", "ucast6 DEVICE PEER-ADDRESS", UNSUPPORTED,
                    "IPv6 heartbeat media are not supported yet; the medium is ignored, with a warning.",
                    warns("ucast6 (IPv6 heartbeat media) is not supported yet; this medium is ignored")),
            kw("serial", "serial DEVICE", UNSUPPORTED, "Serial media are not supported; the medium is "
                    + "ignored, with a warning.",
                    warns("serial media are not supported; this medium is ignored")),
            // --- failover behaviour
            kw("auto_failback", "auto_failback on|off|legacy", USED, "on: a group returns to its home node "
                    + "(first word of its haresources line) when that node comes back; off: it stays where "
                    + "it runs; legacy is treated as on, with a warning.", HaCfParser::autoFailback),
            kw("nice_failback", "nice_failback on|off", USED, "Obsolete spelling: on means auto_failback "
                    + "off, off means auto_failback legacy (a warning says so).", HaCfParser::niceFailback),
            kw("ping", "ping ADDRESS...", USED, "Ping nodes (IPv4): each one reachable adds one to this "
                    + "node's connectivity score; a node with a lower score gives its groups to a better "
                    + "connected peer (Heartbeat's ipfail, built in).", HaCfParser::ping),
            kw("ping_group", "ping_group NAME ADDRESS...", USED, "A ping group: counts one when any of its "
                    + "addresses answers.", HaCfParser::pingGroup),
            kw("deadping", "deadping TIME", USED, "A ping node silent this long counts as unreachable "
                    + "(default deadtime); more than twice keepalive.", HaCfParser::deadping),
            kw("hbaping", "hbaping DEVICE", UNSUPPORTED, "Fibre-channel ping is not supported; ignored, "
                    + "with a warning.",
                    warns("hbaping (fibre-channel ping) is not supported; ignored")),
            kw("autojoin", "autojoin none|other|any", UNSUPPORTED, "Only nodes listed with `node` may join: "
                    + "none is accepted silently, other and any with a warning.", HaCfParser::autojoin),
            // --- logging
            kw("logfile", "logfile PATH", USED, "Log file. With none of logfile, debugfile and logfacility, "
                    + "logs go to stdout (the systemd journal).", HaCfParser::logfile),
            kw("debugfile", "debugfile PATH", USED, "Debug log, written when debug is 1 or more.",
                    HaCfParser::debugfile),
            kw("logfacility", "logfacility FACILITY|none", USED, "Syslog facility (daemon, local0 to local7, "
                    + "...), or none.", HaCfParser::logfacility),
            kw("debug", "debug LEVEL", USED, "Debug level 0-255 (default 0); 2 adds JGroups' membership "
                    + "decisions.", HaCfParser::debug),
            // --- processes
            kw("respawn", "respawn USER /path/to/program [ARGS...]", USED, "A program kept running as USER "
                    + "while the daemon runs (through /bin/sh, as in Heartbeat). The user must exist and the "
                    + "program be an absolute path to an executable. A respawn line for ipfail is ignored "
                    + "(ipfail is built in).", HaCfParser::respawn),
            kw("env", "env NAME=value...", USED, "Environment of the respawned programs; each variable is "
                    + "also set as HA_NAME.", HaCfParser::env),
            kw("realtime", "realtime on|off", USED, "Run heartbeat work at raised priority with memory "
                    + "locked (default on): the daemon at nice -10, heartbeat threads SCHED_RR at rtprio.",
                    HaCfParser::realtime),
            kw("rtprio", "rtprio PRIORITY", USED, "Realtime priority 1-99 of the heartbeat threads "
                    + "(default 10).", HaCfParser::rtprio),
            kw("failfast", "failfast ...", UNSUPPORTED, "Not supported; ignored, with a warning.",
                    warns("failfast is not supported; ignored")),
            kw("watchdog", "watchdog DEVICE", UNSUPPORTED, "Watchdog devices are not supported yet; "
                    + "ignored, with a warning.",
                    warns("watchdog devices are not supported yet; ignored")),
            kw("stonith", "stonith TYPE FILE", UNSUPPORTED, "Not supported; use `fence_hook` to run a "
                    + "fencing command. Ignored, with a warning.",
                    warns("stonith is not supported; use the fence_hook directive to run a fencing command")),
            kw("stonith_host", "stonith_host HOST TYPE ARGS...", UNSUPPORTED, "Not supported; use "
                    + "`fence_hook` to run a fencing command. Ignored, with a warning.",
                    warns("stonith_host is not supported; use the fence_hook directive to run a fencing command")),
            kw("crm", "crm on|off|respawn", UNSUPPORTED, "Pacemaker mode is not supported: Lifeline manages "
                    + "the groups in haresources itself. off is accepted; anything else gives a warning.",
                    HaCfParser::pacemakerMode),
            kw("pacemaker", "pacemaker on|off|respawn", UNSUPPORTED, "As crm.", HaCfParser::pacemakerMode),
            // --- Lifeline's own
            kw("allow_crc", "allow_crc on|off", LIFELINE, "Allow the `crc` method in authkeys (default "
                    + "off): crc authenticates nothing, so only for physically isolated networks.",
                    HaCfParser::allowCrc),
            kw("http_listen", "http_listen ADDRESS:PORT", LIFELINE, "Serve Prometheus metrics at "
                    + "http://ADDRESS:PORT/metrics and a live status page at http://ADDRESS:PORT/; ADDRESS is IPv4, "
                    + "[IPv6] or localhost. Reading needs no authentication (the page's operator actions need `http_auth`): "
                    + "anything but loopback draws a warning.", HaCfParser::httpListen),
            kw("http_auth", "http_auth FILE", LIFELINE, "Turn on the operator actions of the status page "
                    + "(standby, online, failover, cleanup) for the users in FILE: lines `user:hash`, hashes written by "
                    + "`hactl http-passwd` (PBKDF2-HMAC-SHA256); mode 600, owned by the daemon's user. Off by "
                    + "default: without it the page is read-only. Read at start; changing it needs a restart.",
                    HaCfParser::httpAuth),
            kw("group_name", "group_name SHORT FIRST-RESOURCE-WORD", LIFELINE, "A short name for the haresources "
                    + "group whose first resource word is given, shown in `hactl status` and accepted by every "
                    + "hactl command; haresources stays plain Heartbeat. Without it a group is named after its "
                    + "first resource: an address for IPaddr/IPaddr2/IPv6addr, else TYPE:ARGUMENT or the word "
                    + "(docs/haresources.md).",
                    HaCfParser::extension), // checked by GroupNames
            kw("propagate", "propagate on|off", LIFELINE, "Allow `hactl propagate` (default off): with on, this "
                    + "node sends its haresources, authkeys and the cluster-wide part of ha.cf to its peers "
                    + "over the authenticated links, and installs and reloads the files a peer sends (it keeps "
                    + "its own node-local directives). Both sides need it. See docs/propagate.md.",
                    HaCfParser::propagate),
            kw("resource_defaults", "resource_defaults KEY=VALUE...", LIFELINE_MANAGER, "Monitor settings of "
                    + "every resource without its own monitor line: interval (10s), timeout (20s), "
                    + "start_timeout (60s), stop_timeout (60s), threshold (3), window (10min), on_fail "
                    + "restart|move|block (restart)."),
            kw("monitor", "monitor RESOURCE KEY=VALUE...", LIFELINE_MANAGER, "Monitor settings of one "
                    + "resource, named exactly as its haresources word; interval=0 turns monitoring off."),
            kw("no_quorum_policy", "no_quorum_policy stop|ignore", LIFELINE_MANAGER, "What a partition "
                    + "without quorum does with its groups (3 or more nodes; default stop)."),
            kw("failback_delay", "failback_delay TIME", LIFELINE_MANAGER, "With auto_failback on, how long "
                    + "the current holder keeps a group before it fails back home (default 0)."),
            kw("notify", "notify /path/to/script [timeout=TIME]", LIFELINE_MANAGER, "A script run for each "
                    + "transition of a group on this node (`script TRANSITION GROUP NODE`); may repeat, "
                    + "run in this order.", HaCfParser::hookScript),
            kw("fence_hook", "fence_hook /path/to/script", LIFELINE_MANAGER, "A command run when a resource "
                    + "fails to stop and its group is blocked until `hactl cleanup`.", HaCfParser::hookScript),
            kw("stall_threshold", "stall_threshold TIME", LIFELINE_MANAGER, "A JVM pause longer than this "
                    + "counts as a stall: the node may have been declared dead, so it stops every group "
                    + "(default deadtime less one keepalive less the stall watchdog's period: 300ms at "
                    + "keepalive 100ms / deadtime 500ms)."),
            kw("stall_rejoin_wait", "stall_rejoin_wait TIME", LIFELINE_MANAGER, "After a stall, how long to "
                    + "wait for a new membership before claiming groups again (default 10s)."),
            kw("report_interval", "report_interval TIME", LIFELINE_MANAGER, "Longest interval between the "
                    + "state reports each node sends its peers (default 5s)."),
            kw("event_log_size", "event_log_size N", LIFELINE_MANAGER, "Events kept for `hactl events` "
                    + "(default 1000)."),
            kw("fence_peers", "fence_peers on|off [NAME=VALUE...]", LIFELINE_MANAGER, "Also run fence_hook "
                    + "against a peer that died holding groups, before taking them over; the takeover waits "
                    + "for its success (retried every 5s). NAME=VALUE options go to the hook on stdin, as to a "
                    + "ClusterLabs fence agent (default off)."),
            kw("fence_timeout", "fence_timeout TIME", LIFELINE_MANAGER, "Longest run of fence_hook, in "
                    + "both uses (default 60s)."),
            kw("fence_delay", "fence_delay NODE=TIME...", LIFELINE_MANAGER, "Wait TIME after NODE left "
                    + "before fencing it, like Pacemaker's pcmk_delay_base: of two nodes fencing each other at "
                    + "once, the one named survives (default: no delay)."),
            kw("quorum_lease", "quorum_lease on|off", LIFELINE_MANAGER, "With quorum in force (3 or more "
                    + "nodes, no_quorum_policy stop), groups run on a node only while a quorum of its peers "
                    + "confirms its heartbeats; when confirmations stop, it stops its groups before any peer "
                    + "may take them over (docs/leases.md; default on)."),
            kw("auto_tie_breaker", "auto_tie_breaker on|off", LIFELINE_MANAGER, "As corosync's: of an even "
                    + "split of 4 or more nodes, the half holding the tie-breaker node keeps quorum "
                    + "(default off: both halves stop every group)."),
            kw("auto_tie_breaker_node", "auto_tie_breaker_node lowest|highest|NODE", LIFELINE_MANAGER,
                    "The tie-breaker node: the first (lowest, default) or last (highest) ha.cf node, or a "
                    + "named one."),
            kw("arbiter", "arbiter NODE...", LIFELINE_MANAGER, "NODE votes and never runs a group: a witness "
                    + "(hactl arbiter) that gives a pair a third vote; it must be a node line and no group's "
                    + "home."),
            // --- Heartbeat directives Lifeline has no use for: the meaning is the reason, and the warning
            kw("apiauth", "apiauth ...", IGNORED, "the control socket is protected by file permissions instead"),
            kw("hopfudge", "hopfudge N", IGNORED, "serial media are not supported"),
            kw("baud", "baud RATE", IGNORED, "serial media are not supported"),
            kw("coredumps", "coredumps on|off", IGNORED, "the JVM handles its own crash dumps"),
            kw("coreroot", "coreroot PATH", IGNORED, "the JVM handles its own crash dumps"),
            kw("hbgenmethod", "hbgenmethod file|time", IGNORED, "replay protection uses time-based sequence numbers"),
            kw("uuidfrom", "uuidfrom file|nodename", IGNORED, "nodes are identified by name"),
            kw("msgfmt", "msgfmt classic|netstring", IGNORED, "Lifeline has its own signed wire format"),
            kw("max_clock_skew", "max_clock_skew TIME", IGNORED,
                    "replay protection no longer depends on clocks (docs/cluster.md)"),
            kw("compression", "compression MODULE", IGNORED, "heartbeat messages are small and never compressed"),
            kw("compression_threshold", "compression_threshold KB", IGNORED,
                    "heartbeat messages are small and never compressed"),
            kw("traditional_compression", "traditional_compression on|off", IGNORED,
                    "heartbeat messages are small and never compressed"),
            kw("max_rexmit_delay", "max_rexmit_delay TIME", IGNORED, "retransmission is handled by the transport"),
            kw("memreserve", "memreserve PAGES", IGNORED, "the JVM heap is sized by the launcher"),
            kw("use_logd", "use_logd on|off", IGNORED, "logging goes through Logback to logfile/debugfile/logfacility"),
            kw("conn_logd_time", "conn_logd_time TIME", IGNORED,
                    "logging goes through Logback to logfile/debugfile/logfacility"),
            kw("normalpoll", "normalpoll on|off", IGNORED, "not applicable"),
            kw("log_badpack", "log_badpack on|off", IGNORED, "dropped packets are always counted and shown in hactl status"),
            kw("syslogmsgfmt", "syslogmsgfmt on|off", IGNORED, "not applicable"),
            kw("record_config_changes", "record_config_changes on|off", IGNORED, "not applicable to haresources mode"),
            kw("record_pengine_inputs", "record_pengine_inputs on|off", IGNORED, "not applicable to haresources mode"),
            kw("enable_config_writes", "enable_config_writes on|off", IGNORED, "not applicable to haresources mode"),
            kw("use_apphbd", "use_apphbd on|off", IGNORED, "not applicable"),
            kw("quorum_server", "quorum_server HOST", IGNORED, "quorumd is not supported; see no_quorum_policy"),
            kw("crm_daemon_dir", "crm_daemon_dir PATH", IGNORED, "Pacemaker mode is not supported"),
            kw("crmd_spawns_pengine", "crmd_spawns_pengine on|off", IGNORED, "Pacemaker mode is not supported"));

    /**
     * Every directive, by lower-case name, in documentation order, without the handlers (they
     * work on the parser's state and stay in this package): the reference the manual pages,
     * {@code hactl check-config} and the other packages read.
     */
    public static final Map<String, Keyword<Void>> ALL = withoutHandlers(TABLE);

    /** The directives of one status, in table order. */
    public static Set<String> withStatus(Keyword.Status status) {
        return ALL.values().stream().filter(k -> k.status() == status).map(Keyword::name)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    /**
     * The reference in Markdown, as included in docs/ha.cf.md (a test checks that the file
     * contains exactly this text; {@code hactl check-config --keywords ha.cf} prints it).
     */
    public static String markdownReference() {
        StringBuilder sb = new StringBuilder();
        sb.append("| directive | syntax | status | meaning |\n| --- | --- | --- | --- |\n");
        for (Keyword<?> k : TABLE.values()) {
            String meaning = k.status() == IGNORED ? "Accepted but ignored: " + k.meaning() + "." : k.meaning();
            sb.append("| `").append(k.name()).append("` | `").append(k.syntax().replace("|", "\\|"))
                    .append("` | ").append(k.status().label("Heartbeat")).append(" | ")
                    .append(meaning.replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    @SafeVarargs
    private static Map<String, Keyword<Handler>> table(Keyword<Handler>... keywords) {
        Map<String, Keyword<Handler>> m = new LinkedHashMap<>();
        for (Keyword<Handler> k : keywords) {
            if (m.put(k.name(), k) != null) {
                throw new IllegalStateException("ha.cf directive listed twice: " + k.name());
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Keyword<Void>> withoutHandlers(Map<String, Keyword<Handler>> table) {
        Map<String, Keyword<Void>> m = new LinkedHashMap<>();
        table.forEach((name, k) -> m.put(name, Keyword.of(k.name(), k.syntax(), k.status(), k.meaning())));
        return Collections.unmodifiableMap(m);
    }

    /** A directive applied by {@code handler}. */
    static Keyword<Handler> kw(String name, String syntax, Keyword.Status status, String meaning, Handler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("ha.cf directive " + name + " has no handler");
        }
        return new Keyword<>(name, Set.of(), syntax, status, meaning, handler);
    }

    /**
     * A directive whose status says what to do with it: an {@link Keyword.Status#IGNORED} one
     * warns with the reason (its meaning), a {@link Keyword.Status#LIFELINE_MANAGER} one is handed
     * to the resource manager in {@link HaCf#extensions()}. Any other needs its own handler.
     */
    static Keyword<Handler> kw(String name, String syntax, Keyword.Status status, String meaning) {
        Handler byStatus = switch (status) {
            case IGNORED -> warns(name + " is accepted but ignored: " + meaning);
            case LIFELINE_MANAGER -> HaCfParser::extension;
            default -> throw new IllegalArgumentException("ha.cf directive " + name + " (" + status
                    + ") needs a handler in its table row");
        };
        return kw(name, syntax, status, meaning, byStatus);
    }

    /** The handler of a directive that is accepted with a warning and nothing else. */
    private static Handler warns(String message) {
        return (parser, line) -> parser.warning(line, message);
    }
}
