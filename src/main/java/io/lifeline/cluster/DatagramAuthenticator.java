package io.lifeline.cluster;

import io.lifeline.config.AuthKey;
import io.lifeline.config.AuthMethod;
import io.lifeline.config.Authkeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifeline's authkeys on the wire: seals every datagram a link sends in a signed envelope and
 * opens received datagrams over their raw bytes, before anything of JGroups reads them. Nothing
 * is allocated from a length an unauthenticated datagram announces: the envelope's only length
 * fields are one byte each, and every check below is a bounds check on the received array.
 *
 * <pre>
 *   offset  size  field
 *   0       2     magic "LF"
 *   2       1     envelope version (2)
 *   3       1     authkeys key index
 *   4       8     sender incarnation (epoch: start time in ms &lt;&lt; 10 | 10 random bits)
 *   12      8     sequence number, 1, 2, ... per incarnation
 *   20      1     n: length of the sender's node name (UTF-8, 1..255 bytes)
 *   21      n     sender's node name
 *   21+n    1     c: number of echoed peers
 *   22+n    16c   per peer: the newest incarnation the sender has received a correctly signed datagram
 *                 from (8), and the highest sequence number it accepted from that incarnation, or 0
 *                 (8): 0 unless the peer is in the sender's membership and that incarnation is the
 *                 accepted one
 *   H       L     signature over cluster name | bytes 0..H | payload (L fixed by the key's method)
 *   H+L     ...   payload: the JGroups datagram (empty for a handshake "hello")
 * </pre>
 *
 * <p>Replay protection (docs/cluster.md, "Replay protection"): a receiver accepts a sender
 * incarnation only from a datagram that echoes the receiver's own current incarnation, i.e. one
 * the sender produced after it heard the receiver's current incarnation; the replay window of
 * that incarnation starts closed at that datagram's sequence number. So nothing recorded before
 * the receiver started is ever accepted, each datagram is accepted at most once, and an older
 * incarnation of a sender is refused once a newer one was accepted. A receiver that is not yet
 * known to a sender answers it with a hello (rate-limited), so the exchange completes within a
 * round trip instead of waiting for the sender's next heartbeat.
 *
 * <p>Confirmations (version 2, docs/leases.md): the sequence number echoed beside our own
 * incarnation tells us the newest of our datagrams that peer accepted. This node keeps the send
 * time (monotonic) of its recent sequence numbers, so a confirmation becomes "that peer heard a
 * datagram we sent at time t": the evidence a quorum lease is made of, anchored at a send time as
 * in Raft leader leases, and carried by every heartbeat at no extra datagram. A node confirms only
 * the peers in its membership ({@link #confirmTo}): once it has declared a peer dead, nothing it
 * sends renews that peer's lease, even if it still hears it.
 *
 * <p>Thread-safe: the per-peer state is guarded by this object; counting and logging refused
 * datagrams is {@link AuthDrops}' job. Never throws on received data.
 */
final class DatagramAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(DatagramAuthenticator.class);

    /** No UDP datagram over IPv4 is larger; anything larger is refused before it is read. */
    static final int MAX_DATAGRAM = 65_507;
    static final byte MAGIC_0 = 'L';
    static final byte MAGIC_1 = 'F';
    static final byte VERSION = 2;
    /** Bytes per echoed peer: incarnation and the highest sequence number accepted from it. */
    static final int ECHO_ENTRY = 16;
    /**
     * Own send times kept to date confirmations: about 50 s of heartbeats at keepalive 100 ms with
     * some data; a confirmation of an older datagram dates nothing (it would be stale anyway).
     */
    static final int SENT_RING = 1024;
    static final int EPOCH_AT = 4;
    static final int SEQ_AT = 12;
    static final int NAME_LENGTH_AT = 20;
    static final int NAME_AT = 21;
    /**
     * The first datagrams of a new peer incarnation are refused until the hello exchange
     * completes (a round trip); refusals that soon after it first appeared are not counted as drops.
     */
    static final long HANDSHAKE_GRACE_MS = 2_000;
    /**
     * How far below the datagram that completed a handshake an earlier one of that incarnation may
     * be numbered and still count as overtaken rather than replayed (within the grace above): a
     * starting node sends a few discovery requests and hellos before that one, not dozens.
     */
    static final long STRAGGLER_SPAN = 64;
    /** A peer that does not echo us is sent a hello at most this often. */
    static final long HELLO_INTERVAL_MS = 200;

    /**
     * The verdict on one received datagram. {@code newIncarnation}: this datagram made its sender's
     * incarnation accepted (the handshake with it has just completed on our side), so what we sent
     * it before, refused for want of an echo, can now be sent again and get through.
     */
    record Opened(boolean accepted, String node, int payloadOffset, int payloadLength, boolean answerWithHello,
                  boolean newIncarnation) {

        static final Opened REFUSED = new Opened(false, null, 0, 0, false, false);
        static final Opened REFUSED_SAY_HELLO = new Opened(false, null, 0, 0, true, false);
    }

    /** What this node knows about one ha.cf peer; guarded by the authenticator. */
    private static final class Peer {
        final String node;
        /** Newest incarnation seen in a correctly signed datagram: echoed in everything we send. */
        volatile long seenEpoch = Long.MIN_VALUE;
        /** When {@link #seenEpoch} was first seen. */
        long seenAt;
        /** Incarnation whose datagrams are accepted (through {@link #window}). */
        volatile long acceptedEpoch = Long.MIN_VALUE;
        /** Highest sequence number accepted from {@link #acceptedEpoch}: what we confirm to it. */
        volatile long highestAccepted;
        /** Monotonic receive time of {@link #highestAccepted}; MIN_VALUE before any. */
        long highestAcceptedAtNanos = Long.MIN_VALUE;
        /**
         * The highest number we may still echo: unlimited while the peer is in our membership,
         * frozen at {@link #highestAccepted} when it leaves ({@link #confirmTo}). A sender that read
         * the membership just before the change cannot echo a datagram accepted after it, so the
         * peer's lease through us ends by {@link #frozenAtNanos} plus the lease length.
         */
        volatile long echoCap;
        /** Receive time of the number {@link #echoCap} was frozen at; MIN_VALUE if none. */
        long frozenAtNanos = Long.MIN_VALUE;
        /** Monotonic send time of the newest of our datagrams it confirmed; MIN_VALUE before any. */
        long confirmedSentNanos = Long.MIN_VALUE;
        ReplayWindow window;
        /** The number {@link #window} was opened at (the datagram that completed the handshake), and when. */
        long openedAtSeq;
        long openedAt;
        long lastHelloAt = Long.MIN_VALUE;
        /** The key index of its latest accepted datagram; -1 before the first. */
        int keyIndex = -1;

        Peer(String node) {
            this.node = node;
        }
    }

    private final byte[] cluster;
    /**
     * The authkeys in use: replaced as a whole by {@link #useKeys} (a reload), read once per
     * datagram, so a datagram is always sealed or opened with one consistent table.
     */
    private volatile KeyTable keys;
    private final boolean allowCrc;
    private final NodeNames names;
    private final String localNode;
    private final byte[] localNameBytes;
    private final long epoch;
    private final AuthDrops drops;
    private final Clock clock;
    private final AtomicLong nextSeq = new AtomicLong();
    private final Map<String, Peer> peers = new HashMap<>();
    /** The peers we echo, rebuilt when one appears (rare); read without locking by senders. */
    private volatile Peer[] echo = new Peer[0];
    /** The peers we confirm (this node's membership, {@link #confirmTo}). */
    private volatile java.util.Set<String> confirmed = java.util.Set.of();
    private final java.util.function.LongSupplier monotonicNanos;
    /** Slot seq % SENT_RING: the sequence number sent, and its send time. Written by senders. */
    private final AtomicLongArray sentSeq = new AtomicLongArray(SENT_RING);
    private final AtomicLongArray sentNanos = new AtomicLongArray(SENT_RING);

    /**
     * @param clusterName mixed into every signature, so datagrams of another cluster never verify
     * @param epoch       this incarnation, see {@link #newEpoch}
     * @throws IllegalArgumentException when the signing key is crc and crc is not allowed
     */
    DatagramAuthenticator(String clusterName, Authkeys authkeys, boolean allowCrc, NodeNames names, String localNode,
                          long epoch, AuthDrops drops, Clock clock) {
        this(clusterName, authkeys, allowCrc, names, localNode, epoch, drops, clock, System::nanoTime);
    }

    /** @param monotonicNanos dates our own datagrams for confirmations (System::nanoTime outside tests) */
    DatagramAuthenticator(String clusterName, Authkeys authkeys, boolean allowCrc, NodeNames names, String localNode,
                          long epoch, AuthDrops drops, Clock clock, java.util.function.LongSupplier monotonicNanos) {
        this.monotonicNanos = monotonicNanos;
        this.cluster = SigningKey.clusterBytes(clusterName);
        this.allowCrc = allowCrc;
        this.names = names;
        this.localNode = localNode;
        this.localNameBytes = localNode.getBytes(StandardCharsets.UTF_8);
        if (localNameBytes.length == 0 || localNameBytes.length > 255) {
            throw new IllegalArgumentException("node name '" + localNode + "' must be 1..255 bytes long");
        }
        this.epoch = epoch;
        this.drops = drops;
        this.clock = clock;
        this.keys = KeyTable.of(authkeys, allowCrc);
    }

    /** The nodes of ha.cf, the only ones whose datagrams open here, and this node among them. */
    RosterDiscovery roster() {
        return new RosterDiscovery(names, localNode);
    }

    /** Every key of one authkeys file by index, and the one it signs with. */
    // indexed by the key number of every datagram received (a hot path); never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    private record KeyTable(SigningKey signing, SigningKey[] byIndex) {
        static KeyTable of(Authkeys authkeys, boolean allowCrc) {
            SigningKey[] byIndex = new SigningKey[256];
            for (AuthKey k : authkeys.keys().values()) {
                SigningKey key = new SigningKey(k);
                byIndex[key.id()] = key;
            }
            SigningKey signing = byIndex[authkeys.signingKeyId()];
            if (signing.method() == AuthMethod.CRC) {
                if (!allowCrc) {
                    throw new IllegalArgumentException("authkeys signs with crc, which authenticates nothing;"
                            + " use sha256 (or set 'allow_crc on' in ha.cf to accept the risk)");
                }
                LOG.warn("SECURITY: cluster traffic is signed with crc (allow_crc on): anyone on the network can"
                        + " forge heartbeats and membership messages. Use sha256 in authkeys.");
            }
            return new KeyTable(signing, byIndex);
        }
    }

    /**
     * Switches to another authkeys file (a reload) in one step: from the next datagram on, this
     * node signs with its {@code auth N} key and accepts exactly the keys it lists. There is no
     * window in which removed keys are still accepted: it would not make a rotation safe (a peer
     * that has not reloaded yet still refuses the new signing key), while Heartbeat's order does
     * (add the new key everywhere, then switch {@code auth} everywhere, then remove the old key;
     * docs/reload.md), and the reload refuses an authkeys that no longer lists the key a live
     * peer signs with ({@link #peerSigningKeys}).
     *
     * @throws IllegalArgumentException when the signing key is crc and crc is not allowed
     */
    void useKeys(Authkeys authkeys) {
        keys = KeyTable.of(authkeys, allowCrc);
    }

    /** The key index each peer signed its latest accepted datagram with. */
    synchronized Map<String, Integer> peerSigningKeys() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        peers.forEach((node, p) -> {
            if (p.keyIndex >= 0) {
                out.put(node, p.keyIndex);
            }
        });
        return out;
    }

    /**
     * An incarnation number for a node starting now: later starts get larger numbers as long as
     * the wall clock does not step back across a restart; the random low bits keep two
     * incarnations from ever sharing a number, which the echo check relies on.
     */
    static long newEpoch(Clock clock) {
        return newEpoch(clock.millis());
    }

    /** An incarnation number for a node that started at {@code startMillis} (see {@link IncarnationFloor}). */
    static long newEpoch(long startMillis) {
        return (startMillis << 10) | ThreadLocalRandom.current().nextInt(1 << 10);
    }

    long epoch() {
        return epoch;
    }

    /**
     * The peers this node confirms from now on: its membership. A peer left out gets 0 beside its
     * echoed incarnation (the handshake still works; its lease is no longer renewed by us).
     */
    synchronized void confirmTo(java.util.Set<String> members) {
        confirmed = java.util.Set.copyOf(members);
        peers.forEach((node, p) -> {
            if (members.contains(node)) {
                p.echoCap = Long.MAX_VALUE;
            } else if (p.echoCap == Long.MAX_VALUE) {
                p.echoCap = p.highestAccepted;
                p.frozenAtNanos = p.highestAcceptedAtNanos;
            }
        });
    }

    /**
     * Per peer outside our membership, the monotonic receive time of the newest of its datagrams
     * we may still echo (frozen when it left: {@link #confirmTo}); absent for members and for
     * peers never heard. Its quorum lease through us ends no later than that plus the lease length.
     */
    synchronized Map<String, Long> lastConfirmableNanos() {
        Map<String, Long> out = new HashMap<>();
        peers.forEach((node, p) -> {
            if (p.echoCap != Long.MAX_VALUE && p.frozenAtNanos != Long.MIN_VALUE) {
                out.put(node, p.frozenAtNanos);
            }
        });
        return out;
    }

    /**
     * Per peer, the monotonic send time ({@code monotonicNanos}) of the newest of our datagrams it
     * confirmed; peers that never confirmed one are absent.
     */
    synchronized Map<String, Long> confirmedSendTimes() {
        Map<String, Long> out = new HashMap<>();
        peers.forEach((node, p) -> {
            if (p.confirmedSentNanos != Long.MIN_VALUE) {
                out.put(node, p.confirmedSentNanos);
            }
        });
        return out;
    }

    /** A peer first heard (lock held): confirmed from the start if it is already a member. */
    private Peer newPeer(String node) {
        Peer p = new Peer(node);
        p.echoCap = confirmed.contains(node) ? Long.MAX_VALUE : 0;
        return p;
    }

    /** The datagram to send for {@code payload}: a fresh envelope around it. */
    byte[] seal(byte[] payload, int offset, int length) {
        Peer[] echoed = echo;
        java.util.Set<String> confirm = confirmed;
        SigningKey signingKey = keys.signing();
        int header = NAME_AT + localNameBytes.length + 1 + ECHO_ENTRY * echoed.length;
        int signature = signingKey.signatureLength();
        byte[] out = new byte[header + signature + length];
        out[0] = MAGIC_0;
        out[1] = MAGIC_1;
        out[2] = VERSION;
        out[3] = (byte) signingKey.id();
        putLong(out, EPOCH_AT, epoch);
        long seq = nextSeq.incrementAndGet();
        int slot = (int) (seq & (SENT_RING - 1));
        sentSeq.set(slot, 0); // a reader never pairs this time with the slot's previous number
        sentNanos.set(slot, monotonicNanos.getAsLong());
        sentSeq.set(slot, seq);
        putLong(out, SEQ_AT, seq);
        out[NAME_LENGTH_AT] = (byte) localNameBytes.length;
        System.arraycopy(localNameBytes, 0, out, NAME_AT, localNameBytes.length);
        int p = NAME_AT + localNameBytes.length;
        out[p++] = (byte) echoed.length;
        for (Peer e : echoed) {
            long seen = e.seenEpoch;
            putLong(out, p, seen);
            // in this order: the incarnation before its highest number (judge resets the number, then
            // publishes the incarnation), the number before the cap (one accepted after a freeze meets it)
            long accepted = e.acceptedEpoch;
            long highest = e.highestAccepted;
            long cap = e.echoCap;
            putLong(out, p + 8, seen == accepted && confirm.contains(e.node) ? Math.min(highest, cap) : 0);
            p += ECHO_ENTRY;
        }
        System.arraycopy(payload, offset, out, header + signature, length);
        signingKey.sign(cluster, out, 0, header, header + signature, length, out, header);
        return out;
    }

    /** A handshake datagram: an envelope without payload, telling its receiver which incarnations we heard. */
    byte[] hello() {
        return seal(new byte[0], 0, 0);
    }

    /**
     * Checks one received datagram; a refused one is counted against {@code peer} (its source
     * address). An accepted one names the ha.cf node that signed it and where its payload lies.
     */
    Opened open(String peer, byte[] d, int off, int len) {
        if (len > MAX_DATAGRAM) {
            return refuse(peer, AuthDropReason.OVERSIZE, len + " bytes");
        }
        if (len < 3 || d[off] != MAGIC_0 || d[off + 1] != MAGIC_1 || d[off + 2] != VERSION) {
            return refuse(peer, AuthDropReason.NOT_SIGNED, null);
        }
        if (len < NAME_AT) {
            return refuse(peer, AuthDropReason.TRUNCATED, len + " bytes");
        }
        int keyIndex = d[off + 3] & 0xff;
        SigningKey key = keys.byIndex()[keyIndex];
        if (key == null) {
            return refuse(peer, AuthDropReason.UNKNOWN_KEY, "key index " + keyIndex);
        }
        if (key.method() == AuthMethod.CRC && !allowCrc) {
            return refuse(peer, AuthDropReason.CRC_NOT_ALLOWED, "key index " + keyIndex);
        }
        int nameLength = d[off + NAME_LENGTH_AT] & 0xff;
        int echoCountAt = NAME_AT + nameLength;
        if (nameLength == 0 || echoCountAt >= len) {
            return refuse(peer, AuthDropReason.TRUNCATED, len + " bytes");
        }
        int echoCount = d[off + echoCountAt] & 0xff;
        int header = echoCountAt + 1 + ECHO_ENTRY * echoCount;
        int payloadAt = header + key.signatureLength();
        if (payloadAt > len) {
            return refuse(peer, AuthDropReason.TRUNCATED, len + " bytes");
        }
        if (!key.verify(cluster, d, off, header, off + header, off + payloadAt, len - payloadAt)) {
            return refuse(peer, AuthDropReason.BAD_SIGNATURE, "key index " + keyIndex);
        }
        // authenticated: a holder of the key produced exactly these bytes
        String claimed = new String(d, off + NAME_AT, nameLength, StandardCharsets.UTF_8);
        String node = names.canonical(claimed);
        if (node == null) {
            return refuse(peer, AuthDropReason.UNKNOWN_NODE, "'" + claimed + "'");
        }
        long senderEpoch = getLong(d, off + EPOCH_AT);
        long seq = getLong(d, off + SEQ_AT);
        boolean hello = payloadAt == len;
        if (node.equals(localNode)) {
            // Our own multicasts come back with our own source address, which the transport
            // ignores before asking; from anywhere else our datagram is a replay.
            return senderEpoch == epoch ? refuse(peer, AuthDropReason.REPLAY, "our own datagram")
                    : refuse(peer, AuthDropReason.OWN_NAME, "incarnation " + senderEpoch);
        }
        boolean echoesUs = false;
        long confirmedSeq = 0;
        for (int i = 0, p = off + echoCountAt + 1; i < echoCount; i++, p += ECHO_ENTRY) {
            if (getLong(d, p) == epoch) {
                echoesUs = true;
                confirmedSeq = Math.max(confirmedSeq, getLong(d, p + 8));
            }
        }
        return judge(peer, node, keyIndex, senderEpoch, seq, echoesUs, confirmedSeq, hello, off + payloadAt,
                len - payloadAt);
    }

    private Opened judge(String peer, String node, int keyIndex, long senderEpoch, long seq, boolean echoesUs,
                         long confirmedSeq, boolean hello, int payloadOffset, int payloadLength) {
        long now = clock.millis();
        boolean sayHello;
        synchronized (this) {
            Peer p = peers.computeIfAbsent(node, this::newPeer);
            p.keyIndex = keyIndex;
            if (senderEpoch > p.seenEpoch) {
                p.seenEpoch = senderEpoch;
                p.seenAt = now;
                rebuildEcho();
            }
            if (senderEpoch < p.acceptedEpoch) {
                return refuse(peer, AuthDropReason.OLD_INCARNATION,
                        node + " incarnation " + senderEpoch + ", current " + p.acceptedEpoch);
            }
            if (senderEpoch == p.acceptedEpoch) {
                ReplayWindow.Verdict verdict = p.window.verdict(seq);
                if (verdict == ReplayWindow.Verdict.BELOW_WINDOW && seq < p.openedAtSeq
                        && p.openedAtSeq - seq <= STRAGGLER_SPAN && now - p.openedAt < HANDSHAKE_GRACE_MS) {
                    // sent just before the datagram that completed the handshake and overtaken by it
                    // (a node's unicast and broadcast datagrams arrive on two sockets, read by two
                    // threads): refused, as everything before the opening is, but no anomaly. A
                    // recording from further back still counts as a replay.
                    return Opened.REFUSED;
                }
                if (verdict != ReplayWindow.Verdict.ACCEPTED) {
                    return refuse(peer, AuthDropReason.REPLAY, node + " sequence " + seq
                            + (verdict == ReplayWindow.Verdict.ALREADY_ACCEPTED ? " (already accepted)"
                                    : " (older than the last " + ReplayWindow.SIZE + " accepted)"));
                }
                sayHello = !echoesUs && helloDue(p, now);
                accepted(p, seq, confirmedSeq, hello);
                return new Opened(true, node, payloadOffset, payloadLength, sayHello, false);
            }
            // a newer incarnation of the sender, or the first we hear of it
            if (!echoesUs) {
                sayHello = helloDue(p, now);
                if (!hello && (senderEpoch != p.seenEpoch || now - p.seenAt >= HANDSHAKE_GRACE_MS)) {
                    refuse(peer, AuthDropReason.UNCONFIRMED, node + " incarnation " + senderEpoch);
                } // else: the handshake is under way; the datagram is refused, but that is no anomaly
                return sayHello ? Opened.REFUSED_SAY_HELLO : Opened.REFUSED;
            }
            // reset before publishing the new incarnation: a sender that reads the new acceptedEpoch
            // must never pair it with the old incarnation's highest number (seal reads them in that order)
            p.highestAccepted = 0;
            p.highestAcceptedAtNanos = Long.MIN_VALUE;
            if (p.echoCap != Long.MAX_VALUE) {
                p.echoCap = 0; // not a member: nothing of the new incarnation is confirmed
                p.frozenAtNanos = Long.MIN_VALUE;
            }
            p.acceptedEpoch = senderEpoch;
            p.window = new ReplayWindow(seq);
            p.openedAtSeq = seq;
            p.openedAt = now;
            accepted(p, seq, confirmedSeq, hello);
            sayHello = helloDue(p, now); // it may still wait for our echo of its incarnation
        }
        LOG.debug("{}: accepting incarnation {} of {}", drops.link(), senderEpoch, node);
        return new Opened(true, node, payloadOffset, payloadLength, sayHello, true);
    }

    /**
     * Called with the lock held, for a datagram just accepted from {@code p}'s accepted incarnation.
     * A hello is not confirmed back: it carries no JGroups message, so the failure detector never
     * counts it, and a peer's lease must rest only on what its failure detector heard
     * (docs/leases.md: the lease ends before the earliest drop, counted from the last datagram
     * the detector saw).
     */
    private void accepted(Peer p, long seq, long confirmedSeq, boolean hello) {
        if (!hello && seq > p.highestAccepted) {
            p.highestAcceptedAtNanos = monotonicNanos.getAsLong();
            p.highestAccepted = seq;
        }
        if (confirmedSeq > 0) {
            long sentAt = sentAt(confirmedSeq);
            if (sentAt != Long.MIN_VALUE && (p.confirmedSentNanos == Long.MIN_VALUE || sentAt - p.confirmedSentNanos > 0)) {
                p.confirmedSentNanos = sentAt;
            }
        }
    }

    /** When we sent {@code seq}, or MIN_VALUE when it is no longer in the ring (or never was sent). */
    private long sentAt(long seq) {
        int slot = (int) (seq & (SENT_RING - 1));
        if (sentSeq.get(slot) != seq) {
            return Long.MIN_VALUE;
        }
        long t = sentNanos.get(slot);
        return sentSeq.get(slot) == seq ? t : Long.MIN_VALUE;
    }

    private static boolean helloDue(Peer p, long now) {
        if (p.lastHelloAt != Long.MIN_VALUE && now - p.lastHelloAt < HELLO_INTERVAL_MS) {
            return false;
        }
        p.lastHelloAt = now;
        return true;
    }

    private void rebuildEcho() {
        echo = peers.values().stream().filter(p -> p.seenEpoch != Long.MIN_VALUE).limit(255).toArray(Peer[]::new);
    }

    private Opened refuse(String peer, AuthDropReason reason, String detail) {
        drops.drop(peer, reason, detail);
        return Opened.REFUSED;
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }
}
