package io.lifeline.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NamedThreadsTest {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger log = (Logger) org.slf4j.LoggerFactory.getLogger(NamedThreads.class);

    @BeforeEach
    void capture() {
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void release() {
        log.detachAppender(logged);
    }

    @Test
    void namesEachThreadAfterItsRoleAndNumber() {
        NamedThreads agents = NamedThreads.daemon("agent");
        assertEquals("ll-agent-1", agents.newThread(() -> { }).getName());
        assertEquals("ll-agent-2", agents.newThread(() -> { }).getName());
        assertEquals("ll-agent-3-IPaddr2-stdout", agents.newThread(() -> { }, "IPaddr2-stdout").getName());
        assertEquals("ll-agent-1", NamedThreads.daemon("agent").newThread(() -> { }).getName(), "per factory");
        assertTrue(NamedThreads.heartbeat("membership").newThread(() -> { }).getName().length() <= 15,
                "the kernel keeps 15 characters of a thread's name");
    }

    @Test
    void daemonFlagAndPriorityFollowTheKind() {
        Thread plain = NamedThreads.daemon("control").newThread(() -> { });
        assertTrue(plain.isDaemon());
        assertEquals(Thread.NORM_PRIORITY, plain.getPriority());
        Thread heartbeat = NamedThreads.heartbeat("stall").newThread(() -> { });
        assertTrue(heartbeat.isDaemon());
        assertEquals(Thread.MAX_PRIORITY, heartbeat.getPriority());
        Thread loop = NamedThreads.keepingJvmAlive("proxy-loop").newThread(() -> { });
        assertFalse(loop.isDaemon());
        assertEquals(Thread.NORM_PRIORITY, loop.getPriority());
    }

    @Test
    void anUncaughtExceptionIsLoggedWithTheThreadsName() throws InterruptedException {
        assertSame(NamedThreads.LOG_UNCAUGHT, NamedThreads.daemon("x").newThread(() -> { }).getUncaughtExceptionHandler());
        Thread t = NamedThreads.daemon("crash").start(() -> {
            throw new IllegalStateException("boom");
        });
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(1, logged.list.size(), logged.list.toString());
        ILoggingEvent e = logged.list.get(0);
        assertEquals(Level.ERROR, e.getLevel());
        assertEquals("thread ll-crash-1 ended by an uncaught java.lang.IllegalStateException: boom",
                e.getFormattedMessage());
        assertEquals("boom", e.getThrowableProxy().getMessage(), "with its stack trace");
    }

    @Test
    void executorsUseItAsTheirFactory() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(NamedThreads.daemon("notify"));
        try {
            assertEquals("ll-notify-1", pool.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRoleIsLowercaseWordsJoinedByDashes() {
        for (String bad : new String[] {"", "Agent", "agent-", "-agent", "a b", "ll-agent-1 "}) {
            assertThrows(IllegalArgumentException.class, () -> NamedThreads.daemon(bad), bad);
        }
        assertEquals("report-sender", NamedThreads.daemon("report-sender").role());
    }
}
