package io.lifeline.cluster;

import org.jgroups.EmptyMessage;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_ALL3;

/**
 * JGroups' FD_ALL3 with the heartbeat sender and the timeout checker in one timer task.
 *
 * <p>FD_ALL3 schedules two tasks at the same interval, so at keepalive 50 ms the node woke up 40
 * times a second for them; a wake-up costs 50-120 us of CPU on a small VM, which was most of the
 * daemon's idle CPU (bench/detection). Sending and then checking in one task halves that without
 * changing what is sent or when a peer is suspected. The first heartbeat goes out one interval
 * after a view change instead of at once.
 */
public final class HeartbeatDetector extends FD_ALL3 {

    /** Same protocol id as {@link FD_ALL3}: the same headers on the wire, and no id of our own to register. */
    public HeartbeatDetector() {
        setId(ClassConfigurator.getProtocolId(FD_ALL3.class));
    }

    @Override
    protected void startHeartbeatSender() {
        // the timeout checker's task sends the heartbeats (createTimeoutChecker)
    }

    @Override
    protected void stopHeartbeatSender() {
        // nothing scheduled of its own
    }

    @Override
    protected Runnable createTimeoutChecker() {
        Runnable check = super.createTimeoutChecker();
        return () -> {
            sendHeartbeat();
            check.run();
        };
    }

    /** FD_ALL3's HeartbeatSender: skipped when a multicast went out since the last round. */
    private void sendHeartbeat() {
        if (mcast_sent.compareAndSet(true, false)) {
            return;
        }
        down_prot.down(new EmptyMessage().setFlag(Message.TransientFlag.DONT_LOOPBACK)
                .putHeader(id, new HeartbeatHeader()));
        num_heartbeats_sent++;
    }
}
