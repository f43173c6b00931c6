package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.ConfigFileReader;
import io.lifeline.config.ConfigLoader;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCommandsTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Hactl.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void keygenWritesAPrivateFileThatLoadsAndRefusesToOverwrite() throws Exception {
        Path keys = dir.resolve("authkeys");
        assertEquals(0, run("keygen", "--output", keys.toString()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
        Files.writeString(dir.resolve("ha.cf"), "node a b\nbcast eth0\n");
        assertEquals(32, ConfigLoader.load(dir).authkeys().signingKey().secret().length / 2);
        String before = Files.readString(keys);
        assertEquals(1, run("keygen", "--output", keys.toString()));
        assertTrue(err.toString().contains("already exists"));
        assertEquals(before, Files.readString(keys));
        assertEquals(0, run("keygen", "--force", "--output", keys.toString()));
        assertTrue(!before.equals(Files.readString(keys)));
    }

    @Test
    void checkConfigPrintsProblemsWithFileAndLineAndFailsOnErrors() throws Exception {
        Files.writeString(dir.resolve("ha.cf"), "node a b\nbcast eth0\nkeepalive 2\ndeadtime 3\nfoo bar\n");
        assertEquals(0, run("keygen", "--output", dir.resolve("authkeys").toString()));
        assertEquals(1, run("check-config", "--config", dir.toString()));
        assertTrue(out.toString().contains(dir.resolve("ha.cf") + ":4: error: deadtime (3s) must be more than twice"),
                out.toString());
        assertTrue(out.toString().contains(":5: warning: unknown directive 'foo'"), out.toString());
        assertTrue(out.toString().contains("1 errors, 2 warnings"), out.toString());
    }

    @Test
    void checkConfigSucceedsOnAGoodDirectory() throws Exception {
        Files.writeString(dir.resolve("ha.cf"), "node a b\nbcast eth0\n");
        Files.writeString(dir.resolve("haresources"), "a 198.51.100.10\n");
        assertEquals(0, run("keygen", "--output", dir.resolve("authkeys").toString()));
        assertEquals(0, run("check-config", "--config", dir.toString()));
        assertTrue(out.toString().contains("OK (2 nodes, 1 heartbeat links, 1 resource groups"), out.toString());
    }

    /** The witness has no resource scripts (hactl arbiter needs none): check-config there does not ask for them. */
    @Test
    void checkConfigOnAnArbiterDoesNotCheckTheAgentsItDoesNotHave() throws Exception {
        Files.writeString(dir.resolve("ha.cf"), "node a b witness\nbcast eth0\narbiter witness\n");
        Files.writeString(dir.resolve("haresources"), "a no-such-script\n");
        assertEquals(0, run("keygen", "--output", dir.resolve("authkeys").toString()));
        assertEquals(0, run("check-config", "--config", dir.toString(), "--node", "witness"), out.toString());
        assertEquals(1, run("check-config", "--config", dir.toString(), "--node", "a"));
        assertTrue(out.toString().contains("haresources:1: error:"), out.toString());
    }

    @Test
    void badCommandLineIsAUsageErrorNotAStackTrace() {
        assertEquals(2, run("check-config", "--no-such-option"));
        assertTrue(err.toString().contains("Unknown option"), err.toString());
        assertTrue(!err.toString().contains("Exception"), err.toString());
    }

    @Test
    void checkConfigCoversTheProxyConfigurationAResourceReferences() throws Exception {
        Path proxyCfg = dir.resolve("proxy.cfg");
        Files.writeString(proxyCfg, "frontend web\n    bind 127.0.0.1:8080\n    default_backend app\n"
                + "backend app\n    balance roundrobin\n    server a 127.0.0.1:notaport\n");
        Files.writeString(dir.resolve("ha.cf"), "node a b\nbcast eth0\n");
        Files.writeString(dir.resolve("haresources"), "a Proxy::" + proxyCfg + "\n");
        assertEquals(0, run("keygen", "--output", dir.resolve("authkeys").toString()));
        assertEquals(1, run("check-config", "--config", dir.toString()));
        assertTrue(out.toString().contains(proxyCfg + ":6: error:"), out.toString());
    }

    // ---- hostile files: one clear error at file:line, the rest still checked, never a hang or a stack trace

    private int checkConfig() {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run("check-config", "--config", dir.toString()));
    }

    private void assertNoStackTrace() {
        assertFalse((out + "\n" + err).matches("(?s).*(Exception|Error:|\\tat ).*"), out + "\n" + err);
    }

    private void goodCluster() throws Exception {
        Files.writeString(dir.resolve("ha.cf"), "node a b\nbcast eth0\n");
        assertEquals(0, run("keygen", "--output", dir.resolve("authkeys").toString()));
    }

    @Test
    void aNulByteInAnHaCfPathIsOneErrorAndHidesNothingElse() throws Exception {
        goodCluster();
        // The JDK's Path.of threw InvalidPathException on the NUL: a stack trace, and line 4 never checked.
        Files.writeString(dir.resolve("ha.cf"), "node a b\nbcast eth0\nlogfile /var/log/ha\0.log\nwarntime x\n");
        assertEquals(1, checkConfig());
        assertTrue(out.toString().contains(dir.resolve("ha.cf") + ":3: error: NUL byte in the line"), out.toString());
        assertTrue(out.toString().contains(dir.resolve("ha.cf") + ":4: error:"), out.toString());
        assertNoStackTrace();
    }

    @Test
    void aFifoInPlaceOfAConfigFileIsAnErrorNotAHang() throws Exception {
        goodCluster();
        Path fifo = dir.resolve("haresources");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals(1, checkConfig()); // the old reader blocked in open(2) for ever
        assertTrue(out.toString().contains(fifo + ": error: cannot read: not a regular file (a FIFO)"), out.toString());
        assertTrue(out.toString().contains(" 1 errors"), out.toString());
        assertNoStackTrace();
    }

    @Test
    void aLinkToDevZeroOrAHugeFileIsRefusedWithoutReadingIt() throws Exception {
        goodCluster();
        Files.delete(dir.resolve("ha.cf"));
        Files.createSymbolicLink(dir.resolve("ha.cf"), Path.of("/dev/zero")); // the old reader ran out of heap
        try (RandomAccessFile huge = new RandomAccessFile(dir.resolve("haresources").toFile(), "rw")) {
            huge.setLength(ConfigFileReader.MAX_BYTES + 1); // sparse: costs no disk
        }
        assertEquals(1, checkConfig());
        assertTrue(out.toString().contains(dir.resolve("ha.cf") + ": error: cannot read: not a regular file"
                + " (a character device)"), out.toString());
        assertTrue(out.toString().contains(dir.resolve("haresources") + ": error: cannot read: larger than 4 MiB"),
                out.toString());
        assertNoStackTrace();
    }

    @Test
    void anOverlongLineIsOneErrorAtItsLine() throws Exception {
        goodCluster();
        Files.writeString(dir.resolve("haresources"), "a 198.51.100.10\n#" + "x".repeat(ConfigFileReader.MAX_LINE)
                + "\nb 198.51.100.11\n");
        assertEquals(1, checkConfig());
        assertTrue(out.toString().contains(dir.resolve("haresources") + ":2: error: line longer than 65536 bytes"),
                out.toString());
        assertTrue(out.toString().contains("1 errors"), out.toString());
    }

    @Test
    void aKeepalivedFileNestedTwentyThousandBracesDeepIsOneErrorNotAStackOverflow() throws Exception {
        goodCluster();
        Path ipvs = dir.resolve("ipvs.conf");
        Files.writeString(ipvs, "virtual_server 198.51.100.10 80 {\n" + "x {\n".repeat(20_000)
                + "}\n".repeat(20_001));
        Files.writeString(dir.resolve("haresources"), "a IPVS::" + ipvs + "\n");
        assertEquals(1, checkConfig()); // the recursive reader overflowed the stack: a 1,025-line trace
        assertTrue(out.toString().contains(ipvs + ":33: error: blocks nested deeper than 32 levels"), out.toString());
        assertTrue(out.toString().contains(" 1 errors"), out.toString());
        assertNoStackTrace();
    }
}
