package io.lifeline.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.lifeline.daemon.LogLineLayout;

/**
 * Logback's start-up configuration, in code instead of a logback.xml: warnings and errors to
 * stderr (JGroups only errors), which is what hactl's client commands want; the daemon replaces
 * it with ha.cf's targets (LoggingSetup). Registered through
 * META-INF/services/ch.qos.logback.classic.spi.Configurator.
 *
 * <p>Why not XML: parsing logback.xml loads the JDK's XML parser and Logback's Joran, about 280
 * classes (2-3 MB of the daemon's resident memory, bench/detection) and tens of milliseconds of
 * every hactl command's start-up.
 */
public final class ClientLogging extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        if (ClientLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the test classpath brings its own configuration
        }
        LayoutWrappingEncoder<ILoggingEvent> encoder = LogLineLayout.encoder(ctx, "HH:mm:ss.SSS", false);
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(ctx);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        ctx.getLogger("org.jgroups").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
