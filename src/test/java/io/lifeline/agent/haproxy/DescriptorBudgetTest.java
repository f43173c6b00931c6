package io.lifeline.agent.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.process.ProcessRunner;
import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.ResourceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-config warns when haproxy's maxconn needs more descriptors than lifeline.service allows. */
class DescriptorBudgetTest {

    @TempDir
    Path dir;

    private static final String SEED = "global\n    maxconn 65535\n    pidfile /run/haproxy.pid\n"
            + "defaults\n    mode http\n    maxconn 100\nfrontend fe\n    bind 127.0.0.1:1\n";

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    private List<String> check(Path cfg, List<Path> unitDirs) {
        Diagnostics d = new Diagnostics();
        // a binary that does not exist: only the descriptor check and the "not installed" warning run
        new HaproxyAgentFactory(new ProcessRunner(), unitDirs).checkReferencedFiles(Path.of("haresources"),
                new ResourceSpec("HAProxy", List.of(cfg.toString(), "binary=/nonexistent/haproxy"),
                        "HAProxy::" + cfg, 4), d);
        return d.warnings().stream().map(ConfigProblem::toString).filter(s -> s.contains("file descriptors")).toList();
    }

    @Test
    void aSeedConfigUnderTheDefaultLimitIsWarnedAboutAtItsHaresourcesLine() throws IOException {
        Path cfg = write("haproxy.cfg", SEED);
        Path lib = dir.resolve("lib");
        write("lib/lifeline.service", "[Service]\nExecStart=/usr/bin/hactl daemon\nLimitNOFILE=1024:4096\n");
        List<String> w = check(cfg, List.of(lib));
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("haresources:4: warning: HAProxy::" + cfg + ": " + cfg
                + " sets maxconn 65535, which needs about 131134 file descriptors, but lifeline.service allows 4096"),
                w.get(0));
    }

    @Test
    void theShippedUnitsLimitIsEnoughAndADropInDecides() throws IOException {
        Path cfg = write("haproxy.cfg", SEED);
        Path lib = dir.resolve("lib");
        Path etc = dir.resolve("etc");
        Files.createDirectories(lib);
        Files.copy(Path.of("systemd/lifeline.service"), lib.resolve("lifeline.service"));
        assertEquals(List.of(), check(cfg, List.of(lib, etc)));
        write("etc/lifeline.service.d/10-limit.conf", "[Service]\nLimitNOFILE=65536\n");
        assertEquals(1, check(cfg, List.of(lib, etc)).size());
        write("etc/lifeline.service.d/20-more.conf", "[Service]\nLimitNOFILE=infinity\n");
        assertEquals(List.of(), check(cfg, List.of(lib, etc)));
    }

    @Test
    void noWarningWithoutAnInstalledUnitOrAGlobalMaxconn() throws IOException {
        assertEquals(List.of(), check(write("haproxy.cfg", SEED), List.of(dir.resolve("none"))));
        write("lib/lifeline.service", "[Service]\nLimitNOFILE=1024\n");
        // maxconn only in defaults: haproxy sizes its global maxconn from the limit it gets
        assertEquals(List.of(), check(write("d.cfg", "defaults\n  maxconn 65535\n"), List.of(dir.resolve("lib"))));
    }

    @Test
    void readsMaxconnOfTheGlobalSectionOnly() throws IOException {
        assertEquals(OptionalLong.of(65535), DescriptorBudget.globalMaxconn(write("a.cfg", SEED)));
        assertEquals(OptionalLong.of(7), DescriptorBudget.globalMaxconn(
                write("b.cfg", "frontend x\n maxconn 9\nglobal # main\n maxconn 7 # comment\n")));
        assertEquals(OptionalLong.empty(), DescriptorBudget.parseLimit(""));
        assertEquals(OptionalLong.of(Long.MAX_VALUE), DescriptorBudget.parseLimit("infinity"));
        assertEquals(OptionalLong.of(4096), DescriptorBudget.parseLimit("1024:4096"));
    }
}
