package io.lifeline.ipvs.config;

import io.lifeline.ipvs.kernel.ServiceKey;
import java.nio.file.Path;
import java.util.List;

/** Everything an {@code IPVS::FILE} resource declares. */
public record IpvsConfig(Path file, List<VirtualServerSpec> virtualServers) {

    public IpvsConfig {
        virtualServers = List.copyOf(virtualServers);
    }

    /** The services this file owns: the only ones the agent ever changes. */
    public List<ServiceKey> serviceKeys() {
        return virtualServers.stream().map(VirtualServerSpec::key).toList();
    }
}
