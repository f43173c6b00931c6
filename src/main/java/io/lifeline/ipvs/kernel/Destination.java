package io.lifeline.ipvs.kernel;

import java.util.List;
import java.util.Objects;

/**
 * One real server of a virtual service as the kernel holds it.
 *
 * @param unmodelled options read from the kernel that Lifeline does not manage (thresholds,
 *                   tunnel types other than ipip); never set on desired state
 */
public record Destination(Endpoint endpoint, Forwarding forwarding, int weight, List<String> unmodelled) {

    public Destination {
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(forwarding);
        unmodelled = List.copyOf(unmodelled);
        if (weight < 0) {
            throw new IllegalArgumentException("negative weight");
        }
    }

    public Destination(Endpoint endpoint, Forwarding forwarding, int weight) {
        this(endpoint, forwarding, weight, List.of());
    }

    /** Same endpoint, forwarding and weight, and nothing unmanaged set by hand. */
    public boolean sameAs(Destination other) {
        return endpoint.equals(other.endpoint) && forwarding == other.forwarding && weight == other.weight
                && unmodelled.equals(other.unmodelled);
    }

    @Override
    public String toString() {
        return endpoint + " " + forwarding + " weight " + weight;
    }
}
