package io.lifeline.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import org.jgroups.stack.IpAddress;

/**
 * Transport for ha.cf {@code bcast dev}: JGroups' UDP sends group messages to an IP multicast
 * group and refuses a broadcast address, so this subclass sends them to the interface's
 * broadcast address instead (from the unicast socket, which is bound to the node's own address,
 * so no route is needed) and receives them on a socket bound to {@code broadcast:port}.
 * It relies on UDP's protected fields and socket hooks of JGroups 5.5.7 (pinned in the pom);
 * the bcast integration test covers it.
 */
public class BroadcastUdp extends LinkUdp {

    private InetAddress broadcastAddress;

    public BroadcastUdp setBroadcastAddress(InetAddress address) {
        this.broadcastAddress = address;
        return this;
    }

    @Override
    protected void createSockets() throws Exception {
        ip_mcast = false; // let UDP create only the unicast socket 'sock'
        try {
            super.createSockets();
        } finally {
            ip_mcast = true;
        }
        sock.setBroadcast(true); // 'sock' also sends the group messages
        MulticastSocket receiver = new MulticastSocket(null); // UDP's field type; no group is joined
        receiver.setReuseAddress(true);
        boolean limited = broadcastAddress.getHostAddress().equals("255.255.255.255");
        // Linux refuses bind() to 255.255.255.255, so the limited broadcast is received on the wildcard address
        receiver.bind(limited ? new InetSocketAddress(mcast_port) : new InetSocketAddress(broadcastAddress, mcast_port));
        receiver.setReceiveBufferSize(mcast_recv_buf_size);
        mcast_sock = receiver; // UDP.start() creates the receiver thread for it
        mcast_addr = new IpAddress(broadcastAddress, mcast_port); // UDP.sendToAll() sends here
    }

    @Override
    protected void destroySockets() {
        // UDP.closeMulticastSocket() would call leaveGroup() on a non-multicast address and skip close()
        if (mcast_sock != null) {
            mcast_sock.close();
            mcast_sock = null;
        }
        mcast_addr = null;
        super.destroySockets();
    }
}
