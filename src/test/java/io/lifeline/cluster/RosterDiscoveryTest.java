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
import org.jgroups.Address;
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
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The first of nodes started together creates the cluster at once ({@link RosterDiscovery}). */
class RosterDiscoveryTest {

    private static final NodeNames NODES = new NodeNames(List.of("n1", "N2", "n3"));

    @AutoClose
    private final LoopbackChannels channels = new LoopbackChannels();

    private static final Address A1 = new UUID(0, 1);
    private static final Address A2 = new UUID(0, 2);
    private static final Address A3 = new UUID(0, 3);

    @Test
    void theLowestAddressEndsItsRoundOnceEveryOtherNodeRepliedAsAJoiner() {
        RosterDiscovery n1 = new RosterDiscovery(NODES, "n1");
        Responses round = new Responses(0, true);
        reply(n1, round, joiner(A2, "N2"));
        assertFalse(n1.mayCreateCluster(A1, round), "n3 has not replied");
        reply(n1, round, joiner(new UUID(0, 9), "intruder"));
        assertFalse(n1.mayCreateCluster(A1, round), "a name outside ha.cf does not stand in for n3");
        reply(n1, round, joiner(A3, "n3"));
        assertTrue(n1.mayCreateCluster(A1, round), "n2 and n3 replied as joiners, names matched without case");

        RosterDiscovery n2 = new RosterDiscovery(NODES, "n2");
        Responses seenByN2 = new Responses(0, true);
        reply(n2, seenByN2, joiner(A1, "n1"));
        reply(n2, seenByN2, joiner(A3, "n3"));
        assertFalse(n2.mayCreateCluster(A2, seenByN2), "n1 has the lower address: JGroups elects it, n2 waits");

        Map<Long, Responses> rounds = new LinkedHashMap<>(Map.of(1L, round));
        assertFalse(new RosterDiscovery(NODES, "n1").endAnsweredRounds(true, A1, rounds), "a member never ends a round");
        assertFalse(round.isDone());
        assertTrue(n1.endAnsweredRounds(false, A1, rounds));
        assertTrue(round.isDone(), "the joiner waiting on the round is woken");
        assertTrue(rounds.isEmpty(), "the round is no longer pending");
    }

    @Test
    void requestsAreNotReplies() {
        // A member's discovery request (MERGE3, PromptMerge's pokes on a ucast link) is marked as
        // from a joiner by JGroups whatever its sender is: it says nothing about a cluster existing.
        RosterDiscovery n1 = new RosterDiscovery(NODES, "n1");
        Responses round = new Responses(0, true);
        round.addResponse(joiner(A2, "n2"), false);
        round.addResponse(joiner(A3, "n3"), false);
        assertFalse(n1.mayCreateCluster(A1, round), "only requests so far");
        reply(n1, round, joiner(A2, "n2"));
        assertFalse(n1.mayCreateCluster(A1, round), "n3 has only sent a request");
    }

    @Test
    void aReplyFromAMemberOfAViewKeepsTheWholeWait() {
        RosterDiscovery n1 = new RosterDiscovery(NODES, "n1");
        Responses round = new Responses(0, false);
        reply(n1, round, joiner(A2, "n2"));
        reply(n1, round, new PingData(A3, true, "n3", null));
        assertFalse(n1.mayCreateCluster(A1, round), "n3 is in a view: its coordinator's reply ends the round");

        Responses alone = new Responses(0, false);
        assertFalse(new RosterDiscovery(new NodeNames(List.of("n1")), "n1").mayCreateCluster(A1, alone),
                "a node alone in ha.cf waits for its round's timeout, as in JGroups");
    }

    /**
     * Three nodes started at once, none a coordinator, with a join timeout of a minute: they form
     * one view within seconds (the lowest address creates it at once, the others find it with
     * their next request). Without {@link RosterDiscovery} each waits the whole minute (checked on
     * the code before it: the test times out).
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

    private static PingData joiner(Address address, String name) {
        return new PingData(address, false, name, null);
    }

    /** A reply as the discovery protocol hands it over: recorded as a reply, then added to the round. */
    private static void reply(RosterDiscovery roster, Responses round, PingData data) {
        roster.replied(data.getAddress(), data);
        round.addResponse(data, true);
    }

    private JChannel channel(String name) throws Exception {
        LinkPing ping = new LinkPing().expectNodes(new RosterDiscovery(NODES, name));
        ping.numDiscoveryRuns(30); // a request every 2 s, as every 600 ms in a link (LinkStack)
        GMS gms = new GMS().setJoinTimeout(60_000);
        gms.printLocalAddress(false);
        List<Protocol> stack = List.of(new SHARED_LOOPBACK(), ping, new NAKACK2(), new UNICAST3(), new STABLE(), gms);
        return channels.open(name, new ArrayList<>(stack));
    }
}
