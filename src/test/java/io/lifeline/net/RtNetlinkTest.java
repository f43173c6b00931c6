package io.lifeline.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeline.os.Errno;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request/reply logic of {@link RtNetlink} against scripted kernel replies. */
class RtNetlinkTest {

    /** Replays datagrams; each is built from the sequence number of the last request sent. */
    static final class ScriptedKernel implements NetlinkTransport {
        final List<byte[]> sent = new ArrayList<>();
        final Deque<IntFunction<byte[]>> replies = new ArrayDeque<>();

        @Override
        public void send(byte[] message) {
            sent.add(message);
        }

        int lastSeq() {
            return ByteBuffer.wrap(sent.get(sent.size() - 1)).order(ByteOrder.nativeOrder()).getInt(8);
        }

        @Override
        public int receive(byte[] buf) throws NetException {
            if (replies.isEmpty()) {
                throw new NetException(Errno.EAGAIN, "no reply from the kernel within 100 ms");
            }
            byte[] d = replies.poll().apply(lastSeq());
            System.arraycopy(d, 0, buf, 0, d.length);
            return d.length;
        }

        @Override
        public void close() {
        }
    }

    private ScriptedKernel kernel;
    private RtNetlink nl;

    @BeforeEach
    void setUp() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "fixtures are little-endian");
        kernel = new ScriptedKernel();
        nl = new RtNetlink(kernel, Duration.ofSeconds(5));
    }

    static byte[] withSeq(String hex, int seq) {
        byte[] b = NetlinkDecodingTest.hex(hex);
        ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(8, seq);
        return b;
    }

    /** NLMSG_ERROR carrying {@code -errno}, echoing a 16-byte header, optionally with an extended-ack text. */
    static byte[] ack(int seq, int errno, String extAck) {
        byte[] text = extAck == null ? new byte[0] : (extAck + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int attrLen = extAck == null ? 0 : (4 + text.length + 3) & ~3;
        int len = 16 + 4 + 16 + attrLen;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        int flags = extAck == null ? 0 : Netlink.NLM_F_CAPPED | Netlink.NLM_F_ACK_TLVS;
        b.putInt(len).putShort((short) Netlink.NLMSG_ERROR).putShort((short) flags).putInt(seq).putInt(0);
        b.putInt(-errno);
        b.putInt(16).putShort((short) 20).putShort((short) 0x605).putInt(seq).putInt(0);
        if (extAck != null) {
            b.putShort((short) (4 + text.length)).putShort((short) Netlink.NLMSGERR_ATTR_MSG).put(text);
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static final String DONE = "14000000 0300 0200 00000000 00000000 00000000";

    @Test
    void positiveAckCompletesAnAdd() throws Exception {
        kernel.replies.add(seq -> ack(seq, 0, null));
        nl.addAddress(new AddressRequest(3, InetAddress.getByName("198.51.100.10"), 24, null, null, false));
        assertEquals(1, kernel.sent.size());
    }

    @Test
    void negativeAckBecomesAnExceptionWithErrnoAndTheKernelsText() throws Exception {
        kernel.replies.add(seq -> ack(seq, Errno.EEXIST, "ipv4: Address already assigned"));
        NetException e = assertThrows(NetException.class, () -> nl.addAddress(
                new AddressRequest(3, InetAddress.getByName("198.51.100.10"), 24, null, null, false)));
        assertEquals(Errno.EEXIST, e.errno());
        assertEquals("cannot add 198.51.100.10/24 to ifindex 3: file exists (EEXIST) - kernel says: "
                + "ipv4: Address already assigned", e.getMessage());
    }

    @Test
    void permissionDeniedInTheAckIsRecognised() throws Exception {
        kernel.replies.add(seq -> ack(seq, Errno.EPERM, null));
        NetException e = assertThrows(NetException.class,
                () -> nl.deleteAddress(3, InetAddress.getByName("198.51.100.10"), 24));
        assertTrue(e.isPermissionDenied());
    }

    @Test
    void repliesToAnEarlierRequestAreSkipped() throws Exception {
        // a late ack for a request that timed out earlier arrives first, in the same buffer as ours
        kernel.replies.add(seq -> concat(ack(seq - 1, Errno.EEXIST, null), ack(seq, 0, null)));
        nl.deleteAddress(3, InetAddress.getByName("198.51.100.10"), 24);
    }

    @Test
    void dumpSpanningSeveralReceivesKeepsEveryMessage() throws Exception {
        // regression: messages from the first buffer must survive the second receive
        kernel.replies.add(seq -> concat(withSeq(NetlinkDecodingTest.NEWADDR_SECONDARY, seq),
                withSeq(NetlinkDecodingTest.NEWADDR_SECONDARY, seq)));
        kernel.replies.add(seq -> concat(withSeq(NetlinkDecodingTest.NEWADDR_SECONDARY, seq), withSeq(DONE, seq)));
        List<InterfaceAddress> all = nl.addresses(IpFamily.IPV4);
        assertEquals(3, all.size());
        for (InterfaceAddress a : all) {
            assertEquals("198.51.100.100/25", a.toString());
            assertEquals("eth0:vip", a.label());
        }
    }

    @Test
    void noReplyIsATimeoutNamingTheOperation() {
        NetException e = assertThrows(NetException.class, () -> nl.addresses(IpFamily.IPV6));
        assertEquals(Errno.EAGAIN, e.errno());
        assertTrue(e.isTimeout());
        assertTrue(e.getMessage().startsWith("cannot list IPV6 addresses: no reply"), e.getMessage());
    }

    @Test
    void unknownInterfaceIsEnodev() {
        kernel.replies.add(seq -> ack(seq, Errno.ENODEV, null));
        NetException e = assertThrows(NetException.class, () -> nl.link("eth9"));
        assertEquals(Errno.ENODEV, e.errno());
        assertEquals("interface eth9: no such device (ENODEV)", e.getMessage());
    }

    @Test
    void overlongInterfaceNameIsRejectedWithoutAskingTheKernel() {
        NetException e = assertThrows(NetException.class, () -> nl.link("a-very-long-ifname0"));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(kernel.sent.isEmpty());
    }
}
