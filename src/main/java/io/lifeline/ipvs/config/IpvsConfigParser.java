package io.lifeline.ipvs.config;

import io.lifeline.config.ConfigFileReader;
import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.Keyword;
import io.lifeline.ipvs.kernel.Destination;
import io.lifeline.ipvs.kernel.Endpoint;
import io.lifeline.ipvs.kernel.Forwarding;
import io.lifeline.ipvs.kernel.IpLiterals;
import io.lifeline.ipvs.kernel.Protocol;
import io.lifeline.ipvs.kernel.ServiceKey;
import io.lifeline.ipvs.kernel.ServiceSettings;
import java.math.BigDecimal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the documented subset of keepalived's {@code virtual_server} syntax (docs/ipvs.md).
 * Every problem is reported with file:line through {@link Diagnostics}: keepalived keywords
 * Lifeline does not implement, and keepalived's other sections (vrrp_instance, global_defs...),
 * are warnings saying what is ignored; malformed values and inconsistent declarations are
 * errors. Never throws on bad input.
 *
 * <p>Settings are inherited the way keepalived inherits them: {@code connect_timeout},
 * {@code retry}, {@code delay_before_retry}, {@code delay_loop}, {@code inhibit_on_failure},
 * {@code virtualhost} and {@code lb_kind} set on the virtual server apply to its real servers
 * and their checkers unless set again lower down, wherever they appear in the block.
 */
public final class IpvsConfigParser {

    /** keepalived's defaults (keepalived.conf(5), 2.2). */
    static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(60);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final int DEFAULT_PERSISTENCE = 360;
    static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq",
            "fo", "ovf", "mh", "twos");
    private static final int MAX_PERSISTENCE = 31 * 24 * 3600;


    private final Path file;
    private final Diagnostics diagnostics;

    private IpvsConfigParser(Path file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    /** Parses a file; returns null when it has errors, all of which are in {@code diagnostics}. */
    public static IpvsConfig parse(Path file, Diagnostics diagnostics) {
        Diagnostics local = new Diagnostics();
        Optional<String> text = ConfigFileReader.text(file, ConfigFileReader.Encoding.UTF8, local);
        IpvsConfig config = text.map(t -> parseText(file, t, local)).orElse(null);
        diagnostics.addAll(local);
        return local.hasErrors() ? null : config;
    }

    /** Parses text; {@code file} is only used in messages. */
    public static IpvsConfig parseText(Path file, String text, Diagnostics diagnostics) {
        Diagnostics local = new Diagnostics();
        IpvsConfigParser p = new IpvsConfigParser(file, local);
        List<VirtualServerSpec> servers = p.top(StatementReader.read(file, text, local));
        diagnostics.addAll(local);
        return local.hasErrors() ? null : new IpvsConfig(file, servers);
    }

    /** One line summary of the errors, for agent results. */
    public static String summary(Diagnostics d) {
        return String.join("; ", d.errors().stream().map(ConfigProblem::toString).toList());
    }

    // ---- inherited settings -------------------------------------------------------------

    /** Settings a level passes down; null fields fall through to the level above or the default. */
    private static final class Inherited {
        Duration connectTimeout;
        Integer retry;
        Duration delayBeforeRetry;
        Duration delayLoop;
        Boolean inhibit;
        String virtualHost;
        Forwarding forwarding;

        Inherited copy() {
            Inherited c = new Inherited();
            c.connectTimeout = connectTimeout;
            c.retry = retry;
            c.delayBeforeRetry = delayBeforeRetry;
            c.delayLoop = delayLoop;
            c.inhibit = inhibit;
            c.virtualHost = virtualHost;
            c.forwarding = forwarding;
            return c;
        }
    }

    /** Reads the keywords every level shares; false when {@code s} is not one of them. */
    private boolean inheritable(Statement s, Inherited into) {
        switch (s.keyword()) {
            case "connect_timeout" -> timer(s, true).ifPresent(v -> into.connectTimeout = v);
            case "retry", "nb_get_retry" -> integer(s, 0, 1000).ifPresent(v -> into.retry = v);
            case "delay_before_retry" -> timer(s, false).ifPresent(v -> into.delayBeforeRetry = v);
            case "delay_loop" -> timer(s, true).ifPresent(v -> into.delayLoop = v);
            case "inhibit_on_failure" -> bool(s).ifPresent(v -> into.inhibit = v);
            case "virtualhost" -> one(s).ifPresent(v -> into.virtualHost = v);
            case "lb_kind", "lvs_method" -> forwarding(s).ifPresent(v -> into.forwarding = v);
            case "alpha" -> {
                // Lifeline always behaves as keepalived's alpha mode: a server is added only after
                // its checks pass, so the keyword changes nothing
                noBlock(s);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    // ---- top level ----------------------------------------------------------------------

    private List<VirtualServerSpec> top(List<Statement> statements) {
        List<VirtualServerSpec> out = new ArrayList<>();
        Set<ServiceKey> seen = new HashSet<>();
        for (Statement s : statements) {
            switch (s.keyword()) {
                case "virtual_server" -> {
                    VirtualServerSpec vs = virtualServer(s);
                    if (vs != null) {
                        if (!seen.add(vs.key())) {
                            error(s, "virtual_server " + vs.key() + " is declared twice");
                        } else {
                            out.add(vs);
                        }
                    }
                }
                case "include" -> error(s, "include is not supported: declare the virtual servers in this file");
                default -> leftOut(s, IpvsKeywords.TOP, "unknown or unsupported keyword '" + s.keyword() + "' ignored");
            }
        }
        if (out.isEmpty() && !diagnostics.hasErrors()) {
            diagnostics.error(file, 0, "declares no virtual_server");
        }
        return out;
    }

    private VirtualServerSpec virtualServer(Statement s) {
        if (!s.hasBlock()) {
            error(s, "virtual_server needs a { ... } block");
            return null;
        }
        if (!s.args().isEmpty() && (s.args().get(0).equals("fwmark") || s.args().get(0).equals("group"))) {
            error(s, "virtual_server " + s.args().get(0) + " is not supported: declare an address and port");
            return null;
        }
        if (s.args().size() != 2) {
            error(s, "virtual_server needs an IP address and a port: virtual_server 198.51.100.10 80 {");
            return null;
        }
        InetAddress address = ip(s, s.args().get(0));
        Integer port = port(s, s.args().get(1));

        Inherited inherited = new Inherited();
        String scheduler = "wlc"; // ipvsadm's default
        Protocol protocol = Protocol.TCP;
        int persistence = 0;
        String mask = "";
        Statement sorry = null;
        Forwarding sorryForwarding = null;
        List<Statement> realServers = new ArrayList<>();
        for (Statement c : s.block()) {
            if (inheritable(c, inherited)) {
                continue;
            }
            switch (c.keyword()) {
                case "lb_algo", "lvs_sched" -> {
                    Optional<String> v = one(c);
                    if (v.isPresent()) {
                        if (SCHEDULERS.contains(v.get())) {
                            scheduler = v.get();
                        } else {
                            error(c, "unknown scheduler '" + v.get() + "': one of " + new java.util.TreeSet<>(SCHEDULERS));
                        }
                    }
                }
                case "protocol" -> {
                    Optional<String> v = one(c);
                    if (v.isPresent()) {
                        switch (v.get().toUpperCase(Locale.ROOT)) {
                            case "TCP" -> protocol = Protocol.TCP;
                            case "UDP" -> protocol = Protocol.UDP;
                            default -> error(c, "protocol must be TCP or UDP (got '" + v.get() + "')");
                        }
                    }
                }
                case "persistence_timeout" -> {
                    noBlock(c);
                    if (c.args().isEmpty()) {
                        persistence = DEFAULT_PERSISTENCE;
                    } else {
                        persistence = integer(c, 0, MAX_PERSISTENCE).orElse(0); // 0: none, as keepalived
                    }
                }
                case "persistence_granularity" -> {
                    Optional<String> v = one(c);
                    if (v.isPresent()) {
                        // ipvsadm takes a dotted netmask for IPv4 and a prefix length for IPv6
                        if (IpLiterals.parse(v.get()) instanceof Inet4Address || v.get().matches("\\d{1,3}")) {
                            mask = v.get();
                        } else {
                            error(c, "persistence_granularity must be a netmask such as 255.255.255.0 (got '"
                                    + v.get() + "')");
                        }
                    }
                }
                case "sorry_server" -> sorry = c;
                case "sorry_server_lvs_method" -> sorryForwarding = forwarding(c).orElse(null);
                case "real_server" -> realServers.add(c);
                default -> leftOut(c, IpvsKeywords.VIRTUAL_SERVER,
                        "unknown or unsupported keyword '" + c.keyword() + "' in virtual_server, ignored");
            }
        }
        if (!mask.isEmpty() && persistence == 0) {
            warning(s, "persistence_granularity without persistence_timeout has no effect");
            mask = "";
        }
        if (address == null || port == null) {
            return null;
        }
        Endpoint vip = new Endpoint(address, port);
        if (inherited.forwarding == null) {
            inherited.forwarding = Forwarding.NAT; // keepalived's default
        }

        List<RealServerSpec> reals = new ArrayList<>();
        Set<Endpoint> seen = new HashSet<>();
        for (Statement r : realServers) {
            RealServerSpec rs = realServer(r, vip, inherited.copy());
            if (rs == null) {
                continue;
            }
            if (!seen.add(rs.endpoint())) {
                error(r, "real_server " + rs.endpoint() + " is declared twice in this virtual_server");
                continue;
            }
            reals.add(rs);
        }
        Optional<Destination> sorryServer = Optional.empty();
        if (sorry != null) {
            Endpoint e = endpoint(sorry, vip.port());
            if (e != null) {
                Forwarding f = sorryForwarding != null ? sorryForwarding : inherited.forwarding;
                if (seen.contains(e)) {
                    error(sorry, "sorry_server " + e + " is also a real_server of this virtual_server");
                } else if (familyMismatch(vip, e, f)) {
                    error(sorry, "sorry_server " + e + " is not in the virtual server's address family"
                            + " (only TUN forwarding may mix IPv4 and IPv6)");
                } else {
                    sorryServer = Optional.of(new Destination(e, f, 1));
                }
            }
        }
        if (reals.isEmpty() && sorryServer.isEmpty()) {
            warning(s, "virtual_server " + vip + " has no real_server and no sorry_server");
        }
        return new VirtualServerSpec(new ServiceKey(protocol, vip), new ServiceSettings(scheduler, persistence, mask),
                reals, sorryServer, s.line());
    }

    private static boolean familyMismatch(Endpoint a, Endpoint b, Forwarding f) {
        return f != Forwarding.TUN && a.isIpv6() != b.isIpv6();
    }

    // ---- real servers -------------------------------------------------------------------

    private RealServerSpec realServer(Statement s, Endpoint vip, Inherited inherited) {
        Endpoint endpoint = endpoint(s, vip.port());
        int weight = 1;
        List<Statement> checkers = new ArrayList<>();
        if (s.hasBlock()) {
            for (Statement c : s.block()) {
                if (inheritable(c, inherited)) {
                    continue;
                }
                switch (c.keyword()) {
                    case "weight" -> weight = integer(c, 0, 65535).orElse(weight);
                    case "TCP_CHECK", "HTTP_GET", "MISC_CHECK" -> checkers.add(c);
                    default -> leftOut(c, IpvsKeywords.REAL_SERVER,
                            "unknown or unsupported keyword '" + c.keyword() + "' in real_server, ignored");
                }
            }
        }
        if (endpoint == null) {
            return null;
        }
        if (familyMismatch(vip, endpoint, inherited.forwarding)) {
            error(s, "real_server " + endpoint + " is not in the virtual server's address family"
                    + " (only TUN forwarding may mix IPv4 and IPv6)");
            return null;
        }
        List<CheckSpec> checks = new ArrayList<>();
        for (Statement c : checkers) {
            CheckSpec spec = checker(c, endpoint, inherited.copy());
            if (spec != null) {
                checks.add(spec);
            }
        }
        return new RealServerSpec(endpoint, weight, inherited.forwarding, Boolean.TRUE.equals(inherited.inhibit),
                checks, s.line());
    }

    // ---- checkers -----------------------------------------------------------------------

    private CheckSpec checker(Statement s, Endpoint real, Inherited inherited) {
        noArgs(s);
        if (!s.hasBlock()) {
            error(s, s.keyword() + " needs a { ... } block");
            return null;
        }
        boolean misc = s.keyword().equals("MISC_CHECK");
        boolean http = s.keyword().equals("HTTP_GET");
        InetAddress connectIp = null;
        Integer connectPort = null;
        InetAddress bindTo = null;
        String miscPath = null;
        Duration miscTimeout = null;
        boolean dynamic = false;
        List<Statement> urls = new ArrayList<>();
        for (Statement c : s.block()) {
            if (inheritable(c, inherited)) {
                if (misc && c.keyword().equals("connect_timeout")) {
                    warning(c, "connect_timeout has no effect on MISC_CHECK: use misc_timeout");
                }
                continue;
            }
            String k = c.keyword();
            if (misc) {
                switch (k) {
                    case "misc_path" -> {
                        noBlock(c);
                        if (c.args().isEmpty()) {
                            error(c, "misc_path needs a command");
                        } else {
                            miscPath = String.join(" ", c.args());
                        }
                    }
                    case "misc_timeout" -> miscTimeout = timer(c, true).orElse(miscTimeout);
                    case "misc_dynamic" -> {
                        dynamic = true;
                        warning(c, "misc_dynamic weights are not supported: exit codes 2-255 count as healthy"
                                + " without changing the weight");
                    }
                    default -> leftOut(c, IpvsKeywords.MISC_CHECK,
                            "unknown or unsupported keyword '" + k + "' in MISC_CHECK, ignored");
                }
                continue;
            }
            switch (k) {
                case "connect_ip" -> connectIp = one(c).map(v -> ip(c, v)).orElse(connectIp);
                case "connect_port" -> connectPort = one(c).map(v -> port(c, v)).orElse(connectPort);
                case "bindto" -> bindTo = one(c).map(v -> ip(c, v)).orElse(bindTo);
                case "url" -> {
                    if (http) {
                        urls.add(c);
                    } else {
                        warning(c, "url applies to HTTP_GET only; ignored");
                    }
                }
                case "http_protocol", "fast_recovery", "log_all_failures" -> {
                    // HTTP/1.0 with "Connection: close" is always used; checks always run at once
                }
                default -> leftOut(c, s.keyword(), "unknown or unsupported keyword '" + k + "' in " + s.keyword()
                        + ", ignored");
            }
        }

        Duration delayLoop = inherited.delayLoop != null ? inherited.delayLoop : DEFAULT_DELAY_LOOP;
        int retry = inherited.retry != null ? inherited.retry : (misc ? 0 : 1);
        Duration beforeRetry = inherited.delayBeforeRetry != null ? inherited.delayBeforeRetry
                : Duration.ofSeconds(http ? 3 : 1);
        Duration connectTimeout = inherited.connectTimeout != null ? inherited.connectTimeout : DEFAULT_CONNECT_TIMEOUT;
        if (misc) {
            if (miscPath == null) {
                error(s, "MISC_CHECK needs misc_path");
                return null;
            }
            Duration timeout = miscTimeout != null ? miscTimeout : delayLoop;
            return new CheckSpec.Misc(miscPath, timeout, dynamic, new CheckTiming(timeout, retry, beforeRetry, delayLoop), s.line());
        }
        Endpoint target = new Endpoint(connectIp != null ? connectIp : real.address(),
                connectPort != null ? connectPort : real.port());
        CheckTiming timing = new CheckTiming(connectTimeout, retry, beforeRetry, delayLoop);
        if (!http) {
            return new CheckSpec.Tcp(target, Optional.ofNullable(bindTo), timing, s.line());
        }
        List<UrlSpec> parsed = new ArrayList<>();
        for (Statement u : urls) {
            UrlSpec spec = url(u, inherited.virtualHost);
            if (spec != null) {
                parsed.add(spec);
            }
        }
        if (urls.isEmpty()) {
            error(s, "HTTP_GET needs at least one url { path /... }");
            return null;
        }
        if (parsed.size() != urls.size()) {
            return null;
        }
        return new CheckSpec.HttpGet(target, Optional.ofNullable(bindTo), parsed, timing, s.line());
    }

    private UrlSpec url(Statement s, String inheritedHost) {
        noArgs(s);
        if (!s.hasBlock()) {
            error(s, "url needs a { path ... } block");
            return null;
        }
        String path = null;
        String host = inheritedHost;
        List<StatusRange> codes = new ArrayList<>();
        boolean ok = true;
        for (Statement c : s.block()) {
            switch (c.keyword()) {
                case "path" -> {
                    Optional<String> p = one(c);
                    if (p.isPresent()) {
                        if (!p.get().startsWith("/") || p.get().chars().anyMatch(ch -> ch <= 0x20 || ch == 0x7f)) {
                            error(c, "path must start with '/' and contain no spaces or control characters");
                            ok = false;
                        } else {
                            path = p.get();
                        }
                    }
                }
                case "status_code" -> {
                    noBlock(c);
                    if (c.args().isEmpty()) {
                        error(c, "status_code needs a code or range, e.g. 200 or 200-299");
                        ok = false;
                    }
                    for (String a : c.args()) {
                        StatusRange r = statusRange(a);
                        if (r == null) {
                            error(c, "status_code '" + a + "' must be a code or range between 100 and 599");
                            ok = false;
                        } else {
                            codes.add(r);
                        }
                    }
                }
                case "virtualhost" -> host = one(c).orElse(host);
                default -> leftOut(c, IpvsKeywords.URL,
                        "unknown or unsupported keyword '" + c.keyword() + "' in url, ignored");
            }
        }
        if (path == null) {
            if (ok) {
                error(s, "url needs a path");
            }
            return null;
        }
        if (!ok) {
            return null;
        }
        if (codes.isEmpty()) {
            codes.add(new StatusRange(200, 299)); // keepalived's default
        }
        return new UrlSpec(path, codes, host == null ? "" : host);
    }

    private static StatusRange statusRange(String a) {
        String[] parts = a.split("-", -1);
        if (parts.length > 2) {
            return null;
        }
        try {
            int from = Integer.parseInt(parts[0]);
            int to = parts.length == 2 ? Integer.parseInt(parts[1]) : from;
            if (from < 100 || to > 599 || from > to) {
                return null;
            }
            return new StatusRange(from, to);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- values -------------------------------------------------------------------------

    private Endpoint endpoint(Statement s, int defaultPort) {
        noBlockUnless(s, "real_server");
        if (s.args().isEmpty() || s.args().size() > 2) {
            error(s, s.keyword() + " needs an IP address and an optional port: " + s.keyword() + " 198.51.100.11 80");
            return null;
        }
        InetAddress a = ip(s, s.args().get(0));
        Integer p = s.args().size() == 2 ? port(s, s.args().get(1)) : Integer.valueOf(defaultPort);
        return a == null || p == null ? null : new Endpoint(a, p);
    }

    private InetAddress ip(Statement s, String text) {
        InetAddress a = IpLiterals.parse(text);
        if (a == null) {
            error(s, "'" + text + "' is not an IP address (host names are not resolved)");
        }
        return a;
    }

    private Integer port(Statement s, String text) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(s, "'" + text + "' is not a port (1-65535)");
        return null;
    }

    private Optional<String> one(Statement s) {
        noBlock(s);
        if (s.args().size() != 1) {
            error(s, s.keyword() + " takes exactly one value");
            return Optional.empty();
        }
        return Optional.of(s.args().get(0));
    }

    private Optional<Integer> integer(Statement s, int min, int max) {
        Optional<String> v = one(s);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n >= min && n <= max) {
                return Optional.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(s, s.keyword() + " must be a whole number between " + min + " and " + max + " (got '" + v.get() + "')");
        return Optional.empty();
    }

    /** keepalived's TIMER: seconds, fractions allowed (0.5), at microsecond resolution. */
    private Optional<Duration> timer(Statement s, boolean positive) {
        Optional<String> v = one(s);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (v.get().matches("\\d{1,7}(\\.\\d{1,6})?")) {
                BigDecimal seconds = new BigDecimal(v.get());
                Duration d = Duration.ofNanos(seconds.movePointRight(9).longValueExact());
                if (!positive || !d.isZero()) {
                    return Optional.of(d);
                }
            }
        } catch (ArithmeticException e) {
            // reported below
        }
        error(s, s.keyword() + " must be " + (positive ? "a positive" : "a") + " number of seconds, e.g. 3 or 0.5 (got '"
                + v.get() + "')");
        return Optional.empty();
    }

    private Optional<Boolean> bool(Statement s) {
        noBlock(s);
        if (s.args().isEmpty()) {
            return Optional.of(true);
        }
        if (s.args().size() == 1) {
            switch (s.args().get(0).toLowerCase(Locale.ROOT)) {
                case "true", "on", "yes" -> {
                    return Optional.of(true);
                }
                case "false", "off", "no" -> {
                    return Optional.of(false);
                }
                default -> { }
            }
        }
        error(s, s.keyword() + " takes no value, or one of true/false, on/off, yes/no");
        return Optional.empty();
    }

    private Optional<Forwarding> forwarding(Statement s) {
        noBlock(s);
        if (s.args().isEmpty()) {
            error(s, s.keyword() + " needs NAT, DR or TUN");
            return Optional.empty();
        }
        String v = s.args().get(0).toUpperCase(Locale.ROOT);
        Forwarding f = switch (v) {
            case "NAT" -> Forwarding.NAT;
            case "DR" -> Forwarding.DR;
            case "TUN" -> Forwarding.TUN;
            default -> null;
        };
        if (f == null) {
            error(s, s.keyword() + " must be NAT, DR or TUN (got '" + s.args().get(0) + "')");
            return Optional.empty();
        }
        if (s.args().size() > 1) {
            if (f == Forwarding.TUN) {
                warning(s, "tunnel options '" + String.join(" ", s.args().subList(1, s.args().size()))
                        + "' are not supported; ipip is used");
            } else {
                error(s, s.keyword() + " " + v + " takes no further values");
            }
        }
        return Optional.of(f);
    }

    private void noArgs(Statement s) {
        if (!s.args().isEmpty()) {
            error(s, s.keyword() + " takes no values on its line (got '" + String.join(" ", s.args()) + "')");
        }
    }

    private void noBlock(Statement s) {
        if (s.hasBlock()) {
            error(s, s.keyword() + " takes no { ... } block");
        }
    }

    private void noBlockUnless(Statement s, String keyword) {
        if (!s.keyword().equals(keyword)) {
            noBlock(s);
        }
    }

    private void error(Statement s, String message) {
        diagnostics.error(file, s.line(), message);
    }

    /**
     * A keyword this block has no code for: one that {@link IpvsKeywords} lists as left out gets
     * the table's warning (its reason), anything else {@code unknown}.
     */
    private void leftOut(Statement s, String section, String unknown) {
        Keyword<Void> k = IpvsKeywords.find(section, s.keyword());
        if (k == null || k.status() == Keyword.Status.USED) {
            warning(s, unknown);
        } else if (k.status() == Keyword.Status.IGNORED) {
            warning(s, s.keyword() + " is ignored: " + k.meaning());
        } else if (k.meaning().equals(IpvsKeywords.NO_EFFECT)) {
            warning(s, s.keyword() + " is not supported and is ignored");
        } else {
            warning(s, s.keyword() + " is not supported: " + k.meaning());
        }
    }

    private void warning(Statement s, String message) {
        diagnostics.warning(file, s.line(), message);
    }
}
