package io.lifeline.cluster;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One heartbeat link: a JChannel with its own stack bound to the node's address on one device.
 * Translates JGroups views into node names (JGroups logical name = ha.cf node name) and hands
 * them to the cluster's membership thread; members whose name is not an ha.cf node are refused
 * (counted and logged, never treated as nodes), members whose name is not known yet are left out
 * until it is, then the view is reported again. Callbacks run on JGroups threads and only enqueue.
 */
final class Link implements Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(Link.class);

    /** Where a link reports, on the membership thread's terms (implementations must not block). */
    interface Sink {
        void view(Link link, Set<String> members, List<Set<String>> subgroups);

        void goodbye(Link link, String node);

        void payload(Link link, String node, byte[] data);

        /** This node's failure detector suspects the node on this link; verification has begun. */
        default void suspected(Link link, String node) {
        }
    }

    private final LinkSpec spec;
    private final String clusterName;
    private final InetAddress bindAddress;
    private final InetAddress broadcastAddress;
    private final String localNode;
    private final NodeNames names;
    private final Sink sink;
    private final AuthDrops drops;
    private final PeerActivity activity = new PeerActivity();
    private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();
    private final Set<Address> rejectionLogged = ConcurrentHashMap.newKeySet();
    /** Members of the last view whose JGroups name was unknown when it arrived. */
    private final Set<Address> unnamed = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private volatile JChannel channel;
    /** Start time this link's incarnation is numbered from (IncarnationFloor). */
    private final long incarnationStart;
    private volatile DatagramAuthenticator authenticator;
    private volatile View lastView;
    private volatile CountDownLatch pendingGoodbyeAcks;
    /** Peers whose GOODBYE_ACK was counted: a duplicate ack must not stand in for a missing one. */
    private final Set<Address> goodbyeAckedBy = ConcurrentHashMap.newKeySet();

    Link(LinkSpec spec, String clusterName, InetAddress bindAddress, InetAddress broadcastAddress, String localNode,
         NodeNames names, Sink sink, Clock clock, long incarnationStart) {
        this.spec = spec;
        this.incarnationStart = incarnationStart;
        this.clusterName = clusterName;
        this.bindAddress = bindAddress;
        this.broadcastAddress = broadcastAddress;
        this.localNode = localNode;
        this.names = names;
        this.sink = sink;
        this.clock = clock;
        this.drops = new AuthDrops(spec.name(), clock);
    }

    void start(io.lifeline.config.Authkeys authkeys, boolean allowCrc, TimerSettings timers) throws Exception {
        activity.reportGapsLongerThan(timers.warntime().toMillis());
        DatagramAuthenticator authenticator = new DatagramAuthenticator(clusterName, authkeys, allowCrc, names,
                localNode, DatagramAuthenticator.newEpoch(incarnationStart), drops, clock);
        this.authenticator = authenticator;
        JChannel ch = new JChannel(LinkStack.build(spec, bindAddress, broadcastAddress, timers, authenticator,
                activity, clock, this::suspected));
        ch.name(localNode);
        ch.setReceiver(this);
        channel = ch;
        try {
            ch.connect(clusterName);
        } catch (Exception e) {
            ch.close();
            throw e;
        }
        LOG.info("link {} up: bound to {}, JGroups cluster {}", spec.name(), bindAddress.getHostAddress(), clusterName);
    }

    private void suspected(java.util.Collection<Address> suspects) {
        for (Address a : suspects) {
            String node = names.canonical(NameCache.get(a));
            if (node != null && !node.equals(localNode)) {
                sink.suspected(this, node);
            }
        }
    }

    /** A reload's authkeys, for this link's next datagram on (see DatagramAuthenticator#useKeys). */
    void useKeys(io.lifeline.config.Authkeys authkeys) {
        DatagramAuthenticator a = authenticator;
        if (a != null) {
            a.useKeys(authkeys);
        }
    }

    /** The peers this link confirms (this node's membership; DatagramAuthenticator#confirmTo). */
    void confirmTo(Set<String> members) {
        DatagramAuthenticator a = authenticator;
        if (a != null) {
            a.confirmTo(members);
        }
    }

    /** Per peer, the monotonic send time of the newest of our datagrams it confirmed on this link. */
    Map<String, Long> confirmedSendTimes() {
        DatagramAuthenticator a = authenticator;
        return a == null ? Map.of() : a.confirmedSendTimes();
    }

    /**
     * Per peer that left this node's membership, the monotonic receive time of the newest of its
     * datagrams this link may still confirm (DatagramAuthenticator#lastConfirmableNanos).
     */
    Map<String, Long> lastConfirmableNanos() {
        DatagramAuthenticator a = authenticator;
        return a == null ? Map.of() : a.lastConfirmableNanos();
    }

    /** Per peer, the key index of its latest accepted datagram on this link. */
    Map<String, Integer> peerSigningKeys() {
        DatagramAuthenticator a = authenticator;
        return a == null ? Map.of() : a.peerSigningKeys();
    }

    @Override
    public synchronized void viewAccepted(View view) {
        lastView = view;
        unnamed.clear();
        report(view);
    }

    /**
     * Reports the last view again once a member that had no name when it arrived has one (JGroups
     * learns names from discovery and MERGE3 messages, which may come after the view). Called on
     * every membership tick; synchronised with {@link #viewAccepted} so a re-report can never
     * overtake a newer view in the membership thread's queue.
     */
    synchronized void recheckUnnamedMembers() {
        View v = lastView;
        if (v == null || unnamed.isEmpty() || unnamed.stream().allMatch(a -> NameCache.get(a) == null)) {
            return;
        }
        unnamed.clear();
        LOG.info("link {}: a member's name became known, reporting view {} again", spec.name(), v.getViewId());
        report(v);
    }

    private void report(View view) {
        Set<String> members = memberNames(view.getMembers());
        List<Set<String>> subgroups = null;
        if (view instanceof MergeView mv) {
            subgroups = new ArrayList<>();
            for (View sub : mv.getSubgroups()) {
                subgroups.add(memberNames(sub.getMembers()));
            }
        }
        LOG.debug("link {}: view {}", spec.name(), view);
        sink.view(this, members, subgroups);
    }

    @Override
    public void receive(Message msg) {
        if (!(msg instanceof BytesMessage bm)) {
            return;
        }
        JChannel ch = channel;
        if (ch != null && msg.getSrc() != null && msg.getSrc().equals(ch.getAddress())) {
            // Our own multicast, looped back: acknowledging our own GOODBYE would open the
            // latch before any peer had seen it, and peers would then report a failure.
            return;
        }
        ClusterMessage.decode(bm.getArray(), bm.getOffset(), bm.getLength()).ifPresentOrElse(m -> {
            if (m == ClusterMessage.GOODBYE) {
                String node = names.canonical(NameCache.get(msg.getSrc()));
                if (node != null) {
                    sink.goodbye(this, node);
                }
                sendQuietly(new BytesMessage(msg.getSrc(), ClusterMessage.GOODBYE_ACK.encode())
                        .setFlag(Message.Flag.OOB, Message.Flag.DONT_BUNDLE));
            } else if (m == ClusterMessage.PAYLOAD) {
                String node = names.canonical(NameCache.get(msg.getSrc()));
                if (node != null) {
                    int off = bm.getOffset() + ClusterMessage.HEADER_LENGTH;
                    sink.payload(this, node, java.util.Arrays.copyOfRange(bm.getArray(), off,
                            bm.getOffset() + bm.getLength()));
                }
            } else if (m == ClusterMessage.GOODBYE_ACK) {
                CountDownLatch acks = pendingGoodbyeAcks;
                if (acks != null && goodbyeAckedBy.add(msg.getSrc())) {
                    acks.countDown();
                }
            }
        }, () -> LOG.debug("link {}: ignored unknown message from {}", spec.name(), msg.getSrc()));
    }

    private Set<String> memberNames(List<Address> addresses) {
        Set<String> out = new LinkedHashSet<>();
        JChannel ch = channel;
        Address self = ch == null ? null : ch.getAddress();
        for (Address a : addresses) {
            String logical = NameCache.get(a);
            String node = names.canonical(logical);
            if (logical == null) {
                // not refused: unknown yet, checked again by recheckUnnamedMembers
                unnamed.add(a);
                LOG.debug("link {}: member {} has no name yet", spec.name(), a);
            } else if (node == null) {
                refuse(a, logical, "is not a node in ha.cf");
            } else if (node.equals(localNode) && self != null && !a.equals(self)) {
                refuse(a, logical, "claims to be this node (" + localNode + "): two nodes with the same name?");
            } else {
                out.add(node);
            }
        }
        return out;
    }

    private void refuse(Address a, String logical, String why) {
        String label = logical != null ? logical : a.toString();
        rejected.computeIfAbsent(label, k -> new AtomicLong()).incrementAndGet();
        if (rejectionLogged.add(a)) {
            LOG.warn("link {}: ignoring member {} {}", spec.name(), label, why);
        }
    }

    /**
     * Tells the peers on this link that we are leaving on purpose. Returns a latch that opens
     * when every current peer acknowledged; the caller waits on it (bounded) before leaving the
     * group, because JGroups may otherwise deliver the view without us before the notice.
     */
    CountDownLatch announceLeave() {
        JChannel ch = channel;
        View v = lastView;
        if (ch == null || !ch.isConnected() || v == null) {
            return new CountDownLatch(0);
        }
        CountDownLatch acks = new CountDownLatch(Math.max(0, v.size() - 1));
        goodbyeAckedBy.clear();
        pendingGoodbyeAcks = acks;
        sendQuietly(new BytesMessage(null, ClusterMessage.GOODBYE.encode()).setFlag(Message.Flag.DONT_BUNDLE));
        return acks;
    }

    /** Sends a payload to every peer on this link (reliable, ordered per sender, like all JGroups multicasts). */
    void broadcast(byte[] body) {
        sendQuietly(new BytesMessage(null, ClusterMessage.PAYLOAD.encode(body)).setFlag(Message.Flag.DONT_BUNDLE));
    }

    private void sendQuietly(Message m) {
        JChannel ch = channel;
        if (ch == null) {
            return;
        }
        try {
            ch.send(m);
        } catch (Exception e) {
            LOG.debug("link {}: could not send {}: {}", spec.name(), m, e.toString());
        }
    }

    void close() {
        JChannel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    /** Last time each ha.cf node was heard on this link (latest over its incarnations). */
    Map<String, Long> lastHeardByNode() {
        return activity.snapshot();
    }

    /** Late heartbeats that ended since the last call: the longest gap per node, in ms. */
    Map<String, Long> drainLateGapsByNode() {
        return activity.drainLateGaps();
    }

    Map<String, Long> rejectedMembers() {
        Map<String, Long> out = new HashMap<>();
        rejected.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    LinkSpec spec() {
        return spec;
    }

    String name() {
        return spec.name();
    }

    String clusterName() {
        return clusterName;
    }

    InetAddress bindAddress() {
        return bindAddress;
    }

    AuthDrops drops() {
        return drops;
    }

    /** Current JGroups view members as node names (refused members excluded), for status. */
    List<String> currentMembers() {
        View v = lastView;
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Address a : v.getMembers()) {
            String node = names.canonical(NameCache.get(a));
            out.add(node != null ? node : String.valueOf(NameCache.get(a)));
        }
        return out;
    }
}
