package io.lifeline.process;

import io.lifeline.process.ProcessResult.Outcome;
import io.lifeline.thread.NamedThreads;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Runs agent scripts the same careful way for every script style.
 *
 * <ul>
 *   <li>Each command runs in a new session and process group ({@code setsid --wait}), so that
 *       on timeout the whole group is killed with SIGKILL: the script, its children, and the
 *       grandchildren it daemonized. Only processes that leave the group themselves (a daemon
 *       calling setsid(), like nginx's master) escape; on a normal exit nothing is killed,
 *       since those processes are the service the script started.</li>
 *   <li>The environment is exactly the request's: nothing leaks from the daemon's own.</li>
 *   <li>stdin is {@code /dev/null}, or the request's text (fence agents read their options there);
 *       the working directory is {@code /}.</li>
 *   <li>stdout and stderr are each kept up to a bound (64 KiB by default) and then cut with a
 *       marker; they are drained to the end regardless, so a chatty script never blocks.</li>
 *   <li>When the command exits but a background child still holds its stdout or stderr, the
 *       result is returned after a short grace period with what was read so far; the drain
 *       thread keeps reading (and discarding) until that child closes the pipe ({@link OutputPipe}:
 *       with the JDK's own pipes the child could die of SIGPIPE).</li>
 *   <li>Output lines are logged with the request's label as prefix.</li>
 * </ul>
 *
 * <p>An optional command prefix runs every command through a wrapper, e.g.
 * {@code ip netns exec NS}, which must exec the command (not fork) so the group kill still
 * reaches it. Thread-safe; one runner is shared by all agents.
 */
public final class ProcessRunner {

    public static final int DEFAULT_OUTPUT_LIMIT = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);
    /** Drain a command's stdout and stderr: ll-output-N-NAME-stdout. */
    private static final NamedThreads OUTPUT_DRAINERS = NamedThreads.daemon("output");
    private static final long OUTPUT_GRACE_MILLIS = 500;
    private static final long KILL_WAIT_SECONDS = 5;
    private static final List<Path> SETSID_LOCATIONS = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
    private static final File DEV_NULL = new File("/dev/null");
    private static final String SETSID_EXEC_FAILURE = "setsid: failed to execute ";

    private final List<String> commandPrefix;
    private final int outputLimit;
    private final Path setsid;

    /** A runner with no command prefix and the default output bound. */
    public ProcessRunner() {
        this(List.of(), DEFAULT_OUTPUT_LIMIT);
    }

    /**
     * @param commandPrefix words put before every command, e.g. {@code [ip, netns, exec, NS]}
     * @param outputLimit   bytes kept of each of stdout and stderr
     */
    public ProcessRunner(List<String> commandPrefix, int outputLimit) {
        if (outputLimit < 1) {
            throw new IllegalArgumentException("output limit must be positive: " + outputLimit);
        }
        this.commandPrefix = List.copyOf(commandPrefix);
        this.outputLimit = outputLimit;
        this.setsid = SETSID_LOCATIONS.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (setsid == null) {
            LOG.warn("setsid not found in {}: a timed-out script's daemonized children cannot be killed",
                    SETSID_LOCATIONS);
        }
    }

    public List<String> commandPrefix() {
        return commandPrefix;
    }

    public int outputLimit() {
        return outputLimit;
    }

    /** Runs one command to completion or timeout. Never throws for anything the command does. */
    public ProcessResult run(ProcessRequest request) {
        String label = request.label();
        List<String> command = new ArrayList<>();
        if (setsid != null) {
            command.add(setsid.toString());
            command.add("--wait");
        }
        command.addAll(commandPrefix);
        command.addAll(request.command());

        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(new File("/"))
                .redirectInput(request.stdin() == null ? ProcessBuilder.Redirect.from(DEV_NULL)
                        : ProcessBuilder.Redirect.PIPE);
        builder.environment().clear();
        builder.environment().putAll(request.environment());

        LOG.debug("{}: running {} (timeout {}, environment {})", label, String.join(" ", request.command()),
                Durations.format(request.timeout()), request.environment().keySet().stream().sorted().toList());
        long started = System.nanoTime();
        Process process;
        BoundedOutput stdout;
        BoundedOutput stderr;
        OutputPipe outPipe = null;
        OutputPipe errPipe = null;
        try {
            outPipe = OutputPipe.open();
            errPipe = OutputPipe.open();
            builder.redirectOutput(ProcessBuilder.Redirect.to(outPipe.writeEnd()))
                    .redirectError(ProcessBuilder.Redirect.to(errPipe.writeEnd()));
            process = ChildPriority.start(builder);
        } catch (IOException e) {
            closeQuietly(outPipe);
            closeQuietly(errPipe);
            String error = "cannot run " + request.command().get(0) + ": " + e.getMessage();
            LOG.debug("{}: {}", label, error);
            return new ProcessResult(Outcome.START_FAILED, -1, "", "", elapsed(started), error);
        }
        if (request.stdin() != null) {
            writeStdin(process, request.stdin(), label);
        }
        try {
            stdout = drain(outPipe.reader(), label, "stdout");
            stderr = drain(errPipe.reader(), label, "stderr");
        } catch (IOException e) {
            String error = "cannot read the output of " + request.command().get(0) + ": " + e.getMessage() + "; "
                    + killAll(process);
            LOG.debug("{}: {}", label, error);
            return new ProcessResult(Outcome.START_FAILED, -1, "", "", elapsed(started), error);
        } finally {
            outPipe.close(); // our write ends: the child has its own, and EOF must come when it is done
            errPipe.close();
        }

        Outcome outcome = Outcome.EXITED;
        String error = "";
        try {
            if (!process.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                outcome = Outcome.TIMED_OUT;
                error = "timed out after " + Durations.format(request.timeout()) + "; " + killAll(process);
            }
        } catch (InterruptedException e) {
            outcome = Outcome.INTERRUPTED;
            error = "interrupted; " + killAll(process);
            Thread.currentThread().interrupt();
        }
        Duration elapsed = elapsed(started);

        long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OUTPUT_GRACE_MILLIS);
        boolean stdoutEnded = awaitEnd(stdout, graceEnd); // both waited for, whatever the first says
        boolean stderrEnded = awaitEnd(stderr, graceEnd);
        boolean complete = stdoutEnded && stderrEnded;
        if (!complete) {
            LOG.debug("{}: a background process still holds the output pipe; returning the output read so far",
                    label);
        }
        String out = stdout.text();
        String err = stderr.text();
        int exitCode = -1;
        if (outcome == Outcome.EXITED) {
            exitCode = process.exitValue();
            if (setsid != null && (exitCode == 126 || exitCode == 127) && err.startsWith(SETSID_EXEC_FAILURE)) {
                outcome = Outcome.START_FAILED;
                error = "cannot run " + err.substring(SETSID_EXEC_FAILURE.length()).strip();
                exitCode = -1;
                err = "";
            }
        }
        logOutput(label, "stdout", out, request.outputLevel());
        logOutput(label, "stderr", err, request.outputLevel());
        if (outcome == Outcome.EXITED) {
            LOG.debug("{}: exit code {} after {}", label, exitCode, Durations.format(elapsed));
        } else {
            LOG.debug("{}: {}", label, error);
        }
        return new ProcessResult(outcome, exitCode, out, err, elapsed, error);
    }

    /**
     * Hands the command its stdin and closes it. The text is bounded (ProcessRequest.MAX_STDIN)
     * well below a pipe's capacity, so the write never waits for the command to read; a command
     * that exits without reading it only costs a logged line (the JVM ignores SIGPIPE).
     */
    private static void writeStdin(Process process, String text, String label) {
        try (var in = process.getOutputStream()) {
            in.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("{}: stdin not fully written: {}", label, e.getMessage());
        }
    }

    private static void closeQuietly(OutputPipe pipe) {
        if (pipe != null) {
            pipe.close();
        }
    }

    private BoundedOutput drain(java.io.InputStream in, String label, String name) {
        BoundedOutput output = new BoundedOutput(in, outputLimit);
        OUTPUT_DRAINERS.start(output, name + "-" + label);
        return output;
    }

    /** Kills the command's process group and any descendants still attached; says what it did. */
    private String killAll(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        boolean groupKilled = setsid != null && new ChildProcessGroup(process.pid()).kill();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("process {} did not die within {}s of SIGKILL", process.pid(), KILL_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return groupKilled ? "killed process group " + process.pid() : "killed process " + process.pid();
    }

    private static boolean awaitEnd(BoundedOutput output, long deadlineNanos) {
        try {
            return output.awaitEnd(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void logOutput(String label, String stream, String text, Level level) {
        if (text.isEmpty() || !LOG.isEnabledForLevel(level)) {
            return;
        }
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                LOG.atLevel(level).log("{}: {}: {}", label, stream, line);
            }
        }
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
