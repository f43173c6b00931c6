package io.lifeline.cluster;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.Address;
import org.jgroups.protocols.PingData;
import org.jgroups.util.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the node that JGroups would make the first coordinator of a cluster starting from nothing
 * create it as soon as every other node of ha.cf has answered its discovery as a joiner, instead
 * of after the whole join timeout.
 *
 * <p>Why: JGroups ends a discovery round early only on a coordinator's answer. When every node
 * starts at once (a cold start of the whole cluster, after a power cut, or all daemons restarted)
 * there is no coordinator yet, so every node waited out the join timeout (3 s,
 * {@link TimerSettings}); then JGroups' rule for that case made the first joiner in address
 * order create the cluster, and the others, asking again, joined it: the fault suite's full
 * restarts served again 8.5 s after the start, 3 s of it that wait (bench/faults/README.md).
 *
 * <p>The rule, narrower than "everyone answered", so that it never makes a coordinator JGroups'
 * own wait would not have made:
 * <ul>
 *   <li>only <em>replies</em> to this node's requests count, each from the node itself, and each
 *       must say it is a joiner: JGroups marks the requests it receives as from joiners whatever
 *       their sender is, and a view's members send them too (MERGE3 and {@code PromptMerge} on a
 *       ucast link), so a request says nothing about a cluster existing;</li>
 *   <li>every other node of ha.cf has replied so, and nothing in the round says a view exists
 *       (a member's or a coordinator's reply): then no coordinator exists that waiting could find;</li>
 *   <li>only the node JGroups elects in that case (the lowest address among itself and the round's
 *       answers) ends its round. The others keep waiting as before, and their next scheduled
 *       request (every 600 ms) finds the new coordinator. If they ended their rounds too, each
 *       would loop every 100 ms while the elected one installs its view, and JGroups makes a
 *       joiner a coordinator of its own after ten such loops.</li>
 * </ul>
 * A configured node that has not replied keeps the whole wait, so a slow coordinator is never
 * raced (the join rule, docs/cluster.md §4 "Forming a cluster"). Used by {@link LinkPing} and
 * {@link LinkTcpPing}; a member never ends a round.
 */
final class RosterDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(RosterDiscovery.class);

    private final NodeNames names;
    private final String localNode;
    private final int peers;
    /** Whose own reply to this node's discovery said it was a joiner (true) or in a view (false). */
    private final Map<Address, Boolean> replies = new ConcurrentHashMap<>();

    RosterDiscovery(NodeNames names, String localNode) {
        this.names = names;
        this.localNode = names.canonical(localNode);
        this.peers = (int) names.all().stream().filter(n -> !n.equals(this.localNode)).count();
    }

    /**
     * A reply to this node's discovery request (requests are not replies): counts when it is
     * about {@code sender} itself, not one relayed about another node.
     */
    void replied(Address sender, PingData reply) {
        if (sender != null && reply != null && (reply.getAddress() == null || reply.getAddress().equals(sender))) {
            replies.put(sender, !reply.isServer() && !reply.isCoord());
        }
    }

    /**
     * Whether this node, {@code self}, may create the cluster now: every other ha.cf node replied
     * to it as a joiner, nothing in {@code round} is in a view, and {@code self} has the lowest
     * address of the round (the one JGroups' rule for a round of joiners elects).
     */
    boolean mayCreateCluster(Address self, Responses round) {
        if (peers == 0 || self == null) {
            return false; // nobody to wait for: the round ends by its timeout, as in JGroups
        }
        Set<String> joiners = new HashSet<>();
        for (PingData answer : round) {
            if (answer == null || answer.getAddress() == null) {
                continue;
            }
            if (answer.isServer() || answer.isCoord() || Boolean.FALSE.equals(replies.get(answer.getAddress()))) {
                return false; // a view exists: its coordinator's answer ends the round
            }
            if (answer.getAddress().compareTo(self) < 0) {
                return false; // JGroups elects that one: this node waits for its cluster
            }
            String node = names.canonical(answer.getLogicalName());
            if (node != null && !node.equals(localNode) && Boolean.TRUE.equals(replies.get(answer.getAddress()))) {
                joiners.add(node);
            }
        }
        return joiners.size() == peers;
    }

    /**
     * Ends every pending round of {@code rounds} (JGroups' {@code ping_responses}, guarded by its
     * own monitor) in which this node may create the cluster. Returns whether it ended one, so
     * the caller cancels the round's repeated requests.
     */
    boolean endAnsweredRounds(boolean member, Address self, Map<Long, Responses> rounds) {
        if (member) {
            replies.clear(); // only a joiner uses them
            return false;
        }
        boolean ended = false;
        synchronized (rounds) {
            for (Iterator<Responses> it = rounds.values().iterator(); it.hasNext(); ) {
                Responses round = it.next();
                if (!round.isDone() && mayCreateCluster(self, round)) {
                    it.remove();
                    round.done();
                    ended = true;
                    LOG.debug("every node of ha.cf replied to the discovery as a joiner and this node has the lowest"
                            + " address: it creates the cluster without waiting out the join timeout");
                }
            }
        }
        return ended;
    }
}
