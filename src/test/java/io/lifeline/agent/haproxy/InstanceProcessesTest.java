package io.lifeline.agent.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instance processes are found by their pid-file argument, in a fake /proc. */
class InstanceProcessesTest {

    @TempDir
    Path proc;

    private void process(long pid, char state, String... argv) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("cmdline"), String.join("\0", argv) + "\0");
        Files.writeString(dir.resolve("stat"), pid + " (haproxy) " + state + " 1 " + pid + " " + pid + " 0 -1\n");
    }

    @Test
    void matchesTheExactPidFileArgumentAndSkipsZombies() throws IOException {
        Path pidFile = proc.resolve("run/haproxy.pid");
        process(100, 'S', "haproxy", "-W", "-D", "-f", "/e/h.cfg", "-p", pidFile.toString(), "-S", "x");
        process(101, 'S', "haproxy", "-W", "-D", "-f", "/e/h.cfg", "-p", pidFile.toString(), "-S", "x");
        process(102, 'Z', "haproxy", "-p", pidFile.toString());
        process(103, 'R', "haproxy", "-p", pidFile + ".other");
        process(104, 'S', "vi", pidFile.toString());
        InstanceProcesses p = new InstanceProcesses(proc, pidFile);
        assertEquals(List.of(100L, 101L), p.all().stream().sorted().toList());
        assertTrue(p.isInstanceProcess(100));
        assertFalse(p.isInstanceProcess(102), "a zombie is gone");
        assertFalse(p.isInstanceProcess(103));
        assertFalse(p.isInstanceProcess(999));
    }

    @Test
    void pidFile() throws IOException {
        Path pidFile = proc.resolve("haproxy.pid");
        InstanceProcesses p = new InstanceProcesses(proc, pidFile);
        assertEquals(OptionalLong.empty(), p.masterFromPidFile());
        Files.writeString(pidFile, "4242\n");
        assertEquals(OptionalLong.of(4242), p.masterFromPidFile());
        Files.writeString(pidFile, "garbage\n");
        assertEquals(OptionalLong.empty(), p.masterFromPidFile());
    }
}
