package io.lifeline.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A healed partition merges as soon as each side hears the other ({@link PromptMerge}), not at
 * MERGE3's next round. MERGE3's own rounds are set to 30-60 s here (its view check every 96 s),
 * so within the test's 10 s only the prompt path can merge: with JGroups' plain MERGE3 in the
 * stack the two nodes stay split (checked on the code before PromptMerge).
 */
class PromptMergeTest {

    private static final TimerSettings TIMERS = LoopbackChannels.TIMERS;

    @AutoClose
    private final LoopbackChannels channels = new LoopbackChannels();

    @Test
    void aHealedPartitionMergesWhenTheOtherSideIsHeardNotAtMerge3sNextRound() throws Exception {
        String cluster = "prompt-merge-" + System.nanoTime();
        JChannel a = channel("a");
        a.connect(cluster);
        JChannel b = channel("b");
        b.connect(cluster);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.getView().size() == 2 && b.getView().size() == 2);

        discard(a).addIgnoreMember(b.getAddress());
        discard(b).addIgnoreMember(a.getAddress());
        await().atMost(Duration.ofSeconds(20)).until(() -> a.getView().size() == 1 && b.getView().size() == 1);

        discard(a).resetIgnoredMembers();
        discard(b).resetIgnoredMembers();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.getView().size() == 2 && b.getView().size() == 2);
        assertEquals(a.getView().getViewId(), b.getView().getViewId(), "one view after the merge");
    }

    @Test
    void aNodeHeardAgainAndAgainIsNudgedAtOnceThenAfterADoublingDelay() {
        NudgeBackoff<String> backoff = new NudgeBackoff<>(1_000, 8_000, 30_000, 64);
        long t = 1_000_000;
        List<Long> sent = new ArrayList<>();
        for (long now = t; now < t + 20_000; now += 50) { // heard every 50 ms for 20 s
            if (backoff.tryNudge("n2", now)) {
                sent.add(now - t);
            }
        }
        assertEquals(List.of(0L, 1_000L, 3_000L, 7_000L, 15_000L), sent, "at once, then after 1, 2, 4, 8 s");
        assertEquals(true, backoff.tryNudge("n3", t + 20_000), "another sender has its own backoff");
        assertEquals(true, backoff.tryNudge("n2", t + 15_000 + 30_000), "at once again after 30 s without a nudge");
        assertEquals(false, backoff.tryNudge("n2", t + 15_000 + 30_500), "and then the delay starts over at 1 s");
    }

    @Test
    void theBackoffForgetsQuietSendersWhenFullSoItsMemoryIsBounded() {
        NudgeBackoff<Integer> backoff = new NudgeBackoff<>(1_000, 8_000, 30_000, 4);
        for (int restart = 0; restart < 100; restart++) { // a peer restarted 100 times: 100 addresses
            backoff.tryNudge(restart, restart * 1_000L);
        }
        assertEquals(true, backoff.size() <= 4, "at most 4 kept, was " + backoff.size());
    }

    private JChannel channel(String name) throws Exception {
        MERGE3 merge = new PromptMerge();
        merge.setMaxInterval(60_000);
        merge.setMinInterval(30_000);
        HeartbeatDetector fd = new HeartbeatDetector();
        fd.setInterval(TIMERS.fdIntervalMs());
        fd.setTimeout(TIMERS.fdTimeoutMs());
        List<Protocol> stack = new ArrayList<>(List.of(new SHARED_LOOPBACK(), new DISCARD(), new SHARED_LOOPBACK_PING(),
                merge, fd, new SuspectVerifier().setTimeout(TIMERS.verifySuspectMs()), new NAKACK2(), new UNICAST3(),
                new STABLE(), LinkStack.membership(TIMERS)));
        return channels.open(name, stack);
    }

    private static DISCARD discard(JChannel ch) {
        return ch.getProtocolStack().findProtocol(DISCARD.class);
    }
}
