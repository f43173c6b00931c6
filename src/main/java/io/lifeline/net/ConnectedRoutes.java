package io.lifeline.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Longest-prefix selection among connected routes (pure, so it is testable without a kernel). */
final class ConnectedRoutes {
    private ConnectedRoutes() {
    }

    static List<Route> bestMatches(List<Route> routes, InetAddress address) {
        List<Route> best = new ArrayList<>();
        int bestLength = -1;
        for (Route r : routes) {
            if (!r.isConnected() || !r.covers(address)) {
                continue;
            }
            if (r.prefixLength() > bestLength) {
                best.clear();
                bestLength = r.prefixLength();
            }
            if (r.prefixLength() == bestLength && best.stream().noneMatch(b -> b.oif() == r.oif())) {
                best.add(r);
            }
        }
        return best;
    }
}
