package io.lifeline.agent.ipvs;

import io.lifeline.ipvs.check.CheckState;
import io.lifeline.ipvs.config.RealServerSpec;
import java.util.List;

/** A real server and the check loops that decide its health: healthy when all checks are up. */
record RealServerHealth(RealServerSpec spec, List<CheckLoop> loops) {

    RealServerHealth {
        loops = List.copyOf(loops);
    }

    /** A server without checks is always healthy, as in keepalived. */
    boolean healthy() {
        return loops.stream().allMatch(l -> l.health() == CheckState.Health.UP);
    }

    /** up, down, or "checking" before every check has answered once. */
    String state() {
        if (healthy()) {
            return "up";
        }
        return loops.stream().anyMatch(l -> l.health() == CheckState.Health.DOWN) ? "down" : "checking";
    }
}
