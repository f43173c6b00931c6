package io.lifeline.ipvs.config;

import io.lifeline.ipvs.kernel.Destination;
import io.lifeline.ipvs.kernel.ServiceKey;
import io.lifeline.ipvs.kernel.ServiceSettings;
import java.util.List;
import java.util.Optional;

/**
 * A {@code virtual_server} block.
 *
 * @param sorryServer the destination installed while no real server is healthy
 */
public record VirtualServerSpec(ServiceKey key, ServiceSettings settings, List<RealServerSpec> realServers,
                                Optional<Destination> sorryServer, int line) {
    public VirtualServerSpec {
        realServers = List.copyOf(realServers);
    }
}
