package io.lifeline.ipvs.kernel;

import java.util.Comparator;

/** What identifies a virtual service in the kernel: protocol, address and port. */
public record ServiceKey(Protocol protocol, Endpoint endpoint) implements Comparable<ServiceKey> {

    private static final Comparator<ServiceKey> ORDER =
            Comparator.comparing(ServiceKey::endpoint).thenComparing(ServiceKey::protocol);

    /** ipvsadm's service selector, e.g. {@code -t 198.51.100.10:80}. */
    public String[] selector() {
        return new String[] {protocol.option(), endpoint.ipvsadm()};
    }

    @Override
    public String toString() {
        return protocol + " " + endpoint;
    }

    @Override
    public int compareTo(ServiceKey o) {
        return ORDER.compare(this, o);
    }
}
