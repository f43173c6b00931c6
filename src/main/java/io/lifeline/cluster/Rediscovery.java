package io.lifeline.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jgroups.util.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks for the cluster's members again the moment a peer's handshake completes while this node
 * is still joining, instead of at the discovery protocol's next scheduled run.
 *
 * <p>Why: a restarted node's first discovery request reaches peers that have not heard its new
 * incarnation yet, so they refuse it (replay protection, {@link DatagramAuthenticator}) and
 * answer with a hello; the exchange completes within a round trip, but JGroups repeats a
 * discovery request only every join timeout / runs (600 ms with ours), and that wait was most of
 * a restarted node's time to join on a quiet box (bench/start, 2026-12-07: request refused at
 * +0 ms, handshake done at +12 ms, next request at +586 ms). Asking again is what the next
 * scheduled run would do, only sooner; a member (a node that has joined) never does it.
 * Used by {@link LinkPing} and {@link LinkTcpPing}, which have access to JGroups' pending
 * discovery rounds.
 */
final class Rediscovery {

    private static final Logger LOG = LoggerFactory.getLogger(Rediscovery.class);

    private Rediscovery() {
    }

    /**
     * Sends the request of every discovery round still waiting for answers again, on
     * {@code executor} (JGroups' timer, not the receiver thread that completed the handshake).
     *
     * @param member       whether this node is a member already (JGroups' {@code is_server})
     * @param rounds       JGroups' {@code ping_responses}, guarded by its own monitor
     * @param sendRequest  sends one discovery request for a round (the protocol's findMembers)
     */
    static void askAgain(boolean member, Map<Long, Responses> rounds, Executor executor,
                         Consumer<Responses> sendRequest) {
        if (member) {
            return;
        }
        List<Responses> pending = new ArrayList<>();
        synchronized (rounds) {
            for (Responses r : rounds.values()) {
                if (!r.isDone()) {
                    pending.add(r);
                }
            }
        }
        for (Responses r : pending) {
            LOG.debug("a peer's handshake completed while joining: discovery request sent again");
            executor.execute(() -> sendRequest.accept(r));
        }
    }
}
