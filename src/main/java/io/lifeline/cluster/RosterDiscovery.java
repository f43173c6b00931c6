package io.lifeline.cluster;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.jgroups.protocols.PingData;
import org.jgroups.util.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a joining node's discovery round as soon as every other node of ha.cf has answered it as a
 * joiner itself, instead of after the whole join timeout.
 *
 * <p>Why: JGroups ends a round early only on a coordinator's answer. When every node starts at
 * once (a cold start of the whole cluster, after a power cut, or all daemons restarted) there is
 * no coordinator yet, so every node waited out the join timeout (3 s, {@link TimerSettings})
 * before JGroups' rule for that case made the first of them in address order the coordinator and
 * the others joined it: the fault suite's full restarts served again 8.5 s after the start, 3 s
 * of it that wait (bench/faults/README.md). Once every configured node has answered and none is
 * in a view, no coordinator exists that a longer wait could find, so JGroups' rule runs at once
 * (the first joiner creates the cluster; the others ask again 100 ms later and join it).
 *
 * <p>Nothing else changes: a configured node that has not answered, or an answer from a member
 * of a view (a cluster exists, its coordinator's answer is coming), keeps the whole wait, so a
 * coordinator slow to answer is never raced (the join rule, docs/cluster.md §4 "Forming a
 * cluster"). Used by {@link LinkPing} and {@link LinkTcpPing}; a member never ends a round.
 */
final class RosterDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(RosterDiscovery.class);

    private final NodeNames names;
    private final String localNode;
    private final int peers;

    RosterDiscovery(NodeNames names, String localNode) {
        this.names = names;
        this.localNode = names.canonical(localNode);
        this.peers = (int) names.all().stream().filter(n -> !n.equals(this.localNode)).count();
    }

    /** Whether every other ha.cf node answered {@code round}, each as a joiner (in no view yet). */
    boolean answeredByEveryJoiner(Responses round) {
        if (peers == 0) {
            return false; // nobody to wait for: the round ends by its timeout, as in JGroups
        }
        Set<String> answered = new HashSet<>();
        for (PingData answer : round) {
            if (answer == null) {
                continue;
            }
            if (answer.isServer() || answer.isCoord()) {
                return false; // a view exists: its coordinator's answer ends the round
            }
            String node = names.canonical(answer.getLogicalName());
            if (node != null && !node.equals(localNode)) {
                answered.add(node);
            }
        }
        return answered.size() == peers;
    }

    /**
     * Ends every pending round of {@code rounds} (JGroups' {@code ping_responses}, guarded by its
     * own monitor) that every other node has answered as a joiner. Returns whether it ended one,
     * so the caller cancels the round's repeated requests.
     */
    boolean endAnsweredRounds(boolean member, Map<Long, Responses> rounds) {
        if (member) {
            return false;
        }
        boolean ended = false;
        synchronized (rounds) {
            for (Iterator<Responses> it = rounds.values().iterator(); it.hasNext(); ) {
                Responses round = it.next();
                if (!round.isDone() && answeredByEveryJoiner(round)) {
                    it.remove();
                    round.done();
                    ended = true;
                    LOG.debug("every node of ha.cf answered the discovery as a joiner: no coordinator to wait for");
                }
            }
        }
        return ended;
    }
}
