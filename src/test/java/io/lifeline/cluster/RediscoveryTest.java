package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgroups.util.Responses;
import org.junit.jupiter.api.Test;

class RediscoveryTest {

    private final List<Runnable> queued = new ArrayList<>();
    private final List<Responses> asked = new ArrayList<>();

    @Test
    void aJoiningNodeAsksAgainForEveryRoundStillWaitingOnTheExecutor() {
        Responses waiting = new Responses(false);
        Responses answered = new Responses(false).done();
        Map<Long, Responses> rounds = new LinkedHashMap<>(Map.of(1L, answered, 2L, waiting));

        Rediscovery.askAgain(false, rounds, queued::add, asked::add);

        assertEquals(List.of(), asked, "not on the caller's (receiver) thread");
        queued.forEach(Runnable::run);
        assertEquals(List.of(waiting), asked);
    }

    @Test
    void aMemberOrANodeWithNoRoundWaitingNeverAsks() {
        Rediscovery.askAgain(true, new LinkedHashMap<>(Map.of(1L, new Responses(false))), queued::add, asked::add);
        Rediscovery.askAgain(false, new LinkedHashMap<>(Map.of(1L, new Responses(false).done())), queued::add,
                asked::add);
        Rediscovery.askAgain(false, new LinkedHashMap<>(), queued::add, asked::add);

        assertEquals(List.of(), queued);
    }
}
