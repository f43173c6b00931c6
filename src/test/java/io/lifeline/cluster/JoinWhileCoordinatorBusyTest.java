package io.lifeline.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * bench/scale, 16 daemons started at once on 2 cores: a coordinator busy starting up got to its
 * first JOIN 4-7 s late, while joiners gave up after 500 ms (the join timeout was 2 x keepalive)
 * and asked again, often another coordinator; the first coordinator still added them when it got
 * to their JOIN, so they were members of two views at once (docs/cluster.md "Forming a cluster").
 * With Lifeline's GMS settings ({@link LinkStack#membership}) a joiner waits out a coordinator that
 * needs a second for its JOIN, and sends one JOIN, not several.
 */
class JoinWhileCoordinatorBusyTest {

    /** How long the coordinator takes to get to a JOIN: above the old 500 ms, well below the new timeout. */
    private static final int BUSY_MS = 1_000;

    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor();
    private JChannel coordinator;
    private JChannel joiner;

    @AfterEach
    void close() {
        if (joiner != null) {
            joiner.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
        delayer.shutdownNow();
    }

    @Test
    void aJoinerWaitsForABusyCoordinatorInsteadOfAskingAgain() throws Exception {
        TimerSettings timers = TimerSettings.from(Duration.ofMillis(100), Duration.ofMillis(500),
                Duration.ofMillis(300), Duration.ofSeconds(5));
        String cluster = "join-busy-" + System.nanoTime();
        BusyWithJoins busy = new BusyWithJoins(delayer);
        coordinator = channel("c1", timers, busy);
        coordinator.connect(cluster);
        joiner = channel("c2", timers, null);
        joiner.connect(cluster); // returns once joined (or alone after max_join_attempts)

        await().atMost(Duration.ofSeconds(20))
                .until(() -> coordinator.getView().size() == 2 && joiner.getView().size() == 2);
        assertEquals(coordinator.getView().getViewId(), joiner.getView().getViewId(), "one view, one coordinator");
        assertEquals(1, busy.joinRequests.get(), "the joiner asked once and waited for the answer");
    }

    private static JChannel channel(String name, TimerSettings timers, Protocol extra) throws Exception {
        List<Protocol> stack = new ArrayList<>(List.of(new SHARED_LOOPBACK(), new SHARED_LOOPBACK_PING(),
                new NAKACK2(), new UNICAST3(), new STABLE()));
        if (extra != null) {
            stack.add(extra); // right below GMS: it sees each JOIN once, not UNICAST3's retransmissions
        }
        stack.add(LinkStack.membership(timers));
        return new JChannel(stack).name(name);
    }

    /** Hands every JOIN request up {@link #BUSY_MS} late (a coordinator busy starting up) and counts them. */
    static final class BusyWithJoins extends Protocol {
        final AtomicInteger joinRequests = new AtomicInteger();
        private final ScheduledExecutorService delayer;

        BusyWithJoins(ScheduledExecutorService delayer) {
            this.delayer = delayer;
        }

        @Override
        public Object up(Message msg) {
            GMS.GmsHeader h = msg.getHeader(org.jgroups.conf.ClassConfigurator.getProtocolId(GMS.class));
            if (h != null && h.getType() == GMS.GmsHeader.JOIN_REQ) {
                joinRequests.incrementAndGet();
                delayer.schedule(() -> up_prot.up(msg), BUSY_MS, TimeUnit.MILLISECONDS);
                return null;
            }
            return up_prot.up(msg);
        }
    }
}
