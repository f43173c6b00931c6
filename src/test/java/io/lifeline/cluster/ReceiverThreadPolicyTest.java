package io.lifeline.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.TP;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Membership messages are handled on a pool thread, everything regular on the thread that
 * received the datagram ({@link ReceiverThreadPolicy}). SHARED_LOOPBACK delivers a datagram on the
 * sender's own thread, so "handled on the receiving thread" shows as "handled while the sender is
 * still sending it". With JGroups' plain "direct" policy the view a coordinator casts is handled
 * on that thread too: the subgroup coordinator of a merge then waited for view acknowledgements on
 * the one thread they arrive on (checked on the code before the policy).
 */
class ReceiverThreadPolicyTest {

    /** Set while a message is on its way down a sender's stack (and, in SHARED_LOOPBACK, into the receiver's). */
    private static final ThreadLocal<Boolean> SENDING = ThreadLocal.withInitial(() -> false);

    @AutoClose
    private final LoopbackChannels channels = new LoopbackChannels();

    @Test
    void membershipMessagesGoToThePoolAndEverythingRegularStaysOnTheReceivingThread() throws Exception {
        String cluster = "receiver-policy-" + System.nanoTime();
        Recorder atA = new Recorder();
        Recorder atB = new Recorder();
        JChannel a = channel("a", atA);
        a.connect(cluster);
        JChannel b = channel("b", atB);
        b.connect(cluster);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.getView().size() == 2 && b.getView().size() == 2);
        a.send(new BytesMessage(null, new byte[] {1}));
        await().atMost(Duration.ofSeconds(20)).until(() -> !atB.regularData.isEmpty());

        assertTrue(atB.regularMembership.size() > 0, "b received a's view (a regular GMS message)");
        assertEquals(List.of(false), List.copyOf(new java.util.HashSet<>(atB.regularMembership)),
                "every regular membership message was handled on a pool thread, not the receiving one");
        assertEquals(List.of(true), List.copyOf(new java.util.HashSet<>(atB.regularData)),
                "regular data is still handled on the receiving thread");
    }

    private JChannel channel(String name, Recorder recorder) throws Exception {
        TP transport = new SHARED_LOOPBACK().setMessageProcessingPolicy(ReceiverThreadPolicy.class.getName());
        transport.setBundlerType("no-bundler"); // as on a link: sent on the calling thread
        List<Protocol> stack = new ArrayList<>(List.of(transport, new SHARED_LOOPBACK_PING(), recorder,
                new NAKACK2(), new UNICAST3(), new STABLE(), LinkStack.membership(LoopbackChannels.TIMERS)));
        JChannel ch = channels.open(name, stack);
        assertTrue(transport.getMessageProcessingPolicy() instanceof ReceiverThreadPolicy, "the link's policy is in place");
        return ch;
    }

    /** Notes, per regular message received, whether it was handled while its sender was still sending it. */
    static final class Recorder extends Protocol {
        final Queue<Boolean> regularMembership = new ConcurrentLinkedQueue<>();
        final Queue<Boolean> regularData = new ConcurrentLinkedQueue<>();

        @Override
        public Object down(Message msg) {
            boolean outer = SENDING.get();
            SENDING.set(true);
            try {
                return down_prot.down(msg);
            } finally {
                SENDING.set(outer);
            }
        }

        @Override
        public Object up(Message msg) {
            if (!msg.isFlagSet(Message.Flag.OOB)) {
                if (ReceiverThreadPolicy.isMembership(msg)) {
                    regularMembership.add(SENDING.get());
                } else if (msg instanceof BytesMessage bm && bm.getLength() == 1) {
                    regularData.add(SENDING.get());
                }
            }
            return up_prot.up(msg);
        }
    }

    @Test
    void everyLinkKindsTransportUsesThePolicy() throws Exception {
        MutableClock clock = new MutableClock(1_800_000_000_000L);
        DatagramAuthenticator auth = new DatagramAuthenticator("cluster", DatagramAuthenticatorTest.SHARED, false,
                DatagramAuthenticatorTest.NAMES, "n1", DatagramAuthenticator.newEpoch(clock),
                new AuthDrops("test", clock), clock);
        java.net.InetAddress self = java.net.InetAddress.getByName("198.51.100.11");
        for (LinkSpec spec : List.of(new LinkSpec.Bcast("eth0", 694, 1),
                new LinkSpec.Mcast("eth0", java.net.InetAddress.getByName("239.1.2.3"), 694, 1, false, 2),
                new LinkSpec.Ucast("eth0", 694, List.of(java.net.InetAddress.getByName("198.51.100.12")), 3))) {
            List<Protocol> stack = LinkStack.build(spec, self, java.net.InetAddress.getByName("198.51.100.255"),
                    LoopbackChannels.TIMERS,
                    auth, new PeerActivity(), clock);
            TP transport = (TP) stack.get(0);
            assertTrue(transport.getMessageProcessingPolicy() instanceof ReceiverThreadPolicy, spec.toString());
        }
    }
}
