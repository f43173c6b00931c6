package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The envelope's confirmations (version 2, docs/leases.md): the sequence number a peer echoes
 * beside our incarnation dates the newest of our datagrams it accepted, at our own send time.
 */
class ConfirmationTest {

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    /** One monotonic clock for both ends: each end only ever compares its own readings. */
    private static final long HANDSHAKE = TimeUnit.MILLISECONDS.toNanos(500);
    private long nanos = HANDSHAKE;

    private final End a = new End("n1", "198.51.100.11");
    private final End b = new End("n2", "198.51.100.12");

    private final class End {
        final String address;
        final DatagramAuthenticator auth;

        End(String name, String address) {
            this.address = address;
            this.auth = new DatagramAuthenticator("cluster", DatagramAuthenticatorTest.SHARED, false,
                    new NodeNames(List.of("n1", "n2")), name, DatagramAuthenticator.newEpoch(clock),
                    new AuthDrops("test", clock), clock, () -> nanos);
        }

        byte[] send(String text) {
            byte[] p = text.getBytes(StandardCharsets.UTF_8);
            return auth.seal(p, 0, p.length);
        }

        boolean receive(End from, byte[] datagram) {
            return auth.open(from.address, datagram, 0, datagram.length).accepted();
        }
    }

    private void at(long millis) {
        nanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Each end counts the other in its membership and they have shaken hands: confirmations flow. */
    private void membersOfEachOther() {
        a.auth.confirmTo(Set.of("n2"));
        b.auth.confirmTo(Set.of("n1"));
        handshake();
    }

    private void handshake() {
        b.receive(a, a.auth.hello());
        a.receive(b, b.auth.hello());
        assertTrue(b.receive(a, a.auth.hello()), "handshake");
        assertTrue(a.receive(b, b.auth.hello()), "handshake");
    }

    @Test
    void aPeersConfirmationDatesTheNewestOfOurDatagramsItAcceptedAtOurSendTime() {
        membersOfEachOther();
        at(1_000);
        byte[] heard = a.send("heartbeat");
        at(1_100);
        byte[] lost = a.send("heartbeat, lost on the way");
        assertTrue(b.receive(a, heard));
        at(1_180);
        assertTrue(a.receive(b, b.send("heartbeat")));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1_000), a.auth.confirmedSendTimes().get("n2"),
                "dated at the send time of the datagram b accepted, not at our receipt of the confirmation");
        assertTrue(b.receive(a, lost));
        at(1_250);
        assertTrue(a.receive(b, b.send("heartbeat")));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1_100), a.auth.confirmedSendTimes().get("n2"));
    }

    /** A hello carries no JGroups message, so the failure detector never counts it: it confirms nothing. */
    @Test
    void helloesAreNotConfirmed() {
        membersOfEachOther();
        at(1_500);
        assertTrue(b.receive(a, a.auth.hello()));
        assertTrue(a.receive(b, b.send("heartbeat")));
        assertNull(a.auth.confirmedSendTimes().get("n2"));
    }

    @Test
    void aNodeConfirmsOnlyThePeersInItsMembership() {
        membersOfEachOther();
        at(2_000);
        assertTrue(b.receive(a, a.send("heartbeat")));
        b.auth.confirmTo(Set.of()); // b declared a dead, although it still hears it
        at(2_100);
        assertTrue(b.receive(a, a.send("heartbeat")));
        assertTrue(a.receive(b, b.send("heartbeat")), "the handshake echo still works");
        assertNull(a.auth.confirmedSendTimes().get("n2"), "nothing is confirmed by a peer that dropped us");
    }

    /**
     * The bound of a dropped peer's lease through this node (DropHold): the receive time of the
     * newest of its datagrams this node may still confirm, frozen when it left the membership;
     * what is heard afterwards, and would never be confirmed, does not move it.
     */
    @Test
    void aPeerThatLeftTheMembershipKeepsTheReceiveTimeOfItsLastConfirmableDatagram() {
        membersOfEachOther();
        at(4_000);
        assertTrue(b.receive(a, a.send("heartbeat")));
        assertNull(b.auth.lastConfirmableNanos().get("n1"), "a member: no bound");
        at(4_050);
        b.auth.confirmTo(Set.of()); // dropped on a coordinator's word, still heard
        assertEquals(TimeUnit.MILLISECONDS.toNanos(4_000), b.auth.lastConfirmableNanos().get("n1"));
        at(4_100);
        assertTrue(b.receive(a, a.send("heartbeat after the drop")));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(4_000), b.auth.lastConfirmableNanos().get("n1"),
                "heard after the drop: never confirmed, so no later bound");
        b.auth.confirmTo(Set.of("n1"));
        assertNull(b.auth.lastConfirmableNanos().get("n1"), "a member again");
    }

    @Test
    void aConfirmationOfADatagramNoLongerRememberedDatesNothing() {
        membersOfEachOther();
        at(3_000);
        assertTrue(b.receive(a, a.send("heartbeat")));
        byte[] late = b.send("confirms a's datagram of 3,000 ms");
        for (int i = 0; i < DatagramAuthenticator.SENT_RING; i++) {
            a.send("more traffic");
        }
        assertTrue(a.receive(b, late));
        assertNull(a.auth.confirmedSendTimes().get("n2"), "3,000 ms is no longer known");
    }

    @Test
    void aConfirmationNeverMovesBack() {
        membersOfEachOther();
        at(4_000);
        assertTrue(b.receive(a, a.send("first")));
        byte[] older = b.send("confirms 4,000");
        at(4_100);
        assertTrue(b.receive(a, a.send("second")));
        byte[] newer = b.send("confirms 4,100");
        assertTrue(a.receive(b, newer));
        assertTrue(a.receive(b, older), "reordered, still accepted by the replay window");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(4_100), a.auth.confirmedSendTimes().get("n2"));
    }
}
