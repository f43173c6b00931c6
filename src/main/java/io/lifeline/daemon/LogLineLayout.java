package io.lifeline.daemon;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Lifeline's log line, {@code 2026-11-21 23:27:36.383 WARN  [thread] Logger: message}, written
 * directly instead of through Logback's PatternLayout.
 *
 * <p>Why: PatternLayout registers every converter Logback has (66 lambdas, the converter classes
 * and a pattern parser, about 150 classes), which is resident memory in a daemon that uses five of
 * them (bench/detection measures the footprint).
 */
public final class LogLineLayout extends LayoutBase<ILoggingEvent> {

    private final DateTimeFormatter time;
    private final boolean threadName;

    /**
     * @param datePattern a {@link DateTimeFormatter} pattern for the time stamp
     * @param threadName  whether the thread's name is written, in brackets, after the level
     */
    public LogLineLayout(String datePattern, boolean threadName) {
        this.time = DateTimeFormatter.ofPattern(datePattern, java.util.Locale.ROOT).withZone(ZoneId.systemDefault());
        this.threadName = threadName;
    }

    /** An encoder writing lines through a started layout of this kind (the daemon's and hactl's). */
    public static LayoutWrappingEncoder<ILoggingEvent> encoder(LoggerContext ctx, String datePattern,
                                                               boolean threadName) {
        LogLineLayout layout = new LogLineLayout(datePattern, threadName);
        layout.setContext(ctx);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> e = new LayoutWrappingEncoder<>();
        e.setContext(ctx);
        e.setLayout(layout);
        e.start();
        return e;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder b = new StringBuilder(128);
        time.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), b);
        b.append(' ');
        String level = event.getLevel().toString();
        b.append(level);
        for (int i = level.length(); i < 5; i++) {
            b.append(' ');
        }
        if (threadName) {
            b.append(" [").append(event.getThreadName()).append(']');
        }
        String logger = event.getLoggerName();
        b.append(' ').append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ");
        b.append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            b.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
        }
        return b.toString();
    }
}
