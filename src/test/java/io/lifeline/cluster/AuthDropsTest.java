package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import org.junit.jupiter.api.Test;

class AuthDropsTest {

    /**
     * Regression: counters were keyed by every source address, so a flood with random spoofed
     * sources grew the heap, the log and the metrics by one entry per datagram.
     */
    @Test
    void randomSpoofedSourcesCountUnderOneEntryBeyondTheCap() {
        AuthDrops drops = new AuthDrops("bcast:eth0", Clock.systemUTC());
        for (int i = 0; i < 10_000; i++) {
            drops.drop("203.0.113." + (i % 250) + "/" + i, AuthDropReason.values()[0], null);
        }
        drops.drop("198.51.100.12", AuthDropReason.values()[0], null);
        assertEquals(10_001, drops.total(), "every datagram still counted");
        assertEquals(AuthDrops.MAX_PEERS + 1, drops.entries().size(), "64 sources of their own, then 'other'");
        assertEquals(10_001 - AuthDrops.MAX_PEERS, drops.count(AuthDrops.OTHER_PEERS, AuthDropReason.values()[0]));
    }
}
