package io.lifeline.daemon;

import io.lifeline.manager.notify.HookRun;
import io.lifeline.manager.notify.Notification;
import io.lifeline.manager.notify.NotifyHook;
import io.lifeline.process.ChildPriority;
import io.lifeline.thread.NamedThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the notify hooks for each transition, strictly one at a time and in the order the manager
 * decided the transitions (keepalived's unordered, untracked notify scripts are a known source
 * of state drift). Each script gets {@code TRANSITION GROUP NODE} as arguments and
 * {@code LIFELINE_TRANSITION}, {@code LIFELINE_GROUP}, {@code LIFELINE_NODE},
 * {@code LIFELINE_REASON}, {@code LIFELINE_TIME} in its environment; it is killed (with its
 * children) when it exceeds its timeout. Every run's exit status is logged and kept in a short
 * history for status output.
 */
public final class NotifyExecutor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NotifyExecutor.class);
    private static final int OUTPUT_LIMIT = 4096;
    private static final int HISTORY = 100;

    private final List<NotifyHook> hooks;
    private final ExecutorService worker;
    private final Deque<HookRun> history = new ArrayDeque<>();

    public NotifyExecutor(List<NotifyHook> hooks) {
        this.hooks = List.copyOf(hooks);
        this.worker = Executors.newSingleThreadExecutor(NamedThreads.daemon("notify"));
    }

    /** Queues the hooks for this notification behind everything queued before. Never blocks. */
    public void submit(Notification n) {
        if (!hooks.isEmpty()) {
            worker.execute(() -> hooks.forEach(h -> record(run(h, n))));
        }
    }

    /** The most recent runs, oldest first. */
    public synchronized List<HookRun> recentRuns() {
        return List.copyOf(history);
    }

    private synchronized void record(HookRun r) {
        if (history.size() == HISTORY) {
            history.removeFirst();
        }
        history.addLast(r);
        String what = r.script() + " " + r.notification().transition().word() + " " + r.notification().group();
        if (r.succeeded()) {
            log.info("notify hook {} exited 0 after {} ms", what, r.took().toMillis());
        } else if (r.timedOut()) {
            log.warn("notify hook {} killed after its {} ms timeout; output: {}", what, r.took().toMillis(), r.output());
        } else {
            log.warn("notify hook {} exited {}; output: {}", what, r.exitCode(), r.output());
        }
    }

    private static HookRun run(NotifyHook hook, Notification n) {
        long t0 = System.nanoTime();
        Path out = null;
        try {
            out = Files.createTempFile("lifeline-notify", ".out");
            ProcessBuilder pb = new ProcessBuilder(hook.script().toString(), n.transition().word(), n.group(), n.node());
            Map<String, String> env = pb.environment();
            env.put("LIFELINE_TRANSITION", n.transition().word());
            env.put("LIFELINE_GROUP", n.group());
            env.put("LIFELINE_NODE", n.node());
            env.put("LIFELINE_REASON", n.reason());
            env.put("LIFELINE_TIME", n.at().toString());
            pb.redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                    Path.of("/dev/null").toFile()));
            Process p = ChildPriority.start(pb);
            boolean done = p.waitFor(hook.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                // The hook itself first, then what it started (listed before, so orphans are still
                // found): killing the children first let the script run its next command.
                List<ProcessHandle> children = p.descendants().toList();
                p.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                p.waitFor(5, TimeUnit.SECONDS);
            }
            return new HookRun(n, hook.script(), done ? p.exitValue() : -1, !done, since(t0), read(out));
        } catch (IOException e) {
            return new HookRun(n, hook.script(), -1, false, since(t0), "cannot run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HookRun(n, hook.script(), -1, false, since(t0), "interrupted");
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    log.debug("cannot delete {}", out, e);
                }
            }
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static String read(Path out) throws IOException {
        byte[] all = Files.readAllBytes(out);
        int n = Math.min(all.length, OUTPUT_LIMIT);
        return new String(all, 0, n, StandardCharsets.UTF_8).strip();
    }

    /** Lets queued hooks finish for up to {@code wait}, then abandons the rest. */
    public boolean shutdown(Duration wait) throws InterruptedException {
        worker.shutdown();
        boolean finished = worker.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            worker.shutdownNow();
        }
        return finished;
    }

    /** Waits for queued hooks up to the longest hook timeout plus 5 s. */
    @Override
    public void close() {
        Duration longest = hooks.stream().map(NotifyHook::timeout).max(Duration::compareTo).orElse(Duration.ZERO);
        try {
            shutdown(longest.plusSeconds(5));
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
