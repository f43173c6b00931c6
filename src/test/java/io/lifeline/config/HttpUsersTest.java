package io.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page's users file (ha.cf http_auth) and its password hashes. */
class HttpUsersTest {

    @TempDir
    Path dir;

    private static final int FAST = PasswordHash.MIN_ITERATIONS;

    @Test
    void aHashMatchesItsPasswordOnlyAndSurvivesItsTextForm() {
        PasswordHash h = PasswordHash.create("correct horse".toCharArray(), FAST, new SecureRandom());
        assertTrue(h.matches("correct horse".toCharArray()));
        assertFalse(h.matches("correct horsE".toCharArray()));
        assertFalse(h.matches(new char[0]));
        PasswordHash back = PasswordHash.parse(h.format(), new StringBuilder()).orElseThrow();
        assertEquals(h, back);
        assertTrue(back.matches("correct horse".toCharArray()));
        assertTrue(h.format().startsWith("$pbkdf2-sha256$100000$"));
        assertFalse(h.toString().contains(h.format().substring(25)), "no hash in toString");
        assertFalse(PasswordHash.create("x".toCharArray(), FAST, new SecureRandom()).format()
                .equals(PasswordHash.create("x".toCharArray(), FAST, new SecureRandom()).format()), "salted");
    }

    @Test
    void weakOrMalformedHashesAreRefusedWithTheReason() {
        StringBuilder why = new StringBuilder();
        assertTrue(PasswordHash.parse("$apr1$abc$def", why).isEmpty());
        assertTrue(why.toString().contains("hactl http-passwd"), why.toString());
        why.setLength(0);
        assertTrue(PasswordHash.parse("$pbkdf2-sha256$1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", why).isEmpty());
        assertTrue(why.toString().contains("iterations 1000"), why.toString());
        why.setLength(0);
        assertTrue(PasswordHash.parse("$pbkdf2-sha256$100000$!!$??", why).isEmpty());
        assertTrue(why.toString().contains("Base64"), why.toString());
    }

    private Path usersFile(String text, String mode) throws Exception {
        Path f = dir.resolve("http_users");
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void readsUsersAndReportsEveryBadLine() throws Exception {
        String hash = PasswordHash.create("secret-pw".toCharArray(), FAST, new SecureRandom()).format();
        Path f = usersFile("# operators\nalice:" + hash + "\n\nbob " + hash + "\nalice:" + hash + "\nc@rl:" + hash
                + "\ndave:plain\n", "rw-------");
        Diagnostics diag = new Diagnostics();
        assertTrue(HttpUsers.read(f, true, diag).isEmpty(), "any error: no users at all");
        String errors = diag.errors().toString();
        assertTrue(errors.contains(f + ":4: error: expected 'user:hash'"), errors);
        assertTrue(errors.contains(f + ":5: error: user alice is listed again (first at line 2)"), errors);
        assertTrue(errors.contains(f + ":6: error: user name 'c@rl'"), errors);
        assertTrue(errors.contains(f + ":7: error: user dave: not a '$pbkdf2-sha256$...' hash"), errors);

        Path good = usersFile("alice:" + hash + "\n", "rw-------");
        HttpUsers users = HttpUsers.read(good, true, new Diagnostics()).orElseThrow();
        assertTrue(users.hashOf("alice").orElseThrow().matches("secret-pw".toCharArray()));
        assertTrue(users.hashOf("bob").isEmpty());
    }

    @Test
    void theFileMustBePrivateAndNotEmpty() throws Exception {
        String hash = PasswordHash.create("secret-pw".toCharArray(), FAST, new SecureRandom()).format();
        Diagnostics diag = new Diagnostics();
        assertTrue(HttpUsers.read(usersFile("alice:" + hash + "\n", "rw-r--r--"), true, diag).isEmpty());
        assertTrue(diag.errors().toString().contains("must be mode 600"), diag.errors().toString());
        Diagnostics empty = new Diagnostics();
        assertTrue(HttpUsers.read(usersFile("# nobody yet\n", "rw-------"), true, empty).isEmpty());
        assertTrue(empty.errors().toString().contains("no users"), empty.errors().toString());
    }
}
