package io.lifeline.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Ends a process and everything it started, by PID, with SIGKILL. The parent first: a parent
 * that sees its children die may start new ones (nginx's master forks a replacement worker),
 * and a child forked just before the parent died was left behind, orphaned (seen as stray
 * "nginx: worker process" after fault runs, and as a backend that kept answering after
 * ProxyClusterIT killed it, 2026-12-07). Then the children known before, then whatever is left
 * in the parent's process group (a daemon that called setsid leads its own group, so a child
 * forked meanwhile is found there).
 */
public final class ProcessTrees {

    private ProcessTrees() {
    }

    public static void kill(ProcessHandle root) {
        List<ProcessHandle> children = root.descendants().toList();
        long group = root.pid();
        root.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        killGroup(group);
    }

    /**
     * Ends whatever is left in process group {@code group}: the workers of an nginx master
     * (which leads its own group) even after the master itself is gone.
     */
    public static void killGroup(long group) {
        ProcessHandle.allProcesses().filter(p -> processGroupOf(p.pid()) == group)
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** The process group of {@code pid} from /proc/PID/stat ("pid (comm) state ppid pgrp ..."), -1 if gone. */
    static long processGroupOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(after[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
