package io.lifeline.ipvs.kernel;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** A set of virtual services: what the kernel holds, or what the agent wants it to hold. */
public record IpvsTable(Map<ServiceKey, VirtualService> services) {

    public static final IpvsTable EMPTY = new IpvsTable(Map.of());

    public IpvsTable {
        services = Collections.unmodifiableMap(new TreeMap<>(services));
    }

    public VirtualService service(ServiceKey key) {
        return services.get(key);
    }

    /** The table in ipvsadm's save format (what {@code ipvsadm -Sn} prints), for logs and tests. */
    public String toSaveFormat() {
        StringBuilder sb = new StringBuilder();
        for (VirtualService s : services.values()) {
            sb.append(String.join(" ", new IpvsCommand.AddService(s.key(), s.settings()).args())).append('\n');
            for (Destination d : s.destinations().values()) {
                sb.append(String.join(" ", new IpvsCommand.AddDestination(s.key(), d).args())).append('\n');
            }
        }
        return sb.toString();
    }
}
