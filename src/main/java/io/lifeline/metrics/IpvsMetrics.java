package io.lifeline.metrics;

import io.lifeline.agent.AgentDetails;
import java.util.List;
import java.util.Map;

/**
 * IPVS real servers from the {@code IPVS::} agent's live details (the {@code details} object
 * of {@code hactl status --json}, written by io.lifeline.agent.ipvs.IpvsDetails): what the health
 * checks decided and the weight installed in the kernel. Resources without such details add no
 * samples.
 */
final class IpvsMetrics {

    private IpvsMetrics() {
    }

    static void from(Map<String, AgentDetails> details, List<Family> out) {
        Family serving = Family.gauge("lifeline_ipvs_virtual_service_serving",
                "Real servers of an IPVS virtual service that pass their checks", "resource", "service");
        Family up = Family.gauge("lifeline_ipvs_real_server_up",
                "1 when the real server passes its health checks, 0 while down or still being checked",
                "resource", "service", "real_server");
        Family weight = Family.gauge("lifeline_ipvs_real_server_weight",
                "The weight installed in the kernel's IPVS table; 0 when not installed",
                "resource", "service", "real_server");
        details.forEach((resource, d) -> {
            for (Map<?, ?> svc : maps(d.json().get("virtual_services"))) {
                String service = String.valueOf(svc.get("service"));
                if (svc.get("serving") instanceof Number n) {
                    serving.add(n.doubleValue(), resource, service);
                }
                for (Map<?, ?> rs : maps(svc.get("real_servers"))) {
                    String address = String.valueOf(rs.get("address"));
                    up.add("up".equals(rs.get("state")), resource, service, address);
                    if (rs.get("weight") instanceof Number w) {
                        weight.add(w.doubleValue(), resource, service, address);
                    }
                }
            }
        });
        out.addAll(List.of(serving, up, weight));
    }

    private static List<Map<?, ?>> maps(Object list) {
        if (!(list instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().filter(Map.class::isInstance).<Map<?, ?>>map(Map.class::cast).toList();
    }
}
