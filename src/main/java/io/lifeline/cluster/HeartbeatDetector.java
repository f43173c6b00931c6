package io.lifeline.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Message;
import org.jgroups.MergeView;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.NakAckHeader2;
import org.jgroups.util.MessageBatch;

/**
 * JGroups' FD_ALL3 with the heartbeat sender and the timeout checker in one timer task, and a
 * peer suspected exactly {@code timeout} after it was last heard.
 *
 * <p>One task: FD_ALL3 schedules two tasks at the same interval, so at keepalive 50 ms the node
 * woke up 40 times a second for them; a wake-up costs 50-120 us of CPU on a small VM, which was
 * most of the daemon's idle CPU (bench/detection). Sending and then checking in one task halves
 * that without changing what is sent. The first heartbeat goes out one interval after a view
 * change instead of at once.
 *
 * <p>Exact timeout: FD_ALL3 keeps one bit per interval and suspects a peer after a whole number
 * of empty intervals, counted on its own check rhythm, so a peer killed just after a check was
 * suspected up to one interval late: at 50 ms / 250 ms the survivor declared it dead 209-276 ms
 * after the kill (median 264 in bench/detection) where Heartbeat's rule, "silent for deadtime",
 * means 200-250. Here each peer's last packet time is kept, a peer is suspected when it is
 * {@code timeout} old, and when a peer will reach that age before the next round, a one-shot
 * check is scheduled for that moment. A healthy peer is heard every interval, so that extra
 * check only runs while a peer is already silent for more than {@code timeout - interval}: no
 * wake-ups are added while all is well.
 *
 * <p>Joining: a member new in a view is not suspected before {@code timeout} plus a grace
 * ({@link #setJoinGrace}, deadtime in a link) has passed since it joined, whatever it sent in
 * between; not one that a merge view brings back ({@link #joiners}). A node that has just joined is usually a JVM still starting: it sends its view
 * acknowledgement or a first heartbeat and then, on a busy host, can stop for longer than the
 * timeout while it loads and compiles the rest of its start. In bench/scale (16 nodes started
 * 1.5 s apart) the newest node was declared dead within a second of joining in two runs of four,
 * and merged back 4 s later; a grace that ended with the first packet still lost a joiner heard
 * once 70 ms after the view and then silent for 500 ms. After the grace the plain timeout holds.
 * Peers only ever drop a node later than without it, so the quorum lease, which counts on peers
 * dropping a node no <em>earlier</em> than {@code timeout + verify} after they last heard it, is
 * unaffected.
 *
 * <p>Announced numbers: every heartbeat also carries the sender's highest group-message number
 * (NAKACK2's "highest seqno" header), and a received one is handed to {@link PromptRetransmit},
 * which asks at once for announced messages that never arrived (lost in a cut that changed no
 * view). Ten bytes a heartbeat; a peer without it ignores the header.
 */
public final class HeartbeatDetector extends FD_ALL3 {

    /** The one-shot check runs this much after the due time, so the peer is surely past it. */
    private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** {@link System#nanoTime()} of the last packet from each member (FD_ALL3's bitmaps are not used). */
    private final Map<Address, Long> lastHeard = new ConcurrentHashMap<>();
    private volatile Runnable check;
    private volatile long joinGraceNanos;
    private Future<?> expiryCheck;
    /** The stack's reliable multicast: whose numbers the heartbeats announce, and who asks for lost ones. */
    private volatile NAKACK2 groupMessages;
    /** The group-message number the last heartbeat announced (only the heartbeat task touches it). */
    private volatile long lastAnnounced = -1;

    /** Same protocol id as {@link FD_ALL3}: the same headers on the wire, and no id of our own to register. */
    public HeartbeatDetector() {
        setId(ClassConfigurator.getProtocolId(FD_ALL3.class));
    }

    /** How much longer than the timeout a member new in a view may stay silent after it joined. */
    public HeartbeatDetector setJoinGrace(long ms) {
        joinGraceNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, ms));
        return this;
    }

    @Override
    public void start() throws Exception {
        super.start();
        groupMessages = getProtocolStack() == null ? null : getProtocolStack().findProtocol(NAKACK2.class);
    }

    @Override
    public Object up(Message msg) {
        if (msg.getHeader(id) != null) {
            announcedBy(msg);
        }
        return super.up(msg);
    }

    @Override
    public void up(MessageBatch batch) {
        // announced after the batch went up: its own group messages are not asked for again
        List<Message> heartbeats = null;
        for (Message msg : batch) {
            if (msg.getHeader(id) != null) {
                if (heartbeats == null) {
                    heartbeats = new ArrayList<>();
                }
                heartbeats.add(msg);
            }
        }
        super.up(batch);
        if (heartbeats != null) {
            heartbeats.forEach(this::announcedBy);
        }
    }

    /** A heartbeat's announced group-message number, handed to the stack's {@link PromptRetransmit}. */
    private void announcedBy(Message heartbeat) {
        if (groupMessages instanceof PromptRetransmit repair
                && heartbeat.getHeader(repair.getId()) instanceof NakAckHeader2 h && h.getType() == NakAckHeader2.HIGHEST_SEQNO) {
            repair.announced(heartbeat.getSrc(), h.getSeqno());
        }
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
        Runnable scan = super.createTimeoutChecker();
        check = scan;
        return () -> {
            HeartbeatPriority.enterCurrentThread();
            sendHeartbeat();
            scan.run();
            scheduleExpiryCheck();
        };
    }

    @Override
    protected void stopTimeoutChecker() {
        super.stopTimeoutChecker();
        synchronized (this) {
            if (expiryCheck != null) {
                expiryCheck.cancel(false);
                expiryCheck = null;
            }
        }
    }

    @Override
    protected void update(Address sender, boolean logMsg, boolean skipIfExists) {
        super.update(sender, logMsg, skipIfExists);
        if (sender == null || sender.equals(local_addr)) {
            return;
        }
        long now = System.nanoTime();
        if (skipIfExists) {
            lastHeard.putIfAbsent(sender, now); // a member never heard gets a whole timeout
        } else {
            // a packet: heard now, or still at the end of a join grace while that is ahead
            lastHeard.merge(sender, now, HeartbeatDetector::later);
        }
    }

    /**
     * The view's members that were not in the last one get their join grace: counted as heard at
     * its end. Not in {@link #update}: a joiner's JOIN request reaches the coordinator before the
     * view that adds it (and any message updates the time last heard), so "never heard before"
     * does not tell a newcomer.
     */
    @Override
    protected void handleViewChange(View view) {
        List<Address> joined;
        synchronized (this) {
            joined = joiners(view, members);
        }
        super.handleViewChange(view);
        grantJoinGrace(joined);
    }

    /**
     * The members {@code view} adds to {@code previous} that joined, so get the grace: none in a
     * merge view. The nodes of a healed partition were running all along, and a grace there
     * delayed the detection of one that left right after the merge (bench/faults, seed 11: a
     * graceful restart 0.75 s after a merge kept its group down 2.4 s instead of 0.1 s).
     */
    static List<Address> joiners(View view, Collection<Address> previous) {
        if (view instanceof MergeView) {
            return List.of();
        }
        List<Address> joined = new ArrayList<>(view.getMembers());
        joined.removeAll(previous);
        return joined;
    }

    /** Members new in a view: not suspected before the grace and then the timeout have passed. */
    void grantJoinGrace(List<Address> joined) {
        long end = System.nanoTime() + joinGraceNanos;
        for (Address m : joined) {
            if (!m.equals(local_addr)) {
                lastHeard.merge(m, end, HeartbeatDetector::later);
            }
        }
    }

    /** The later of two {@link System#nanoTime()} readings (they may wrap: compared by difference). */
    private static Long later(Long a, Long b) {
        return a - b > 0 ? a : b;
    }

    @Override
    protected void retainKeys(List<Address> mbrs) {
        super.retainKeys(mbrs);
        lastHeard.keySet().retainAll(mbrs);
    }

    @Override
    protected <T> boolean needsToBeSuspected(Address mbr, T bitmap) {
        Long heard = lastHeard.get(mbr);
        return heard != null && System.nanoTime() - heard >= TimeUnit.MILLISECONDS.toNanos(timeout);
    }

    /** Schedules a check for the moment the next peer reaches {@code timeout}, if before the next round. */
    private void scheduleExpiryCheck() {
        long now = System.nanoTime();
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeout);
        long soonest = Long.MAX_VALUE;
        for (long heard : lastHeard.values()) {
            long due = heard + timeoutNanos - now;
            if (due > 0 && due < soonest) {
                soonest = due;
            }
        }
        if (soonest >= TimeUnit.MILLISECONDS.toNanos(interval)) {
            return; // the next round comes first and sees it
        }
        synchronized (this) {
            Runnable scan = check;
            if (scan != null && (expiryCheck == null || expiryCheck.isDone()) && isTimeoutCheckerRunning()) {
                expiryCheck = timer.schedule(scan, soonest + SLACK_NANOS, TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * FD_ALL3's HeartbeatSender: skipped when a multicast went out since the last round (it told
     * the peers this node is alive), unless group messages went out that no heartbeat has announced
     * yet: the peers' {@link PromptRetransmit} needs an announcement after them to ask for a lost
     * one (one more datagram per round in which reports went out).
     */
    private void sendHeartbeat() {
        NAKACK2 nak = groupMessages;
        long seqno = nak == null ? -1 : nak.getCurrentSeqno();
        if (mcast_sent.compareAndSet(true, false) && seqno == lastAnnounced) {
            return;
        }
        Message heartbeat = new EmptyMessage().setFlag(Message.TransientFlag.DONT_LOOPBACK)
                .putHeader(id, new HeartbeatHeader());
        if (nak != null) {
            heartbeat.putHeader(nak.getId(), NakAckHeader2.createHighestSeqnoHeader(seqno));
        }
        down_prot.down(heartbeat);
        lastAnnounced = seqno;
        num_heartbeats_sent++;
    }
}
