package io.lifeline.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Programs that daemonize (nginx) leave the test's process tree, so {@link Lab#close()} cannot
 * end them: a test registers each one's pid file here and {@link #killAll()} ends every master
 * still running, with its children, by PID.
 */
public final class DaemonizedProcesses {

    private final List<Path> pidFiles = new ArrayList<>();

    public Path register(Path pidFile) {
        pidFiles.add(pidFile);
        return pidFile;
    }

    public Path get(int index) {
        return pidFiles.get(index);
    }

    public void killAll() {
        for (Path pidFile : pidFiles) {
            try {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                ProcessHandle.of(pid).ifPresent(ProcessTrees::kill);
            } catch (Exception ignored) {
                // no pid file or not running
            }
        }
    }
}
