package io.lifeline.config;

import io.lifeline.os.UserAccounts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Reads ha.cf with Heartbeat's rules: line order matters ({@code udpport} must precede the
 * media that use it), bare numbers are seconds, booleans are {@code on/yes/true/y/1}. Every
 * Heartbeat directive is either used, or accepted with a warning saying why Lifeline ignores
 * it; unknown words are warnings, malformed values errors, all with file:line. Which words are
 * directives, and why some are ignored, comes from the keyword table {@link HaCfKeywords}.
 *
 * <p>Defaults and checks follow Heartbeat 3's config.c: keepalive 1s, deadtime 30s, warntime
 * deadtime/2, initdead derived from deadtime, udpport from /etc/services {@code ha-cluster} or
 * 694; deadtime must exceed 2 x keepalive and initdead must not be below deadtime.
 */
public final class HaCfParser {

    static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(1);
    static final Duration DEFAULT_DEADTIME = Duration.ofSeconds(30);
    static final int DEFAULT_UDPPORT = 694;

    /**
     * Lifeline-only directives owned by the resource manager (io.lifeline.manager.ManagerDirectives
     * validates them); kept in {@link HaCf#extensions()}. From {@link HaCfKeywords}, the table
     * that decides which words this parser knows.
     */
    public static final Set<String> EXTENSION_KEYWORDS =
            Set.copyOf(HaCfKeywords.withStatus(Keyword.Status.LIFELINE_MANAGER));

    private final Path file;
    private final Diagnostics diag;
    private final Map<String, Integer> seenOnce = new HashMap<>();

    private String clusterName = "linux-ha";
    private final List<String> nodes = new ArrayList<>();
    private Duration keepalive;
    private Duration deadtime;
    private Duration warntime;
    private Duration initdead;
    private Duration deadping;
    private int keepaliveLine;
    private int deadtimeLine;
    private int warntimeLine;
    private int initdeadLine;
    private int deadpingLine;
    private Integer udpport;
    private Integer defaultUdpPort;
    private int udpportLine;
    private int firstPortMediumLine;
    private final List<Medium> media = new ArrayList<>();
    private AutoFailback autoFailback;
    private final List<PingTarget> pingTargets = new ArrayList<>();
    private Path logfile;
    private Path debugfile;
    private String logfacility;
    private int debug;
    private final List<HaCf.Respawn> respawns = new ArrayList<>();
    private final Map<String, String> respawnEnvironment = new LinkedHashMap<>();
    private final Map<String, Integer> respawnEnvironmentLines = new HashMap<>();
    private boolean realtime = true;
    private int rtprio;
    private boolean allowCrc;
    private boolean propagate;
    private InetSocketAddress httpListen;
    private Path httpAuth;
    private int httpAuthLine;
    private final List<HaCf.Directive> extensions = new ArrayList<>();

    private HaCfParser(Path file, Diagnostics diag) {
        this.file = file;
        this.diag = diag;
    }

    /** Parses ha.cf; problems go to {@code diag}. Empty when the file cannot be used at all. */
    public static Optional<HaCf> parse(Path file, Diagnostics diag) {
        return ConfigLines.readRaw(file, diag).flatMap(raw -> new HaCfParser(file, diag).run(raw));
    }

    private Optional<HaCf> run(List<String> raw) {
        int errorsBefore = diag.errors().size();
        for (ConfigLines.Line line : ConfigLines.parse(raw, false)) {
            directive(line);
        }
        finish();
        if (diag.errors().size() > errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new HaCf(file, clusterName, nodes, keepalive, deadtime, warntime, initdead,
                currentUdpPort(), media,
                autoFailback != null ? autoFailback : AutoFailback.LEGACY, pingTargets, deadping,
                Optional.ofNullable(logfile), Optional.ofNullable(debugfile), Optional.ofNullable(logfacility),
                debug, respawns, respawnEnvironment, realtime, rtprio, allowCrc,
                Optional.ofNullable(httpListen), Optional.ofNullable(httpAuth), propagate, extensions));
    }

    /** One line: the table row of its keyword applies it; a word not in the table is unknown. */
    private void directive(ConfigLines.Line line) {
        Keyword<HaCfKeywords.Handler> known = HaCfKeywords.TABLE.get(keyword(line));
        if (known == null) {
            diag.warning(file, line.number(), "unknown directive '" + line.keyword() + "' ignored");
            return;
        }
        known.handler().apply(this, line);
    }

    /** The keyword as the table spells it (Heartbeat's words are case-insensitive). */
    private static String keyword(ConfigLines.Line line) {
        return line.keyword().toLowerCase(Locale.ROOT);
    }

    // --- the handlers of HaCfKeywords' rows, in table order: each applies one line ---

    void node(ConfigLines.Line line) {
        if (requireArgs(line, 1, "node NAME...")) {
            for (String name : line.args()) {
                if (nodes.stream().anyMatch(x -> x.equalsIgnoreCase(name))) {
                    diag.warning(file, line.number(), "node '" + name + "' is listed twice");
                } else {
                    nodes.add(name);
                }
            }
        }
    }

    void cluster(ConfigLines.Line line) {
        if (exactArgs(line, 1, "cluster NAME")) {
            if (line.args().get(0).matches("[A-Za-z0-9._-]{1,64}")) {
                clusterName = line.args().get(0);
            } else {
                diag.error(file, line.number(), "cluster name may use letters, digits, '.', '_' and '-' (1-64 chars)");
            }
        }
    }

    void keepalive(ConfigLines.Line line) {
        time(line, (d, l) -> { keepalive = d; keepaliveLine = l; });
    }

    void deadtime(ConfigLines.Line line) {
        time(line, (d, l) -> { deadtime = d; deadtimeLine = l; });
    }

    void warntime(ConfigLines.Line line) {
        time(line, (d, l) -> { warntime = d; warntimeLine = l; });
    }

    void initdead(ConfigLines.Line line) {
        time(line, (d, l) -> { initdead = d; initdeadLine = l; });
    }

    void udpport(ConfigLines.Line line) {
        int n = line.number();
        if (exactArgs(line, 1, "udpport PORT")) {
            port(line.args().get(0), n, "udpport").ifPresent(p -> {
                if (firstPortMediumLine > 0) {
                    diag.error(file, n, "udpport must come before the bcast/ucast lines that use it"
                            + " (first one at line " + firstPortMediumLine + "); move it up");
                }
                udpport = p;
                udpportLine = n;
            });
        }
    }

    void bcast(ConfigLines.Line line) {
        int n = line.number();
        if (requireArgs(line, 1, "bcast DEVICE...")) {
            markPortMedium(n);
            for (String dev : line.args()) {
                media.add(new Medium.Bcast(dev, currentUdpPort(), n));
            }
        }
    }

    void mcast(ConfigLines.Line line) {
        int n = line.number();
        if (!exactArgs(line, 5, "mcast DEVICE GROUP PORT TTL LOOP")) {
            return;
        }
        List<String> a = line.args();
        Optional<InetAddress> group = ipv4(a.get(1), n, "mcast group");
        if (group.isPresent() && !group.get().isMulticastAddress()) {
            diag.error(file, n, "mcast group " + a.get(1) + " is not a multicast address (224.0.0.0/4)");
            return;
        }
        Optional<Integer> port = port(a.get(2), n, "mcast port");
        Optional<Integer> ttl = integer(a.get(3), n, "mcast ttl", 1, 255);
        Optional<Integer> loop = integer(a.get(4), n, "mcast loop", 0, 1);
        if (group.isPresent() && port.isPresent() && ttl.isPresent() && loop.isPresent()) {
            if (loop.get() == 1) {
                diag.warning(file, n, "mcast loop 1: Heartbeat recommends 0 (own packets are ignored anyway)");
            }
            media.add(new Medium.Mcast(a.get(0), group.get(), port.get(), ttl.get(), loop.get() == 1, n));
        }
    }

    void ucast(ConfigLines.Line line) {
        int n = line.number();
        List<String> args = line.args();
        if (exactArgs(line, 2, "ucast DEVICE PEER-ADDRESS")) {
            markPortMedium(n);
            ipv4(args.get(1), n, "ucast peer").ifPresent(a ->
                    media.add(new Medium.Ucast(args.get(0), a, currentUdpPort(), n)));
        }
    }

    void autoFailback(ConfigLines.Line line) {
        int n = line.number();
        if (exactArgs(line, 1, "auto_failback on|off|legacy")) {
            String v = line.args().get(0).toLowerCase(Locale.ROOT);
            if (v.equals("legacy")) {
                autoFailback = AutoFailback.LEGACY;
                diag.warning(file, n, "auto_failback legacy is treated as 'on'");
            } else {
                Optional<Boolean> b = HeartbeatValues.bool(v);
                if (b.isPresent()) {
                    autoFailback = b.get() ? AutoFailback.ON : AutoFailback.OFF;
                } else {
                    diag.error(file, n, "auto_failback must be on, off or legacy, not '" + line.args().get(0) + "'");
                }
            }
        }
    }

    void niceFailback(ConfigLines.Line line) {
        int n = line.number();
        if (exactArgs(line, 1, "nice_failback on|off")) {
            bool(line.args().get(0), n, "nice_failback").ifPresent(b -> {
                autoFailback = b ? AutoFailback.OFF : AutoFailback.LEGACY;
                diag.warning(file, n, "nice_failback is obsolete; it means auto_failback "
                        + (b ? "off" : "legacy") + " (use auto_failback)");
            });
        }
    }

    void ping(ConfigLines.Line line) {
        int n = line.number();
        if (requireArgs(line, 1, "ping ADDRESS...")) {
            for (String a : line.args()) {
                ipv4(a, n, "ping node").ifPresent(addr -> pingTargets.add(new PingTarget(a, List.of(addr), n)));
            }
        }
    }

    void pingGroup(ConfigLines.Line line) {
        int n = line.number();
        List<String> args = line.args();
        if (requireArgs(line, 2, "ping_group NAME ADDRESS...")) {
            List<InetAddress> addrs = new ArrayList<>();
            boolean ok = true;
            for (String a : args.subList(1, args.size())) {
                Optional<InetAddress> addr = ipv4(a, n, "ping_group member");
                addr.ifPresent(addrs::add);
                ok &= addr.isPresent();
            }
            if (ok) {
                pingTargets.add(new PingTarget(args.get(0), addrs, n));
            }
        }
    }

    void deadping(ConfigLines.Line line) {
        time(line, (d, l) -> { deadping = d; deadpingLine = l; });
    }

    /** {@code autojoin none} is what Lifeline does anyway; the others are not supported. */
    void autojoin(ConfigLines.Line line) {
        if (exactArgs(line, 1, "autojoin none|other|any")) {
            String v = line.args().get(0);
            if (!v.equalsIgnoreCase("none")) {
                diag.warning(file, line.number(), "autojoin " + v + " is not supported: only nodes listed"
                        + " with 'node' may join");
            }
        }
    }

    void logfile(ConfigLines.Line line) {
        if (exactArgs(line, 1, "logfile PATH")) {
            logfile = Path.of(line.args().get(0));
        }
    }

    void debugfile(ConfigLines.Line line) {
        if (exactArgs(line, 1, "debugfile PATH")) {
            debugfile = Path.of(line.args().get(0));
        }
    }

    void logfacility(ConfigLines.Line line) {
        if (exactArgs(line, 1, "logfacility FACILITY|none")) {
            logfacility(line.args().get(0), line.number());
        }
    }

    void debug(ConfigLines.Line line) {
        if (exactArgs(line, 1, "debug LEVEL")) {
            integer(line.args().get(0), line.number(), "debug", 0, 255).ifPresent(v -> debug = v);
        }
    }

    void respawn(ConfigLines.Line line) {
        if (requireArgs(line, 2, "respawn USER /path/to/program [ARGS...]")) {
            checkRespawn(line);
        }
    }

    void env(ConfigLines.Line line) {
        if (requireArgs(line, 1, "env NAME=value [NAME=value...]")) {
            line.args().forEach(pair -> env(pair, line.number()));
        }
    }

    void realtime(ConfigLines.Line line) {
        if (exactArgs(line, 1, "realtime on|off")) {
            bool(line.args().get(0), line.number(), "realtime").ifPresent(b -> realtime = b);
        }
    }

    void rtprio(ConfigLines.Line line) {
        if (exactArgs(line, 1, "rtprio PRIORITY")) {
            integer(line.args().get(0), line.number(), "rtprio", 1, 99).ifPresent(v -> rtprio = v);
        }
    }

    /** {@code crm} and {@code pacemaker}: off is what Lifeline does; anything else is not supported. */
    void pacemakerMode(ConfigLines.Line line) {
        String keyword = keyword(line);
        if (exactArgs(line, 1, keyword + " on|off|respawn")) {
            String v = line.args().get(0);
            if (!v.equalsIgnoreCase("off") && !HeartbeatValues.bool(v).equals(Optional.of(false))) {
                diag.warning(file, line.number(), keyword + " " + v + " is not supported: Lifeline manages"
                        + " the groups in haresources itself");
            }
        }
    }

    void allowCrc(ConfigLines.Line line) {
        if (exactArgs(line, 1, "allow_crc on|off")) {
            bool(line.args().get(0), line.number(), "allow_crc").ifPresent(b -> allowCrc = b);
        }
    }

    void httpListen(ConfigLines.Line line) {
        if (exactArgs(line, 1, "http_listen ADDRESS:PORT (e.g. 127.0.0.1:9694)")) {
            httpListen(line.args().get(0), line.number());
        }
    }

    void httpAuth(ConfigLines.Line line) {
        int n = line.number();
        if (exactArgs(line, 1, "http_auth /path/to/users (lines 'user:hash' from 'hactl http-passwd')")) {
            Path users = Path.of(line.args().get(0));
            if (!users.isAbsolute()) {
                diag.error(file, n, "http_auth: '" + line.args().get(0) + "' must be an absolute path");
            } else {
                httpAuth = users;
                httpAuthLine = n;
            }
        }
    }

    void propagate(ConfigLines.Line line) {
        if (exactArgs(line, 1, "propagate on|off")) {
            bool(line.args().get(0), line.number(), "propagate").ifPresent(b -> propagate = b);
        }
    }

    /**
     * A directive kept as written in {@link HaCf#extensions()} for its owner to check:
     * {@code group_name} for {@link GroupNames}, the resource manager's for ManagerDirectives.
     */
    void extension(ConfigLines.Line line) {
        extensions.add(new HaCf.Directive(keyword(line), line.args(), line.number()));
    }

    /**
     * {@code notify} and {@code fence_hook}: the resource manager checks their syntax (an
     * absolute path, docs/manager.md) and, being pure, looks at no file; whether the script is
     * there is checked here. Only a warning: it may be installed after the config.
     */
    void hookScript(ConfigLines.Line line) {
        extension(line);
        List<String> args = line.args();
        if (!args.isEmpty()) {
            Path script = Path.of(args.get(0));
            if (script.isAbsolute() && !Files.isExecutable(script)) {
                diag.warning(file, line.number(), keyword(line) + ": " + script
                        + " does not exist or is not executable (yet)");
            }
        }
    }

    /** A directive that only warns (ignored or not supported ones): the text comes from its table row. */
    void warning(ConfigLines.Line line, String message) {
        diag.warning(file, line.number(), message);
    }

    /**
     * Checked as Heartbeat's config.c does: the user must exist, the program must be an absolute
     * path to an executable file. Heartbeat refuses to start otherwise, and so does Lifeline: a
     * watchdog program that silently never runs is worse than a clear error at start-up.
     */
    private void checkRespawn(ConfigLines.Line line) {
        int n = line.number();
        String user = line.args().get(0);
        String program = line.args().get(1);
        if (program.endsWith("/ipfail")) {
            diag.warning(file, n, "ipfail is built into Lifeline (ping/ping_group connectivity); this respawn"
                    + " line is ignored");
            return;
        }
        int errorsBefore = diag.errors().size();
        if (UserAccounts.byName(user).isEmpty()) {
            diag.error(file, n, "respawn: no such user '" + user + "' (the program runs as this account)");
        }
        if (!program.startsWith("/")) {
            diag.error(file, n, "respawn: the program '" + program + "' must be an absolute path");
        } else {
            Path p = Path.of(program);
            if (!Files.exists(p)) {
                diag.error(file, n, "respawn: " + program + " does not exist");
            } else if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                diag.error(file, n, "respawn: " + program + " is not an executable file");
            }
        }
        if (diag.errors().size() == errorsBefore) {
            // the command as written, for /bin/sh: words alone would lose quoting
            String commandLine = line.text().replaceFirst("^\\S+\\s+\\S+\\s+", "");
            respawns.add(new HaCf.Respawn(user, line.args().subList(1, line.args().size()), commandLine, n));
        }
    }

    /** {@code env NAME=value}: one variable for the respawned programs (Heartbeat allows several per line). */
    private void env(String pair, int n) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
            diag.error(file, n, "env: '" + pair + "' is not NAME=value");
            return;
        }
        String name = pair.substring(0, eq);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            diag.error(file, n, "env: '" + name + "' is not a valid variable name (letters, digits and '_',"
                    + " not starting with a digit)");
            return;
        }
        Integer first = respawnEnvironmentLines.putIfAbsent(name, n);
        if (first != null) {
            diag.warning(file, n, "env: " + name + " is set again (first at line " + first + "); the last value wins");
        }
        respawnEnvironment.put(name, pair.substring(eq + 1));
    }

    /**
     * {@code http_listen ADDRESS:PORT}: an IPv4 address, {@code [IPv6]}, or {@code localhost}
     * (127.0.0.1), never a name that would need DNS at start-up. The listener has no
     * authentication, so any address but loopback is worth a warning.
     */
    private void httpListen(String value, int n) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        Optional<InetAddress> address;
        if (host.equalsIgnoreCase("localhost")) {
            address = Optional.of(InetAddress.getLoopbackAddress());
        } else if (host.startsWith("[") && host.endsWith("]")) {
            address = HeartbeatValues.ipv6(host.substring(1, host.length() - 1)).map(InetAddress.class::cast);
        } else {
            address = HeartbeatValues.ipv4(host).map(InetAddress.class::cast);
        }
        if (address.isEmpty()) {
            diag.error(file, n, "http_listen: '" + value + "' is not ADDRESS:PORT (an IPv4 address, [IPv6 address]"
                    + " or localhost, then a port: e.g. 127.0.0.1:9694)");
            return;
        }
        port(value.substring(colon + 1), n, "http_listen port").ifPresent(p -> {
            if (httpListen != null) {
                diag.warning(file, n, "http_listen is set again; the last value wins");
            }
            if (!address.get().isLoopbackAddress()) {
                diag.warning(file, n, "http_listen " + value + ": /metrics has no authentication and is served to"
                        + " anyone who can reach this address; prefer 127.0.0.1 or a firewalled address");
            }
            httpListen = new InetSocketAddress(address.get(), p);
        });
    }

    private void logfacility(String value, int n) {
        String v = value.toLowerCase(Locale.ROOT);
        Set<String> facilities = Set.of("auth", "authpriv", "cron", "daemon", "ftp", "kern", "lpr", "mail",
                "news", "syslog", "user", "uucp", "local0", "local1", "local2", "local3", "local4", "local5",
                "local6", "local7");
        if (v.equals("none")) {
            logfacility = null;
        } else if (facilities.contains(v)) {
            logfacility = v;
        } else {
            diag.error(file, n, "unknown syslog facility '" + value + "' (daemon, local0..local7, ... or none)");
        }
    }

    private void markPortMedium(int n) {
        if (firstPortMediumLine == 0) {
            firstPortMediumLine = n;
        }
    }

    private int currentUdpPort() {
        return udpport != null ? udpport : defaultUdpPort();
    }

    /** Read once per file: every bcast/ucast line without udpport needs it. */
    private int defaultUdpPort() {
        if (defaultUdpPort == null) {
            defaultUdpPort = servicesPort().orElse(DEFAULT_UDPPORT);
        }
        return defaultUdpPort;
    }

    /** Heartbeat takes its default port from the {@code ha-cluster} entry of /etc/services. */
    private static Optional<Integer> servicesPort() {
        try {
            String services = new String(ConfigFileReader.bytes(Path.of("/etc/services")), StandardCharsets.ISO_8859_1);
            for (String l : services.split("\n")) {
                List<String> w = ConfigLines.words(l.replaceAll("#.*", ""));
                if (w.size() >= 2 && w.get(0).equals("ha-cluster") && w.get(1).endsWith("/udp")) {
                    return Optional.of(Integer.parseInt(w.get(1).substring(0, w.get(1).indexOf('/'))));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no usable entry: fall back to the registered port
        }
        return Optional.empty();
    }

    private void finish() {
        Path f = file;
        if (httpAuth != null && httpListen == null) {
            diag.warning(f, httpAuthLine, "http_auth without http_listen: there is no status page to act from");
        } else if (httpAuth != null && !httpListen.getAddress().isLoopbackAddress()) {
            diag.warning(f, httpAuthLine, "http_auth on a non-loopback http_listen: passwords and session cookies"
                    + " cross the network unencrypted; listen on 127.0.0.1 and reach it through an SSH tunnel or a"
                    + " TLS reverse proxy");
        }
        if (nodes.isEmpty()) {
            diag.error(f, 0, "no nodes: list the cluster members with 'node NAME' (names as 'uname -n' prints them)");
        }
        if (media.isEmpty()) {
            diag.error(f, 0, "no heartbeat media: add at least one 'bcast', 'mcast' or 'ucast' line");
        }
        if (keepalive == null) {
            keepalive = DEFAULT_KEEPALIVE;
        }
        if (deadtime == null) {
            deadtime = DEFAULT_DEADTIME;
        }
        if (keepalive.isZero()) {
            diag.error(f, keepaliveLine, "keepalive must be greater than zero");
            return;
        }
        if (deadtime.compareTo(keepalive.multipliedBy(2)) <= 0) {
            diag.error(f, deadtimeLine > 0 ? deadtimeLine : keepaliveLine, "deadtime ("
                    + HeartbeatValues.format(deadtime) + ") must be more than twice keepalive ("
                    + HeartbeatValues.format(keepalive) + "), or a single lost heartbeat would declare a node dead");
        }
        if (warntime == null) {
            warntime = deadtime.dividedBy(2);
        } else if (warntime.compareTo(deadtime) >= 0) {
            diag.error(f, warntimeLine, "warntime (" + HeartbeatValues.format(warntime)
                    + ") must be less than deadtime (" + HeartbeatValues.format(deadtime) + ")");
        } else if (warntime.compareTo(keepalive) <= 0) {
            diag.warning(f, warntimeLine, "warntime (" + HeartbeatValues.format(warntime)
                    + ") is not above keepalive: every heartbeat would be reported late");
        }
        if (initdead == null) {
            if (deadtime.compareTo(Duration.ofSeconds(10)) > 0) {
                initdead = deadtime;
            } else if (deadtime.compareTo(Duration.ofSeconds(6)) < 0) {
                initdead = Duration.ofSeconds(12);
            } else {
                initdead = deadtime.multipliedBy(2);
            }
        } else if (initdead.compareTo(deadtime) < 0) {
            diag.error(f, initdeadLine, "initdead (" + HeartbeatValues.format(initdead)
                    + ") must not be less than deadtime (" + HeartbeatValues.format(deadtime) + ")");
        }
        if (deadping == null) {
            deadping = deadtime;
        } else if (deadping.compareTo(keepalive.multipliedBy(2)) <= 0) {
            diag.error(f, deadpingLine, "deadping (" + HeartbeatValues.format(deadping)
                    + ") must be more than twice keepalive");
        }
        // mcast lines carry their own port: a udpport with only mcast media does nothing.
        if (udpport != null && !media.isEmpty() && media.stream().allMatch(m -> m instanceof Medium.Mcast)) {
            diag.warning(f, udpportLine, "udpport has no effect: mcast lines carry their own port");
        }
        for (String node : nodes) {
            if (!node.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                diag.error(f, 0, "node name '" + node + "' is not a valid host name");
            }
        }
    }

    // --- value helpers: each reports its own error and returns empty on failure ---

    private boolean requireArgs(ConfigLines.Line line, int min, String usage) {
        if (line.args().size() < min) {
            diag.error(file, line.number(), "missing value: usage is '" + usage + "'");
            return false;
        }
        return true;
    }

    private boolean exactArgs(ConfigLines.Line line, int count, String usage) {
        if (line.args().size() != count) {
            diag.error(file, line.number(), (line.args().size() < count ? "missing value" : "too many values")
                    + ": usage is '" + usage + "'");
            return false;
        }
        return true;
    }

    private void time(ConfigLines.Line line, BiConsumer<Duration, Integer> target) {
        String keyword = keyword(line);
        if (!exactArgs(line, 1, keyword + " TIME (e.g. 2 or 1500ms)")) {
            return;
        }
        int n = line.number();
        if (seenOnce.containsKey(keyword)) {
            diag.warning(file, n, keyword + " is set again (first at line " + seenOnce.get(keyword)
                    + "); the last value wins");
        }
        seenOnce.put(keyword, n);
        Optional<Duration> d = HeartbeatValues.duration(line.args().get(0));
        if (d.isEmpty()) {
            diag.error(file, n, keyword + ": '" + line.args().get(0)
                    + "' is not a time (seconds like 2 or 1.5, or milliseconds like 1500ms)");
        } else {
            target.accept(d.get(), n);
        }
    }

    private Optional<Boolean> bool(String value, int n, String keyword) {
        Optional<Boolean> b = HeartbeatValues.bool(value);
        if (b.isEmpty()) {
            diag.error(file, n, keyword + ": '" + value + "' is not a boolean (on/off, yes/no, true/false, 1/0)");
        }
        return b;
    }

    private Optional<Integer> integer(String value, int n, String what, int min, int max) {
        try {
            int v = Integer.parseInt(value);
            if (v >= min && v <= max) {
                return Optional.of(v);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        diag.error(file, n, what + " must be a number from " + min + " to " + max + ", not '" + value + "'");
        return Optional.empty();
    }

    private Optional<Integer> port(String value, int n, String what) {
        return integer(value, n, what, 1, 65535);
    }

    private Optional<InetAddress> ipv4(String value, int n, String what) {
        Optional<InetAddress> a = HeartbeatValues.ipv4(value).map(InetAddress.class::cast);
        if (a.isEmpty()) {
            diag.error(file, n, what + " '" + value + "' is not an IPv4 address");
        }
        return a;
    }
}
