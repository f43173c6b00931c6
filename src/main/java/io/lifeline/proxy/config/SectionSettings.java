package io.lifeline.proxy.config;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The mutable settings of the section being parsed. A {@code defaults} section fills one of
 * these; every later proxy section starts from a copy of it, which is how HAProxy's
 * inheritance works. Package-private: only the parser and its keyword table touch it.
 */
final class SectionSettings {
    ProxyMode mode = ProxyMode.TCP; // HAProxy's built-in default
    long timeoutConnect;
    long timeoutClient;
    long timeoutServer;
    long timeoutCheck;
    long timeoutQueue;
    int retries = 3;
    int redispatchInterval;
    boolean forwardFor;
    String forwardForHeader = "x-forwarded-for";
    HttpCheck httpCheck;
    int expectStatus;
    Balance balance = Balance.DEFAULT;
    CookieConfig cookie;
    boolean statsEnabled;
    String statsUri = StatsConfig.DISABLED.uri();
    List<String> statsCredentials = new ArrayList<>();
    long statsRefresh;
    String statsRealm = StatsConfig.DISABLED.realm();
    String defaultBackend;
    int defaultBackendLine;
    int maxconn;
    AccessLogFormat accessLog = AccessLogFormat.NONE;
    boolean dontLogNull;

    // never inherited from defaults
    final List<InetSocketAddress> binds = new ArrayList<>();
    final List<ServerConfig> servers = new ArrayList<>();
    final List<AclConfig> acls = new ArrayList<>();
    final List<UseBackendRule> useBackends = new ArrayList<>();

    /** A fresh section inheriting everything a {@code defaults} section may set. */
    SectionSettings inherit() {
        SectionSettings s = new SectionSettings();
        s.mode = mode;
        s.timeoutConnect = timeoutConnect;
        s.timeoutClient = timeoutClient;
        s.timeoutServer = timeoutServer;
        s.timeoutCheck = timeoutCheck;
        s.timeoutQueue = timeoutQueue;
        s.retries = retries;
        s.redispatchInterval = redispatchInterval;
        s.forwardFor = forwardFor;
        s.forwardForHeader = forwardForHeader;
        s.httpCheck = httpCheck;
        s.expectStatus = expectStatus;
        s.balance = balance;
        s.cookie = cookie;
        s.statsEnabled = statsEnabled;
        s.statsUri = statsUri;
        s.statsCredentials = new ArrayList<>(statsCredentials);
        s.statsRefresh = statsRefresh;
        s.statsRealm = statsRealm;
        s.defaultBackend = defaultBackend;
        s.defaultBackendLine = defaultBackendLine;
        s.maxconn = maxconn;
        s.accessLog = accessLog;
        s.dontLogNull = dontLogNull;
        return s;
    }
}
