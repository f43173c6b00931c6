package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerActivityTest {
    private final String peer = "n2";
    private final String other = "n3";

    @Test
    void gapsLongerThanWarntimeAreKeptUntilDrainedLongestFirst() {
        PeerActivity a = new PeerActivity();
        a.reportGapsLongerThan(150);
        a.heard(peer, 1_000);
        a.heard(peer, 1_100); // 100: on time
        a.heard(other, 1_000);
        assertTrue(a.drainLateGaps().isEmpty());
        a.heard(peer, 1_300); // 200: late
        a.heard(peer, 1_700); // 400: later
        a.heard(peer, 1_750);
        assertEquals(Map.of(peer, 400L), a.drainLateGaps());
        assertTrue(a.drainLateGaps().isEmpty(), "drained");
        assertEquals(1_750, a.lastHeard(peer));
    }

    @Test
    void withoutAThresholdNoGapIsKept() {
        PeerActivity a = new PeerActivity();
        a.heard(peer, 0);
        a.heard(peer, 60_000);
        assertTrue(a.drainLateGaps().isEmpty());
    }
}
