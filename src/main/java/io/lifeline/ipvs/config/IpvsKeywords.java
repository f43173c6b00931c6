package io.lifeline.ipvs.config;

import static io.lifeline.config.Keyword.Status.IGNORED;
import static io.lifeline.config.Keyword.Status.UNSUPPORTED;
import static io.lifeline.config.Keyword.Status.USED;

import io.lifeline.config.Keyword;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The keepalived keywords of an {@code IPVS::} file: every one {@link IpvsConfigParser} reads,
 * and every keepalived one it leaves out on purpose, with the block it belongs in. The parser's
 * "not supported" and "ignored" warnings take their keyword lists from here, a test runs every
 * used keyword through the parser, and docs/ipvs.md contains {@link #markdownReference()}.
 */
public final class IpvsKeywords {

    private IpvsKeywords() {
    }

    /** The file's top level, outside any block. */
    public static final String TOP = "top level";
    public static final String VIRTUAL_SERVER = "virtual_server";
    public static final String REAL_SERVER = "real_server";
    public static final String TCP_CHECK = "TCP_CHECK";
    public static final String HTTP_GET = "HTTP_GET";
    public static final String MISC_CHECK = "MISC_CHECK";
    public static final String URL = "url";

    /** The levels that share the checkers' settings (keepalived inherits them downwards). */
    private static final List<String> EVERY_LEVEL = List.of(VIRTUAL_SERVER, REAL_SERVER, TCP_CHECK, HTTP_GET,
            MISC_CHECK);
    private static final List<String> NETWORK_CHECKS = List.of(TCP_CHECK, HTTP_GET);
    private static final String T = " T is seconds, fractions allowed (0.5).";
    /** The reason of the keywords keepalived has and this subset leaves out without more to say. */
    public static final String NO_EFFECT = "ignored, no effect";
    private static final String OTHER_SECTION = "Lifeline's IPVS resource reads only virtual_server blocks "
            + "(virtual IPs and failover come from haresources)";

    /** Every keyword, in documentation order (a name may appear once per block kind). */
    public static final List<Keyword<Void>> ALL = List.of(
            kw(List.of(TOP), "virtual_server", "virtual_server IP PORT { ... }", USED,
                    "A virtual service: address and port, with its real servers."),
            kw(EVERY_LEVEL, "delay_loop", "delay_loop T", USED,
                    "Seconds between checks of a healthy server (default 60)." + T),
            kw(List.of(VIRTUAL_SERVER), "lb_algo", "lb_algo rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh|twos",
                    USED, "The scheduler (default wlc, ipvsadm's)."),
            kw(List.of(VIRTUAL_SERVER), "lvs_sched", "lvs_sched SCHEDULER", USED, "Another name of lb_algo."),
            kw(EVERY_LEVEL, "lb_kind", "lb_kind NAT|DR|TUN", USED,
                    "Forwarding method (default NAT); per real server, default the virtual server's."),
            kw(EVERY_LEVEL, "lvs_method", "lvs_method NAT|DR|TUN", USED, "Another name of lb_kind."),
            kw(List.of(VIRTUAL_SERVER), "protocol", "protocol TCP|UDP", USED, "Default TCP."),
            kw(List.of(VIRTUAL_SERVER), "persistence_timeout", "persistence_timeout [N]", USED,
                    "Client persistence in seconds; no value: 360; 0: none."),
            kw(List.of(VIRTUAL_SERVER), "persistence_granularity", "persistence_granularity MASK", USED,
                    "With persistence: group clients by netmask (ipvsadm -M)."),
            kw(List.of(VIRTUAL_SERVER), "sorry_server", "sorry_server IP [PORT]", USED,
                    "Installed while no real server can take traffic."),
            kw(List.of(VIRTUAL_SERVER), "sorry_server_lvs_method", "sorry_server_lvs_method NAT|DR|TUN", USED,
                    "The sorry server's forwarding method."),
            kw(EVERY_LEVEL, "connect_timeout", "connect_timeout T", USED,
                    "Connection timeout of the checks (default 5); no effect on MISC_CHECK (misc_timeout)." + T),
            kw(EVERY_LEVEL, "retry", "retry N", USED,
                    "Failed checks in a row before a server is taken out (default 1, 0 for MISC_CHECK)."),
            kw(EVERY_LEVEL, "nb_get_retry", "nb_get_retry N", USED, "Another name of retry."),
            kw(EVERY_LEVEL, "delay_before_retry", "delay_before_retry T", USED,
                    "Pause before a failed check is retried (default 3 for HTTP_GET, else 1)." + T),
            kw(EVERY_LEVEL, "inhibit_on_failure", "inhibit_on_failure [BOOL]", USED,
                    "A failed real server stays in the table with weight 0 instead of being removed."),
            kw(EVERY_LEVEL, "virtualhost", "virtualhost HOST", USED, "Host header of the HTTP_GET checks."),
            kw(EVERY_LEVEL, "alpha", "alpha", USED,
                    "Accepted: a server is always added only after its checks pass, as keepalived's alpha mode."),
            kw(List.of(VIRTUAL_SERVER), "real_server", "real_server IP [PORT] { ... }", USED,
                    "A real server; PORT defaults to the virtual server's."),
            kw(List.of(REAL_SERVER), "weight", "weight N", USED, "0-65535, default 1."),
            kw(List.of(REAL_SERVER), "TCP_CHECK", "TCP_CHECK { ... }", USED, "Healthy when a TCP connection opens."),
            kw(List.of(REAL_SERVER), "HTTP_GET", "HTTP_GET { url { ... } ... }", USED,
                    "Healthy when every url answers with an expected status code."),
            kw(List.of(REAL_SERVER), "MISC_CHECK", "MISC_CHECK { misc_path ... }", USED,
                    "Healthy when a command exits 0 (or 2-255 with misc_dynamic)."),
            kw(NETWORK_CHECKS, "connect_ip", "connect_ip IP", USED, "Address checked (default the real server's)."),
            kw(NETWORK_CHECKS, "connect_port", "connect_port PORT", USED, "Port checked (default the real server's)."),
            kw(NETWORK_CHECKS, "bindto", "bindto IP", USED, "Source address of the check's connections."),
            kw(NETWORK_CHECKS, "http_protocol", "http_protocol VERSION", USED,
                    "Accepted: checks always speak HTTP/1.0 with Connection: close."),
            kw(NETWORK_CHECKS, "fast_recovery", "fast_recovery", USED, "Accepted: checks always run at once."),
            kw(NETWORK_CHECKS, "log_all_failures", "log_all_failures", USED, "Accepted, no effect."),
            kw(List.of(HTTP_GET), "url", "url { path ... status_code ... }", USED,
                    "One URL to check; every url must pass."),
            kw(List.of(URL), "path", "path /PATH", USED, "The path requested."),
            kw(List.of(URL), "status_code", "status_code CODE|LOW-HIGH...", USED,
                    "Expected status codes and ranges (default 200-299)."),
            kw(List.of(URL), "virtualhost", "virtualhost HOST", USED, "Host header of this url."),
            kw(List.of(MISC_CHECK), "misc_path", "misc_path \"COMMAND\"", USED, "The command, run by /bin/sh -c."),
            kw(List.of(MISC_CHECK), "misc_timeout", "misc_timeout T", USED, "The command's time limit (default "
                    + "delay_loop)." + T),
            kw(List.of(MISC_CHECK), "misc_dynamic", "misc_dynamic", USED,
                    "Exit codes 2-255 count as healthy (the weights keepalived derives from them are not supported)."),
            // what Lifeline leaves out: warnings, never errors
            unsupported(List.of(URL), "only the status code is checked", "digest", "regex", "regex_no_match",
                    "regex_options", "regex_stack", "regex_min_offset", "regex_max_offset"),
            unsupported(List.of(MISC_CHECK), "the check runs as the daemon's user", "user"),
            unsupported(List.of(VIRTUAL_SERVER), NO_EFFECT, "quorum", "hysteresis", "quorum_up",
                    "quorum_down", "omega", "ha_suspend", "smtp_alert", "snmp_name", "warmup", "ip_family",
                    "sorry_server_inhibit", "persistence_engine", "flag-1", "flag-2", "flag-3", "sh-port",
                    "sh-fallback", "mh-port", "mh-fallback", "ops", "retry_it", "nat_mask"),
            unsupported(List.of(REAL_SERVER), NO_EFFECT, "notify_up", "notify_down", "uthreshold",
                    "lthreshold", "smtp_alert", "snmp_name", "warmup"),
            unsupported(List.of(REAL_SERVER), "this real server is not checked by it (use TCP_CHECK, HTTP_GET or "
                    + "MISC_CHECK)", "SSL_GET", "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK",
                    "BFD_CHECK"),
            ignored(OTHER_SECTION, "global_defs", "vrrp_instance", "vrrp_sync_group", "vrrp_script",
                    "static_ipaddress", "static_routes", "static_rules", "virtual_server_group",
                    "linkbeat_interfaces", "vrrp_track_file", "track_file", "garp_group", "net_namespace", "instance"))
            .stream().flatMap(List::stream).toList();

    /** The names with {@code status} allowed in {@code section}, in table order. */
    public static Set<String> withStatus(String section, Keyword.Status status) {
        return ALL.stream().filter(k -> k.status() == status && k.sections().contains(section)).map(Keyword::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The keyword named {@code name} in {@code section}, or null. */
    public static Keyword<Void> find(String section, String name) {
        return ALL.stream().filter(k -> k.name().equals(name) && k.sections().contains(section)).findFirst()
                .orElse(null);
    }

    /**
     * The reference in Markdown, as included in docs/ipvs.md (a test checks that the file contains
     * exactly this text). Keywords left out share one row per block and reason.
     */
    public static String markdownReference() {
        StringBuilder sb = new StringBuilder();
        sb.append("| keyword | in | syntax | status | meaning |\n| --- | --- | --- | --- | --- |\n");
        List<Keyword<Void>> left = new ArrayList<>();
        for (Keyword<Void> k : ALL) {
            if (k.status() == USED) {
                row(sb, "`" + k.name() + "`", k.sections(), "`" + k.syntax() + "`", k.status(), k.meaning());
            } else {
                left.add(k);
            }
        }
        // the keywords left out, grouped by block and reason (in table order)
        while (!left.isEmpty()) {
            Keyword<Void> first = left.get(0);
            List<Keyword<Void>> same = left.stream().filter(k -> k.status() == first.status()
                    && k.sections().equals(first.sections()) && k.meaning().equals(first.meaning())).toList();
            left.removeAll(same);
            row(sb, same.stream().map(k -> "`" + k.name() + "`").collect(Collectors.joining(", ")), first.sections(),
                    "", first.status(), "A warning: " + first.meaning() + ".");
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String names, Set<String> sections, String syntax, Keyword.Status status,
            String meaning) {
        sb.append("| ").append(names).append(" | ").append(String.join(", ", sections)).append(" | ")
                .append(syntax.replace("|", "\\|")).append(" | ").append(status.label("keepalived")).append(" | ")
                .append(meaning.replace("|", "\\|")).append(" |\n");
    }

    private static List<Keyword<Void>> kw(List<String> sections, String name, String syntax, Keyword.Status status,
            String meaning) {
        return List.of(Keyword.in(sections, name, syntax, status, meaning));
    }

    private static List<Keyword<Void>> unsupported(List<String> sections, String reason, String... names) {
        List<Keyword<Void>> out = new ArrayList<>();
        for (String name : names) {
            out.add(Keyword.in(sections, name, name + " ...", UNSUPPORTED, reason));
        }
        return Collections.unmodifiableList(out);
    }

    private static List<Keyword<Void>> ignored(String reason, String... names) {
        List<Keyword<Void>> out = new ArrayList<>();
        for (String name : names) {
            out.add(Keyword.in(List.of(TOP), name, name + " { ... }", IGNORED, reason));
        }
        return Collections.unmodifiableList(out);
    }
}
