package io.lifeline.agent.ipvs;

import io.lifeline.ipvs.config.VirtualServerSpec;
import io.lifeline.ipvs.kernel.Destination;
import io.lifeline.ipvs.kernel.VirtualService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A virtual server with its real servers' health, and the kernel entry that health calls
 * for: healthy real servers at their weight, failed ones removed (or at weight 0 with
 * {@code inhibit_on_failure}), and the sorry server while no healthy real server can take
 * traffic (as keepalived with its default quorum of 1).
 */
record VirtualServerHealth(VirtualServerSpec spec, List<RealServerHealth> realServers) {

    VirtualServerHealth {
        realServers = List.copyOf(realServers);
    }

    VirtualService desired() {
        Map<io.lifeline.ipvs.kernel.Endpoint, Destination> dests = new LinkedHashMap<>();
        for (RealServerHealth rs : realServers) {
            if (rs.healthy()) {
                dests.put(rs.spec().endpoint(), new Destination(rs.spec().endpoint(), rs.spec().forwarding(),
                        rs.spec().weight()));
            } else if (rs.spec().inhibitOnFailure()) {
                dests.put(rs.spec().endpoint(), new Destination(rs.spec().endpoint(), rs.spec().forwarding(), 0));
            }
        }
        if (sorryServerActive()) {
            Destination sorry = spec.sorryServer().orElseThrow();
            dests.put(sorry.endpoint(), sorry);
        }
        return new VirtualService(spec.key(), spec.settings(), dests);
    }

    /** Healthy real servers with a weight above 0: the ones that take traffic. */
    long serving() {
        return realServers.stream().filter(rs -> rs.healthy() && rs.spec().weight() > 0).count();
    }

    boolean sorryServerActive() {
        return spec.sorryServer().isPresent() && serving() == 0;
    }
}
