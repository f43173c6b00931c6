package io.lifeline.proxy;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log of {@code option httplog} and {@code option tcplog}: one line per HTTP request
 * or TCP session, in HAProxy's default formats (so halog and the admin's habits work), written
 * to the logger {@code io.lifeline.proxy.access} (docs/proxy.md, "Access log"). HAProxy's
 * {@code log} targets (syslog addresses) are not implemented: the lines go where the daemon's
 * log goes (ha.cf {@code logfile}, {@code logfacility}) or, for {@code hactl proxy}, to its
 * log. Only what this proxy knows is filled in; the fields it does not track are documented.
 */
final class AccessLog {

    static final Logger LOG = LoggerFactory.getLogger("io.lifeline.proxy.access");

    /** HAProxy's accept date: {@code 07/Dec/2026:01:35:12.345}, in UTC. */
    private static final DateTimeFormatter ACCEPT_DATE =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** How an exchange ended: HAProxy's first two termination-state characters, then "--". */
    enum Termination {
        /** completed normally */
        NORMAL("----"),
        /** the proxy answered an error itself: a bad request, no backend, no server */
        PROXY_ERROR("PR--"),
        /** served by the proxy itself: the stats page */
        LOCAL("LR--"),
        /** the client went away before the response was complete */
        CLIENT_ABORT("CD--"),
        /** the server closed or failed before its response was complete */
        SERVER_ABORT("SD--"),
        /** no server could be connected (every attempt failed, or none is up) */
        NO_SERVER("SC--"),
        /** a TCP session that neither side ended: an idle timeout or an I/O error */
        TIMEOUT_OR_ERROR("cD--");

        final String flags;

        Termination(String flags) {
            this.flags = flags;
        }
    }

    private AccessLog() {
    }

    /**
     * One HTTP request, as HAProxy's {@code option httplog}:
     * {@code CLIENT:PORT [ACCEPT] FRONTEND BACKEND/SERVER TR/Tw/Tc/Tr/Ta STATUS BYTES - - TERM
     * ac/fc/bc/sc/rc sq/bq "REQUEST"}. Timers in ms, -1 when the step did not happen.
     */
    static String http(InetSocketAddress client, long acceptedAtMs, String frontend, String backend, String server,
                       long tr, long tw, long tc, long tResp, long ta, int status, long bytes, Termination term,
                       int feConns, int beConns, int srvConns, int retries, String requestLine) {
        return head(client, acceptedAtMs, frontend, backend, server) + " " + tr + "/" + tw + "/" + tc + "/" + tResp + "/" + ta
                + " " + status + " " + bytes + " - - " + term.flags + " " + feConns + "/" + feConns + "/" + beConns
                + "/" + srvConns + "/" + retries + " 0/0 \"" + printable(requestLine) + "\"";
    }

    /**
     * One TCP session, as HAProxy's {@code option tcplog}:
     * {@code CLIENT:PORT [ACCEPT] FRONTEND BACKEND/SERVER Tw/Tc/Tt BYTES TERM ac/fc/bc/sc/rc sq/bq}.
     */
    static String tcp(InetSocketAddress client, long acceptedAtMs, String frontend, String backend, String server,
                      long tw, long tc, long tt, long bytes, Termination term, int feConns, int beConns, int srvConns,
                      int retries) {
        return head(client, acceptedAtMs, frontend, backend, server) + " " + tw + "/" + tc + "/" + tt + " " + bytes + " "
                + term.flags + " " + feConns + "/" + feConns + "/" + beConns + "/" + srvConns + "/" + retries + " 0/0";
    }

    /** The fields both formats start with: {@code CLIENT:PORT [ACCEPT] FRONTEND BACKEND/SERVER}. */
    private static String head(InetSocketAddress client, long acceptedAtMs, String frontend, String backend,
                               String server) {
        return address(client) + " [" + ACCEPT_DATE.format(Instant.ofEpochMilli(acceptedAtMs)) + "] " + frontend + " "
                + nameOr(backend) + "/" + nameOr(server);
    }

    private static String address(InetSocketAddress a) {
        if (a == null) {
            return "-:-";
        }
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return host + ":" + a.getPort();
    }

    private static String nameOr(String name) {
        return name == null ? "<NOSRV>" : name;
    }

    /** A request line as it may go into one log line: control bytes and quotes escaped as #XX, as HAProxy does. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '#' || c > 0x7e) {
                b.append('#').append(String.format(Locale.ROOT, "%02X", c & 0xff));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
