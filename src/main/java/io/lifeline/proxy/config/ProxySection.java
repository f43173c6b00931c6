package io.lifeline.proxy.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One {@code frontend}, {@code backend} or {@code listen} section after {@code defaults}
 * inheritance has been applied. A {@code listen} section is both a frontend and a backend.
 *
 * @param redispatchInterval 0 when {@code option redispatch} is off; otherwise HAProxy's
 *        interval: positive P redispatches on every P-th retry, negative N on the N-th retry
 *        before the last (the default -1 means the last retry)
 * @param forwardFor the lower-case header name {@code option forwardfor} adds, or null when off
 * @param httpCheck null unless {@code option httpchk} is set (checks are then HTTP, else TCP)
 * @param defaultBackend null when unset (a {@code listen} section serves itself)
 * @param cookie null unless {@code cookie ... insert} is set
 * @param maxconn frontend connection limit, 0 for the global one
 * @param accessLog the frontend's access log ({@code option httplog}, {@code option tcplog})
 * @param dontLogNull {@code option dontlognull}: no log line for a connection that sent nothing
 */
public record ProxySection(Kind kind, String name, Path file, int line,
                           List<InetSocketAddress> binds, ProxyMode mode, Timeouts timeouts,
                           int retries, int redispatchInterval, String forwardFor, HttpCheck httpCheck,
                           Balance balance, List<ServerConfig> servers, List<AclConfig> acls,
                           List<UseBackendRule> useBackends, String defaultBackend,
                           CookieConfig cookie, StatsConfig stats, int maxconn,
                           AccessLogFormat accessLog, boolean dontLogNull) {

    public enum Kind {
        FRONTEND, BACKEND, LISTEN;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ProxySection {
        binds = List.copyOf(binds);
        servers = List.copyOf(servers);
        acls = List.copyOf(acls);
        useBackends = List.copyOf(useBackends);
    }

    public boolean isFrontend() {
        return kind != Kind.BACKEND;
    }

    public boolean isBackend() {
        return kind != Kind.FRONTEND;
    }

    public String where() {
        return file + ":" + line;
    }
}
