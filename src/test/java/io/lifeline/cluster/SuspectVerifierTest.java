package io.lifeline.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.NameCache;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The failure detector's suspicion reaches the link as verification begins, before the peer is excluded. */
class SuspectVerifierTest {

    @AutoClose
    private final LoopbackChannels channels = new LoopbackChannels();

    @Test
    void aSilentPeerIsReportedWhenItsVerificationBegins() throws Exception {
        String cluster = "suspect-" + System.nanoTime();
        Queue<String> suspectedAtA = new ConcurrentLinkedQueue<>();
        DISCARD cut = new DISCARD();
        JChannel a = channel("a", new DISCARD(), suspects -> suspects.forEach(s -> suspectedAtA.add(NameCache.get(s))));
        a.connect(cluster);
        JChannel b = channel("b", cut, suspects -> { });
        b.connect(cluster);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.getView().size() == 2 && b.getView().size() == 2);
        assertTrue(suspectedAtA.isEmpty(), "no suspicion while b is heard");

        long silentSince = System.nanoTime();
        cut.discardAll(true); // b goes silent: nothing it sends arrives
        await().atMost(Duration.ofSeconds(20)).until(() -> suspectedAtA.contains("b"));
        long suspectedAfterMs = (System.nanoTime() - silentSince) / 1_000_000;
        assertEquals(2, a.getView().size(), "suspected, not yet excluded: verification takes " + LoopbackChannels.TIMERS.verifySuspectMs() + " ms more");
        assertTrue(suspectedAfterMs < LoopbackChannels.TIMERS.deadtime().toMillis(), suspectedAfterMs + " ms");
        await().atMost(Duration.ofSeconds(20)).until(() -> a.getView().size() == 1);
    }

    private JChannel channel(String name, DISCARD discard, java.util.function.Consumer<java.util.Collection<Address>> onSuspect)
            throws Exception {
        FD_ALL3 fd = new HeartbeatDetector();
        fd.setInterval(LoopbackChannels.TIMERS.fdIntervalMs());
        fd.setTimeout(LoopbackChannels.TIMERS.fdTimeoutMs());
        List<Protocol> stack = new ArrayList<>(List.of(new SHARED_LOOPBACK(), discard, new SHARED_LOOPBACK_PING(), fd,
                new SuspectVerifier().onSuspect(onSuspect).setTimeout(LoopbackChannels.TIMERS.verifySuspectMs()),
                new NAKACK2(), new UNICAST3(), new STABLE(), LinkStack.membership(LoopbackChannels.TIMERS)));
        return channels.open(name, stack);
    }
}
