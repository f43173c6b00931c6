package io.lifeline.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.ConfigDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigAgreementTest {

    private static final ConfigDigest MINE = new ConfigDigest("h1", "r1", "a1", Map.of("web", "w1", "db", "d1"));
    private final List<String> events = new ArrayList<>();
    private final ConfigAgreement agreement = new ConfigAgreement("n1", MINE,
            (warning, message) -> events.add((warning ? "WARN " : "INFO ") + message));

    @Test
    void aDifferingPeerIsToldOnceWithTheFileAndGroupAndAgainWhenItAgrees() {
        agreement.peer("n2", Optional.of(MINE));
        assertEquals(List.of(), events, "agreeing peers make no event");
        ConfigDigest other = new ConfigDigest("h2", "r2", "a1", Map.of("web", "w2", "db", "d1", "extra", "x"));
        agreement.peer("n2", Optional.of(other));
        agreement.peer("n2", Optional.of(other)); // every report carries it: one event, not one per report
        assertEquals(List.of("WARN node n2's configuration differs from this node's: ha.cf, haresources "
                + "(extra: only there; web: differs) (docs/propagate.md; hactl propagate)"), events);
        assertEquals("{\"digest\":{\"ha_cf\":\"h1\",\"haresources\":\"r1\",\"authkeys\":\"a1\"},\"peers\":[{\"node\":"
                + "\"n2\",\"advertised\":true,\"differs\":[\"ha.cf\",\"haresources (extra: only there; web: differs)\"]}],"
                + "\"same_everywhere\":false}", agreement.json().toString());
        agreement.local(other); // this node reloaded (or got the files propagated)
        assertEquals("INFO node n2 runs the same configuration as this node again", events.get(1));
        assertTrue(agreement.json().path("same_everywhere").asBoolean());
    }

    @Test
    void aPeerOfAnOlderVersionIsShownAsNotAdvertisingAndADeadPeerIsForgotten() {
        agreement.peer("n3", Optional.empty());
        assertFalse(agreement.json().path("peers").get(0).path("advertised").asBoolean());
        assertEquals(List.of(), events);
        agreement.peer("n2", Optional.of(new ConfigDigest("h2", "r1", "a1", Map.of("web", "w1", "db", "d1"))));
        assertEquals(1, events.size());
        agreement.alive(Set.of("n1", "n3"));
        assertEquals(1, agreement.json().path("peers").size());
        agreement.peer("n2", Optional.of(new ConfigDigest("h2", "r1", "a1", Map.of("web", "w1", "db", "d1"))));
        assertEquals(2, events.size(), "a returning peer that still differs is told again");
    }

    @Test
    void reportsOfThisNodeItselfAreIgnored() {
        agreement.peer("N1", Optional.of(new ConfigDigest("x", "y", "z", Map.of())));
        assertEquals(0, agreement.json().path("peers").size());
    }
}
