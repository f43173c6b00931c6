package io.lifeline.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.lifeline.config.HaCf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback for the daemon from ha.cf, replacing the client default (warnings to stderr):
 * {@code logfile} gets info and above, {@code debugfile} everything down to debug (when
 * {@code debug} is above 0; JGroups' own debug lines from {@code debug 2}), {@code logfacility}
 * goes to the local syslog; with none of them the log goes to stdout, which systemd's journal
 * collects.
 */
final class LoggingSetup {

    private LoggingSetup() {
    }

    /** Applies the configuration; returns problems to report once logging works (never fatal). */
    static List<String> apply(HaCf haCf) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        List<String> problems = new ArrayList<>();
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        haCf.logfile().ifPresent(p -> appenders.add(file(ctx, p, Level.INFO)));
        if (haCf.debug() > 0) {
            haCf.debugfile().ifPresent(p -> appenders.add(file(ctx, p, Level.DEBUG)));
        }
        haCf.logfacility().ifPresent(f -> {
            try {
                SyslogAppender s = new SyslogAppender("/dev/log", f, "lifeline");
                String err = s.open();
                if (err != null) {
                    problems.add("logfacility " + f + ": " + err + "; logging to stdout instead");
                } else {
                    s.setContext(ctx);
                    s.addFilter(threshold(ctx, Level.INFO));
                    s.start();
                    appenders.add(s);
                }
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                problems.add("logfacility " + f + ": " + e.getMessage() + "; logging to stdout instead");
            }
        });
        boolean toStdout = appenders.isEmpty() || !problems.isEmpty();
        if (toStdout) {
            appenders.add(console(ctx));
        }
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        appenders.forEach(root::addAppender);
        ctx.getLogger("io.lifeline").setLevel(haCf.debug() > 0 ? Level.DEBUG : Level.INFO);
        ctx.getLogger("org.jgroups").setLevel(jgroupsLevel(haCf.debug()));
        return problems;
    }

    /**
     * JGroups logs only warnings unless {@code debug} is 2 or more: then its membership and
     * failure-detection decisions (views, suspicions, merges) go to the debugfile too, for the
     * admin who has to find out why a node was declared dead when it was.
     */
    static Level jgroupsLevel(int debug) {
        return debug >= 2 ? Level.DEBUG : Level.WARN;
    }

    private static Appender<ILoggingEvent> file(LoggerContext ctx, Path path, Level threshold) {
        FileAppender<ILoggingEvent> a = new FileAppender<>();
        a.setContext(ctx);
        a.setName("file:" + path);
        a.setFile(path.toString());
        a.setAppend(true);
        a.setEncoder(encoder(ctx));
        a.addFilter(threshold(ctx, threshold));
        a.start();
        return a;
    }

    private static Appender<ILoggingEvent> console(LoggerContext ctx) {
        ConsoleAppender<ILoggingEvent> a = new ConsoleAppender<>();
        a.setContext(ctx);
        a.setName("stdout");
        a.setEncoder(encoder(ctx));
        a.addFilter(threshold(ctx, Level.INFO));
        a.start();
        return a;
    }

    private static LayoutWrappingEncoder<ILoggingEvent> encoder(LoggerContext ctx) {
        return LogLineLayout.encoder(ctx, "yyyy-MM-dd HH:mm:ss.SSS", true);
    }

    private static ThresholdFilter threshold(LoggerContext ctx, Level level) {
        ThresholdFilter f = new ThresholdFilter();
        f.setContext(ctx);
        f.setLevel(level.toString());
        f.start();
        return f;
    }
}
