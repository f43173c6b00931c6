package io.lifeline.agent.proxy;

import io.lifeline.agent.AgentDetails;
import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import io.lifeline.proxy.ProxyServer;
import io.lifeline.proxy.config.ProxyConfig;
import io.lifeline.proxy.config.ProxyConfigParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in proxy as a Lifeline resource, running inside the daemon's JVM. Start binds
 * every frontend (or fails with the reason), stop drains requests in flight within the
 * timeout, monitor connects to every bound address, reload swaps the configuration without
 * dropping established connections.
 */
final class ProxyAgent implements ResourceAgent {

    private static final Logger log = LoggerFactory.getLogger(ProxyAgent.class);

    private final String instance;
    private final Path configFile;
    /** Written under the agent's lock; volatile so {@link #details()} reads it without waiting for a stop. */
    private volatile ProxyServer server;

    ProxyAgent(String instance, Path configFile) {
        this.instance = instance;
        this.configFile = configFile;
    }

    @Override
    public String type() {
        return "Proxy";
    }

    @Override
    public String instance() {
        return instance;
    }

    /** Parses the file; the result carries a one-line summary of the errors when it fails. */
    private record Loaded(ProxyConfig config, AgentResult failure) {
    }

    private Loaded load() {
        Diagnostics d = new Diagnostics();
        ProxyConfig cfg = ProxyConfigParser.parse(configFile, d);
        d.warnings().forEach(w -> log.warn("{}", w));
        if (cfg == null || d.hasErrors()) {
            String errors = d.errors().stream().map(ConfigProblem::toString).collect(Collectors.joining("; "));
            return new Loaded(null, AgentResult.failed(OcfStatus.ERR_CONFIGURED, errors));
        }
        return new Loaded(cfg, null);
    }

    @Override
    public synchronized AgentResult start(Duration timeout) {
        if (server != null && server.isRunning()) {
            return AgentResult.ok("already running");
        }
        Loaded l = load();
        if (l.failure != null) {
            return l.failure;
        }
        try {
            server = ProxyServer.start(l.config);
        } catch (IOException e) {
            server = null;
            return AgentResult.failed(OcfStatus.ERR_GENERIC, e.getMessage());
        }
        return AgentResult.ok("listening on " + server.boundAddresses());
    }

    @Override
    public synchronized AgentResult stop(Duration timeout) {
        if (server == null) {
            return AgentResult.ok("not running");
        }
        // leave a little of the action's time for closing after the drain
        Duration grace = timeout.minus(Duration.ofMillis(Math.min(1000, timeout.toMillis() / 4)));
        server.stop(grace.isNegative() ? Duration.ZERO : grace);
        server = null;
        return AgentResult.ok();
    }

    @Override
    public synchronized AgentResult monitor(Duration timeout) {
        if (server == null) {
            return AgentResult.notRunning("proxy is stopped");
        }
        if (!server.isRunning()) {
            return AgentResult.failed(OcfStatus.ERR_GENERIC, "proxy has stopped unexpectedly");
        }
        int listeners = Math.max(1, server.boundAddresses().size());
        InetSocketAddress dead = server.firstDeadListener(timeout.dividedBy(listeners));
        if (dead != null) {
            return AgentResult.failed(OcfStatus.ERR_GENERIC, "not accepting connections on " + dead);
        }
        return AgentResult.ok();
    }

    @Override
    public AgentResult validate(Duration timeout) {
        Loaded l = load();
        return l.failure != null ? l.failure : AgentResult.ok(configFile + " is valid");
    }

    @Override
    public synchronized AgentResult reload(Duration timeout) {
        if (server == null) {
            return AgentResult.notRunning("proxy is stopped");
        }
        Loaded l = load();
        if (l.failure != null) {
            return l.failure; // the running configuration stays in place
        }
        try {
            server.reload(l.config);
        } catch (IOException e) {
            return AgentResult.failed(OcfStatus.ERR_GENERIC, "reload failed, previous configuration kept: " + e.getMessage());
        }
        return AgentResult.ok("reloaded " + configFile);
    }

    /**
     * The stats rows of the running proxy (HAProxy's CSV columns, as on its stats page) for
     * {@code hactl status --json} and /metrics, and one line per frontend and backend. Not
     * synchronized: a stop draining connections must not hold up a status request.
     */
    @Override
    public AgentDetails details() {
        ProxyServer s = server;
        if (s == null || !s.isRunning()) {
            return AgentDetails.NONE;
        }
        List<Map<String, Object>> rows = s.statsRows();
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Object sv = r.get("svname");
            if ("FRONTEND".equals(sv) || "BACKEND".equals(sv)) {
                lines.add(String.valueOf(sv).toLowerCase(java.util.Locale.ROOT) + " " + r.get("pxname") + ": "
                        + r.get("status") + ", " + r.get("scur") + " sessions (" + r.get("stot") + " in all)");
            }
        }
        return new AgentDetails(lines, Map.of("stats", rows));
    }

    @Override
    public String metaData() {
        return """
                <?xml version="1.0"?>
                <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
                <resource-agent name="Proxy" version="1.0">
                  <version>1.0</version>
                  <longdesc lang="en">Lifeline's built-in L4/L7 load-balancing proxy, running inside the daemon.
                It reads a subset of HAProxy's configuration language (see docs/proxy.md).</longdesc>
                  <shortdesc lang="en">Built-in load-balancing proxy</shortdesc>
                  <parameters>
                    <parameter name="config" unique="1" required="1">
                      <longdesc lang="en">Path of the haproxy.cfg-style configuration file.</longdesc>
                      <shortdesc lang="en">Configuration file</shortdesc>
                      <content type="string" default="/etc/ha.d/proxy.cfg"/>
                    </parameter>
                  </parameters>
                  <actions>
                    <action name="start" timeout="20s"/>
                    <action name="stop" timeout="20s"/>
                    <action name="monitor" timeout="10s" interval="10s"/>
                    <action name="validate-all" timeout="10s"/>
                    <action name="reload" timeout="20s"/>
                    <action name="meta-data" timeout="5s"/>
                  </actions>
                </resource-agent>
                """;
    }
}
