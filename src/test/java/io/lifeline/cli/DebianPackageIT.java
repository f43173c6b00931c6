package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package that {@code mvn package} built passes lintian, Debian's package checker, without
 * an error or a warning (packaging/README.md). The install, upgrade and purge test needs a
 * Debian chroot and the mirror, so it is a script apart (packaging/install-test/run.sh).
 */
class DebianPackageIT {

    @Test
    void lintianFindsNoErrorOrWarning() throws IOException, InterruptedException {
        Path deb;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches("lifeline_.*_all\\.deb")).toList();
            assertEquals(1, debs.size(), "one package in target/ (mvn package builds it): " + debs);
            deb = debs.get(0);
        }
        Path lintian = Path.of("/usr/bin/lintian");
        if (!Files.isExecutable(lintian)) {
            fail("lintian is not installed: apt-get install lintian (bin/setup-host installs it)");
        }
        Process p = new ProcessBuilder(lintian.toString(), "--fail-on", "error,warning", "--tag-display-limit", "0",
                deb.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "lintian finished");
        // lintian prints tags as "E: ...", "W: ..."; its notes about itself (root) are not tags
        List<String> tags = out.lines().filter(l -> l.matches("^[EW]: .*")).toList();
        assertEquals(List.of(), tags, "lintian tags for " + deb + ":\n" + out);
        assertEquals(0, p.exitValue(), "lintian exit status; output:\n" + out);
    }
}
