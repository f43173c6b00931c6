package io.lifeline.cluster;

import java.time.Clock;
import java.util.Objects;
import org.jgroups.Address;
import org.jgroups.PhysicalAddress;
import org.jgroups.protocols.UDP;
import org.jgroups.stack.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JGroups' UDP transport with Lifeline's authkeys on the raw datagrams: every datagram the
 * transport sends is sealed in a signed envelope ({@link DatagramAuthenticator}) just before it
 * goes to the socket, and every received one is opened over its raw bytes before JGroups reads
 * a single field of it. A refused datagram is counted by reason and source address and never
 * reaches JGroups, so nothing sized by unauthenticated bytes is ever allocated (the receive
 * buffer itself is JGroups' fixed 66,000 bytes). Every send of JGroups 5.5 goes through
 * {@link #doSend} (all bundlers call it), every UDP receive through {@link #receive}.
 * Used for {@code mcast} and {@code ucast} links; {@link BroadcastUdp} extends it for {@code bcast}.
 */
public class LinkUdp extends UDP {

    private static final Logger LOG = LoggerFactory.getLogger(LinkUdp.class);

    private DatagramAuthenticator authenticator;
    private PeerActivity activity;
    private Clock clock;
    /** Run (on the receiver thread) when a peer's new incarnation has just been accepted; see {@link Rediscovery}. */
    private Runnable onNewIncarnation = () -> { };

    LinkUdp authenticateWith(DatagramAuthenticator authenticator, PeerActivity activity, Clock clock) {
        this.authenticator = authenticator;
        this.activity = activity;
        this.clock = clock;
        return this;
    }

    /** What to do when the handshake with a peer's new incarnation completes on our side. */
    LinkUdp onNewIncarnation(Runnable action) {
        this.onNewIncarnation = Objects.requireNonNull(action);
        return this;
    }

    @Override
    public void doSend(byte[] buf, int offset, int length, Address dest) throws Exception {
        byte[] sealed = authenticator.seal(buf, offset, length);
        super.doSend(sealed, 0, sealed.length, dest);
    }

    @Override
    public void receive(Address sender, byte[] data, int offset, int length) {
        if (data == null || Objects.equals(local_physical_addr, sender)) {
            return; // our own multicast looped back: JGroups drops it here too, it was delivered locally
        }
        HeartbeatPriority.enterCurrentThread(); // receiver threads: every heartbeat passes here
        DatagramAuthenticator.Opened opened = authenticator.open(sourceIp(sender), data, offset, length);
        if (opened.answerWithHello() && sender instanceof PhysicalAddress peer) {
            sayHello(peer);
        }
        if (!opened.accepted()) {
            return;
        }
        activity.heard(opened.node(), clock.millis());
        if (opened.payloadLength() > 0) {
            super.receive(sender, data, opened.payloadOffset(), opened.payloadLength());
        }
        if (opened.newIncarnation()) {
            onNewIncarnation.run();
        }
    }

    private void sayHello(PhysicalAddress peer) {
        byte[] hello = authenticator.hello();
        try {
            sendUnicast(peer, hello, 0, hello.length);
        } catch (Exception e) {
            LOG.debug("cannot send a hello to {}: {}", peer, e.toString());
        }
    }

    private static String sourceIp(Address sender) {
        return sender instanceof IpAddress ip ? ip.getIpAddress().getHostAddress() : String.valueOf(sender);
    }
}
