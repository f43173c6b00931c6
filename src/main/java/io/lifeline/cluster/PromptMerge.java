package io.lifeline.cluster;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.PhysicalAddress;
import org.jgroups.View;
import org.jgroups.ViewId;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.MERGE3;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JGroups' MERGE3 that merges a healed partition as soon as the other side is heard, instead of
 * at its next scheduled round.
 *
 * <p>Why: MERGE3 alone learns of the other side from INFO messages each member multicasts every
 * 1.5-4.5 s (max_interval 3 s: {@code max/2 + random(max)}), and acts on them only at its view
 * check, every 1.6 x max_interval = 4.8 s. A healed partition therefore stayed split for up to
 * about 9 s (bench/scale: the merge view came 3.7-4.4 s after the heal), while both sides'
 * heartbeats crossed the healed network within one keepalive. For two nodes without quorum that
 * is seconds of the same VIP on both; at any size it is seconds of groups waiting for the merge.
 *
 * <p>What it adds, on the coordinator of a view only (as MERGE3 does, the rest leave merging to it):
 * <ol>
 *   <li>A message from a sender outside the view (its heartbeats, which reach every node on the
 *       link once the network is whole again; only authenticated datagrams get this far) makes the
 *       coordinator send its INFO at once, so the other side's coordinator learns of this view.</li>
 *   <li>An INFO from a sender outside the view, with another view id, makes the coordinator run
 *       MERGE3's view check at once: it asks the other coordinators for their views and hands the
 *       merge to GMS, whose merge leader (one, by a deterministic rule) then merges.</li>
 * </ol>
 * Both sides do both, so the merge starts about a round trip after the first heartbeat crosses.
 * Each step is rate-limited per sender by a {@link NudgeBackoff} (at once, then 1, 2, 4, 8 s): a
 * node that is dropped again right after each merge (a one-sided cut) is soon retried no more often
 * than MERGE3's own rounds, which keep running unchanged as the fallback. A joining node's first
 * messages also come from outside the view; that costs one INFO multicast and a check that finds
 * nothing, since a joiner has no view to report.
 *
 * <p>INFO messages go out at most once per {@value #INFO_GAP_MS} ms whatever the senders: one INFO
 * reaches the whole other side, and an 8|8 heal would otherwise send eight at once.
 *
 * <p>On a ucast link (no multicast) heartbeats go to the view's members only, so after a heal
 * nothing of the other side is heard until MERGE3's own INFO round (every 1.5-4.5 s, through a
 * discovery request to each configured peer). There the coordinator sends its INFO every
 * {@value #UCAST_POKE_MS} ms while fewer than the configured nodes are in its view
 * ({@link #pokeAbsentPeers}): one discovery request per absent peer, as Heartbeat's ucast keeps
 * sending its heartbeats to a peer that is down.
 *
 * <p>The prompt check and MERGE3's periodic one share a lock: both use MERGE3's one collector of
 * view responses, and two at once would reset each other's collection. A check queued when the
 * protocol stops, or the node stops being the coordinator, is dropped.
 */
public final class PromptMerge extends MERGE3 {

    private static final Logger LOG = LoggerFactory.getLogger(PromptMerge.class);
    /** Backoff of each step per sender: at once, then 1, 2, 4, 8 s; at once again after 30 s without one. */
    private static final long FIRST_RETRY_MS = 1_000;
    private static final long MAX_RETRY_MS = 8_000;
    private static final long QUIET_RESET_MS = 30_000;
    private static final int MAX_SENDERS = 64;
    /** At most one INFO per this interval, from the prompt path. */
    static final long INFO_GAP_MS = 100;
    /** How often a ucast link's coordinator sends its INFO while configured peers are outside its view. */
    static final long UCAST_POKE_MS = 500;

    private final NudgeBackoff<Address> infoNudges = new NudgeBackoff<>(FIRST_RETRY_MS, MAX_RETRY_MS, QUIET_RESET_MS, MAX_SENDERS);
    private final NudgeBackoff<Address> checkNudges = new NudgeBackoff<>(FIRST_RETRY_MS, MAX_RETRY_MS, QUIET_RESET_MS, MAX_SENDERS);
    private final AtomicBoolean checkQueued = new AtomicBoolean();
    private final ReentrantLock checking = new ReentrantLock();
    private final AtomicLong lastInfoMs = new AtomicLong(Long.MIN_VALUE / 2);
    private volatile boolean stopped = true;
    /** Configured nodes of a ucast link (0: not a ucast link, no poking). */
    private int configuredNodes;
    private Future<?> poke;

    /** Same protocol id as {@link MERGE3}: the same headers on the wire, and no id of our own to register. */
    public PromptMerge() {
        setId(ClassConfigurator.getProtocolId(MERGE3.class));
    }

    /**
     * On a link without multicast: while fewer than {@code nodes} are in the view, this node (if
     * coordinator) sends its INFO every {@value #UCAST_POKE_MS} ms (see the class comment).
     */
    public PromptMerge pokeAbsentPeers(int nodes) {
        this.configuredNodes = nodes;
        return this;
    }

    @Override
    public void start() throws Exception {
        super.start();
        stopped = false;
        if (configuredNodes > 0) {
            poke = timer.scheduleWithFixedDelay(this::pokeIfPeersAbsent, UCAST_POKE_MS, UCAST_POKE_MS,
                    TimeUnit.MILLISECONDS, false);
        }
    }

    @Override
    public void stop() {
        stopped = true;
        Future<?> p = poke;
        if (p != null) {
            p.cancel(false);
        }
        super.stop();
    }

    private void pokeIfPeersAbsent() {
        View v = view;
        if (!stopped && is_coord && v != null && v.size() < configuredNodes) {
            sendInfo();
        }
    }

    @Override
    public Object up(Message msg) {
        heardFrom(msg.getSrc());
        return super.up(msg);
    }

    @Override
    public void up(MessageBatch batch) {
        heardFrom(batch.sender());
        super.up(batch);
    }

    /** Step 1: a coordinator that hears a sender outside its view tells the other side about its view. */
    private void heardFrom(Address sender) {
        View v = view;
        if (!is_coord || sender == null || v == null || v.containsMember(sender) || sender.equals(local_addr)) {
            return;
        }
        long now = nowMs();
        if (infoNudges.tryNudge(sender, now)) {
            long last = lastInfoMs.get();
            if (now - last >= INFO_GAP_MS && lastInfoMs.compareAndSet(last, now)) {
                LOG.debug("heard {} from outside view {}: sending INFO now", NameCache.get(sender), v.getViewId());
                timer.execute(this::sendInfo);
            }
        }
    }

    /** Step 2: an INFO of another view, from outside ours, makes the coordinator check the views now. */
    @Override
    protected void addInfo(Address sender, ViewId viewId, String logicalName, PhysicalAddress physicalAddr) {
        super.addInfo(sender, viewId, logicalName, physicalAddr);
        View v = view;
        if (!is_coord || sender == null || viewId == null || v == null || v.containsMember(sender)
                || v.getViewId().equals(viewId)) {
            return;
        }
        if (checkNudges.tryNudge(sender, nowMs()) && checkQueued.compareAndSet(false, true)) {
            LOG.debug("INFO from {} (view {}) outside view {}: checking the views now", logicalName, viewId, v.getViewId());
            timer.execute(() -> {
                checkQueued.set(false);
                if (!stopped && is_coord) {
                    new SerialCheck().run();
                }
            });
        }
    }

    @Override
    protected synchronized void startViewConsistencyChecker() {
        if (view_consistency_checker == null || view_consistency_checker.isDone()) {
            view_consistency_checker = timer.scheduleWithDynamicInterval(new SerialCheck());
        }
    }

    private static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** MERGE3's view check, one at a time (see the class comment). */
    private final class SerialCheck extends ViewConsistencyChecker {
        @Override
        public void run() {
            try {
                checking.lockInterruptibly(); // MERGE3 cancels its periodic check with an interrupt
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                if (!stopped) {
                    super.run();
                }
            } finally {
                checking.unlock();
            }
        }
    }
}
