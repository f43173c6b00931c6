package io.lifeline.cluster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.util.SeqnoList;
import org.jgroups.util.Table;

/**
 * JGroups' NAKACK2 that asks for a peer's lost group messages as soon as one of its heartbeats
 * says they were sent, instead of when a later message of the peer reveals the gap and the
 * retransmission task has seen that gap twice.
 *
 * <p>Why: NAKACK2 learns that it missed a peer's messages only from the peer's next group
 * message (or its one "highest number" notice, sent once after a message), and its retransmission
 * task then asks only for numbers that were already missing at its previous run (JGRP-1539), so
 * the repair comes one to two retransmission intervals later: 400-800 ms at keepalive 200 ms.
 * Messages are delivered in order, so every later message of that peer waits too. After a cut
 * that changed no view (a one-sided cut whose coordinator kept both ends, or a short blip), the
 * reports a peer sent during the cut were lost, nothing revealed the gap, and the first report
 * after the heal, such as the confirmation of a claim, waited behind it. That fits the fault
 * suite's failover right after a healed one-sided cut that took 550-790 ms instead of 40 in three
 * runs of five (bench/faults/README.md, seed 11, fault #64; docs/cluster.md).
 *
 * <p>How: every heartbeat carries the sender's highest group-message number
 * ({@link HeartbeatDetector}). A number that the <em>previous</em> heartbeat of that peer
 * already announced and that has still not arrived here is lost (it was sent at least one
 * keepalive ago on a link whose delivery takes far less): it is asked for at once, with every
 * number missing below it. The previous heartbeat's number, not the current one's, so that a
 * message still in flight, sent just before the heartbeat that announces it, is never asked for:
 * JGroups' own check against the STABLE digests uses the same rule. So a lost group message is
 * repaired one to two keepalives after it was sent, or after the link heals. While numbers stay
 * missing they are asked for again at every heartbeat (the retransmission task asks every two
 * keepalives): a frozen or cut-off sender costs one small request per keepalive.
 *
 * <p>Same protocol id as {@link NAKACK2}: the same headers on the wire, so peers that do not
 * announce numbers in their heartbeats interoperate (they are simply not asked early).
 */
public final class PromptRetransmit extends NAKACK2 {

    /** Per peer, the highest group-message number its latest heartbeat announced. */
    private final Map<Address, Long> announced = new ConcurrentHashMap<>();

    public PromptRetransmit() {
        setId(ClassConfigurator.getProtocolId(NAKACK2.class));
    }

    /**
     * A heartbeat of {@code sender} said it had sent group messages up to {@code seqno}. Asks at
     * once for those its previous heartbeat announced that have not arrived here.
     */
    void announced(Address sender, long seqno) {
        if (sender == null || sender.equals(local_addr)) {
            return;
        }
        Table<Message> window = xmit_table.get(sender);
        if (window == null) {
            announced.remove(sender); // not a member (yet): nothing is expected from it
            return;
        }
        Long before = announced.put(sender, seqno);
        if (before == null) {
            return;
        }
        // a peer's numbers only grow; min() in case a merge's digest moved them
        long lost = Math.min(before, seqno);
        int most = getMaxXmitReqSize(); // per request, as NAKACK2's own
        SeqnoList gaps = window.getMissing(most);
        // read after the gaps: a number arriving in between is asked for twice at worst, never missed
        long received = window.getHighestReceived();
        if (gaps != null) {
            gaps.removeHigherThan(lost);
            if (!gaps.isEmpty()) {
                retransmit(gaps, sender, false);
            }
        }
        if (lost > received) {
            retransmit(received + 1, Math.min(lost, received + most), sender, false);
        }
    }

    @Override
    public Object down(Event evt) {
        Object result = super.down(evt);
        if (evt.getType() == Event.VIEW_CHANGE) {
            View view = evt.getArg();
            announced.keySet().retainAll(view.getMembers());
        }
        return result;
    }
}
