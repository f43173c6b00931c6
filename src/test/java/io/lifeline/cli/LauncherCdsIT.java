package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/hactl's class-data sharing archives (docs/ARCHITECTURE.md, Start-up): made by a first run,
 * taken in by the next, never a word of the JVM's CDS messages in hactl's output, a damaged or
 * foreign archive ignored (the command still works), an archive of another jar replaced; the
 * base archive made once per JVM build at a random address and mapped there without relocation.
 */
class LauncherCdsIT {

    @TempDir
    Path tmp;

    private static Path launcher() {
        return Path.of(System.getProperty("lifeline.home", System.getProperty("user.dir"))).resolve("bin/hactl");
    }

    /** {@code bin/hactl ARGS} on {@code jar} with its archives in {@code dir}, and no archive settings from outside. */
    private Process launch(Path jar, Path dir, boolean mergeStderr, String... args) throws Exception {
        return launch(jar, dir, mergeStderr, Map.of(), args);
    }

    /** The same with {@code env} added to the environment (LIFELINE_JAVA_OPTS, JAVA). */
    private Process launch(Path jar, Path dir, boolean mergeStderr, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(mergeStderr);
        pb.environment().put("LIFELINE_JAR", jar.toString());
        pb.environment().put("LIFELINE_CDS_DIR", dir.toString());
        pb.environment().remove("LIFELINE_JAVA_OPTS");
        pb.environment().remove("LIFELINE_CDS");
        pb.environment().putAll(env);
        return pb.start();
    }

    /** A copy of the shaded jar in this test's directory (its own size and time, so its own archives). */
    private Path builtJar() throws IOException {
        String built = System.getProperty("lifeline.jar");
        assumeTrue(built != null && Files.isRegularFile(Path.of(built)), "the shaded jar (run through mvn verify)");
        return Files.copy(Path.of(built), tmp.resolve("lifeline.jar"));
    }

    /** {@code bin/hactl --version} with the archives in {@code dir}: its stdout. */
    private String version(Path jar, Path dir) throws Exception {
        return version(jar, dir, null);
    }

    /** {@code bin/hactl --version} with the archives in {@code dir} and LIFELINE_JAVA_OPTS {@code javaOpts}: its stdout. */
    private String version(Path jar, Path dir, String javaOpts) throws Exception {
        Process p = launch(jar, dir, false, javaOpts == null ? Map.of() : Map.of("LIFELINE_JAVA_OPTS", javaOpts), "--version");
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
        Path jar = builtJar();
        Path dir = tmp.resolve("cds");
        for (String word : List.of("status", "events", "client")) {
            assertEquals("", train(jar, dir, word), "no output from the training of " + word);
            assertEquals("", train(jar, dir, word), "nor from the second run, which takes a JDK 17 part in");
        }
        List<String> made = files(dir);
        assertEquals(4, made.size(), made.toString());
        for (String kind : List.of("base", "client", "events", "status")) {
            assertTrue(made.stream().anyMatch(f -> f.matches(kind + "(-\\d+-\\d+)?-\\d+-\\d+\\.jsa")), kind + ": " + made);
        }
        // the real command maps the trained archive: the same output as without archives
        assertEquals(version(jar, tmp.resolve("none")), version(jar, dir));
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** The dynamic archives (and parts) in {@code dir}: all but the base archive. */
    private static List<String> tops(Path dir) throws IOException {
        return files(dir).stream().filter(f -> !f.startsWith("base-")).toList();
    }

    /** The one base archive in {@code dir}. */
    private static Path base(Path dir) throws IOException {
        List<String> bases = files(dir).stream().filter(f -> f.startsWith("base-")).toList();
        assertEquals(1, bases.size(), "one base archive: " + files(dir));
        assertTrue(bases.get(0).matches("base-\\d+-\\d+\\.jsa"), bases.toString());
        return dir.resolve(bases.get(0));
    }

    private static final Pattern MAPPED = Pattern.compile("Mapped (static|dynamic) +region #0 at base 0x([0-9a-f]+)");

    /** Where {@code -Xlog:cds=info} says the static (base) or dynamic archive was mapped. */
    private static long mappedAt(String log, String layer) {
        Matcher m = MAPPED.matcher(log);
        while (m.find()) {
            if (m.group(1).equals(layer)) {
                return Long.parseUnsignedLong(m.group(2), 16);
            }
        }
        throw new AssertionError("no " + layer + " archive mapped: " + log);
    }

    private static final String CDS_LOG = "-Xlog:cds=info -Xlog:cds+reloc=debug";

    @Test
    void theBaseArchiveIsMadeOnceAtARandomAddressAndMappedThereWithoutRelocation() throws Exception {
        Path jar = builtJar();
        Path dir = tmp.resolve("cds");

        assertEquals("", train(jar, dir, "client"), "no output while the base archive is made");
        Path base = base(dir);
        Object made = Files.readAttributes(base, BasicFileAttributes.class).fileKey();
        FileTime madeAt = Files.getLastModifiedTime(base);
        assertEquals("", train(jar, dir, "client"));
        assertEquals("", train(jar, dir, "status"));
        assertEquals("", train(jar, dir, "status"));
        String plain = version(jar, dir);
        assertEquals(plain, version(jar, dir));
        assertEquals(made, Files.readAttributes(base(dir), BasicFileAttributes.class).fileKey(), "the base archive is reused");
        assertEquals(madeAt, Files.getLastModifiedTime(base(dir)));
        assertEquals(3, files(dir).size(), "base, client, status: " + files(dir));

        // mapped where it was made for, the client's archive on top, nothing relocated
        String log = version(jar, dir, CDS_LOG);
        long address = mappedAt(log, "static");
        assertTrue(address >= 64L << 30 && address < (64L << 40) + (1L << 30),
                "between 64 GiB and 64 TiB: 0x" + Long.toHexString(address));
        assertTrue(mappedAt(log, "dynamic") > address, log);
        assertFalse(log.contains("archive relocation") || log.contains("alternative address"), log);
        assertTrue(log.endsWith(plain), log);

        // that address taken (by the heap): the JVM relocates the archives, silently, and still maps them
        String taken = "-XX:HeapBaseMinAddress=" + address + " -Xmx1g";
        assertEquals(plain, version(jar, dir, taken), "no word of it in the output");
        String takenLog = version(jar, dir, taken + " " + CDS_LOG);
        assertTrue(takenLog.contains("alternative address"), takenLog);
        assertNotEquals(address, mappedAt(takenLog, "static"), takenLog);
        mappedAt(takenLog, "dynamic");

        // another cds dir (another host): another base archive at another address
        Path other = tmp.resolve("cds-other");
        assertEquals("", train(jar, other, "client"));
        assertNotEquals(address, mappedAt(version(jar, other, CDS_LOG), "static"),
                "chosen at random (65,472 places on x86-64, 2,046 on aarch64)");
    }

    @Test
    void aDamagedBaseArchiveIsIgnoredAndMadeAgainAndOneOfAnotherJvmRemoved() throws Exception {
        Path jar = builtJar();
        Path dir = Files.createDirectories(tmp.resolve("cds"));
        // left by another JVM build (another size and time of the java binary)
        Path foreign = Files.write(dir.resolve("base-1234-5678.jsa"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("client-1-2-1234-5678.jsa"), new byte[] {1, 2, 3});

        String first = version(jar, dir);
        assertEquals(first, version(jar, dir));
        assertFalse(Files.exists(foreign), "the other JVM's base archive is removed: " + files(dir));
        assertEquals(2, files(dir).size(), "this JVM's base and client archives: " + files(dir));
        Path base = base(dir);

        // damaged (written after the client's archive was made on it): ignored, then made again
        base.toFile().setWritable(true);
        Files.write(base, new byte[] {1, 2, 3, 4});
        Files.setLastModifiedTime(base, FileTime.from(Instant.now().plusSeconds(60)));
        assertEquals(first, version(jar, dir), "same output with a damaged base archive");
        assertTrue(Files.size(base(dir)) > 1_000_000, "made again: " + Files.size(base(dir)) + " bytes");
        assertEquals(first, version(jar, dir), "the client's archive made again on the new base");
        assertEquals(2, files(dir).size(), files(dir).toString());
        String log = version(jar, dir, CDS_LOG);
        mappedAt(log, "dynamic");
        assertFalse(log.contains("archive relocation"), log);
    }

    @Test
    void aJvmThatCannotMakeABaseArchiveIsNotAskedOnEveryCommand() throws Exception {
        Path jar = builtJar();
        Path dir = tmp.resolve("cds");
        // a JDK whose java fails -Xshare:dump (as a runtime without the JDK's class list would)
        Path home = Path.of(ProcessHandle.current().info().command().orElseThrow()).toRealPath().getParent().getParent();
        Path fake = Files.createDirectories(tmp.resolve("jdk/bin")).getParent();
        Files.copy(home.resolve("release"), fake.resolve("release"));
        Path attempts = tmp.resolve("dump-attempts");
        Path java = fake.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\n"
                + "case \" $* \" in *' -Xshare:dump '*) echo dump >> '" + attempts + "'; exit 1 ;; esac\n"
                + "exec '" + home.resolve("bin/java") + "' \"$@\"\n");
        java.toFile().setExecutable(true);

        for (int i = 0; i < 3; i++) {
            Process p = launch(jar, dir, true, Map.of("JAVA", java.toString()), "--version");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.startsWith("Lifeline "), out);
        }
        assertEquals(List.of("dump"), Files.readAllLines(attempts), "tried once");
        assertEquals(List.of(), files(dir).stream().filter(f -> f.endsWith(".jsa")).toList(), files(dir).toString());
    }

    @Test
    void firstRunMakesTheArchiveTheNextTakesItInAndNothingLeaksIntoTheOutput() throws Exception {
        Path jar = builtJar();
        Path dir = tmp.resolve("cds");

        String first = version(jar, dir);
        assertTrue(first.startsWith("Lifeline "), first);
        List<String> afterFirst = tops(dir);
        assertEquals(1, afterFirst.size(), afterFirst.toString());
        assertTrue(afterFirst.get(0).matches("client-\\d+-\\d+-\\d+-\\d+\\.jsa(\\.part\\d+)?"), afterFirst.toString());

        assertEquals(first, version(jar, dir), "same output with the archive");
        List<String> afterSecond = tops(dir);
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
        List<String> afterNewJar = tops(dir);
        assertEquals(1, afterNewJar.size(), afterNewJar.toString());
        assertTrue(!afterNewJar.contains(afterSecond.get(0)), afterNewJar.toString());
    }
}
