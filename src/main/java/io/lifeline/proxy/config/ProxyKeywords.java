package io.lifeline.proxy.config;

import static io.lifeline.proxy.config.Scope.BACKEND;
import static io.lifeline.proxy.config.Scope.DEFAULTS;
import static io.lifeline.proxy.config.Scope.FRONTEND;
import static io.lifeline.proxy.config.Scope.GLOBAL;
import static io.lifeline.proxy.config.Scope.LISTEN;

import io.lifeline.config.Keyword;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The proxy's keyword table: every haproxy.cfg keyword it understands, where it may appear,
 * its syntax and meaning. This table is the reference; {@code docs/proxy.md} documents the
 * same keywords (a test keeps the two in step). Keywords that HAProxy knows but this proxy does
 * not implement are listed in {@link #KNOWN_UNSUPPORTED} and produce a warning, never an error.
 */
public final class ProxyKeywords {

    private ProxyKeywords() {
    }

    private static final Set<Scope> G = EnumSet.of(GLOBAL);
    private static final Set<Scope> DFBL = EnumSet.of(DEFAULTS, FRONTEND, BACKEND, LISTEN);
    private static final Set<Scope> DFL = EnumSet.of(DEFAULTS, FRONTEND, LISTEN);
    private static final Set<Scope> DBL = EnumSet.of(DEFAULTS, BACKEND, LISTEN);
    private static final Set<Scope> FL = EnumSet.of(FRONTEND, LISTEN);
    private static final Set<Scope> BL = EnumSet.of(BACKEND, LISTEN);

    /** Every supported keyword, by name, in documentation order. */
    public static final Map<String, Keyword<KeywordHandler>> ALL = table(
            kw("maxconn", EnumSet.of(GLOBAL, DEFAULTS, FRONTEND, LISTEN), "maxconn N",
                    "In global: the total number of concurrent client connections the proxy accepts "
                            + "(default 4096). In a frontend: that frontend's limit. Connections beyond the "
                            + "limit wait in the kernel's accept queue.",
                    (c, a) -> {
                        int n = intArg(c, "maxconn", a, 1, Integer.MAX_VALUE);
                        if (n > 0) {
                            if (c.scope == GLOBAL) {
                                c.global.maxconn = n;
                            } else {
                                c.settings.maxconn = n;
                            }
                        }
                    }),
            kw("nbthread", G, "nbthread N",
                    "Number of event-loop threads (default 1). Each thread runs one NIO selector that "
                            + "accepts, forwards and health-checks without blocking.",
                    (c, a) -> {
                        int n = intArg(c, "nbthread", a, 1, 256);
                        if (n > 0) {
                            c.global.nbthread = n;
                        }
                    }),
            kw("bind", FL, "bind [ADDRESS]:PORT[,[ADDRESS]:PORT...]",
                    "Listens on the given addresses. An empty address or '*' means all addresses; IPv6 "
                            + "as [ADDR]:PORT. Port 0 takes any free port (useful in tests). Bind options (ssl, crt, ...) are not supported and warned about.",
                    ProxyKeywords::bind),
            kw("mode", DFBL, "mode http|tcp",
                    "http: parse each request, route with ACLs, keep connections alive on both sides. "
                            + "tcp: forward bytes both ways, honouring half-closes. Default tcp, as in HAProxy.",
                    (c, a) -> {
                        if (exactly(c, "mode", a, 1)) {
                            switch (a.get(0)) {
                                case "http" -> c.settings.mode = ProxyMode.HTTP;
                                case "tcp" -> c.settings.mode = ProxyMode.TCP;
                                default -> c.error("mode must be 'http' or 'tcp', not '" + a.get(0) + "'");
                            }
                        }
                    }),
            kw("timeout connect", DBL, "timeout connect TIME",
                    "Maximum time to establish a connection to a server. TIME is a number with an "
                            + "optional unit: us, ms (default), s, m, h, d.",
                    (c, a) -> c.settings.timeoutConnect = timeArg(c, "timeout connect", a)),
            kw("timeout client", DFL, "timeout client TIME",
                    "Maximum inactivity time on the client side: waiting for a request, a request "
                            + "body, or for the client to accept response data.",
                    (c, a) -> c.settings.timeoutClient = timeArg(c, "timeout client", a)),
            kw("timeout server", DBL, "timeout server TIME",
                    "Maximum inactivity time on the server side: waiting for the response (504 when it "
                            + "expires before the response headers) or for more response data.",
                    (c, a) -> c.settings.timeoutServer = timeArg(c, "timeout server", a)),
            kw("timeout check", DBL, "timeout check TIME",
                    "Additional read timeout for health checks. When set, a check's connect timeout is "
                            + "min(timeout connect, inter) and its response must arrive within TIME; when "
                            + "unset, the whole check must finish within inter.",
                    (c, a) -> c.settings.timeoutCheck = timeArg(c, "timeout check", a)),
            kw("timeout queue", DBL, "timeout queue TIME",
                    "Maximum time a request waits for a free server slot (see server maxconn) before "
                            + "it is answered 503. Defaults to timeout connect.",
                    (c, a) -> c.settings.timeoutQueue = timeArg(c, "timeout queue", a)),
            kw("retries", DBL, "retries N",
                    "Number of times a failed connection to a server is retried (default 3). A retry on "
                            + "the same server waits min(timeout connect, 1s) first, as HAProxy does.",
                    (c, a) -> {
                        int n = intArg(c, "retries", a, 0, 1000);
                        if (n >= 0) {
                            c.settings.retries = n;
                        }
                    }),
            kw("option redispatch", DBL, "[no] option redispatch [INTERVAL]",
                    "Allows a retry to go to another server while the failed one is still UP, and breaks "
                            + "cookie persistence when the persistent server is down. INTERVAL as in HAProxy: P>0 "
                            + "redispatches on every P-th retry, N<0 on the N-th retry before the last; default -1 "
                            + "(the last retry). Without it, a retry still leaves a server that has gone DOWN, "
                            + "unless a persistence cookie binds the request to it.",
                    (c, a) -> {
                        if (a.isEmpty()) {
                            c.settings.redispatchInterval = -1;
                        } else if (a.size() == 1) {
                            try {
                                int n = Integer.parseInt(a.get(0));
                                if (n == 0) {
                                    c.error("option redispatch interval must not be 0");
                                } else {
                                    c.settings.redispatchInterval = n;
                                }
                            } catch (NumberFormatException e) {
                                c.error("option redispatch: '" + a.get(0) + "' is not an integer");
                            }
                        } else {
                            c.error("option redispatch takes at most one argument");
                        }
                    }),
            kw("option httplog", DFL, "[no] option httplog",
                    "One access log line per HTTP request in HAProxy's httplog format (client, accept date, "
                            + "frontend, backend/server, timers TR/Tw/Tc/Tr/Ta, status, bytes, termination state, "
                            + "connection counts, request line), to the logger io.lifeline.proxy.access (the daemon's "
                            + "log). HAProxy's 'log' targets are not used. 'clf' is not supported.",
                    (c, a) -> accessLog(c, a, AccessLogFormat.HTTP, "option httplog")),
            kw("option tcplog", DFL, "[no] option tcplog",
                    "One access log line per TCP session in HAProxy's tcplog format (client, accept date, "
                            + "frontend, backend/server, timers Tw/Tc/Tt, bytes, termination state, connection counts).",
                    (c, a) -> accessLog(c, a, AccessLogFormat.TCP, "option tcplog")),
            kw("option dontlognull", DFL, "[no] option dontlognull",
                    "No access log line for a connection that sent nothing (a port scan, a health check "
                            + "that only connects).",
                    (c, a) -> {
                        if (!a.isEmpty()) {
                            c.error("option dontlognull takes no argument");
                        } else {
                            c.settings.dontLogNull = true;
                        }
                    }),
            kw("option forwardfor", DFBL, "[no] option forwardfor [header NAME]",
                    "Adds the client's address to each request in an X-Forwarded-For header (or NAME), "
                            + "appended as a new header line after any existing ones.",
                    ProxyKeywords::forwardFor),
            kw("option httpchk", DBL, "option httpchk [METHOD] [URI] [VERSION]",
                    "Health checks send an HTTP request instead of only connecting. With no argument: "
                            + "OPTIONS / HTTP/1.0; one argument is the URI (legacy form); two are METHOD URI; "
                            + "three add the HTTP version. Extra words after the version (the legacy header "
                            + "trick 'HTTP/1.1\\r\\nHost:\\ x') are sent as written.",
                    ProxyKeywords::httpchk),
            kw("http-check expect", DBL, "http-check expect status CODE",
                    "The HTTP check passes only when the response has status CODE. Without it, any "
                            + "2xx or 3xx status passes.",
                    (c, a) -> {
                        if (a.size() == 2 && a.get(0).equals("status")) {
                            int n = parseInt(c, "http-check expect status", a.get(1), 100, 599);
                            if (n > 0) {
                                c.settings.expectStatus = n;
                            }
                        } else if (a.size() == 2 && List.of("rstatus", "string", "rstring").contains(a.get(0))
                                || a.size() >= 1 && a.get(0).equals("!")) {
                            c.warning("http-check expect " + a.get(0) + " is not supported; any 2xx/3xx status passes");
                        } else {
                            c.error("expected 'http-check expect status CODE'");
                        }
                    }),
            kw("default_backend", DFL, "default_backend NAME",
                    "The backend that serves requests no use_backend rule matched.",
                    (c, a) -> {
                        if (exactly(c, "default_backend", a, 1)) {
                            c.settings.defaultBackend = a.get(0);
                            c.settings.defaultBackendLine = c.line;
                        }
                    }),
            kw("use_backend", FL, "use_backend NAME [if|unless CONDITION]",
                    "Sends the request to backend NAME when CONDITION holds. Rules are tried in order; "
                            + "the first match wins. CONDITION is ACL names joined by spaces (and), '||' or "
                            + "'or' (or), each optionally negated with '!'; an anonymous ACL may be written "
                            + "inline as '{ CRITERION VALUES }'. In tcp mode only tcp-compatible criteria "
                            + "can match, so rules there are limited to unconditional ones.",
                    ProxyKeywords::useBackend),
            kw("acl", FL, "acl NAME CRITERION [-i] [-m str|beg|end|sub] VALUE...",
                    "Names a test on the request. CRITERION: path (exact), path_beg, path_end, path_sub, "
                            + "hdr(NAME) (exact header value, as sent: a Host header may include a port), hdr_beg(NAME), "
                            + "hdr_end(NAME), hdr_sub(NAME), method. -i ignores case. The ACL matches when any "
                            + "value matches; several lines with the same NAME are or-ed.",
                    ProxyKeywords::acl),
            kw("balance", DBL, "balance roundrobin|static-rr|leastconn|source|uri|hdr(NAME)",
                    "roundrobin: each server in turn, in proportion to its weight, adapting at once to "
                            + "servers going up or down (smooth weighted round robin). static-rr: the same with "
                            + "a fixed weighted sequence. leastconn: the server with the fewest active "
                            + "requests relative to its weight; ties in turn. source: a hash of the client "
                            + "address picks the server (map-based over the weights, so a client keeps its "
                            + "server while the set of servers is unchanged). uri: a hash of the path (left of "
                            + "'?'). hdr(NAME): a hash of that header's value; without the header, roundrobin.",
                    ProxyKeywords::balance),
            kw("server", BL, "server NAME ADDRESS:PORT [OPTIONS]",
                    "Declares a server. OPTIONS: weight N (0-256, default 1; 0 takes no new traffic), "
                            + "check (enable health checks), inter TIME (check interval, default 2s), rise N "
                            + "(consecutive successes to become UP, default 2), fall N (consecutive failures to "
                            + "become DOWN, default 3), backup (used only when no normal server is UP), maxconn N "
                            + "(concurrent requests; more wait in the queue up to timeout queue), disabled "
                            + "(administratively down), cookie VALUE (the persistence cookie value). A server "
                            + "with check also counts refused traffic connections as failed checks, so a dead "
                            + "server leaves the rotation after 'fall' refusals even between checks; a server "
                            + "without check is always considered UP.",
                    ProxyKeywords::server),
            kw("cookie", DBL, "cookie NAME insert [indirect] [nocache] [httponly] [secure]",
                    "Cookie persistence: responses from a server get 'Set-Cookie: NAME=VALUE; path=/' "
                            + "(VALUE from the server's cookie option), and requests carrying NAME=VALUE go "
                            + "to that server while it is UP. indirect: the cookie is removed from requests "
                            + "before they reach the server, and not set again when the client already has "
                            + "the right one. nocache: responses that set the cookie get "
                            + "'Cache-Control: private' so shared caches do not store them.",
                    ProxyKeywords::cookie),
            kw("stats enable", DFBL, "stats enable",
                    "Serves the statistics page at the stats URI (default /haproxy?stats).",
                    (c, a) -> {
                        if (exactly(c, "stats enable", a, 0)) {
                            c.settings.statsEnabled = true;
                        }
                    }),
            kw("stats uri", DFBL, "stats uri PREFIX",
                    "Serves the statistics page at PREFIX (implies stats enable): HTML, PREFIX;csv "
                            + "(HAProxy's CSV columns, subset) and PREFIX;json.",
                    (c, a) -> {
                        if (exactly(c, "stats uri", a, 1)) {
                            c.settings.statsUri = a.get(0);
                            c.settings.statsEnabled = true;
                        }
                    }),
            kw("stats auth", DFBL, "stats auth USER:PASSWORD",
                    "Requires HTTP Basic authentication for the statistics page (implies stats enable). "
                            + "May be repeated for several users.",
                    (c, a) -> {
                        if (exactly(c, "stats auth", a, 1)) {
                            if (a.get(0).indexOf(':') <= 0) {
                                c.error("stats auth expects USER:PASSWORD");
                            } else {
                                c.settings.statsCredentials.add(a.get(0));
                                c.settings.statsEnabled = true;
                            }
                        }
                    }),
            kw("stats refresh", DFBL, "stats refresh TIME",
                    "The HTML statistics page reloads itself every TIME (implies stats enable).",
                    (c, a) -> {
                        long t = timeArg(c, "stats refresh", a);
                        if (t > 0) {
                            c.settings.statsRefresh = t;
                            c.settings.statsEnabled = true;
                        }
                    }),
            kw("stats realm", DFBL, "stats realm REALM",
                    "The realm announced by the Basic authentication challenge (default 'HAProxy Statistics').",
                    (c, a) -> {
                        if (exactly(c, "stats realm", a, 1)) {
                            c.settings.statsRealm = a.get(0);
                        }
                    }),
            kw("stats hide-version", DFBL, "stats hide-version",
                    "Accepted for compatibility; the page never shows a version.",
                    (c, a) -> exactly(c, "stats hide-version", a, 0))
    );

    /**
     * Keywords HAProxy knows but this proxy ignores with a warning: the configuration still
     * loads, so an existing haproxy.cfg can be tried as is. Two-word entries are prefixes.
     */
    public static final Set<String> KNOWN_UNSUPPORTED = Set.of(
            "log", "daemon", "user", "group", "uid", "gid", "chroot", "pidfile", "stats socket",
            "stats timeout", "stats show-legends", "stats show-node", "stats show-desc", "stats admin",
            "stats scope", "stats bind-process", "stats maxconn", "ca-base", "crt-base", "ssl-default-bind-ciphers",
            "ssl-default-bind-options", "ssl-default-bind-ciphersuites", "ssl-default-server-ciphers",
            "ssl-default-server-options", "ssl-dh-param-file", "tune.bufsize", "tune.ssl.default-dh-param",
            "tune.maxrewrite", "spread-checks", "nbproc", "cpu-map", "description", "node", "master-worker",
            "hard-stop-after", "maxsslconn", "ulimit-n", "quiet", "debug",
            "option http-server-close", "option httpclose", "option forceclose",
            "option http-keep-alive", "option abortonclose", "option log-health-checks", "option allbackups",
            "option tcp-check", "option tcpka", "option clitcpka", "option srvtcpka", "option splice-auto",
            "option http-buffer-request", "option originalto", "option persist", "option dontlog-normal",
            "option contstats", "option ssl-hello-chk", "option mysql-check", "option pgsql-check",
            "option redis-check", "option smtpchk", "option ldap-check", "option http-use-htx",
            "option http-pretend-keepalive", "option checkcache", "option prefer-last-server",
            "timeout http-request", "timeout http-keep-alive", "timeout tunnel", "timeout client-fin",
            "timeout server-fin", "timeout tarpit", "errorfile", "errorloc", "http-request", "http-response",
            "http-after-response", "tcp-request", "tcp-response", "tcp-check", "http-check send",
            "http-check connect", "http-check disable-on-404", "http-check send-state", "monitor-uri",
            "monitor", "capture", "compression", "redirect", "reqadd", "rspadd", "reqrep", "rsprep",
            "stick-table", "stick", "hash-type", "fullconn", "default-server", "id", "disabled", "enabled",
            "unique-id-format", "unique-id-header", "log-format", "log-tag", "email-alert", "rate-limit",
            "filter", "server-template", "dynamic-cookie-key", "grace", "backlog", "maxqueue",
            "contimeout", "clitimeout", "srvtimeout", "option independent-streams", "option socket-stats",
            "option accept-invalid-http-request", "option accept-invalid-http-response", "option nolinger");

    /**
     * The keyword reference in Markdown, as included in docs/proxy.md (a test checks that the
     * file contains exactly this text; {@code hactl proxy --keywords} prints it).
     */
    public static String markdownReference() {
        StringBuilder sb = new StringBuilder();
        sb.append("| keyword | sections | syntax | meaning |\n| --- | --- | --- | --- |\n");
        for (Keyword<KeywordHandler> k : ALL.values()) {
            sb.append("| `").append(k.name()).append("` | ")
                    .append(String.join(", ", k.sections())).append(" | `")
                    .append(k.syntax().replace("|", "\\|")).append("` | ")
                    .append(k.meaning().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    @SafeVarargs
    private static Map<String, Keyword<KeywordHandler>> table(Keyword<KeywordHandler>... keywords) {
        Map<String, Keyword<KeywordHandler>> m = new LinkedHashMap<>();
        for (Keyword<KeywordHandler> k : keywords) {
            m.put(k.name(), k);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    private static void accessLog(LineContext c, List<String> a, AccessLogFormat format, String keyword) {
        if (!a.isEmpty()) {
            c.error(keyword + ": '" + String.join(" ", a) + "' is not supported (no arguments: the default format)");
        } else {
            c.settings.accessLog = format;
        }
    }

    /** A keyword HAProxy documents and this proxy implements, allowed in {@code scopes}. */
    private static Keyword<KeywordHandler> kw(String name, Set<Scope> scopes, String syntax, String description,
            KeywordHandler h) {
        // in the sections' own order (the EnumSets iterate so), as the reference lists them
        List<String> sections = java.util.Arrays.stream(Scope.values()).filter(scopes::contains).map(Scope::keyword)
                .toList();
        return new Keyword<>(name, new java.util.LinkedHashSet<>(sections), syntax, Keyword.Status.USED, description, h);
    }

    // ---- argument helpers --------------------------------------------------------------

    static boolean exactly(LineContext c, String kw, List<String> a, int n) {
        if (a.size() != n) {
            c.error("'" + kw + "' expects " + (n == 0 ? "no argument" : n == 1 ? "one argument" : n + " arguments")
                    + ", got " + a.size());
            return false;
        }
        return true;
    }

    /** Returns the integer, or -1 after reporting an error. */
    static int intArg(LineContext c, String kw, List<String> a, int min, int max) {
        if (!exactly(c, kw, a, 1)) {
            return -1;
        }
        return parseInt(c, kw, a.get(0), min, max);
    }

    static int parseInt(LineContext c, String kw, String text, int min, int max) {
        try {
            int n = Integer.parseInt(text);
            if (n < min || n > max) {
                c.error(kw + ": " + n + " is out of range " + min + "-" + max);
                return -1;
            }
            return n;
        } catch (NumberFormatException e) {
            c.error(kw + ": '" + text + "' is not an integer");
            return -1;
        }
    }

    /** Returns milliseconds, or 0 after reporting an error. */
    static long timeArg(LineContext c, String kw, List<String> a) {
        if (!exactly(c, kw, a, 1)) {
            return 0;
        }
        return parseTime(c, kw, a.get(0));
    }

    static long parseTime(LineContext c, String kw, String text) {
        try {
            return HaproxyDuration.parseMillis(text);
        } catch (IllegalArgumentException e) {
            c.error(kw + ": " + e.getMessage());
            return 0;
        }
    }

    // ---- keyword implementations -------------------------------------------------------

    private static void bind(LineContext c, List<String> a) {
        if (a.isEmpty()) {
            c.error("'bind' expects an ADDRESS:PORT");
            return;
        }
        for (String addr : a.get(0).split(",")) {
            try {
                c.settings.binds.add(Addresses.parse(addr, true));
            } catch (IllegalArgumentException e) {
                c.error("bind: " + e.getMessage());
            }
        }
        if (a.size() > 1) {
            c.warning("bind options " + String.join(" ", a.subList(1, a.size())) + " are not supported and ignored");
        }
    }

    private static void forwardFor(LineContext c, List<String> a) {
        c.settings.forwardFor = true;
        for (int i = 0; i < a.size(); i++) {
            String opt = a.get(i);
            if (opt.equals("header") && i + 1 < a.size()) {
                c.settings.forwardForHeader = a.get(++i).toLowerCase(Locale.ROOT);
            } else if (opt.equals("except") && i + 1 < a.size()) {
                c.warning("option forwardfor except is not supported; the header is always added");
                i++;
            } else if (opt.equals("if-none")) {
                c.warning("option forwardfor if-none is not supported; the header is always added");
            } else {
                c.error("option forwardfor: unexpected '" + opt + "' (expected 'header NAME')");
            }
        }
    }

    private static void httpchk(LineContext c, List<String> a) {
        HttpCheck d = HttpCheck.DEFAULT;
        HttpCheck check = switch (a.size()) {
            case 0 -> d;
            case 1 -> new HttpCheck(d.method(), a.get(0), d.version(), 0);
            case 2 -> new HttpCheck(a.get(0), a.get(1), d.version(), 0);
            default -> new HttpCheck(a.get(0), a.get(1), String.join(" ", a.subList(2, a.size())), 0);
        };
        if (!check.uri().startsWith("/") && !check.uri().equals("*")) {
            c.error("option httpchk: URI '" + check.uri() + "' must start with '/'");
            return;
        }
        if (!check.method().chars().allMatch(ch -> ch >= 'A' && ch <= 'Z')) {
            c.error("option httpchk: '" + check.method() + "' is not an HTTP method");
            return;
        }
        c.settings.httpCheck = check;
    }

    private static void balance(LineContext c, List<String> a) {
        if (a.isEmpty()) {
            c.error("'balance' expects an algorithm");
            return;
        }
        String alg = a.get(0);
        Balance b = switch (alg) {
            case "roundrobin" -> new Balance(Balance.Algorithm.ROUNDROBIN, null);
            case "static-rr" -> new Balance(Balance.Algorithm.STATIC_RR, null);
            case "leastconn" -> new Balance(Balance.Algorithm.LEASTCONN, null);
            case "source" -> new Balance(Balance.Algorithm.SOURCE, null);
            case "uri" -> new Balance(Balance.Algorithm.URI, null);
            default -> null;
        };
        if (b == null && alg.startsWith("hdr(") && alg.endsWith(")") && alg.length() > 5) {
            b = new Balance(Balance.Algorithm.HDR, alg.substring(4, alg.length() - 1).toLowerCase(Locale.ROOT));
        }
        if (b == null) {
            if (List.of("first", "random", "url_param", "rdp-cookie").contains(alg) || alg.startsWith("random(")
                    || alg.startsWith("rdp-cookie(")) {
                c.warning("balance " + alg + " is not supported; using roundrobin");
                c.settings.balance = Balance.DEFAULT;
            } else {
                c.error("unknown balance algorithm '" + alg
                        + "' (supported: roundrobin, static-rr, leastconn, source, uri, hdr(NAME))");
            }
            return;
        }
        if (a.size() > 1) {
            c.warning("balance " + alg + " options " + String.join(" ", a.subList(1, a.size())) + " are not supported and ignored");
        }
        c.settings.balance = b;
    }

    private static void cookie(LineContext c, List<String> a) {
        if (a.isEmpty()) {
            c.error("'cookie' expects a cookie NAME");
            return;
        }
        String name = a.get(0);
        boolean insert = false;
        boolean indirect = false;
        boolean nocache = false;
        for (int i = 1; i < a.size(); i++) {
            switch (a.get(i)) {
                case "insert" -> insert = true;
                case "indirect" -> indirect = true;
                case "nocache" -> nocache = true;
                case "httponly", "secure", "postonly", "preserve", "dynamic" ->
                        c.warning("cookie option '" + a.get(i) + "' is not supported and ignored");
                case "domain", "maxidle", "maxlife", "attr" -> {
                    c.warning("cookie option '" + a.get(i) + "' is not supported and ignored");
                    i++;
                }
                case "rewrite", "prefix" -> {
                    // an error, not a warning: loading it without persistence would silently send
                    // a client's session to another server
                    c.error("cookie mode '" + a.get(i) + "' is not implemented (only 'insert' is): use 'cookie "
                            + name + " insert', or HAProxy through the HAProxy:: resource");
                    return;
                }
                default -> {
                    c.error("cookie: unknown option '" + a.get(i) + "'");
                    return;
                }
            }
        }
        if (!insert) {
            // HAProxy's default mode without 'insert' is 'rewrite'
            c.error("cookie " + name + " without 'insert' means HAProxy's rewrite mode, which is not implemented "
                    + "(only 'insert' is): use 'cookie " + name + " insert'");
            return;
        }
        c.settings.cookie = new CookieConfig(name, indirect, nocache);
    }

    /** Server options HAProxy has and this proxy ignores, with how many arguments each takes. */
    private static final Map<String, Integer> UNSUPPORTED_SERVER_OPTIONS = Map.ofEntries(
            Map.entry("ssl", 0), Map.entry("verify", 1), Map.entry("ca-file", 1), Map.entry("crt", 1),
            Map.entry("sni", 1), Map.entry("check-ssl", 0), Map.entry("send-proxy", 0), Map.entry("send-proxy-v2", 0),
            Map.entry("fastinter", 1), Map.entry("downinter", 1), Map.entry("slowstart", 1), Map.entry("port", 1),
            Map.entry("addr", 1), Map.entry("resolvers", 1), Map.entry("resolve-prefer", 1), Map.entry("init-addr", 1),
            Map.entry("on-marked-down", 1), Map.entry("on-marked-up", 1), Map.entry("observe", 1),
            Map.entry("error-limit", 1), Map.entry("on-error", 1), Map.entry("agent-check", 0), Map.entry("agent-port", 1),
            Map.entry("agent-inter", 1), Map.entry("id", 1), Map.entry("maxqueue", 1), Map.entry("minconn", 1),
            Map.entry("track", 1), Map.entry("redir", 1), Map.entry("tfo", 0), Map.entry("alpn", 1),
            Map.entry("proto", 1), Map.entry("pool-max-conn", 1), Map.entry("pool-purge-delay", 1), Map.entry("source", 1),
            Map.entry("check-send-proxy", 0), Map.entry("no-check", 0), Map.entry("enabled", 0));

    private static void server(LineContext c, List<String> a) {
        if (a.size() < 2) {
            c.error("'server' expects NAME ADDRESS:PORT [options]");
            return;
        }
        String name = a.get(0);
        InetSocketAddress address;
        try {
            address = Addresses.parse(a.get(1));
        } catch (IllegalArgumentException e) {
            c.error("server " + name + ": " + e.getMessage());
            return;
        }
        if (address.getAddress() == null || address.getAddress().isAnyLocalAddress()) {
            c.error("server " + name + ": needs a server address, not a wildcard");
            return;
        }
        int weight = ServerConfig.DEFAULT_WEIGHT;
        boolean check = false;
        long inter = ServerConfig.DEFAULT_INTER_MILLIS;
        int rise = ServerConfig.DEFAULT_RISE;
        int fall = ServerConfig.DEFAULT_FALL;
        boolean backup = false;
        int maxconn = 0;
        boolean disabled = false;
        String cookie = null;
        boolean ok = true;
        for (int i = 2; i < a.size(); i++) {
            String opt = a.get(i);
            boolean needsValue = switch (opt) {
                case "weight", "inter", "rise", "fall", "maxconn", "cookie" -> true;
                default -> false;
            };
            if (needsValue && i + 1 >= a.size()) {
                c.error("server " + name + ": option '" + opt + "' needs a value");
                return;
            }
            String kwName = "server " + name + " " + opt;
            switch (opt) {
                case "weight" -> weight = parseInt(c, kwName, a.get(++i), 0, 256);
                case "check" -> check = true;
                case "inter" -> inter = parseTime(c, kwName, a.get(++i));
                case "rise" -> rise = parseInt(c, kwName, a.get(++i), 1, 1000);
                case "fall" -> fall = parseInt(c, kwName, a.get(++i), 1, 1000);
                case "backup" -> backup = true;
                case "maxconn" -> maxconn = parseInt(c, kwName, a.get(++i), 0, Integer.MAX_VALUE);
                case "disabled" -> disabled = true;
                case "cookie" -> cookie = a.get(++i);
                default -> {
                    Integer arity = UNSUPPORTED_SERVER_OPTIONS.get(opt);
                    if (arity == null) {
                        c.error("server " + name + ": unknown option '" + opt + "'");
                        ok = false;
                    } else {
                        c.warning("server " + name + ": option '" + opt + "' is not supported and ignored");
                        i += arity;
                    }
                }
            }
        }
        if (!ok || c.failed()) {
            return;
        }
        if (inter <= 0) {
            c.error("server " + name + ": inter must be positive");
            return;
        }
        for (ServerConfig s : c.settings.servers) {
            if (s.name().equals(name)) {
                c.error("server " + name + " is declared twice (first at line " + s.line() + ")");
                return;
            }
        }
        c.settings.servers.add(new ServerConfig(name, address, weight, check, inter, rise, fall, backup,
                maxconn, disabled, cookie, c.line));
    }

    private static void acl(LineContext c, List<String> a) {
        if (a.size() < 2) {
            c.error("'acl' expects NAME CRITERION [flags] VALUE...");
            return;
        }
        AclConfig acl = parseAclBody(c, a.get(0), a.subList(1, a.size()));
        if (acl != null) {
            c.settings.acls.add(acl);
        }
    }

    /** Parses {@code CRITERION [-i] [-m MATCH] VALUE...}; reports errors and returns null on failure. */
    static AclConfig parseAclBody(LineContext c, String name, List<String> a) {
        String crit = a.get(0);
        String header = null;
        String base = crit;
        int paren = crit.indexOf('(');
        if (paren > 0 && crit.endsWith(")")) {
            base = crit.substring(0, paren);
            header = crit.substring(paren + 1, crit.length() - 1).toLowerCase(Locale.ROOT);
            if (header.isEmpty()) {
                c.error("acl " + name + ": " + base + "() needs a header name");
                return null;
            }
        }
        AclConfig.Criterion criterion = switch (base) {
            case "path" -> AclConfig.Criterion.PATH;
            case "path_beg" -> AclConfig.Criterion.PATH_BEG;
            case "path_end" -> AclConfig.Criterion.PATH_END;
            case "path_sub" -> AclConfig.Criterion.PATH_SUB;
            case "hdr" -> AclConfig.Criterion.HDR;
            case "hdr_beg" -> AclConfig.Criterion.HDR_BEG;
            case "hdr_end" -> AclConfig.Criterion.HDR_END;
            case "hdr_sub" -> AclConfig.Criterion.HDR_SUB;
            case "method" -> AclConfig.Criterion.METHOD;
            default -> null;
        };
        if (criterion == null) {
            c.error("acl " + name + ": unsupported criterion '" + crit
                    + "' (supported: path, path_beg, path_end, path_sub, hdr(NAME), hdr_beg(NAME), hdr_end(NAME), hdr_sub(NAME), method)");
            return null;
        }
        boolean isHdr = base.startsWith("hdr");
        if (isHdr != (header != null)) {
            c.error("acl " + name + ": " + (isHdr ? base + " needs a header name: " + base + "(NAME)" : base + " takes no argument"));
            return null;
        }
        boolean ignoreCase = false;
        List<String> values = new ArrayList<>();
        for (int i = 1; i < a.size(); i++) {
            String v = a.get(i);
            if (values.isEmpty() && v.equals("-i")) {
                ignoreCase = true;
            } else if (values.isEmpty() && v.equals("-m") && i + 1 < a.size()) {
                String m = a.get(++i);
                AclConfig.Criterion adjusted = withMatch(criterion, m);
                if (adjusted == null) {
                    c.error("acl " + name + ": unsupported match method '-m " + m + "' (supported: str, beg, end, sub)");
                    return null;
                }
                criterion = adjusted;
            } else if (values.isEmpty() && v.equals("--")) {
                values.addAll(a.subList(i + 1, a.size()));
                break;
            } else if (values.isEmpty() && v.startsWith("-") && v.length() > 1 && !v.equals("-")) {
                c.error("acl " + name + ": unsupported flag '" + v + "' (supported: -i, -m)");
                return null;
            } else {
                values.add(v);
            }
        }
        if (values.isEmpty()) {
            c.error("acl " + name + ": no value to match");
            return null;
        }
        return new AclConfig(name, criterion, header, ignoreCase, values, c.line);
    }

    private static AclConfig.Criterion withMatch(AclConfig.Criterion criterion, String match) {
        boolean hdr = criterion.name().startsWith("HDR");
        return switch (match) {
            case "str" -> hdr ? AclConfig.Criterion.HDR : AclConfig.Criterion.PATH;
            case "beg" -> hdr ? AclConfig.Criterion.HDR_BEG : AclConfig.Criterion.PATH_BEG;
            case "end" -> hdr ? AclConfig.Criterion.HDR_END : AclConfig.Criterion.PATH_END;
            case "sub" -> hdr ? AclConfig.Criterion.HDR_SUB : AclConfig.Criterion.PATH_SUB;
            default -> null;
        };
    }

    private static void useBackend(LineContext c, List<String> a) {
        if (a.isEmpty()) {
            c.error("'use_backend' expects a backend NAME");
            return;
        }
        String backend = a.get(0);
        if (a.size() == 1) {
            c.settings.useBackends.add(new UseBackendRule(backend, null, c.line));
            return;
        }
        String kind = a.get(1);
        if (!kind.equals("if") && !kind.equals("unless")) {
            c.error("use_backend " + backend + ": expected 'if' or 'unless', got '" + kind + "'");
            return;
        }
        List<List<Condition.Term>> anyOf = new ArrayList<>();
        List<Condition.Term> current = new ArrayList<>();
        for (int i = 2; i < a.size(); i++) {
            String t = a.get(i);
            if (t.equals("||") || t.equals("or")) {
                if (current.isEmpty()) {
                    c.error("use_backend " + backend + ": '" + t + "' without a term before it");
                    return;
                }
                anyOf.add(current);
                current = new ArrayList<>();
                continue;
            }
            boolean negated = false;
            if (t.equals("!")) {
                negated = true;
                if (++i >= a.size()) {
                    c.error("use_backend " + backend + ": '!' at end of condition");
                    return;
                }
                t = a.get(i);
            } else if (t.startsWith("!")) {
                negated = true;
                t = t.substring(1);
            }
            if (t.equals("{")) {
                int close = a.subList(i, a.size()).indexOf("}");
                if (close < 0) {
                    c.error("use_backend " + backend + ": '{' without matching '}'");
                    return;
                }
                List<String> body = a.subList(i + 1, i + close);
                if (body.isEmpty()) {
                    c.error("use_backend " + backend + ": empty anonymous ACL '{ }'");
                    return;
                }
                String name = "{anonymous acl at line " + c.line + " word " + i + "}";
                AclConfig acl = parseAclBody(c, name, body);
                if (acl == null) {
                    return;
                }
                c.settings.acls.add(acl);
                t = name;
                i += close;
            }
            current.add(new Condition.Term(t, negated));
        }
        if (current.isEmpty()) {
            c.error("use_backend " + backend + ": empty condition");
            return;
        }
        anyOf.add(current);
        c.settings.useBackends.add(new UseBackendRule(backend, new Condition(kind.equals("unless"), anyOf), c.line));
    }
}
