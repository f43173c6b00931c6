package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/hactl's class-data sharing archives (docs/ARCHITECTURE.md, Start-up): made by a first run,
 * taken in by the next, never a word of the JVM's CDS messages in hactl's output, a damaged or
 * foreign archive ignored (the command still works), an archive of another jar replaced.
 */
class LauncherCdsIT {

    /**
     * An archive's name after its kind: the jar's, java's and the JVM base archive's size and time
     * (the last empty for a JVM without a base archive).
     */
    private static final String STAMPS = "-\\d+-\\d+-\\d+-\\d+-(\\d+-\\d+)?\\.jsa";

    @TempDir
    Path tmp;

    private static Path launcher() {
        return Path.of(System.getProperty("lifeline.home", System.getProperty("user.dir"))).resolve("bin/hactl");
    }

    /** {@code bin/hactl ARGS} on {@code jar} with its archives in {@code dir}, and no archive settings from outside. */
    private Process launch(Path jar, Path dir, boolean mergeStderr, String... args) throws Exception {
        return launch(jar, dir, null, mergeStderr, args);
    }

    /** The same with {@code java} as the JVM (null: the one on the PATH). */
    private Process launch(Path jar, Path dir, Path java, boolean mergeStderr, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(mergeStderr);
        pb.environment().put("LIFELINE_JAR", jar.toString());
        pb.environment().put("LIFELINE_CDS_DIR", dir.toString());
        pb.environment().remove("LIFELINE_JAVA_OPTS");
        pb.environment().remove("LIFELINE_CDS");
        pb.environment().remove("JAVA_HOME");
        if (java != null) {
            pb.environment().put("JAVA", java.toString());
        } else {
            pb.environment().remove("JAVA");
        }
        return pb.start();
    }

    /** {@code bin/hactl --version} with the archives in {@code dir}: its stdout. */
    private String version(Path jar, Path dir) throws Exception {
        return version(jar, dir, null);
    }

    private String version(Path jar, Path dir, Path java) throws Exception {
        Process p = launch(jar, dir, java, false, "--version");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hactl --version finished");
        assertEquals(0, p.exitValue(), out + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        return out;
    }

    /** {@code bin/hactl --cds-train KIND} (the package's postinst): its stdout and stderr. */
    private String train(Path jar, Path dir, String word) throws Exception {
        Process p = launch(jar, dir, true, "--cds-train", word);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "training finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void trainingMakesEachKindsArchiveBeforeTheFirstRealCommandQuietly() throws Exception {
        Path jar = copyOfBuiltJar();
        Path dir = tmp.resolve("cds");
        for (String word : List.of("status", "events", "client")) {
            assertEquals("", train(jar, dir, word), "no output from the training of " + word);
            assertEquals("", train(jar, dir, word), "nor from the second run, which takes a JDK 17 part in");
        }
        List<String> made = files(dir);
        assertEquals(3, made.size(), made.toString());
        for (String kind : List.of("client", "events", "status")) {
            assertTrue(made.stream().anyMatch(f -> f.matches(kind + STAMPS)), kind + ": " + made);
        }
        // the real command maps the trained archive: the same output as without archives
        assertEquals(version(jar, tmp.resolve("none")), version(jar, dir));
    }

    /** A copy of the shaded jar in this test's directory (its time can be changed); skips outside mvn verify. */
    private Path copyOfBuiltJar() throws IOException {
        String built = System.getProperty("lifeline.jar");
        assumeTrue(built != null && Files.isRegularFile(Path.of(built)), "the shaded jar (run through mvn verify)");
        return Files.copy(Path.of(built), tmp.resolve("lifeline.jar"));
    }

    /** {@code dir} holds one archive, and it is not {@code old}: the old one was replaced. */
    private static void assertReplaced(Path dir, String old, String why) throws IOException {
        List<String> now = files(dir);
        assertEquals(1, now.size(), now.toString());
        assertTrue(!now.contains(old), why + now);
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void firstRunMakesTheArchiveTheNextTakesItInAndNothingLeaksIntoTheOutput() throws Exception {
        Path jar = copyOfBuiltJar();
        Path dir = tmp.resolve("cds");

        String first = version(jar, dir);
        assertTrue(first.startsWith("Lifeline "), first);
        List<String> afterFirst = files(dir);
        assertEquals(1, afterFirst.size(), afterFirst.toString());
        assertTrue(afterFirst.get(0).matches("client" + STAMPS + "(\\.part\\d+)?"), afterFirst.toString());

        assertEquals(first, version(jar, dir), "same output with the archive");
        List<String> afterSecond = files(dir);
        assertEquals(1, afterSecond.size(), afterSecond.toString());
        assertTrue(afterSecond.get(0).endsWith(".jsa"), "the part was taken in: " + afterSecond);

        // a damaged archive: the JVM refuses it silently, the command still answers
        Path archive = dir.resolve(afterSecond.get(0));
        archive.toFile().setWritable(true);
        Files.write(archive, new byte[] {1, 2, 3, 4});
        assertEquals(first, version(jar, dir), "same output with a damaged archive");

        // a new jar (another size/time): a new archive, the old one removed
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        assertEquals(first, version(jar, dir));
        assertReplaced(dir, afterSecond.get(0), "");
    }

    @Test
    void aBaseArchiveOfTheJvmMadeAnewGetsANewArchiveToo() throws Exception {
        Path jar = copyOfBuiltJar();
        Path dir = tmp.resolve("cds");
        // A JDK home whose java runs this test's JVM and whose base archive this test can renew, as
        // a JDK package's `java -Xshare:dump` does without touching the binary. The real JVM keeps
        // its own base archive: what is checked is the launcher's naming.
        Path realHome = Path.of(System.getProperty("java.home"));
        Path home = Files.createDirectories(tmp.resolve("jdk"));
        Files.copy(realHome.resolve("release"), home.resolve("release"));
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nexec '" + realHome.resolve("bin/java") + "' \"$@\"\n");
        assertTrue(java.toFile().setExecutable(true));
        Path base = Files.createDirectories(home.resolve("lib/server")).resolve("classes.jsa");
        Files.write(base, new byte[] {1});

        String first = version(jar, dir, java);
        assertEquals(first, version(jar, dir, java), "the archive made and taken in");
        List<String> before = files(dir);
        assertEquals(1, before.size(), before.toString());
        assertTrue(before.get(0).matches("client" + STAMPS), before.toString());

        Files.write(base, new byte[] {1, 2});
        Files.setLastModifiedTime(base, FileTime.from(Instant.now().plusSeconds(60)));
        assertEquals(first, version(jar, dir, java));
        assertReplaced(dir, before.get(0), "a new archive for the new base, the old one removed: ");
    }
}
