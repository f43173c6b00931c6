package io.lifeline.agent.ipvs;

import io.lifeline.agent.AgentDetails;
import io.lifeline.ipvs.kernel.Destination;
import io.lifeline.ipvs.kernel.VirtualService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code hactl status} lines and JSON for the IPVS resource: each virtual service, its real
 * servers with the weight installed, their health and each check's last result.
 */
final class IpvsDetails {

    private IpvsDetails() {
    }

    static AgentDetails of(List<VirtualServerHealth> servers) {
        List<String> lines = new ArrayList<>();
        List<Object> services = new ArrayList<>();
        for (VirtualServerHealth vs : servers) {
            VirtualService desired = vs.desired();
            var spec = vs.spec();
            lines.add(spec.key() + " " + spec.settings() + ": " + vs.serving() + " of " + vs.realServers().size()
                    + " real servers serving");
            Map<String, Object> svc = new LinkedHashMap<>();
            svc.put("service", spec.key().toString());
            svc.put("protocol", spec.key().protocol().name());
            svc.put("address", spec.key().endpoint().ipvsadm());
            svc.put("scheduler", spec.settings().scheduler());
            svc.put("persistence_timeout", spec.settings().persistenceTimeout());
            svc.put("serving", vs.serving());
            List<Object> reals = new ArrayList<>();
            for (RealServerHealth rs : vs.realServers()) {
                Destination installed = desired.destinations().get(rs.spec().endpoint());
                String weight = installed == null ? "not installed" : "weight " + installed.weight();
                String state = rs.state();
                lines.add("  " + rs.spec().endpoint() + " " + rs.spec().forwarding() + " " + weight + ": " + state);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("address", rs.spec().endpoint().ipvsadm());
                r.put("forwarding", rs.spec().forwarding().name());
                r.put("configured_weight", rs.spec().weight());
                r.put("installed", installed != null);
                r.put("weight", installed == null ? 0 : installed.weight());
                r.put("state", state);
                List<Object> checks = new ArrayList<>();
                for (CheckLoop loop : rs.loops()) {
                    CheckLoop.View v = loop.view();
                    lines.add("    " + v.check() + ": " + v.health().name().toLowerCase(Locale.ROOT) + " (" + v.detail()
                            + (v.failures() > 0 ? ", " + v.failures() + " failed in a row" : "") + ")");
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("check", v.check());
                    c.put("state", v.health().name().toLowerCase(Locale.ROOT));
                    c.put("detail", v.detail());
                    c.put("failures", v.failures());
                    checks.add(c);
                }
                r.put("checks", checks);
                reals.add(r);
            }
            svc.put("real_servers", reals);
            if (spec.sorryServer().isPresent()) {
                Destination sorry = spec.sorryServer().get();
                boolean active = vs.sorryServerActive();
                lines.add("  sorry server " + sorry.endpoint() + ": " + (active ? "serving" : "standing by"));
                svc.put("sorry_server", Map.of("address", sorry.endpoint().ipvsadm(), "active", active));
            }
            services.add(svc);
        }
        return new AgentDetails(lines, Map.of("virtual_services", services));
    }
}
