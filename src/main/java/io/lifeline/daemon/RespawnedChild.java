package io.lifeline.daemon;

import io.lifeline.process.ChildPriority;
import io.lifeline.process.ChildProcessGroup;
import io.lifeline.process.OutputPipe;
import io.lifeline.thread.NamedThreads;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ha.cf {@code respawn} program, kept running by a thread of its own: started, waited for,
 * and started again when it exits, as {@link RespawnPolicy} says, unless it exits with status
 * 100 (Heartbeat's "do not respawn me"). Its output is logged under its name
 * ({@link ChildOutputLog}) through a pipe the daemon owns ({@link OutputPipe}).
 *
 * <p>Stopping is in two steps so that several children stop in parallel:
 * {@link #requestStop()} ends respawning and sends SIGTERM to the child's process group,
 * {@link #awaitStopped} waits for the group to be empty and sends SIGKILL at the deadline.
 */
final class RespawnedChild {

    /** Where the child is in its life. */
    enum State {
        /** not started yet */
        NEW,
        /** the program runs */
        RUNNING,
        /** it died after a short run; it is started again after a delay */
        WAITING,
        /** it exited with status 100: not respawned */
        EXITED,
        /** it died too often too soon: not respawned until the daemon restarts */
        GAVE_UP,
        /** it cannot be started (the program is gone or not executable) */
        FAILED,
        /** the daemon stopped it */
        STOPPED
    }

    /** What {@code hactl status} shows of a child. */
    record Status(String name, int line, String user, String command, State state, Long pid, int starts,
                  String lastExit, Instant since) {
    }

    static final int DO_NOT_RESPAWN = 100;
    private static final Logger LOG = LoggerFactory.getLogger(RespawnedChild.class);
    /** ll-respawn-N-NAME, NAME the program's. */
    private static final NamedThreads THREADS = NamedThreads.daemon("respawn");
    private static final File DEV_NULL = new File("/dev/null");
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final RespawnCommand command;
    private final RespawnPolicy policy;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object lock = new Object();

    // guarded by lock
    private boolean stopping;
    private Process process;
    private ChildProcessGroup group;
    private State state = State.NEW;
    private int starts;
    private String lastExit;
    private Instant since = Instant.now();

    RespawnedChild(RespawnCommand command, RespawnPolicy policy) {
        this.command = command;
        this.policy = policy;
    }

    String name() {
        return command.name();
    }

    void start() {
        THREADS.start(this::supervise, command.name());
    }

    Status status() {
        synchronized (lock) {
            return new Status(command.name(), command.respawn().line(), command.respawn().user(),
                    command.respawn().commandLine(), state, process != null ? process.pid() : null, starts, lastExit,
                    since);
        }
    }

    private void supervise() {
        try {
            int shortRuns = 0;
            while (true) {
                if (!Files.isRegularFile(command.program()) || !Files.isExecutable(command.program())) {
                    // like Heartbeat: a program that cannot be executed is not started, nor respawned
                    LOG.error("{}: cannot start: {} is missing or not executable; it will not be respawned",
                            command.name(), command.program());
                    setState(State.FAILED);
                    return;
                }
                long startedAt = System.nanoTime();
                Process p;
                synchronized (lock) {
                    if (stopping) {
                        return;
                    }
                    p = launch();
                    if (p != null) {
                        process = p;
                        group = new ChildProcessGroup(p.pid());
                        starts++;
                        state = State.RUNNING;
                        since = Instant.now();
                    }
                }
                int code = -1;
                if (p != null) {
                    code = p.waitFor();
                }
                Duration ran = Duration.ofNanos(System.nanoTime() - startedAt);
                String exit = p == null ? "could not be started" : describeExit(code);
                synchronized (lock) {
                    process = null;
                    lastExit = exit;
                    if (stopping) {
                        return;
                    }
                }
                if (code == DO_NOT_RESPAWN) {
                    // what it left running stays (it may have handed over to a daemon of its own)
                    // until the daemon stops, which stops the whole group
                    LOG.warn("{}: exited with status 100 after {}: will not be respawned", command.name(),
                            format(ran));
                    setState(State.EXITED);
                    return;
                }
                shortRuns = ran.compareTo(policy.shortRun()) < 0 ? shortRuns + 1 : 0;
                if (shortRuns > policy.maxShortRestarts()) {
                    LOG.error("{}: {} after {}; respawning too fast ({} runs in a row shorter than {}):"
                                    + " will not be respawned until the daemon restarts", command.name(), exit,
                            format(ran), shortRuns, format(policy.shortRun()));
                    setState(State.GAVE_UP);
                    cleanUpAfterExit();
                    return;
                }
                if (shortRuns == 0) {
                    LOG.warn("{}: {} after {}; respawning", command.name(), exit, format(ran));
                    cleanUpAfterExit();
                    continue;
                }
                LOG.warn("{}: {} after {}; respawning in {}", command.name(), exit, format(ran),
                        format(policy.delayAfterShortRun()));
                setState(State.WAITING);
                cleanUpAfterExit();
                if (stopRequested.await(policy.delayAfterShortRun().toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("{}: supervision failed; it will not be respawned", command.name(), e);
            setState(State.FAILED);
        } finally {
            synchronized (lock) {
                if (stopping) {
                    state = State.STOPPED;
                    since = Instant.now();
                }
            }
            finished.countDown();
        }
    }

    /** Starts the program once; null (logged) when that fails. Called holding the lock. */
    private Process launch() {
        ProcessBuilder builder = new ProcessBuilder(command.argv())
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        builder.environment().clear();
        builder.environment().putAll(command.environment());
        OutputPipe pipe = null;
        try {
            pipe = OutputPipe.open();
            ProcessBuilder.Redirect out = ProcessBuilder.Redirect.to(pipe.writeEnd());
            builder.redirectOutput(out).redirectError(out);
            Process p = ChildPriority.start(builder); // at nice 0, not the daemon's -10
            LOG.info("{}: started '{}' as {} (pid {})", command.name(), command.respawn().commandLine(),
                    command.account().name(), p.pid());
            InputStream in = pipe.reader();
            ChildOutputLog.start(command.name(), in);
            return p;
        } catch (IOException e) {
            LOG.error("{}: cannot start {}: {}", command.name(), command.program(), e.getMessage());
            return null;
        } finally {
            if (pipe != null) {
                pipe.close(); // our ends: EOF must come when the child and its descendants are done
            }
        }
    }

    /**
     * After the program died: processes it left in its group (helpers it forked) are stopped
     * too, so that the respawned program does not find its predecessor's leftovers. During a
     * stop, {@link #awaitStopped} does this.
     */
    private void cleanUpAfterExit() {
        ChildProcessGroup g;
        synchronized (lock) {
            if (stopping) {
                return;
            }
            g = group;
        }
        if (g != null && g.exists()) {
            LOG.warn("{}: processes are left in its {}; stopping them", command.name(), g);
            g.terminate();
            stop(null, g, System.nanoTime() + policy.stopGrace().toNanos());
        }
    }

    /** Ends respawning and sends SIGTERM to the child's process group. Returns at once. */
    void requestStop() {
        ChildProcessGroup g;
        synchronized (lock) {
            stopping = true;
            g = group; // also after the program is gone: what it left in its group stops with the daemon
        }
        stopRequested.countDown();
        if (g != null && g.terminate()) {
            LOG.info("{}: sent SIGTERM to {}", command.name(), g);
        }
    }

    /**
     * Waits until the child and its process group are gone, at most until {@code deadlineNanos}
     * (System.nanoTime); then SIGKILL. Call after {@link #requestStop()}. True when the child
     * and everything in its group are gone.
     */
    boolean awaitStopped(long deadlineNanos) {
        Process p;
        ChildProcessGroup g;
        synchronized (lock) {
            p = process;
            g = group;
        }
        boolean gone = g == null || stop(p, g, deadlineNanos);
        try {
            // the supervising thread ends right after the program's exit is seen
            gone &= finished.await(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return gone;
    }

    /**
     * SIGTERM has been sent to {@code g}; waits until the deadline for {@code p} (when still
     * running) and the group to be gone, then sends SIGKILL. A program started a moment ago may
     * not have called setsid yet, so the group does not exist while the process does: it is
     * then signalled by PID.
     */
    private boolean stop(Process p, ChildProcessGroup g, long deadlineNanos) {
        if (awaitGone(p, g, deadlineNanos, true)) {
            return true;
        }
        LOG.warn("{}: {} still running {} after SIGTERM; sending SIGKILL", command.name(), g,
                format(policy.stopGrace()));
        g.kill();
        if (p != null) {
            p.destroyForcibly();
        }
        if (awaitGone(p, g, System.nanoTime() + KILL_WAIT.toNanos(), false)) {
            return true;
        }
        LOG.error("{}: {} did not die within {} of SIGKILL", command.name(), g, format(KILL_WAIT));
        return false;
    }

    /** Polls every 20 ms: there is no way to wait for a group of processes that are not all our children. */
    private static boolean awaitGone(Process p, ChildProcessGroup g, long deadlineNanos, boolean terminating) {
        while (true) {
            boolean groupAlive = g.exists();
            boolean processAlive = p != null && p.isAlive();
            if (!groupAlive && !processAlive) {
                return true;
            }
            if (terminating && processAlive && !groupAlive) {
                p.destroy(); // SIGTERM by PID: not in its own group yet
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private void setState(State s) {
        synchronized (lock) {
            state = s;
            since = Instant.now();
        }
    }

    /** Java reports a death by signal N as status 128+N, as shells do. */
    static String describeExit(int code) {
        if (code > 128 && code < 128 + 65) {
            return "exited with status " + code + " (killed by signal " + (code - 128) + ")";
        }
        return "exited with status " + code;
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms < 10_000 ? ms + " ms" : (ms / 1000) + " s";
    }
}
