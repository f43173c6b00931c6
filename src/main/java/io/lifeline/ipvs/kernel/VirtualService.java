package io.lifeline.ipvs.kernel;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** A virtual service with its settings and real servers (destinations), keyed by endpoint. */
public record VirtualService(ServiceKey key, ServiceSettings settings, Map<Endpoint, Destination> destinations) {

    public VirtualService {
        Objects.requireNonNull(key);
        Objects.requireNonNull(settings);
        destinations = java.util.Collections.unmodifiableMap(new TreeMap<>(destinations));
    }
}
