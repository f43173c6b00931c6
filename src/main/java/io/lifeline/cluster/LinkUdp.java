package io.lifeline.cluster;

import java.util.List;
import org.jgroups.Address;
import org.jgroups.protocols.UDP;
import org.jgroups.stack.IpAddress;

/**
 * JGroups' UDP transport with one addition: every received datagram is decoded once before the
 * stack sees it, so undecodable (truncated, garbage) datagrams are dropped and counted against
 * their source IP, and the authentication layer can name the IP a refused packet came from.
 * Used for {@code mcast} and {@code ucast} links; {@link BroadcastUdp} extends it for {@code bcast}.
 */
public class LinkUdp extends UDP {

    private AuthDrops drops;
    private PeerSources sources;

    public LinkUdp attach(AuthDrops drops, PeerSources sources) {
        this.drops = drops;
        this.sources = sources;
        return this;
    }

    @Override
    public void receive(Address sender, byte[] data, int offset, int length) {
        String ip = sender instanceof IpAddress ip4 ? ip4.getIpAddress().getHostAddress() : String.valueOf(sender);
        if (drops != null) {
            List<Address> senders;
            try {
                senders = DatagramCheck.senders(data, offset, length);
            } catch (DatagramCheck.MalformedDatagram e) {
                drops.drop(ip, AuthDropReason.MALFORMED, e.getMessage());
                return;
            }
            for (Address s : senders) {
                sources.record(s, ip);
            }
        }
        super.receive(sender, data, offset, length);
    }
}
