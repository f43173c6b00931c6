package io.lifeline.agent.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lifeline.agent.OcfStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeartbeatStatusTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        // Heartbeat's we_own_resource: "not" (any case), a space, anything, then [Rr]unning
        "nginx is not running|NOT_RUNNING",
        "nginx is NOT running|NOT_RUNNING",
        "Not currently Running|NOT_RUNNING",
        "INFO: IPaddr Resource is stopped|NOT_RUNNING",
        "Stopped|NOT_RUNNING",
        // [Rr]unning or capital OK
        "nginx is running (pid 42)|SUCCESS",
        "Running|SUCCESS",
        "INFO: IPaddr2 Running OK|SUCCESS",
        "status OK|SUCCESS",
        "all ok|NOT_RUNNING",
        "RUNNING|NOT_RUNNING",
        // "not" needs the space before the rest, as in the shell pattern
        "notrunning|SUCCESS",
        // anything else, and nothing, is not running
        "''|NOT_RUNNING",
        "dead|NOT_RUNNING",
        "unknown state|NOT_RUNNING"
    })
    void readsStatusOutputLikeHeartbeat(String stdout, OcfStatus expected) {
        assertEquals(expected, HeartbeatStatus.parse(stdout));
    }

    @org.junit.jupiter.api.Test
    void notAndRunningMayBeOnDifferentLines() {
        // the shell's * matches newlines too, but the space after "not" is literal
        assertEquals(OcfStatus.NOT_RUNNING, HeartbeatStatus.parse("nginx: not yet\nrunning\n"));
        assertEquals(OcfStatus.SUCCESS, HeartbeatStatus.parse("nginx: not\nrunning\n"));
        assertEquals(OcfStatus.SUCCESS, HeartbeatStatus.parse("checking pid\nrunning\n"));
    }
}
