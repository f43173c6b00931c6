package io.lifeline.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class LogLineLayoutTest {

    private static final LoggerContext CTX = new LoggerContext();

    private static LoggingEvent event(Level level, String message, Throwable thrown, Object... args) {
        LoggingEvent e = new LoggingEvent("test", CTX.getLogger("io.lifeline.cluster.Cluster"), level, message,
                thrown, args);
        e.setThreadName("ll-membership-1");
        e.setTimeStamp(LocalDateTime.of(2026, 11, 21, 23, 27, 36, 383_000_000)
                .atZone(ZoneId.systemDefault()).toInstant().toEpochMilli());
        return e;
    }

    @Test
    void writesTheDaemonsLineWithPaddedLevelThreadAndShortLoggerName() {
        LogLineLayout layout = new LogLineLayout("yyyy-MM-dd HH:mm:ss.SSS", true);
        assertEquals("2026-11-21 23:27:36.383 WARN  [ll-membership-1] Cluster: node n2: is dead (silent on every link)"
                        + System.lineSeparator(),
                layout.doLayout(event(Level.WARN, "node {}: is dead ({})", null, "n2", "silent on every link")));
        assertEquals("2026-11-21 23:27:36.383 ERROR [ll-membership-1] Cluster: x" + System.lineSeparator(),
                layout.doLayout(event(Level.ERROR, "x", null)));
    }

    @Test
    void theClientLineHasNoDateAndNoThread() {
        LogLineLayout layout = new LogLineLayout("HH:mm:ss.SSS", false);
        assertEquals("23:27:36.383 INFO  Cluster: hello" + System.lineSeparator(),
                layout.doLayout(event(Level.INFO, "hello", null)));
    }

    @Test
    void anExceptionIsWrittenWithItsStackTraceAfterTheLine() {
        LogLineLayout layout = new LogLineLayout("HH:mm:ss.SSS", false);
        String out = layout.doLayout(event(Level.ERROR, "failed", new IllegalStateException("boom")));
        assertTrue(out.startsWith("23:27:36.383 ERROR Cluster: failed" + System.lineSeparator()
                + "java.lang.IllegalStateException: boom"), out);
        assertTrue(out.contains("\tat io.lifeline.daemon.LogLineLayoutTest."), out);
    }
}
