package io.lifeline.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DualOwnersTest {

    private static AddressWatch.Holding held(String node, long from, long to) {
        return new AddressWatch.Holding(node, "198.51.100.101", from, to);
    }

    @Test
    void aHandoverThatTouchesIsNoOverlapAndAnOverlapIsMeasuredExactly() {
        // n1 releases at 100 and n2 adds at 100: back to back, not two owners
        assertEquals(List.of(), DualOwners.intervals(List.of(held("n1", 0, 100), held("n2", 100, 200))));
        List<long[]> dual = DualOwners.intervals(List.of(held("n1", 0, 150), held("n2", 100, 300), held("n3", 250, 400)));
        assertEquals(2, dual.size());
        assertArrayEquals(new long[] {100, 150}, dual.get(0));
        assertArrayEquals(new long[] {250, 300}, dual.get(1));
    }

    @Test
    void splitWindowsAreCutOutOfAnOverlap() {
        List<long[]> pieces = DualOwners.subtract(new long[] {100, 1_000}, List.of(new long[] {0, 200}, new long[] {400, 600}));
        assertEquals(2, pieces.size());
        assertArrayEquals(new long[] {200, 400}, pieces.get(0));
        assertArrayEquals(new long[] {600, 1_000}, pieces.get(1));
        assertEquals(List.of(), DualOwners.subtract(new long[] {100, 200}, List.of(new long[] {0, 300})));
    }

    @Test
    void eachPieceOfAnOverlapGoesToTheSplitItLiesInOrOutside() {
        // windows: #0 [0, 300), #1 [500, 900), #2 [800, 1_200) overlapping #1's grace
        List<long[]> windows = List.of(new long[] {0, 300}, new long[] {500, 900}, new long[] {800, 1_200});
        List<long[]> pieces = DualOwners.attribute(new long[] {200, 1_000}, windows);
        assertEquals(4, pieces.size());
        assertArrayEquals(new long[] {0, 200, 300}, pieces.get(0));
        assertArrayEquals(new long[] {-1, 300, 500}, pieces.get(1));
        assertArrayEquals(new long[] {1, 500, 800}, pieces.get(2));
        assertArrayEquals(new long[] {2, 800, 1_000}, pieces.get(3)); // the later split, counted once
        long total = pieces.stream().mapToLong(p -> p[2] - p[1]).sum();
        assertEquals(800, total);
        // outside pieces are exactly what subtract leaves
        assertArrayEquals(new long[] {300, 500}, DualOwners.subtract(new long[] {200, 1_000}, windows).get(0));
        assertEquals(List.of(), DualOwners.attribute(new long[] {5, 5}, windows));
        List<long[]> alone = DualOwners.attribute(new long[] {1_300, 1_400}, windows);
        assertArrayEquals(new long[] {-1, 1_300, 1_400}, alone.get(0));
    }

    @Test
    void theHoldersAtAMomentAreNamed() {
        List<AddressWatch.Holding> h = List.of(held("n1", 0, 150), held("n2", 100, 300));
        assertEquals("n1 and n2", DualOwners.holdersAt(h, "198.51.100.101", 120));
        assertEquals("n2", DualOwners.holdersAt(h, "198.51.100.101", 200));
    }
}
