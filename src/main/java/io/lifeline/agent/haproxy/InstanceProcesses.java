package io.lifeline.agent.haproxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Finds the processes of one haproxy instance. Every process the agent starts (the master, its
 * workers, the re-executed master after a reload) carries {@code -p PIDFILE} on its command
 * line, and the pid file is unique to the instance, so a scan of {@code /proc} finds them all,
 * including workers orphaned by a master that was killed. Zombies count as gone: a killed
 * daemon re-parented to an init that reaps slowly stays a zombie for a while.
 */
final class InstanceProcesses {

    private final Path proc;
    private final Path pidFile;

    InstanceProcesses(Path pidFile) {
        this(Path.of("/proc"), pidFile);
    }

    InstanceProcesses(Path proc, Path pidFile) {
        this.proc = proc;
        this.pidFile = pidFile;
    }

    /** The master's pid from the pid file, if the file exists and holds a number. */
    OptionalLong masterFromPidFile() {
        try {
            String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
            int nl = text.indexOf('\n');
            return OptionalLong.of(Long.parseLong(nl < 0 ? text : text.substring(0, nl).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Whether {@code pid} is a live (not zombie) process of this instance. */
    boolean isInstanceProcess(long pid) {
        return isAlive(pid) && commandLineNamesPidFile(proc.resolve(Long.toString(pid)));
    }

    /** Every live process of this instance, master and workers. */
    List<Long> all() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (commandLineNamesPidFile(dir) && isAlive(pid)) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            // /proc is always readable on Linux; an empty answer is the honest fallback
        }
        return pids;
    }

    private boolean commandLineNamesPidFile(Path dir) {
        try {
            String[] argv = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).split("\0");
            for (int i = 0; i + 1 < argv.length; i++) {
                if (argv[i].equals("-p") && argv[i + 1].equals(pidFile.toString())) {
                    return true;
                }
            }
        } catch (IOException e) {
            // the process ended while we looked
        }
        return false;
    }

    /** Exists and is not a zombie (state Z) or dead (X). */
    boolean isAlive(long pid) {
        try {
            String stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII);
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
