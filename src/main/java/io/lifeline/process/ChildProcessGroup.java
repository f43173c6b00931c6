package io.lifeline.process;

import io.lifeline.os.Errno;
import io.lifeline.os.Posix;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process group the daemon created for one child (with {@code setsid}, so its id is the
 * child's PID): a script run by {@link ProcessRunner} or a respawned program. Signals go to the
 * whole group: the child and whatever it forked, including processes it daemonized, which
 * {@link ProcessHandle#descendants()} no longer reaches. Nothing is ever looked up by name.
 *
 * <p>PID reuse: while any member lives, the kernel does not hand out the group's id as a new
 * PID, so a group that {@link #exists()} is still ours. Once it is empty, signals fail with
 * ESRCH; the id could only come back after the PID space wrapped around, and callers stop
 * signalling a group as soon as they have seen it empty.
 */
public final class ChildProcessGroup {

    private final int pgid;

    public ChildProcessGroup(long pgid) {
        if (pgid <= 1 || pgid > Integer.MAX_VALUE) {
            // never group 0 (our own) or -1 (every process we may signal)
            throw new IllegalArgumentException("not a child's process group: " + pgid);
        }
        this.pgid = (int) pgid;
    }

    public long id() {
        return pgid;
    }

    /**
     * True while a process of the group is still running. Members that have died but are not
     * reaped yet (zombies: orphans wait for init to reap them, which some container inits do
     * slowly) no longer count; they cannot run, nor be signalled.
     */
    public boolean exists() {
        if (Posix.kill(-pgid, 0) != 0 && Posix.errno() != Errno.EPERM) {
            return false; // ESRCH: nothing left, not even a zombie
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                if (runningMember(proc)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return true; // cannot tell: assume it is still there
        }
    }

    private boolean runningMember(Path proc) {
        String stat;
        try {
            stat = Files.readString(proc.resolve("stat"));
        } catch (IOException e) {
            return false; // gone meanwhile
        }
        // "pid (comm) state ppid pgrp ...": comm may contain anything, so parse after the last ')'
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 >= stat.length()) {
            return false;
        }
        String[] f = stat.substring(close + 2).split(" ", 4);
        if (f.length < 3) {
            return false;
        }
        char state = f[0].isEmpty() ? '?' : f[0].charAt(0);
        return f[2].equals(Integer.toString(pgid)) && state != 'Z' && state != 'X';
    }

    /** SIGTERM to every member; false when the group is already empty. */
    public boolean terminate() {
        return signal(Posix.SIGTERM);
    }

    /** SIGKILL to every member; false when the group is already empty. */
    public boolean kill() {
        return signal(Posix.SIGKILL);
    }

    /** False also when libc cannot be reached: then nothing was signalled. */
    private boolean signal(int sig) {
        try {
            return Posix.kill(-pgid, sig) == 0;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "process group " + pgid;
    }
}
