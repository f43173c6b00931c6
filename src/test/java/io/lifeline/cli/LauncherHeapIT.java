package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's heap as bin/hactl sizes it, read back from the JVM that the launcher's flags
 * configure (bench/scale, "Heap"): with the heap held at 11-12 MB a 16-node daemon, whose live
 * heap is 7-9 MB, ran a full collection every 10-15 s while the cluster formed, 150-520 ms each
 * on a loaded box, and each one over the stall threshold released its groups.
 */
class LauncherHeapIT {

    private static final long MIB = 1024 * 1024;
    /** The live heap of a daemon in a 16-node cluster: a class histogram after a full collection, 8,962,832 bytes. */
    private static final long LIVE_AT_16_NODES = 8_962_832;
    private static final Pattern FLAG = Pattern.compile("\\b(\\w+)\\s+=\\s+(\\S+)");

    @TempDir
    Path tmp;

    /** The final JVM flags of {@code bin/hactl daemon}: the launcher's, given to this JVM with -version. */
    private Map<String, String> daemonFlags() throws Exception {
        // java as the launcher finds it, but everything from -jar on (the daemon and its arguments)
        // replaced by a question about the flags
        Path java = tmp.resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "n=$#\n"
                + "for a do\n"
                + "  [ \"$a\" = -jar ] && break\n"
                + "  set -- \"$@\" \"$a\"\n"
                + "done\n"
                + "shift $n\n"
                + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\""
                + " -XX:+PrintFlagsFinal -version\n");
        assertTrue(java.toFile().setExecutable(true));
        Path jar = Files.writeString(tmp.resolve("lifeline.jar"), ""); // the launcher only checks it exists
        Path launcher = Path.of(System.getProperty("lifeline.home", System.getProperty("user.dir")), "bin", "hactl");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "daemon").redirectErrorStream(true);
        pb.environment().put("JAVA", java.toString());
        pb.environment().put("LIFELINE_JAR", jar.toString());
        pb.environment().put("LIFELINE_CDS", "off");
        pb.environment().remove("LIFELINE_JAVA_OPTS");
        pb.environment().remove("JAVA_HOME");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM answered");
        assertEquals(0, p.exitValue(), out);
        Map<String, String> flags = new HashMap<>();
        for (String line : out.split("\n")) {
            Matcher m = FLAG.matcher(line);
            if (m.find()) {
                flags.put(m.group(1), m.group(2));
            }
        }
        return flags;
    }

    @Test
    void theDaemonsHeapHasRoomForA16NodeLiveSetFromTheStart() throws Exception {
        Map<String, String> flags = daemonFlags();
        assertEquals("true", flags.get("UseSerialGC"), "the sizing below is for the serial collector's two generations");
        long young = Long.parseLong(flags.get("NewSize"));
        long initial = Long.parseLong(flags.get("InitialHeapSize"));
        // the young generation takes the formation's allocation (about 30 MB/s while 16 nodes
        // form) without a collection every 100 ms, and the survivors' share of it keeps
        // medium-lived objects from being promoted early
        assertTrue(young >= 8 * MIB, "young generation " + young / MIB + " MiB, not at least 8");
        // an old generation of nearly twice the live heap at 16 nodes (16 MiB) before the heap grows
        long old = initial - young;
        assertTrue(old >= 1.8 * LIVE_AT_16_NODES,
                "old generation at start " + old / MIB + " MiB, not about twice the 16-node live heap");
    }
}
