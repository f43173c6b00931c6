package io.lifeline.cluster;

import java.net.InetAddress;
import java.util.List;

/**
 * One heartbeat link as planned from ha.cf: each becomes one JGroups channel with its own stack.
 * {@link #networkId()} is what peers must agree on (never the device name, which may differ
 * from node to node) and goes into the JGroups cluster name.
 */
public sealed interface LinkSpec permits LinkSpec.Bcast, LinkSpec.Mcast, LinkSpec.Ucast {

    /** Name used in logs and status, e.g. {@code bcast:eth0}. */
    String name();

    String device();

    int port();

    /** ha.cf line of the (first) medium this link comes from. */
    int line();

    String networkId();

    record Bcast(String device, int port, int line) implements LinkSpec {
        @Override
        public String name() {
            return "bcast:" + device;
        }

        @Override
        public String networkId() {
            return "bcast:" + port;
        }
    }

    record Mcast(String device, InetAddress group, int port, int ttl, boolean loop, int line) implements LinkSpec {
        @Override
        public String name() {
            return "mcast:" + device + ":" + group.getHostAddress();
        }

        @Override
        public String networkId() {
            return "mcast:" + group.getHostAddress() + ":" + port;
        }
    }

    /** All {@code ucast dev peer} lines of one device, combined; {@code peers} may include our own address. */
    record Ucast(String device, int port, List<InetAddress> peers, int line) implements LinkSpec {
        public Ucast {
            peers = List.copyOf(peers);
        }

        @Override
        public String name() {
            return "ucast:" + device;
        }

        @Override
        public String networkId() {
            return "ucast:" + port;
        }
    }
}
