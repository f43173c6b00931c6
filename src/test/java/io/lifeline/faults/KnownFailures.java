package io.lifeline.faults;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Violations the suite finds on today's main that are open bugs of issue 14, each with its item
 * number. {@code FaultSuiteIT} prints them, marked, but does not fail on them; every other
 * violation fails it. Remove an entry when its fix lands: the suite then guards the fix.
 */
final class KnownFailures {

    /**
     * A known bug: violations of {@code invariant} in the context of a fault of one of
     * {@code kinds} (or overlapped by one; empty: any fault) whose detail contains one of
     * {@code details} (empty: any).
     */
    record Known(Invariant invariant, Set<FaultKind> kinds, List<String> details, int issueItem, String why) {
        boolean covers(Invariant.Violation v) {
            if (v.invariant() != invariant) {
                return false;
            }
            boolean kindMatches = kinds.isEmpty() || v.fault() != null
                    && (kinds.contains(v.fault().kind) || v.fault().overlappedKinds.stream().anyMatch(kinds::contains));
            return kindMatches && (details.isEmpty() || details.stream().anyMatch(v.detail()::contains));
        }
    }

    /**
     * Empty: the items the suite found on the way (1, 2, 3, 8, 10, 11 of issue 14) are fixed, and
     * the suite now guards those fixes. A new entry names its issue item and why it is open.
     */
    static final List<Known> LIST = List.of();

    private KnownFailures() {
    }

    static Optional<Known> find(Invariant.Violation v) {
        return LIST.stream().filter(k -> k.covers(v)).findFirst();
    }
}
