package io.lifeline.agent.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LsbExitCodesTest {

    @ParameterizedTest(name = "status exit {0} -> {1}")
    @CsvSource({"0,SUCCESS", "1,ERR_GENERIC", "2,ERR_GENERIC", "3,NOT_RUNNING", "4,ERR_GENERIC", "5,ERR_GENERIC",
        "150,ERR_GENERIC"})
    void statusCodes(int exit, OcfStatus expected) {
        assertEquals(expected, LsbExitCodes.status(exit).status());
    }

    @Test
    void deadButPidFileIsAFailureThatSaysSo() {
        AgentResult r = LsbExitCodes.status(1);
        assertTrue(r.message().contains("pid file"), r.message());
        assertTrue(LsbExitCodes.status(2).message().contains("lock file"));
    }

    @ParameterizedTest(name = "{0} exit {1} -> {2}")
    @CsvSource({"start,0,SUCCESS", "start,1,ERR_GENERIC", "start,5,ERR_INSTALLED", "start,6,ERR_CONFIGURED",
        "start,4,ERR_PERM", "start,7,ERR_GENERIC", "start,99,ERR_GENERIC", "stop,0,SUCCESS", "stop,1,ERR_GENERIC",
        "stop,7,SUCCESS", "reload,3,ERR_UNIMPLEMENTED"})
    void actionCodes(String action, int exit, OcfStatus expected) {
        assertEquals(expected, LsbExitCodes.action(action, exit, "detail").status());
    }

    @Test
    void stopExitingSevenIsAcceptedButNamedNonCompliant() {
        assertTrue(LsbExitCodes.action("stop", 7, "").message().contains("not LSB-compliant"));
    }
}
