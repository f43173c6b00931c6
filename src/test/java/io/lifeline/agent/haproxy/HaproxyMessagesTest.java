package io.lifeline.agent.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxyMessagesTest {

    private static final String BAD = """
            [NOTICE]   (14935) : haproxy version is 2.6.12-1+deb12u4
            [NOTICE]   (14935) : path to executable is /usr/sbin/haproxy
            [WARNING]  (14935) : config : parsing [/etc/haproxy/h.cfg:7] : a 'http-request' rule placed after a 'use_backend' rule will still be processed before.
            [ALERT]    (14935) : config : parsing [/etc/haproxy/h.cfg:2] : unknown keyword 'foo' in 'global' section
            [ALERT]    (14935) : config : parsing [/etc/haproxy/h.cfg:5] : unknown keyword 'bogus' in 'frontend' section
            [ALERT]    (14935) : config : Error(s) found in configuration file : /etc/haproxy/h.cfg
            [ALERT]    (14935) : config : Fatal errors found in configuration.
            """;

    @Test
    void alertsAndWarningsKeepTheirFileAndLine() {
        List<HaproxyMessages.Message> m = HaproxyMessages.parse(BAD);
        assertEquals(3, m.size(), m.toString());
        assertFalse(m.get(0).alert());
        assertEquals(7, m.get(0).line());
        assertEquals(new HaproxyMessages.Message(true, Path.of("/etc/haproxy/h.cfg"), 2,
                "unknown keyword 'foo' in 'global' section"), m.get(1));
        assertEquals("/etc/haproxy/h.cfg:5: unknown keyword 'bogus' in 'frontend' section", m.get(2).located());
    }

    @Test
    void theSummaryListsTheSpecificAlertsOnly() {
        assertEquals("/etc/haproxy/h.cfg:2: unknown keyword 'foo' in 'global' section; "
                + "/etc/haproxy/h.cfg:5: unknown keyword 'bogus' in 'frontend' section", HaproxyMessages.alertSummary(BAD));
    }

    @Test
    void alertsWithoutALocationAreKeptWhole() {
        String out = """
                [ALERT]    (1) : Starting frontend fe: cannot bind socket (Address already in use) [127.0.0.1:8080]
                [ALERT]    (1) : [/usr/sbin/haproxy.main()] Some protocols failed to start their listeners! Exiting.
                """;
        List<HaproxyMessages.Message> m = HaproxyMessages.parse(out);
        assertEquals(2, m.size());
        assertNull(m.get(0).file(), "an address in brackets is not a file:line");
        assertTrue(HaproxyMessages.alertSummary(out).startsWith("Starting frontend fe: cannot bind socket"));
        assertEquals("Cannot open configuration file/directory /x.cfg : No such file or directory",
                HaproxyMessages.alertSummary("[ALERT]    (9) : config : Cannot open configuration file/directory /x.cfg : No such file or directory\n"));
    }

    /** haproxy 2.6.12, maxconn 65535 under a 1024-descriptor limit, with -p beside a pidfile line. */
    @Test
    void theFatalAlertLeadsAndOneHaproxyCarriedOnAfterFollows() {
        String out = """
                [NOTICE]   (18215) : haproxy version is 2.6.12-1+deb12u4
                [NOTICE]   (18215) : path to executable is /usr/sbin/haproxy
                [ALERT]    (18215) : config : parsing [/tmp/h.cfg:3] : 'pidfile' already specified. Continuing.
                [ALERT]    (18215) : [haproxy.main()] Cannot raise FD limit to 131098, limit is 1024.
                """;
        assertEquals("[haproxy.main()] Cannot raise FD limit to 131098, limit is 1024.; "
                + "/tmp/h.cfg:3: 'pidfile' already specified. Continuing.", HaproxyMessages.alertSummary(out));
    }

    @Test
    void withoutAlertsTheLastLineIsTheReason() {
        assertEquals("Segmentation fault", HaproxyMessages.alertSummary("starting\nSegmentation fault\n"));
    }
}
