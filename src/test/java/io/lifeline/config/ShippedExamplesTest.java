package io.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example files in the project's ha.d/ must stay valid. */
class ShippedExamplesTest {

    @TempDir
    Path dir;

    @Test
    void shippedHaCfAndHaresourcesLoadWithAGeneratedKey() throws Exception {
        Path shipped = Path.of(System.getProperty("user.dir"), "ha.d");
        Files.copy(shipped.resolve("ha.cf"), dir.resolve("ha.cf"));
        Files.copy(shipped.resolve("haresources"), dir.resolve("haresources"));
        ConfigFiles.write(dir, "authkeys", "auth 1\n1 sha256 0123456789abcdef0123456789abcdef\n");
        ConfigLoader.Result r = ConfigLoader.check(dir, true);
        assertTrue(r.config().isPresent(), () -> r.diagnostics().problems().toString());
        assertEquals(0, r.diagnostics().warnings().size(), () -> r.diagnostics().warnings().toString());
    }

    @Test
    void shippedAuthkeysTemplateHasNoUsableKey() throws Exception {
        Path shipped = Path.of(System.getProperty("user.dir"), "ha.d", "authkeys");
        Diagnostics d = new Diagnostics();
        assertTrue(AuthkeysParser.parse(shipped, false, false, d).isEmpty());
    }
}
