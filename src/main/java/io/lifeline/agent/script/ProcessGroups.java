package io.lifeline.agent.script;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Signals a whole process group. {@link ProcessHandle} can only reach a process's current
 * descendants; children that a script has daemonized (re-parented to init) are no longer
 * among them, but they are still in the session and process group that {@code setsid} created
 * for the script, so a group kill reaches them.
 */
final class ProcessGroups {

    private static final int SIGKILL = 9;

    private interface LibC extends Library {
        int kill(int pid, int signal);
    }

    private static volatile LibC libc;

    private ProcessGroups() {
    }

    /**
     * Sends SIGKILL to every process in group {@code pgid}. Returns false when the group does
     * not exist (any more) or the native call is unavailable.
     */
    static boolean killGroup(long pgid) {
        if (pgid <= 1 || pgid > Integer.MAX_VALUE) {
            // never signal group 0 (our own group) or -1 (every process we may signal)
            return false;
        }
        try {
            return libc().kill(-(int) pgid, SIGKILL) == 0;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return false;
        }
    }

    private static LibC libc() {
        LibC l = libc;
        if (l == null) {
            l = Native.load("c", LibC.class);
            libc = l;
        }
        return l;
    }
}
