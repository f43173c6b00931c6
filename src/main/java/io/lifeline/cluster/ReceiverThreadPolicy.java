package io.lifeline.cluster;

import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.PassRegularMessagesUpDirectly;

/**
 * How a link's transport hands received messages up: regular messages on the receiver thread
 * itself (JGroups' "direct" policy: no hand-over to a pool thread for each heartbeat and report,
 * bench/detection's idle CPU), except membership (GMS) messages, which go to the thread pool like
 * OOB messages.
 *
 * <p>Why the exception: a GMS message can block the thread that handles it. When a partition
 * heals, the merge leader sends each subgroup coordinator the merge view as a regular unicast,
 * and that coordinator casts it to its members and waits for their acknowledgements, up to
 * GMS' view-ack timeout (2 s), on the thread that handles the message. Under the "direct" policy
 * that was the unicast receiver thread, the very thread the acknowledgements arrive on: it waited
 * out the whole timeout, and every unicast to that node (retransmission requests among them, so
 * the first reports after the merge) waited with it. bench/scale, 4 nodes, 2026-12-07: one owner
 * per group 2.2-2.4 s after the heal; in a debug log and a packet capture the acknowledgements were
 * on the wire at once and read 2 s later, in one burst. With this policy (and NAKACK2's shorter
 * retransmission interval, {@link TimerSettings}) 0.7 s.
 */
public final class ReceiverThreadPolicy extends PassRegularMessagesUpDirectly {

    private static final short GMS_ID = ClassConfigurator.getProtocolId(GMS.class);

    /** Public: JGroups creates the policy from its class name (a policy object set directly is replaced by its default). */
    public ReceiverThreadPolicy() {
        // nothing to set up: the transport is handed over in init
    }

    @Override
    public boolean process(Message msg, boolean oob) {
        // "oob" here only picks the hand-over: the message is still delivered as what it is
        return super.process(msg, oob || isMembership(msg));
    }

    @Override
    public boolean process(MessageBatch batch, boolean oob) {
        if (!oob && hasMembership(batch)) {
            return tp.getThreadPool().execute(new BatchHandler(batch, false));
        }
        return super.process(batch, oob);
    }

    static boolean isMembership(Message msg) {
        return msg.getHeader(GMS_ID) != null;
    }

    private static boolean hasMembership(MessageBatch batch) {
        for (Message m : batch) {
            if (isMembership(m)) {
                return true;
            }
        }
        return false;
    }
}
