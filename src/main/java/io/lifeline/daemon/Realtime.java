package io.lifeline.daemon;

import io.lifeline.cluster.HeartbeatPriority;
import io.lifeline.os.Errno;
import io.lifeline.os.Posix;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ha.cf {@code realtime on} (the default): like Heartbeat, keep the daemon from being paged out
 * or starved, because a node that cannot run in time is declared dead by its peers.
 * <ul>
 *   <li>{@code mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT)}: no page the daemon has used is
 *       swapped out (needs CAP_IPC_LOCK or a large enough RLIMIT_MEMLOCK); the launcher keeps the
 *       heap small. {@code MCL_ONFAULT} locks pages as they are touched: without it mlockall
 *       reads in every mapping whole, above all the JDK's 130 MB {@code lib/modules} image: the
 *       daemon was resident with 243 MiB instead of 97 MiB (bench/detection). Kernels
 *       before 4.4 reject the flag; then everything is locked as before;</li>
 *   <li>nice {@value #NICE} for every thread of the process (Linux applies nice per thread; threads
 *       created later inherit it from their creator), so the JVM's own threads (a garbage
 *       collection stops every thread) win against ordinary load (needs CAP_SYS_NICE);</li>
 *   <li>SCHED_RR at ha.cf's {@code rtprio} (default {@value HeartbeatPriority#DEFAULT_RTPRIO})
 *       for the heartbeat threads only ({@link HeartbeatPriority}): the whole JVM at a realtime
 *       priority, as Heartbeat ran its process, would let a JIT compiler burst starve the
 *       services this node runs.</li>
 * </ul>
 * Child processes do not inherit either: see {@code ChildPriority} and {@code SCHED_RESET_ON_FORK}.
 * Failures are warnings, never fatal.
 */
final class Realtime {

    static final int NICE = -10;
    private static final Logger LOG = LoggerFactory.getLogger(Realtime.class);

    private Realtime() {
    }

    static void apply(int rtprio) {
        try {
            Posix.load();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.warn("realtime: cannot load libc through JNA ({}); running without memory locking and priority", e
                    .toString());
            return;
        }
        int flags = Posix.MCL_CURRENT | Posix.MCL_FUTURE;
        int rc = Posix.mlockall(flags | Posix.MCL_ONFAULT);
        int errno = rc == 0 ? 0 : Posix.errno();
        if (rc != 0 && errno == Errno.EINVAL) {
            rc = Posix.mlockall(flags); // kernel without MCL_ONFAULT
            errno = rc == 0 ? 0 : Posix.errno();
        }
        if (rc != 0) {
            LOG.warn("realtime: mlockall failed: {} (needs CAP_IPC_LOCK); the daemon may be swapped out",
                    Posix.strerror(errno));
        } else {
            LOG.info("realtime: memory locked (mlockall)");
        }
        int failed = 0;
        int done = 0;
        String firstError = null;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                int tid = Integer.parseInt(task.getFileName().toString());
                if (Posix.setpriority(Posix.PRIO_PROCESS, tid, NICE) != 0) {
                    failed++;
                    if (firstError == null) {
                        firstError = Posix.strerror(Posix.errno());
                    }
                } else {
                    done++;
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("realtime: cannot list threads: {}", e.toString());
        }
        if (failed > 0) {
            LOG.warn("realtime: cannot raise priority to nice {} for {} thread(s): {} (needs CAP_SYS_NICE)",
                    NICE, failed, firstError);
        } else {
            LOG.info("realtime: priority raised to nice {} ({} threads)", NICE, done);
        }
        HeartbeatPriority.enable(rtprio > 0 ? rtprio : HeartbeatPriority.DEFAULT_RTPRIO);
    }
}
