package io.lifeline.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.MergeView;
import org.jgroups.View;
import org.jgroups.ViewId;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

class HeartbeatDetectorTest {

    private static final long TIMEOUT_MS = 200;

    private static HeartbeatDetector detector() {
        HeartbeatDetector d = new HeartbeatDetector();
        d.setInterval(50);
        d.setTimeout(TIMEOUT_MS);
        return d;
    }

    /** What a view change that adds {@code member} does to the detector (without a stack to start its timer in). */
    private static void join(HeartbeatDetector d, Address member) {
        d.update(member, false, true);
        d.grantJoinGrace(List.of(member));
    }

    @Test
    void aPeerIsSuspectedOnceItsLastPacketIsTimeoutOldAndNotBefore() {
        HeartbeatDetector d = detector();
        Address peer = UUID.randomUUID();
        long heard = System.nanoTime();
        d.update(peer, false, false);
        assertFalse(d.needsToBeSuspected(peer, null), "just heard");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> d.needsToBeSuspected(peer, null));
        long silentMs = (System.nanoTime() - heard) / 1_000_000;
        assertTrue(silentMs >= TIMEOUT_MS, "suspected after " + silentMs + " ms of silence");
    }

    @Test
    void everyPacketRestartsTheTimeoutButAJoinDoesNot() {
        HeartbeatDetector d = detector();
        Address peer = UUID.randomUUID();
        d.update(peer, false, true); // the view that brought the peer in
        await().atMost(Duration.ofSeconds(5)).until(() -> d.needsToBeSuspected(peer, null));
        d.update(peer, false, true); // a later view: the peer is not heard by that
        assertTrue(d.needsToBeSuspected(peer, null));
        d.update(peer, true, false); // a heartbeat
        assertFalse(d.needsToBeSuspected(peer, null));
    }

    @Test
    void aNewMemberIsNotSuspectedBeforeTimeoutPlusGraceAfterItJoinedEvenIfHeardOnceMeanwhile() {
        HeartbeatDetector d = detector().setJoinGrace(300);
        Address joiner = UUID.randomUUID();
        d.update(joiner, false, false); // its JOIN request, before the view that adds it
        long joined = System.nanoTime();
        join(d, joiner); // the view that brought it in
        d.update(joiner, true, false); // its view acknowledgement, say; then it stalls
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> d.needsToBeSuspected(joiner, null));
        long silentMs = (System.nanoTime() - joined) / 1_000_000;
        assertTrue(silentMs >= TIMEOUT_MS + 300, "a joiner suspected " + silentMs + " ms after it joined, not after timeout + grace");
    }

    @Test
    void afterTheGraceThePlainTimeoutHolds() {
        HeartbeatDetector d = detector().setJoinGrace(100);
        Address member = UUID.randomUUID();
        long joined = System.nanoTime();
        join(d, member);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> System.nanoTime() - joined > 150 * 1_000_000L); // the grace is over
        d.update(member, true, false);
        long heard = System.nanoTime();
        assertFalse(d.needsToBeSuspected(member, null), "just heard");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> System.nanoTime() - heard >= (TIMEOUT_MS + 20) * 1_000_000);
        assertTrue(d.needsToBeSuspected(member, null), "a member heard after its grace is suspected after the timeout");
    }

    @Test
    void theGraceGoesToTheMembersAViewAddsAndNotToThoseAMergeBringsBack() {
        Address a = UUID.randomUUID();
        Address b = UUID.randomUUID();
        Address c = UUID.randomUUID();
        View before = View.create(a, 1, a, b);
        View joined = View.create(a, 2, a, b, c);
        assertEquals(List.of(c), HeartbeatDetector.joiners(joined, before.getMembers()));
        View split = View.create(c, 2, c);
        MergeView merged = new MergeView(new ViewId(a, 3), List.of(a, b, c), List.of(before, split));
        assertEquals(List.of(), HeartbeatDetector.joiners(merged, before.getMembers()),
                "the nodes of a healed partition were running all along");
    }

    @Test
    void membersThatLeftAreForgottenAndUnknownOnesNeverSuspected() {
        HeartbeatDetector d = detector();
        Address stays = UUID.randomUUID();
        Address leaves = UUID.randomUUID();
        d.update(stays, false, false);
        d.update(leaves, false, false);
        d.retainKeys(List.of(stays));
        await().atMost(Duration.ofSeconds(5)).until(() -> d.needsToBeSuspected(stays, null));
        assertFalse(d.needsToBeSuspected(leaves, null), "a member no longer in the view is not suspected");
        assertFalse(d.needsToBeSuspected(UUID.randomUUID(), null));
    }
}
