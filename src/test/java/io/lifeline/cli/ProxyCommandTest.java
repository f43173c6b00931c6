package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProxyCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = Hactl.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void checkAcceptsTheShippedExamples() {
        for (String f : new String[] {"ha.d/proxy.cfg", "ha.d/proxy-tcp.cfg"}) {
            Run r = run("proxy", "--check", "--config", f);
            assertEquals(0, r.code(), f + ": " + r.err());
            assertTrue(r.out().contains("Configuration file is valid"));
            assertEquals("", r.err(), "examples have no warnings");
        }
    }

    @Test
    void checkPrintsProblemsWithFileAndLineAndFails(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("bad.cfg");
        Files.writeString(cfg, "global\n    log /dev/log local0\n    maxconn many\n");
        Run r = run("proxy", "--check", "--config", cfg.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(cfg + ":2: warning: 'log' is not supported"), r.err());
        assertTrue(r.err().contains(cfg + ":3: error: maxconn: 'many' is not an integer"), r.err());
        assertTrue(!r.err().contains("Exception"), "no stack trace");
    }
}
