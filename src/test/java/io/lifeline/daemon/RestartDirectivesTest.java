package io.lifeline.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.Diagnostics;
import io.lifeline.config.HaCf;
import io.lifeline.config.HaCfParser;
import io.lifeline.manager.ManagerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which ha.cf changes a reload reports as needing a restart. */
class RestartDirectivesTest {

    @TempDir
    Path dir;

    private HaCf haCf(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        Diagnostics d = new Diagnostics();
        HaCf h = HaCfParser.parse(f, d).orElseThrow(() -> new AssertionError(d.problems().toString()));
        return h;
    }

    private static final String BASE = "keepalive 1\ndeadtime 10\nbcast eth0\nnode n1 n2\nauto_failback on\n";

    @Test
    void movedLinesCommentsAndLiveDirectivesNeedNoRestart() throws Exception {
        HaCf running = haCf("a", BASE);
        HaCf next = haCf("b", "# a comment moves every line down\n\n" + BASE.replace("auto_failback on", "auto_failback off")
                + "failback_delay 30s\n");
        assertEquals(List.of(), RestartDirectives.changed(running, next, ManagerSettings.defaults(),
                ManagerSettings.defaults()));
    }

    @Test
    void timersLinksAndNodesAreNamed() throws Exception {
        HaCf running = haCf("a", BASE);
        HaCf next = haCf("b", "keepalive 2\ndeadtime 20\nbcast eth1\nnode n1 n2 n3\nauto_failback on\n");
        List<String> changed = RestartDirectives.changed(running, next, ManagerSettings.defaults(),
                ManagerSettings.defaults().withEventLogSize(10));
        assertTrue(changed.containsAll(List.of("node", "keepalive", "deadtime", "warntime", "bcast/mcast/ucast",
                "event_log_size")), changed.toString());
        assertFalse(changed.contains("cluster") || changed.contains("udpport") || changed.contains("respawn"),
                changed.toString());
    }
}
