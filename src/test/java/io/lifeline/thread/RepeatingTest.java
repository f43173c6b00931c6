package io.lifeline.thread;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RepeatingTest {

    @Test
    void aFailingRunIsLoggedAndTheNextRunsOnSchedule() {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger log = (Logger) org.slf4j.LoggerFactory.getLogger(Repeating.class);
        logged.start();
        log.addAppender(logged);
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(NamedThreads.daemon("test"));
        AtomicInteger runs = new AtomicInteger();
        try {
            // plain scheduleWithFixedDelay would never run this a second time
            Repeating.withFixedDelay(executor, "membership tick", 0, 5, TimeUnit.MILLISECONDS, () -> {
                int run = runs.incrementAndGet();
                if (run == 1) {
                    throw new IllegalStateException("bug 1");
                }
                if (run <= 3) {
                    throw new AssertionError("an Error " + run); // used to end the task silently
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() >= 6);
        } finally {
            executor.shutdownNow();
            log.detachAppender(logged);
        }
        assertEquals(1, logged.list.size(), "repeats within 10 s are counted, not logged: " + logged.list);
        assertEquals("membership tick failed (it runs again on schedule): java.lang.IllegalStateException: bug 1",
                logged.list.get(0).getFormattedMessage());
        assertTrue(logged.list.get(0).getThrowableProxy() != null, "the first failure with its stack trace");
        assertTrue(runs.get() >= 6, "the task ran on after two Errors");
    }
}
