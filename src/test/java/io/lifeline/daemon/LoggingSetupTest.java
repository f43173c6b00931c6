package io.lifeline.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.HaCf;
import io.lifeline.config.HaCfParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LoggingSetupTest {

    @TempDir
    Path dir;

    @AfterEach
    void restoreTestLogging() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig();
    }

    private String debugfileAfterLogging(int debug) throws Exception {
        Path debugfile = dir.resolve("debug-" + debug + ".log");
        Path haCf = Files.writeString(dir.resolve("ha.cf"),
                "node a\nnode b\nbcast eth0\ndebug " + debug + "\ndebugfile " + debugfile + "\n");
        Diagnostics diag = new Diagnostics();
        HaCf cf = HaCfParser.parse(haCf, diag).orElseThrow(() -> new AssertionError(diag.problems()));
        List<String> problems = LoggingSetup.apply(cf);
        assertEquals(List.of(), problems);
        LoggerFactory.getLogger("org.jgroups.protocols.pbcast.GMS").debug("jgroups view line");
        LoggerFactory.getLogger("org.jgroups.protocols.pbcast.GMS").warn("jgroups warning line");
        LoggerFactory.getLogger("io.lifeline.cluster.Cluster").debug("lifeline debug line");
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop(); // flush and close the file
        return Files.readString(debugfile);
    }

    @Test
    void debugOneLogsLifelineDebugButOnlyJGroupsWarnings() throws Exception {
        String log = debugfileAfterLogging(1);
        assertTrue(log.contains("lifeline debug line"), log);
        assertTrue(log.contains("jgroups warning line"), log);
        assertFalse(log.contains("jgroups view line"), log);
    }

    @Test
    void debugTwoAddsJGroupsDebugLines() throws Exception {
        String log = debugfileAfterLogging(2);
        assertTrue(log.contains("lifeline debug line"), log);
        assertTrue(log.contains("jgroups view line"), log);
    }
}
