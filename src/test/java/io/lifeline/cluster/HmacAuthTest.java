package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.AuthKey;
import io.lifeline.config.AuthMethod;
import io.lifeline.config.Authkeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ByteArray;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.UUID;
import org.jgroups.util.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HmacAuthTest {

    private static final String CLUSTER = "lifeline-test";
    private static final long NOW = 1_800_000_000_000L;

    private final MutableClock clock = new MutableClock(NOW);

    /** A protocol stub recording what passes through it. */
    static final class Capture extends Protocol {
        final List<Message> messages = new ArrayList<>();

        @Override
        public Object down(Message msg) {
            messages.add(msg);
            return null;
        }

        @Override
        public Object up(Message msg) {
            messages.add(msg);
            return null;
        }

        @Override
        public void up(MessageBatch batch) {
            batch.forEach(messages::add);
        }
    }

    /** One simulated node: its HMAC layer between two captures. */
    final class Node {
        final Address address = UUID.randomUUID();
        final AuthDrops drops = new AuthDrops("test", clock);
        final PeerSources sources = new PeerSources();
        final PeerActivity activity = new PeerActivity();
        final HmacAuth auth;
        final Capture wire = new Capture();
        final Capture delivered = new Capture();

        Node(Authkeys keys, boolean allowCrc, java.time.Clock nodeClock) {
            auth = new HmacAuth(CLUSTER, keys, allowCrc, Duration.ofSeconds(60), drops, sources, activity, nodeClock);
            auth.setDownProtocol(wire);
            auth.setUpProtocol(delivered);
            auth.addr(address);
        }

        Node(Authkeys keys) {
            this(keys, false, clock);
        }

        /** Sends a message and returns it as it would arrive from the network. */
        Message send(String text) throws Exception {
            auth.down(new BytesMessage(null, text.getBytes(StandardCharsets.UTF_8)));
            return viaWire(wire.messages.remove(wire.messages.size() - 1));
        }

        void receive(Message m) {
            auth.up(m);
        }

        List<String> deliveredTexts() {
            List<String> out = new ArrayList<>();
            for (Message m : delivered.messages) {
                out.add(new String(((BytesMessage) m).getArray(), ((BytesMessage) m).getOffset(),
                        m.getLength(), StandardCharsets.UTF_8));
            }
            return out;
        }

        long drops(AuthDropReason reason, Node from) {
            return drops.count(from.address.toString(), reason);
        }
    }

    static Message viaWire(Message m) throws Exception {
        ByteArray b = Util.messageToBuffer(m);
        return Util.messageFromBuffer(b.getArray(), b.getOffset(), b.getLength());
    }

    static Authkeys keys(int signing, AuthKey... keys) {
        Map<Integer, AuthKey> map = new HashMap<>();
        for (AuthKey k : keys) {
            map.put(k.id(), k);
        }
        return new Authkeys(Path.of("authkeys"), signing, map);
    }

    static AuthKey key(int id, AuthMethod method, String secret) {
        return new AuthKey(id, method, secret.getBytes(StandardCharsets.UTF_8));
    }

    static final Authkeys SHARED = keys(1, key(1, AuthMethod.SHA256, "correct horse battery staple"));

    @ParameterizedTest
    @EnumSource(value = AuthMethod.class, names = {"MD5", "SHA1", "SHA256", "SHA512"})
    void correctlySignedMessagesAreDeliveredUnchangedForEveryMethod(AuthMethod method) throws Exception {
        Authkeys k = keys(3, key(3, method, "s3cret"));
        Node a = new Node(k);
        Node b = new Node(k);
        Message m = a.send("hello");
        b.receive(m);
        assertEquals(List.of("hello"), b.deliveredTexts());
        assertEquals(a.address, b.delivered.messages.get(0).getSrc());
        assertEquals(0, b.drops.total());
        assertTrue(b.activity.lastHeard(a.address) == NOW, "receipt counts as heartbeat");
    }

    @Test
    void alteredPayloadIsDroppedAsBadSignature() throws Exception {
        Node a = new Node(SHARED);
        Node b = new Node(SHARED);
        BytesMessage m = (BytesMessage) a.send("transfer all resources");
        byte[] forged = m.getArray().clone();
        forged[m.getOffset() + m.getLength() - 2] ^= 0x01;
        m.setArray(forged, m.getOffset(), m.getLength());
        b.receive(m);
        assertTrue(b.deliveredTexts().isEmpty());
        assertEquals(1, b.drops(AuthDropReason.BAD_SIGNATURE, a));
    }

    @Test
    void messageSignedWithAnotherSecretIsDropped() throws Exception {
        Node intruder = new Node(keys(1, key(1, AuthMethod.SHA256, "guessed wrong")));
        Node b = new Node(SHARED);
        b.receive(intruder.send("join me"));
        assertTrue(b.deliveredTexts().isEmpty());
        assertEquals(1, b.drops(AuthDropReason.BAD_SIGNATURE, intruder));
    }

    @Test
    void messageSignedWithUnlistedKeyIndexIsDropped() throws Exception {
        Node other = new Node(keys(7, key(7, AuthMethod.SHA256, "x")));
        Node b = new Node(SHARED);
        b.receive(other.send("hi"));
        assertEquals(1, b.drops(AuthDropReason.UNKNOWN_KEY, other));
    }

    @Test
    void unsignedMessageIsDropped() {
        Node b = new Node(SHARED);
        Address stranger = UUID.randomUUID();
        b.sources.record(stranger, "198.51.100.66");
        b.receive(new BytesMessage(null, "plain jgroups".getBytes(StandardCharsets.UTF_8)).setSrc(stranger));
        assertTrue(b.deliveredTexts().isEmpty());
        assertEquals(1, b.drops.count("198.51.100.66", AuthDropReason.NO_SIGNATURE), "counted per peer IP");
    }

    @Test
    void truncatedSignedPayloadIsDropped() throws Exception {
        Node a = new Node(SHARED);
        Node b = new Node(SHARED);
        BytesMessage m = (BytesMessage) a.send("a longer message body");
        m.setArray(m.getArray(), m.getOffset(), m.getLength() - 5);
        b.receive(m);
        assertTrue(b.deliveredTexts().isEmpty());
        assertEquals(1, b.drops(AuthDropReason.BAD_SIGNATURE, a));
    }

    @Test
    void truncatedDatagramIsRecognisedAsMalformedAtEveryCutPoint() throws Exception {
        Node a = new Node(SHARED);
        a.auth.down(new BytesMessage(null, "heartbeat".getBytes(StandardCharsets.UTF_8)));
        Message wrapper = a.wire.messages.get(0);
        org.jgroups.util.ByteArrayDataOutputStream out = new org.jgroups.util.ByteArrayDataOutputStream(256);
        out.writeShort(org.jgroups.Version.version);
        out.writeByte(0); // single message, unicast
        out.writeShort(wrapper.getType());
        wrapper.writeTo(out);
        byte[] datagram = java.util.Arrays.copyOf(out.buffer(), out.position());
        assertEquals(List.of(a.address), DatagramCheck.senders(datagram, 0, datagram.length));
        for (int cut = 0; cut < datagram.length; cut++) {
            int len = cut;
            assertThrows(DatagramCheck.MalformedDatagram.class, () -> DatagramCheck.senders(datagram, 0, len),
                    "prefix of " + len + " bytes must not decode");
        }
    }

    @Test
    void replayedMessageIsDropped() throws Exception {
        Node a = new Node(SHARED);
        Node b = new Node(SHARED);
        Message m = a.send("once");
        b.receive(m);
        b.receive(viaWire(m));
        assertEquals(List.of("once"), b.deliveredTexts());
        assertEquals(1, b.drops(AuthDropReason.REPLAY, a));
    }

    @Test
    void messagesReorderedWithinTheWindowAreAllAcceptedOnce() throws Exception {
        Node a = new Node(SHARED);
        Node b = new Node(SHARED);
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sent.add(a.send("m" + i));
        }
        for (int i : new int[] {2, 0, 1, 5, 3, 4}) {
            b.receive(sent.get(i));
        }
        assertEquals(List.of("m2", "m0", "m1", "m5", "m3", "m4"), b.deliveredTexts());
        b.receive(viaWire(sent.get(3)));
        assertEquals(6, b.deliveredTexts().size());
        assertEquals(1, b.drops(AuthDropReason.REPLAY, a));
    }

    @Test
    void messageOlderThanTheWindowIsDropped() throws Exception {
        Node a = new Node(SHARED);
        Node b = new Node(SHARED);
        Message first = a.send("old");
        Message last = null;
        for (int i = 0; i < ReplayWindow.SIZE + 10; i++) {
            last = a.send("new" + i);
        }
        b.receive(last);
        b.receive(first);
        assertEquals(1, b.deliveredTexts().size());
        assertEquals(1, b.drops(AuthDropReason.REPLAY, a));
    }

    @Test
    void sendersSigningWithDifferentListedKeysAreBothAccepted() throws Exception {
        AuthKey k1 = key(1, AuthMethod.SHA256, "old secret");
        AuthKey k2 = key(2, AuthMethod.SHA512, "new secret");
        Node oldSigner = new Node(keys(1, k1, k2));
        Node newSigner = new Node(keys(2, k1, k2));
        Node receiver = new Node(keys(1, k1, k2));
        receiver.receive(oldSigner.send("from key 1"));
        receiver.receive(newSigner.send("from key 2"));
        assertEquals(List.of("from key 1", "from key 2"), receiver.deliveredTexts());
        Node onlyNew = new Node(keys(2, k2));
        onlyNew.receive(oldSigner.send("key 1 again"));
        assertEquals(1, onlyNew.drops(AuthDropReason.UNKNOWN_KEY, oldSigner));
    }

    @Test
    void firstMessageFromASkewedClockIsDropped() throws Exception {
        Node late = new Node(SHARED, false, new MutableClock(NOW - 10 * 60_000));
        Node b = new Node(SHARED);
        b.receive(late.send("stale"));
        assertTrue(b.deliveredTexts().isEmpty());
        assertEquals(1, b.drops(AuthDropReason.CLOCK_SKEW, late));
    }

    @Test
    void messageWhoseOuterSenderWasRewrittenIsDropped() throws Exception {
        Node a = new Node(SHARED);
        Node b = new Node(SHARED);
        Message m = a.send("mine");
        Address spoofed = UUID.randomUUID();
        m.setSrc(spoofed);
        b.receive(m);
        assertTrue(b.deliveredTexts().isEmpty());
        assertEquals(1, b.drops.count(spoofed.toString(), AuthDropReason.ADDRESS_MISMATCH));
    }

    @Test
    void batchKeepsOnlyAuthenticMessagesAndDeliversTheInnerOnes() throws Exception {
        Node a = new Node(SHARED);
        Node intruder = new Node(keys(1, key(1, AuthMethod.SHA256, "nope")));
        Node b = new Node(SHARED);
        Message good1 = a.send("g1");
        Message bad = intruder.send("bad");
        Message good2 = a.send("g2");
        MessageBatch batch = new MessageBatch(null, a.address, null, true, List.of(good1, bad, good2));
        b.auth.up(batch);
        assertEquals(List.of("g1", "g2"), b.deliveredTexts());
        assertTrue(b.delivered.messages.stream().noneMatch(m -> m.getHeader(HmacAuth.PROTOCOL_ID) != null),
                "inner messages, not wrappers, go up");
        // the intruder's message sits in a batch from a: its inner sender differs
        assertEquals(1, b.drops.total());
    }

    @Test
    void crcSigningIsRefusedUnlessAllowed() throws Exception {
        Authkeys crc = keys(1, key(1, AuthMethod.CRC, ""));
        assertThrows(IllegalArgumentException.class, () -> new Node(crc));
        Node sender = new Node(crc, true, clock);
        Node strict = new Node(keys(2, key(1, AuthMethod.CRC, ""), key(2, AuthMethod.SHA256, "k")));
        strict.receive(sender.send("crc"));
        assertEquals(1, strict.drops(AuthDropReason.CRC_NOT_ALLOWED, sender));
        Node lax = new Node(crc, true, clock);
        lax.receive(sender.send("crc ok"));
        assertEquals(List.of("crc ok"), lax.deliveredTexts());
    }

    @Test
    void wrapperKeepsFlagsAndDestination() throws Exception {
        Node a = new Node(SHARED);
        Address dest = UUID.randomUUID();
        Message original = new BytesMessage(dest, new byte[] {1, 2, 3})
                .setFlag(Message.Flag.OOB, Message.Flag.DONT_BUNDLE)
                .setFlag(Message.TransientFlag.DONT_LOOPBACK);
        a.auth.down(original);
        Message w = a.wire.messages.get(0);
        assertEquals(dest, w.getDest());
        assertTrue(w.isFlagSet(Message.Flag.OOB) && w.isFlagSet(Message.Flag.DONT_BUNDLE));
        assertTrue(w.isFlagSet(Message.TransientFlag.DONT_LOOPBACK));
        HmacHeader h = w.getHeader(HmacAuth.PROTOCOL_ID);
        assertEquals(32, h.signature.length);
        assertTrue(h.seq >= NOW << 16, "sequence starts at the clock so it grows across restarts");
        assertArrayEquals(new byte[] {1, 2, 3}, ((BytesMessage) Util.messageFromBuffer(
                ((BytesMessage) w).getArray(), ((BytesMessage) w).getOffset(), w.getLength())).getArray());
    }
}
