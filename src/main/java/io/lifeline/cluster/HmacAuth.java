package io.lifeline.cluster;

import io.lifeline.config.AuthKey;
import io.lifeline.config.AuthMethod;
import io.lifeline.config.Authkeys;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ByteArray;
import org.jgroups.util.FastArray;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.Util;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifeline's authkeys for JGroups: a protocol placed directly above the transport that signs
 * every outgoing message and lets only correctly signed, fresh messages up the stack.
 *
 * <p>Down: the whole message (type, flags, addresses, every header of the protocols above,
 * payload) is serialised; the wrapper sent instead carries those bytes as payload plus an
 * {@link HmacHeader} with the signing key's index, a per-sender sequence number, the send time
 * and {@code MAC(keyId|seq|time|cluster|bytes)}. Verifying the exact transmitted bytes avoids
 * any re-serialisation ambiguity.
 *
 * <p>Up (single messages and batches): no header, unknown key, crc when not allowed, bad
 * signature, undecodable inner message, outer address differing from the signed inner one,
 * replayed or too old sequence number, or a first packet whose time is further than the
 * allowed clock skew from ours: the packet is dropped, counted per peer and reason in
 * {@link AuthDrops}, and never throws. Everything above (discovery, merge, failure detection,
 * view installation, data) therefore only sees authenticated traffic.
 *
 * <p>Sequence numbers start at {@code currentTimeMillis << 16} so they keep increasing across
 * restarts of the sender; each receiver keeps a 1024-wide sliding window per sender.
 */
public final class HmacAuth extends Protocol {

    /** Protocol id; custom ids must be at least 512 and the same on every node. */
    public static final short PROTOCOL_ID = 1700;

    static {
        // must run before the first instance exists: Protocol's constructor looks its id up here
        ClassConfigurator.addProtocol(PROTOCOL_ID, HmacAuth.class);
        ClassConfigurator.add(HmacHeader.MAGIC, HmacHeader.class);
    }

    private static final Logger LOG = LoggerFactory.getLogger(HmacAuth.class);
    /** Replay windows of senders silent this long are forgotten; their old packets then fail the clock check. */
    private static final long WINDOW_IDLE_MS = 10 * 60_000L;
    private static final int WINDOW_PRUNE_THRESHOLD = 256;

    private final byte[] cluster;
    private final SigningKey signingKey;
    private final Map<Integer, SigningKey> acceptedKeys;
    private final boolean allowCrc;
    private final long clockSkewMillis;
    private final AuthDrops drops;
    private final PeerSources sources;
    private final PeerActivity activity;
    private final Clock clock;
    private final AtomicLong nextSeq;
    private final Map<Address, SenderWindow> windows = new ConcurrentHashMap<>();

    private static final class SenderWindow {
        final ReplayWindow window;
        volatile long lastSeen;

        SenderWindow(long firstSeq, long now) {
            window = new ReplayWindow(firstSeq);
            lastSeen = now;
        }
    }

    /**
     * @param clusterName mixed into every signature, so packets of another cluster never verify
     * @throws IllegalArgumentException when the signing key is crc and crc is not allowed
     */
    public HmacAuth(String clusterName, Authkeys authkeys, boolean allowCrc, Duration clockSkew,
                    AuthDrops drops, PeerSources sources, PeerActivity activity, Clock clock) {
        this.cluster = SigningKey.clusterBytes(clusterName);
        this.allowCrc = allowCrc;
        this.clockSkewMillis = clockSkew.toMillis();
        this.drops = drops;
        this.sources = sources;
        this.activity = activity;
        this.clock = clock;
        Map<Integer, SigningKey> keys = new HashMap<>();
        for (AuthKey k : authkeys.keys().values()) {
            keys.put(k.id(), new SigningKey(k));
        }
        this.acceptedKeys = Map.copyOf(keys);
        this.signingKey = keys.get(authkeys.signingKeyId());
        if (signingKey.method() == AuthMethod.CRC) {
            if (!allowCrc) {
                throw new IllegalArgumentException("authkeys signs with crc, which authenticates nothing;"
                        + " use sha256 (or set 'allow_crc on' in ha.cf to accept the risk)");
            }
            LOG.warn("SECURITY: cluster traffic is signed with crc (allow_crc on): anyone on the network can forge"
                    + " heartbeats and membership messages. Use sha256 in authkeys.");
        }
        this.nextSeq = new AtomicLong(clock.millis() << 16);
    }

    @Override
    public Object down(Message msg) {
        if (msg.getSrc() == null) {
            msg.setSrc(local_addr);
        }
        ByteArray bytes;
        try {
            bytes = Util.messageToBuffer(msg);
        } catch (Exception e) {
            LOG.error("cannot serialise outgoing message for signing, not sent: {}", e.toString());
            return null;
        }
        long seq = nextSeq.incrementAndGet();
        long now = clock.millis();
        byte[] signature = signingKey.sign(seq, now, cluster, bytes.getArray(), bytes.getOffset(), bytes.getLength());
        Message wrapper = new BytesMessage(msg.getDest(), bytes.getArray(), bytes.getOffset(), bytes.getLength())
                .setSrc(msg.getSrc())
                .setFlag(msg.getFlags(false), false, false)
                .setFlag(msg.getFlags(true), true, false)
                .putHeader(id, new HmacHeader(signingKey.id(), seq, now, signature));
        return down_prot.down(wrapper);
    }

    @Override
    public Object up(Message msg) {
        HeartbeatPriority.enterCurrentThread(); // receiver threads: every heartbeat passes here
        Message inner = verify(msg, msg.getSrc(), msg.getDest());
        return inner == null ? null : up_prot.up(inner);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void up(MessageBatch batch) {
        HeartbeatPriority.enterCurrentThread();
        FastArray<Message>.FastIterator it = (FastArray<Message>.FastIterator) batch.iterator();
        while (it.hasNext()) {
            Message outer = it.next();
            Address outerSrc = outer.getSrc() != null ? outer.getSrc() : batch.sender();
            Address outerDest = outer.getDest() != null ? outer.getDest() : batch.dest();
            Message inner = verify(outer, outerSrc, outerDest);
            if (inner == null) {
                it.remove();
            } else {
                it.replace(inner);
            }
        }
        if (!batch.isEmpty()) {
            up_prot.up(batch);
        }
    }

    /** Returns the authenticated inner message, or null after counting why the packet was refused. */
    Message verify(Message outer, Address outerSrc, Address outerDest) {
        try {
            HmacHeader h = outer.getHeader(id);
            if (h == null) {
                return refuse(outerSrc, AuthDropReason.NO_SIGNATURE, null);
            }
            SigningKey key = acceptedKeys.get(h.keyId);
            if (key == null) {
                return refuse(outerSrc, AuthDropReason.UNKNOWN_KEY, "key index " + h.keyId);
            }
            if (key.method() == AuthMethod.CRC && !allowCrc) {
                return refuse(outerSrc, AuthDropReason.CRC_NOT_ALLOWED, "key index " + h.keyId);
            }
            if (!(outer instanceof BytesMessage bm) || bm.getArray() == null) {
                return refuse(outerSrc, AuthDropReason.MALFORMED, "no signed payload");
            }
            if (!key.verify(h.signature, h.seq, h.timestamp, cluster, bm.getArray(), bm.getOffset(), bm.getLength())) {
                return refuse(outerSrc, AuthDropReason.BAD_SIGNATURE, "key index " + h.keyId);
            }
            Message inner;
            try {
                inner = Util.messageFromBuffer(bm.getArray(), bm.getOffset(), bm.getLength());
            } catch (Exception e) {
                return refuse(outerSrc, AuthDropReason.MALFORMED, "signed message not decodable");
            }
            if (inner.getSrc() == null || !inner.getSrc().equals(outerSrc)
                    || (inner.getDest() != null && !Objects.equals(inner.getDest(), outerDest))) {
                return refuse(outerSrc, AuthDropReason.ADDRESS_MISMATCH,
                        "signed by " + inner.getSrc() + " for " + inner.getDest());
            }
            long now = clock.millis();
            if (!freshSequence(inner.getSrc(), h, now, outerSrc)) {
                return null;
            }
            activity.heard(inner.getSrc(), now);
            return inner;
        } catch (RuntimeException e) {
            // a malformed packet must never take the receiving thread down
            return refuse(outerSrc, AuthDropReason.MALFORMED, e.getClass().getSimpleName());
        }
    }

    private boolean freshSequence(Address sender, HmacHeader h, long now, Address outerSrc) {
        SenderWindow w = windows.get(sender);
        if (w == null) {
            long skew = Math.abs(now - h.timestamp);
            if (skew > clockSkewMillis) {
                refuse(outerSrc, AuthDropReason.CLOCK_SKEW,
                        "first packet is " + skew + " ms off our clock, limit " + clockSkewMillis + " ms");
                return false;
            }
            if (windows.size() >= WINDOW_PRUNE_THRESHOLD) {
                windows.values().removeIf(x -> now - x.lastSeen > WINDOW_IDLE_MS);
            }
            SenderWindow created = new SenderWindow(h.seq, now);
            SenderWindow existing = windows.putIfAbsent(sender, created);
            if (existing == null) {
                return true;
            }
            w = existing;
        }
        boolean fresh;
        synchronized (w.window) {
            fresh = w.window.accept(h.seq);
        }
        if (!fresh) {
            refuse(outerSrc, AuthDropReason.REPLAY, "sequence " + h.seq);
            return false;
        }
        w.lastSeen = now;
        return true;
    }

    private Message refuse(Address outerSrc, AuthDropReason reason, String detail) {
        drops.drop(sources.describe(outerSrc), reason, detail);
        return null;
    }

    public AuthDrops drops() {
        return drops;
    }
}
