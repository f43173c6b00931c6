package io.lifeline.config;

import java.net.InetAddress;

/**
 * One heartbeat medium from ha.cf. Each medium becomes one independent link (one JGroups
 * channel); a peer is dead only when it is silent on every link.
 */
public sealed interface Medium permits Medium.Bcast, Medium.Mcast, Medium.Ucast {

    /** Interface the medium runs on, as written in ha.cf. */
    String device();

    /** ha.cf line the medium was declared on (a {@code bcast eth0 eth1} line yields two media). */
    int line();

    /** Stable, human-readable link name used in logs and status, e.g. {@code bcast:eth0}. */
    String linkName();

    /** {@code bcast dev}: UDP broadcast on the interface's broadcast address, port {@code udpport}. */
    record Bcast(String device, int port, int line) implements Medium {
        @Override
        public String linkName() {
            return "bcast:" + device;
        }
    }

    /** {@code mcast dev group port ttl loop}. */
    record Mcast(String device, InetAddress group, int port, int ttl, boolean loop, int line) implements Medium {
        @Override
        public String linkName() {
            return "mcast:" + device + ":" + group.getHostAddress();
        }
    }

    /**
     * {@code ucast dev peer}: the ha.cf lines of all peers on the same device are combined into
     * one link whose members are the listed addresses.
     */
    record Ucast(String device, InetAddress peer, int port, int line) implements Medium {
        @Override
        public String linkName() {
            return "ucast:" + device;
        }
    }
}
