package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.ConfigLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
}
