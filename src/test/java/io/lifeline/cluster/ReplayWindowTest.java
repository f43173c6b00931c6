package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    @Test
    void startsClosedAtItsFirstNumber() {
        ReplayWindow w = new ReplayWindow(100);
        assertFalse(w.accept(100));
        assertFalse(w.accept(3));
        assertTrue(w.accept(101));
        assertEquals(ReplayWindow.Verdict.ALREADY_ACCEPTED, w.verdict(101));
        assertEquals(ReplayWindow.Verdict.BELOW_WINDOW, w.verdict(99));
    }

    @Test
    void gapsCostNothing() {
        ReplayWindow w = new ReplayWindow(0);
        assertTrue(w.accept(5));
        assertTrue(w.accept(1_000_000)); // a million numbers went to other nodes meanwhile
        assertTrue(w.accept(6), "the window counts accepted datagrams, not numbers");
        assertTrue(w.accept(4));
        assertFalse(w.accept(5));
    }

    /** Random order and random gaps: a number is accepted once, a repeat never, against a model set. */
    @Test
    void acceptsEachNumberOnceWhateverTheOrder() {
        Random r = new Random(7);
        for (int round = 0; round < 20; round++) {
            ReplayWindow w = new ReplayWindow(0);
            List<Long> sent = new ArrayList<>();
            long n = 0;
            for (int i = 0; i < 3_000; i++) {
                n += 1 + r.nextInt(r.nextBoolean() ? 2 : 500);
                sent.add(n);
            }
            // reorder within blocks smaller than the window, and repeat some
            List<Long> arrivals = new ArrayList<>();
            for (int from = 0; from < sent.size(); from += 700) {
                List<Long> block = new ArrayList<>(sent.subList(from, Math.min(sent.size(), from + 700)));
                Collections.shuffle(block, r);
                arrivals.addAll(block);
                for (int k = 0; k < 50; k++) {
                    arrivals.add(block.get(r.nextInt(block.size())));
                }
            }
            Set<Long> accepted = new HashSet<>();
            for (long s : arrivals) {
                assertEquals(accepted.add(s), w.accept(s), "number " + s);
            }
            assertEquals(new HashSet<>(sent), accepted);
        }
    }

    @Test
    void forgetsOnlyBeyondItsSizeAndThenRefusesWhatItForgot() {
        ReplayWindow w = new ReplayWindow(0);
        for (long s = 2; s <= 2 * ReplayWindow.SIZE + 1; s += 2) {
            assertTrue(w.accept(s));
        }
        // 1024 accepted: nothing forgotten yet, 1 (never seen, lower than all) still accepted
        assertTrue(w.accept(1));
        // that was the 1025th: the lowest (1) is forgotten, and with it everything below
        assertEquals(ReplayWindow.Verdict.BELOW_WINDOW, w.verdict(1));
        assertTrue(w.accept(3), "3 is above the floor and new");
        assertEquals(ReplayWindow.Verdict.BELOW_WINDOW, w.verdict(2), "forgotten after the 1026th");
    }
}
