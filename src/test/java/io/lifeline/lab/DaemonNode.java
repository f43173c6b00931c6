package io.lifeline.lab;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.control.ControlClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One Lifeline daemon of an integration test: its own ha.d directory, socket, state dir and log. */
public final class DaemonNode {

    public final Lab.Host host;
    public final String name;
    public final Path dir;
    public final Path haD;
    public final Path socket;
    public final Path log;
    private Process process;

    public DaemonNode(Lab.Host host, String name, Path workDir) throws IOException {
        this.host = host;
        this.name = name;
        this.dir = Files.createDirectories(workDir.resolve(name));
        this.haD = Files.createDirectories(dir.resolve("ha.d"));
        this.socket = dir.resolve("hactl.sock");
        this.log = dir.resolve("daemon.log");
    }

    /** {@code target/AREA/TEST}, emptied: each test's daemons keep their files there for a post-mortem. */
    public static Path freshWorkDir(String area, String test) throws IOException {
        Path p = Path.of("target", area, test).toAbsolutePath();
        if (Files.exists(p)) {
            try (var s = Files.walk(p)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        return Files.createDirectories(p);
    }

    public DaemonNode configure(String haCf, String secret, String haresources) throws IOException {
        Files.writeString(haD.resolve("ha.cf"), haCf, StandardCharsets.UTF_8);
        Path auth = haD.resolve("authkeys");
        Files.deleteIfExists(auth);
        Files.createFile(auth, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(auth, "auth 1\n1 sha256 " + secret + "\n", StandardCharsets.UTF_8);
        Files.writeString(haD.resolve("haresources"), haresources, StandardCharsets.UTF_8);
        return this;
    }

    /** Starts the daemon under {@code nohup}, so that it inherits SIGHUP ignored, as from a nohup'd shell. */
    public DaemonNode startUnderNohup() throws IOException {
        return start(List.of("nohup"));
    }

    public DaemonNode start() throws IOException {
        return start(List.of());
    }

    /**
     * Installs {@code resource.d/NAME}, a Heartbeat-style script resource whose state is a file in
     * this node's directory ({@link #runsMarker}): the same word can run on every node at once, so
     * an overlap would be visible.
     */
    public DaemonNode withMarkerScript(String name) throws IOException {
        return withSlowMarkerScript(name, "0", "0");
    }

    /**
     * {@link #withMarkerScript} whose start sleeps {@code startSeconds} before it creates the
     * state and whose stop sleeps {@code stopSeconds} before it removes it ("0.4"): the resource
     * runs from the start's beginning to the stop's end, as a real service would.
     */
    public DaemonNode withSlowMarkerScript(String name, String startSeconds, String stopSeconds) throws IOException {
        Path script = Files.createDirectories(haD.resolve("resource.d")).resolve(name);
        Files.writeString(script, """
                #!/bin/sh
                F=%s/%s.state
                case "$1" in
                  start) [ %s = 0 ] || sleep %s; touch "$F" ;;
                  stop) [ %s = 0 ] || sleep %s; rm -f "$F" ;;
                  status) if [ -e "$F" ]; then echo running; else echo stopped; fi ;;
                esac
                """.formatted(dir, name, startSeconds, startSeconds, stopSeconds, stopSeconds));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return this;
    }

    /** Whether the marker script resource {@code name} ({@link #withMarkerScript}) runs here. */
    public boolean runsMarker(String name) {
        return Files.exists(dir.resolve(name + ".state"));
    }

    /** Starts this node as {@code hactl arbiter} (a witness: votes, runs no resources). */
    public DaemonNode startAsArbiter() throws IOException {
        return start(List.of(), "arbiter");
    }

    private DaemonNode start(List<String> prefix) throws IOException {
        return start(prefix, "daemon");
    }

    private DaemonNode start(List<String> prefix, String subcommand) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(
                java(),
                "-Xms16m", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:ReservedCodeCacheSize=32m", "-Xss512k",
                "-jar", jar(), subcommand,
                "--config", haD.toString(), "--node", name, "--socket", socket.toString(),
                "--state-dir", dir.resolve("state").toString()));
        process = host.start(cmd, log);
        return this;
    }

    /**
     * Runs {@code hactl COMMAND --socket <this node's socket>} from the shaded jar, in the root
     * namespace (the control socket is a file), and returns its exit code and output.
     */
    public Lab.Shell.Result hactl(String command) {
        return Lab.Shell.exec(List.of(java(), "-jar", jar(), command, "--socket", socket.toString()));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The shaded jar under test, named by the system property failsafe sets. */
    private static String jar() {
        String jar = System.getProperty("lifeline.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("system property lifeline.jar does not name the shaded jar: " + jar);
        }
        return jar;
    }

    /**
     * Names (as the kernel keeps them: 15 characters) of the daemon's threads that run with the
     * SCHED_RR scheduling policy, read from /proc.
     */
    public List<String> realtimeThreads() throws IOException {
        List<String> names = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                if (Integer.parseInt(fields[41 - 3]) == 2) { // field 41: policy; 2 = SCHED_RR
                    names.add(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                }
            }
        }
        return names;
    }

    /** SIGKILL: a crash, nothing announced. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: the clean shutdown systemd does. */
    public void terminate() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** SIGSTOP: the whole JVM freezes, as in a VM stall; {@link #thaw()} resumes it. */
    public void freeze() {
        Lab.Shell.run(List.of("kill", "-STOP", Long.toString(process.pid())));
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() {
        Lab.Shell.run(List.of("kill", "-CONT", Long.toString(process.pid())));
    }

    /** The daemon JVM's pid ({@code ip netns exec} execs it), or -1 before the first start. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public JsonNode status() throws Exception {
        return new ControlClient(socket, 3_000).call("status", null);
    }

    /** Status, or empty while the daemon is not (yet) answering. */
    public Optional<JsonNode> tryStatus() {
        try {
            return Optional.of(status());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The state of {@code node} in this daemon's status ("up", "dead", "init"), or "?" when unreachable. */
    public String stateOf(String node) {
        return tryStatus().map(s -> nodeEntry(s, node).path("state").asText("?")).orElse("?");
    }

    public static JsonNode nodeEntry(JsonNode status, String node) {
        for (JsonNode n : status.path("nodes")) {
            if (n.path("name").asText().equals(node)) {
                return n;
            }
        }
        throw new AssertionError("no node " + node + " in " + status);
    }

    public static JsonNode peerLink(JsonNode status, String node, String link) {
        for (JsonNode l : nodeEntry(status, node).path("links")) {
            if (l.path("link").asText().equals(link)) {
                return l;
            }
        }
        throw new AssertionError("no link " + link + " for " + node + " in " + status);
    }

    /** One control-socket request; the daemon's error comes back as a ControlException. */
    public JsonNode call(String command, ObjectNode args) throws Exception {
        return new ControlClient(socket, 10_000).call(command, args);
    }

    /** This daemon's entry for group {@code name} in its status, or empty while it does not answer. */
    public Optional<JsonNode> group(String name) {
        return tryStatus().flatMap(s -> {
            for (JsonNode g : s.path("groups")) {
                if (g.path("name").asText().equals(name)) {
                    return Optional.of(g);
                }
            }
            return Optional.empty();
        });
    }

    /** Where this daemon sees group {@code name} running ("" for nowhere, "?" when it does not answer). */
    public String ownersOf(String name) {
        return group(name).map(g -> {
            List<String> owners = new ArrayList<>();
            g.path("owners").forEach(o -> owners.add(o.asText()));
            return String.join(",", owners);
        }).orElse("?");
    }

    /** The phase of group {@code name} as this daemon reports it, or "?" */
    public String phaseOf(String name) {
        return group(name).map(g -> g.path("phase").asText()).orElse("?");
    }

    /** Waits until every observer sees group {@code name} running on {@code owner} (and only there). */
    public static void awaitRunningOn(String name, String owner, Duration within, DaemonNode... observers) {
        for (DaemonNode o : observers) {
            await(name + " running on " + owner + " as seen by " + o.name).atMost(within)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> o.ownersOf(name).equals(owner) && o.phaseOf(name).equals("running"));
        }
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }
}
