package io.lifeline.daemon;

import io.lifeline.thread.NamedThreads;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP reloads the configuration, as it does for Heartbeat, keepalived and most daemons. The
 * JVM's own SIGHUP handling runs the shutdown hooks, so without this handler {@code kill -HUP}
 * stopped the node: it released its groups, left the cluster and exited.
 *
 * <p>Why {@code sun.misc.Signal}: it hooks into the JVM's own signal dispatching (the mechanism
 * behind SIGTERM's shutdown hooks), so the handler is ordinary Java code on the JVM's "Signal
 * Dispatcher" thread; the module {@code jdk.unsupported} that holds it is exported to every
 * class path application, and it is supported on every JDK since 1.x. The alternatives are
 * worse: {@code jdk.internal.misc.Signal} needs {@code --add-exports} in every launcher, and a
 * native {@code sigaction} through JNA would run Java code inside a signal handler (not
 * async-signal-safe) or need a pipe and thread of our own, and could race with the JVM, which
 * also installs a SIGHUP handler. It fails only when the JVM runs with {@code -Xrs}, which the
 * launcher does not use; then the daemon logs that SIGHUP is not handled.
 *
 * <p>The handler only queues the reload on its own thread: the dispatcher thread must not
 * block. Signals that arrive while one is still queued coalesce into it (a reload reads the
 * files as they are when it runs, so one is as good as many).
 */
final class HangupSignal {

    private static final Logger LOG = LoggerFactory.getLogger(HangupSignal.class);
    private static final NamedThreads RELOADER = NamedThreads.daemon("reload");

    private HangupSignal() {
    }

    /** From now on SIGHUP runs {@code reload} on a "lifeline-reload" thread; false if the JVM does not allow it. */
    @SuppressWarnings("removal")
    static boolean onHangup(Runnable reload) {
        AtomicBoolean queued = new AtomicBoolean();
        Object lock = new Object();
        // Started under nohup (or from a shell that ignored SIGHUP), the signal arrives ignored,
        // the JVM keeps it so, and kill -HUP did nothing at all (seen in a test run started with
        // nohup). A daemon sets its own SIGHUP handler whatever it inherited, as C daemons do.
        boolean wasIgnored = false;
        try {
            wasIgnored = io.lifeline.os.Posix.unignore(io.lifeline.os.Posix.SIGHUP);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.debug("cannot read SIGHUP's disposition: {}", e.toString());
        }
        if (wasIgnored) {
            LOG.info("SIGHUP was ignored by the process that started the daemon (nohup?): handled from now on");
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                if (!queued.compareAndSet(false, true)) {
                    return; // one is already waiting to run
                }
                RELOADER.start(() -> {
                    synchronized (lock) {
                        queued.set(false);
                        try {
                            reload.run();
                        } catch (RuntimeException e) {
                            LOG.error("SIGHUP: reload failed: {}", e.toString(), e);
                        }
                    }
                });
            });
            return true;
        } catch (IllegalArgumentException e) {
            LOG.warn("SIGHUP cannot be handled ({}): use hactl reload; a SIGHUP would stop the daemon", e.getMessage());
            return false;
        }
    }
}
