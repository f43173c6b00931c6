package io.lifeline.thread;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Lifeline makes a thread (ArchitectureRulesTest forbids {@code new Thread(}
 * anywhere else), so every thread is alike: named {@code ll-ROLE-N} (N counts the threads this
 * factory made, from 1), a daemon thread unless made by {@link #keepingJvmAlive}, and an uncaught
 * exception is logged through SLF4J with the thread's name instead of printed to stderr, which
 * under systemd nobody reads in order.
 *
 * <p>The names are short because Linux keeps 15 characters of a thread's name ({@code top -H},
 * {@code ps -L}, {@code /proc/PID/task/TID/comm}): {@code ll-membership-1} fits exactly, where
 * {@code lifeline-membership} showed as {@code lifeline-member}. A detail (a respawned program's
 * or a link's name) goes after the number, where truncation costs least.
 *
 * <p>{@link #heartbeat} threads (heartbeat and failure detection: the membership tick, the stall
 * watchdog, the VIP lease renewer, the systemd watchdog) get {@link Thread#MAX_PRIORITY}. That is
 * only the JVM's hint (Linux ignores it unless the JVM runs with {@code -XX:ThreadPriorityPolicy=1});
 * what really keeps them on time is SCHED_RR, which each asks for itself through the cluster's
 * {@code HeartbeatPriority} when {@code realtime} is on (docs/cluster.md).
 */
public final class NamedThreads implements ThreadFactory {

    /** Every Lifeline thread's name starts with this. */
    public static final String PREFIX = "ll-";

    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9]*(?:-[a-z0-9]+)*");

    /**
     * Logs what killed a thread; the JVM's default handler would print it to stderr. The logger
     * is looked up only then: hactl's client makes a thread on every command, and its start-up
     * should not pay for logging it does not do (docs/ARCHITECTURE.md, "Start-up").
     */
    static final Thread.UncaughtExceptionHandler LOG_UNCAUGHT = (thread, e) -> {
        Logger log = LoggerFactory.getLogger(NamedThreads.class);
        log.error("thread {} ended by an uncaught {}", thread.getName(), e.toString(), e);
    };

    private final String role;
    private final boolean daemon;
    private final int priority;
    private final AtomicInteger made = new AtomicInteger();

    private NamedThreads(String role, boolean daemon, int priority) {
        if (!ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException("a thread role is lowercase words joined by '-', not '" + role + "'");
        }
        this.role = role;
        this.daemon = daemon;
        this.priority = priority;
    }

    /** Daemon threads at normal priority: they never keep the JVM from exiting. */
    public static NamedThreads daemon(String role) {
        return new NamedThreads(role, true, Thread.NORM_PRIORITY);
    }

    /** Daemon threads that do heartbeat or failure-detection work (see the class comment). */
    public static NamedThreads heartbeat(String role) {
        return new NamedThreads(role, true, Thread.MAX_PRIORITY);
    }

    /**
     * Threads that keep the JVM running while they do (a standalone proxy's event loops, the
     * thread that calls {@code System.exit}); also what shutdown hooks are made with.
     */
    public static NamedThreads keepingJvmAlive(String role) {
        return new NamedThreads(role, false, Thread.NORM_PRIORITY);
    }

    /** The role this factory names its threads after. */
    public String role() {
        return role;
    }

    /** A new, unstarted thread named {@code ll-ROLE-N}. */
    @Override
    public Thread newThread(Runnable task) {
        return make(task, null);
    }

    /** A new, unstarted thread named {@code ll-ROLE-N-DETAIL}. */
    public Thread newThread(Runnable task, String detail) {
        return make(task, detail);
    }

    /** Makes and starts a thread named {@code ll-ROLE-N}. */
    public Thread start(Runnable task) {
        Thread t = make(task, null);
        t.start();
        return t;
    }

    /** Makes and starts a thread named {@code ll-ROLE-N-DETAIL}. */
    public Thread start(Runnable task, String detail) {
        Thread t = make(task, detail);
        t.start();
        return t;
    }

    @SuppressWarnings("ThreadPriorityCheck") // a hint only, see the class comment; SCHED_RR is what counts
    private Thread make(Runnable task, String detail) {
        String name = PREFIX + role + "-" + made.incrementAndGet()
                + (detail == null || detail.isEmpty() ? "" : "-" + detail);
        Thread t = new Thread(task, name);
        t.setDaemon(daemon);
        t.setPriority(priority);
        t.setUncaughtExceptionHandler(LOG_UNCAUGHT);
        return t;
    }
}
