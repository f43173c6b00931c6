package io.lifeline.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jgroups.protocols.BARRIER;
import org.jgroups.protocols.Discovery;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;

/**
 * The JGroups protocol stack of one link, built in code: an XML-configured channel would open
 * JGroups' unauthenticated diagnostics socket.
 *
 * <pre>
 *   GMS, STABLE, UNICAST3, NAKACK2, BARRIER   membership, reliable delivery; NAKACK2 as PromptRetransmit:
 *                                             lost group messages asked for once a heartbeat announces them
 *   SuspectVerifier, HeartbeatDetector        failure detection: VERIFY_SUSPECT2 and FD_ALL3 with fewer
 *                                             wake-ups (see {@link TimerSettings})
 *   PromptMerge                               partition healing: MERGE3 every 1..3 s, and at once when
 *                                             a coordinator hears a node outside its view
 *   LinkPing | LinkTcpPing                    discovery (PING, TCPPING listing the ucast peers), asked
 *                                             again when a peer's handshake completes (Rediscovery),
 *                                             the first of nodes started together creates the cluster at
 *                                             once (RosterDiscovery)
 *   LinkUdp | BroadcastUdp                    transport, bound to the node's fixed address; seals and
 *                                             opens every datagram (authkeys, replay protection), so
 *                                             JGroups only ever decodes authenticated bytes
 * </pre>
 * FD_SOCK2 is deliberately absent: it detects a crashed process within milliseconds but over
 * its own TCP connections, which bypass the datagram authentication; Lifeline only talks to peers
 * over authenticated messages, so a crash is detected like a silent node (after ~deadtime),
 * and a clean shutdown is announced explicitly.
 */
public final class LinkStack {

    /** Heartbeat traffic is tiny; small socket buffers avoid the kernel-limit warnings of JGroups' 5 MB defaults. */
    private static final int SOCKET_BUFFER = 512 * 1024;
    /** Unicast ports tried for bcast/mcast links, starting at udpport+1 (the group uses udpport). */
    private static final int UNICAST_PORT_RANGE = 10;
    /** Discovery requests sent per join attempt, spread over the join timeout. */
    private static final int DISCOVERY_RUNS = 5;

    private LinkStack() {
    }

    /**
     * GMS with the join timeout above the view-ack wait of one view change (TimerSettings): a joiner
     * must not give up on a coordinator that is still busy installing the previous view, or it
     * ends up in two coordinators' views at once.
     */
    static GMS membership(TimerSettings timers) {
        GMS gms = new GMS().setJoinTimeout(timers.joinTimeoutMs());
        gms.setViewAckCollectionTimeout(TimerSettings.VIEW_ACK_TIMEOUT_MS);
        gms.printLocalAddress(false); // JGroups would print a banner to stdout
        return gms;
    }

    /**
     * One of each protocol class {@link #build} may put in a stack, unconfigured and never
     * initialised: {@link StackWarmup} runs JGroups' configuration code over them on a spare core.
     * Kept beside build(), so that a protocol added there is warmed up too.
     */
    static List<Protocol> everyProtocolUnconfigured() {
        return List.of(new BroadcastUdp(), new LinkUdp(), new LinkPing(), new LinkTcpPing(), new PromptMerge(),
                new HeartbeatDetector(), new SuspectVerifier(), new BARRIER(), new PromptRetransmit(), new UNICAST3(),
                new STABLE(), new GMS(), new FRAG2());
    }

    public static List<Protocol> build(LinkSpec spec, InetAddress bindAddress, InetAddress broadcastAddress,
                                       TimerSettings timers, DatagramAuthenticator authenticator,
                                       PeerActivity activity, Clock clock) {
        return build(spec, bindAddress, broadcastAddress, timers, authenticator, activity, clock, suspects -> { });
    }

    /** @param onSuspect told of the members the failure detector suspects (SuspectVerifier#onSuspect) */
    static List<Protocol> build(LinkSpec spec, InetAddress bindAddress, InetAddress broadcastAddress,
                                TimerSettings timers, DatagramAuthenticator authenticator,
                                PeerActivity activity, Clock clock,
                                java.util.function.Consumer<java.util.Collection<org.jgroups.Address>> onSuspect) {
        LinkUdp transport;
        Discovery discovery;
        boolean multicastRetransmission = true;
        int ucastNodes = 0; // a ucast link's configured nodes (PromptMerge pokes absent ones)
        if (spec instanceof LinkSpec.Bcast b) {
            transport = new BroadcastUdp().setBroadcastAddress(broadcastAddress);
            transport.setMulticastPort(b.port());
            transport.setBindPort(b.port() + 1);
            transport.setPortRange(UNICAST_PORT_RANGE);
            LinkPing ping = new LinkPing().expectNodes(authenticator.roster());
            transport.onNewIncarnation(ping::peerConfirmed);
            discovery = ping;
        } else if (spec instanceof LinkSpec.Mcast m) {
            transport = new LinkUdp();
            transport.setMulticastAddress(m.group());
            transport.setMulticastPort(m.port());
            transport.setIpTTL(m.ttl());
            // Heartbeat's "loop 0": do not loop our multicasts back to other sockets of this host
            transport.disableLoopback(!m.loop());
            transport.setBindPort(m.port() + 1);
            transport.setPortRange(UNICAST_PORT_RANGE);
            LinkPing ping = new LinkPing().expectNodes(authenticator.roster());
            transport.onNewIncarnation(ping::peerConfirmed);
            discovery = ping;
        } else {
            LinkSpec.Ucast u = (LinkSpec.Ucast) spec;
            transport = new LinkUdp();
            transport.setMulticasting(false); // group messages become one unicast per member
            transport.setBindPort(u.port());
            transport.setPortRange(0); // peers are configured with exactly this port
            Set<InetAddress> members = new LinkedHashSet<>(u.peers());
            members.add(bindAddress);
            ucastNodes = members.size();
            List<InetSocketAddress> hosts = new ArrayList<>();
            members.forEach(a -> hosts.add(new InetSocketAddress(a, u.port())));
            LinkTcpPing ping = new LinkTcpPing().expectNodes(authenticator.roster());
            ping.setInitialHosts(hosts).setPortRange(0);
            transport.onNewIncarnation(ping::peerConfirmed);
            discovery = ping;
            multicastRetransmission = false;
        }
        transport.setBindAddr(bindAddress);
        transport.setUcastRecvBufSize(SOCKET_BUFFER).setUcastSendBufSize(SOCKET_BUFFER)
                .setMcastRecvBufSize(SOCKET_BUFFER).setMcastSendBufSize(SOCKET_BUFFER);
        transport.authenticateWith(authenticator, activity, clock);
        // Heartbeats are a few small datagrams per second: send them on the calling thread instead of
        // waking a bundler thread for every one (bench/detection: idle CPU).
        transport.setBundlerType("no-bundler");
        // ... and deliver them on the receiver thread instead of waking a pool thread for each (regular
        // messages only; OOB ones such as join responses, and membership messages, which can block
        // the thread that handles them, still go to the pool: ReceiverThreadPolicy). Lifeline's own
        // listeners only queue work.
        transport.setMessageProcessingPolicy(ReceiverThreadPolicy.class.getName());

        // A node's first datagrams to a peer that has not heard its new incarnation yet are refused
        // until a hello exchange (a round trip) confirms it (DatagramAuthenticator): the discovery
        // protocol asks again as soon as that exchange completes (Rediscovery), and repeats the
        // request within the join timeout anyway, so the join does not hinge on the first one.
        discovery.numDiscoveryRuns(DISCOVERY_RUNS);
        PromptMerge merge = new PromptMerge().pokeAbsentPeers(ucastNodes);
        merge.setMinInterval(timers.mergeMinMs()); // min before max: setMinInterval checks against the current max
        merge.setMaxInterval(timers.mergeMaxMs());
        FD_ALL3 fd = new HeartbeatDetector().setJoinGrace(timers.deadtime().toMillis());
        fd.setInterval(timers.fdIntervalMs());
        fd.setTimeout(timers.fdTimeoutMs());
        NAKACK2 nakack = new PromptRetransmit().useMcastXmit(multicastRetransmission);
        nakack.setXmitInterval(timers.retransmitMs());
        GMS gms = membership(timers);

        return new ArrayList<>(List.of(
                transport,
                discovery,
                merge,
                fd,
                new SuspectVerifier().onSuspect(onSuspect).setTimeout(timers.verifySuspectMs()),
                new BARRIER(),
                nakack,
                new UNICAST3(),
                new STABLE(),
                gms,
                new FRAG2()));
    }
}
