package io.lifeline.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.ViewId;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Group messages lost in a cut that changed no view reach the peer as soon as its heartbeats
 * announce them ({@link PromptRetransmit}), although the sender sends nothing more. With plain
 * NAKACK2 they stay lost until the sender's next group message reveals the gap (STABLE's gossip,
 * the only other group message, is set to a minute here, and NAKACK2's one "highest number"
 * notice after a last message is off, so the heartbeats are the only way): checked on the stack
 * before PromptRetransmit, where the test times out.
 */
class PromptRetransmitTest {

    private static final TimerSettings TIMERS = LoopbackChannels.TIMERS;

    @AutoClose
    private final LoopbackChannels channels = new LoopbackChannels();

    @Test
    void messagesLostInACutThatChangedNoViewArriveOnceTheHeartbeatsAnnounceThem() throws Exception {
        String cluster = "prompt-retransmit-" + System.nanoTime();
        JChannel a = channel("a");
        a.connect(cluster);
        JChannel b = channel("b");
        List<String> heard = new CopyOnWriteArrayList<>();
        b.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
                heard.add(new String(msg.getArray(), msg.getOffset(), msg.getLength(), StandardCharsets.UTF_8));
            }
        });
        b.connect(cluster);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.getView().size() == 2 && b.getView().size() == 2);
        ViewId view = b.getView().getViewId();

        send(a, "before");
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.equals(List.of("before")));

        // Everything a sends above its failure detector is lost; its heartbeats still go out, so
        // nobody is suspected and the view stays.
        DISCARD cut = a.getProtocolStack().findProtocol(DISCARD.class);
        cut.discardAll(true);
        send(a, "lost 1");
        send(a, "lost 2");
        send(a, "lost 3");
        await("nothing of the cut gets through").during(Duration.ofMillis(3 * TIMERS.fdIntervalMs()))
                .atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 1);
        cut.discardAll(false);

        await("the lost messages, in order, without a new one from a").atMost(Duration.ofSeconds(5))
                .until(() -> heard.equals(List.of("before", "lost 1", "lost 2", "lost 3")));
        assertEquals(view, b.getView().getViewId(), "the cut changed no view");

        // once nothing is missing (and a request already under way is out), the heartbeats ask
        // for nothing more
        NAKACK2 repair = b.getProtocolStack().findProtocol(NAKACK2.class);
        long[] asked = {-1};
        await("requests settle").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2 * TIMERS.fdIntervalMs()))
                .until(() -> {
                    long now = repair.getXmitRequestsSent();
                    boolean settled = now == asked[0];
                    asked[0] = now;
                    return settled;
                });
        await("no request for what arrived").during(Duration.ofMillis(5 * TIMERS.fdIntervalMs()))
                .atMost(Duration.ofSeconds(5)).until(() -> repair.getXmitRequestsSent() == asked[0]);
    }

    private static void send(JChannel ch, String text) throws Exception {
        ch.send(new BytesMessage(null, text.getBytes(StandardCharsets.UTF_8)));
    }

    private JChannel channel(String name) throws Exception {
        HeartbeatDetector fd = new HeartbeatDetector();
        fd.setInterval(TIMERS.fdIntervalMs());
        fd.setTimeout(30 * TIMERS.fdIntervalMs()); // a stalled CI box must not suspect anyone: the view stays
        NAKACK2 nakack = new PromptRetransmit();
        nakack.setXmitInterval(TIMERS.retransmitMs());
        // no "highest number" notice after a last message: only the heartbeats can reveal the loss,
        // whenever the box runs the notice (before or after the cut ends)
        nakack.resendLastSeqno(false);
        STABLE stable = new STABLE();
        stable.setDesiredAverageGossip(60_000);
        List<Protocol> stack = List.of(new SHARED_LOOPBACK(), new SHARED_LOOPBACK_PING(), fd,
                new SuspectVerifier().setTimeout(TIMERS.verifySuspectMs()), new DISCARD(), nakack, new UNICAST3(),
                stable, LinkStack.membership(TIMERS));
        return channels.open(name, new java.util.ArrayList<>(stack));
    }
}
