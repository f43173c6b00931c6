package io.lifeline.ipvs.config;

import io.lifeline.ipvs.kernel.Endpoint;
import io.lifeline.ipvs.kernel.Forwarding;
import java.util.List;

/**
 * A {@code real_server} of a virtual server.
 *
 * @param inhibitOnFailure when failing, keep it in the table with weight 0 instead of removing it
 * @param checks           all must pass for the server to be healthy; none means always healthy
 */
public record RealServerSpec(Endpoint endpoint, int weight, Forwarding forwarding, boolean inhibitOnFailure,
                             List<CheckSpec> checks, int line) {
    public RealServerSpec {
        checks = List.copyOf(checks);
    }
}
