package io.lifeline.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jgroups.JChannel;
import org.jgroups.protocols.PingData;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.Responses;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A discovery round that every other node answered as a joiner ends at once ({@link RosterDiscovery}). */
class RosterDiscoveryTest {

    private static final NodeNames NODES = new NodeNames(List.of("n1", "N2", "n3"));

    private final LoopbackChannels channels = new LoopbackChannels();

    @AfterEach
    void close() {
        channels.close();
    }

    @Test
    void everyOtherNodeAnsweringAsAJoinerEndsTheRound() {
        RosterDiscovery roster = new RosterDiscovery(NODES, "n1");
        Responses round = new Responses(0, true);
        round.addResponse(joiner("n2"), false);
        assertFalse(roster.answeredByEveryJoiner(round), "n3 has not answered");
        round.addResponse(joiner("intruder"), false);
        round.addResponse(joiner("n1"), false);
        assertFalse(roster.answeredByEveryJoiner(round), "names outside ha.cf and this node's own do not count");
        round.addResponse(joiner("N3"), false);
        assertTrue(roster.answeredByEveryJoiner(round), "n2 and n3 answered, names matched without case");

        Map<Long, Responses> rounds = new LinkedHashMap<>(Map.of(1L, round));
        assertFalse(roster.endAnsweredRounds(true, rounds), "a member never ends a round");
        assertFalse(round.isDone());
        assertTrue(roster.endAnsweredRounds(false, rounds));
        assertTrue(round.isDone(), "the joiner waiting on the round is woken");
        assertTrue(rounds.isEmpty(), "the round is no longer pending");
    }

    @Test
    void anAnswerFromAMemberOfAViewKeepsTheWholeWait() {
        RosterDiscovery roster = new RosterDiscovery(NODES, "n1");
        Responses round = new Responses(0, false);
        round.addResponse(joiner("n2"), false);
        round.addResponse(new PingData(UUID.randomUUID(), true, "n3", null), false);
        assertFalse(roster.answeredByEveryJoiner(round), "n3 is in a view: its coordinator may still answer");

        Responses alone = new Responses(0, false);
        assertFalse(new RosterDiscovery(new NodeNames(List.of("n1")), "n1").answeredByEveryJoiner(alone),
                "a node alone in ha.cf waits for its round's timeout, as in JGroups");
    }

    /**
     * Three nodes started at once, none a coordinator, with a join timeout of a minute: they form
     * one view within seconds. Without {@link RosterDiscovery} each waits the whole minute
     * (checked on the code before it: the test times out).
     */
    @Test
    void nodesStartedTogetherFormAViewWithoutWaitingOutTheJoinTimeout() throws Exception {
        String cluster = "roster-" + System.nanoTime();
        List<JChannel> nodes = new ArrayList<>();
        for (String n : List.of("n1", "n2", "n3")) {
            nodes.add(channel(n));
        }
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        for (JChannel ch : nodes) {
            connects.add(CompletableFuture.runAsync(() -> {
                try {
                    ch.connect(cluster);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        await("one view of the three, long before the 60 s join timeout").atMost(Duration.ofSeconds(20))
                .until(() -> connects.stream().allMatch(CompletableFuture::isDone)
                        && nodes.stream().allMatch(ch -> ch.getView() != null && ch.getView().size() == 3));
        assertEquals(1, nodes.stream().map(ch -> ch.getView().getViewId()).distinct().count(), "one view");
    }

    private static PingData joiner(String name) {
        return new PingData(UUID.randomUUID(), false, name, null);
    }

    private JChannel channel(String name) throws Exception {
        LinkPing ping = new LinkPing().expectNodes(new RosterDiscovery(NODES, name));
        GMS gms = new GMS().setJoinTimeout(60_000);
        gms.printLocalAddress(false);
        List<Protocol> stack = List.of(new SHARED_LOOPBACK(), ping, new NAKACK2(), new UNICAST3(), new STABLE(), gms);
        return channels.open(name, new ArrayList<>(stack));
    }
}
