package io.lifeline.ipvs;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeline.agent.AgentResult;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.agent.ipvs.IpvsAgentFactory;
import io.lifeline.config.ResourceSpec;
import io.lifeline.ipvs.kernel.Destination;
import io.lifeline.ipvs.kernel.Endpoint;
import io.lifeline.ipvs.kernel.IpvsSaveFormat;
import io.lifeline.ipvs.kernel.IpvsTable;
import io.lifeline.ipvs.kernel.Protocol;
import io.lifeline.ipvs.kernel.ServiceKey;
import io.lifeline.ipvs.kernel.VirtualService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The IPVS agent on a real IPVS kernel, step by step; run by {@code scenario.sh} in the lab's
 * director namespace (inside the VM of {@code IpvsVmIT}, or natively). It acts and waits; the
 * test on the host asserts. Each step prints one {@code @@ {json}} line; the host timestamps
 * the lines as they arrive, so durations are measured on the host's clock too (the guest's
 * clock is not trustworthy under emulation).
 */
public final class IpvsVmScenario {

    static final ServiceKey WEB = new ServiceKey(Protocol.TCP, Endpoint.parse("203.0.113.100:80"));
    static final ServiceKey ALT = new ServiceKey(Protocol.TCP, Endpoint.parse("203.0.113.100:8080"));
    static final Endpoint RS1 = Endpoint.parse("198.51.100.11:80");
    static final Endpoint RS2 = Endpoint.parse("198.51.100.12:80");
    static final Endpoint RS1_ALT = Endpoint.parse("198.51.100.11:8080");
    static final Endpoint SORRY = Endpoint.parse("198.51.100.50:80");
    private static final Duration ACTION = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path nginxDir;
    private final ResourceAgent agent;

    private IpvsVmScenario(Path config, Path nginxDir) throws Exception {
        this.nginxDir = nginxDir;
        this.agent = new IpvsAgentFactory().create(
                new ResourceSpec("IPVS", List.of(config.toString()), "IPVS::" + config, 1));
    }

    public static void main(String[] args) throws Exception {
        try {
            new IpvsVmScenario(Path.of(args[0]), Path.of(args[1])).run();
        } catch (Throwable t) {
            emit("error", Map.of("message", String.valueOf(t)));
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        AgentResult started = agent.start(ACTION);
        emit("started", Map.of("status", started.status().name(), "message", started.message(),
                "table", save(), "listing", sh("ipvsadm", "-Ln")));

        emit("balanced", Map.of("bodies", requests(80, 6), "alt_bodies", requests(8080, 2)));

        stopNginx("ll-iv-rs1");
        long t0 = System.nanoTime();
        emit("rs1-stopped", Map.of());
        waitFor(t -> !destinations(t, WEB).contains(RS1));
        emit("rs1-removed", Map.of("guest_ms", ms(t0), "table", save()));
        waitFor(t -> weight(t, ALT, RS1_ALT) == 0);
        emit("rs1-inhibited", Map.of("guest_ms", ms(t0), "table", save(), "details", agent.details().lines()));
        emit("only-rs2", Map.of("bodies", requests(80, 4)));

        startNginx("ll-iv-rs1");
        t0 = System.nanoTime();
        emit("rs1-restarted", Map.of());
        waitFor(t -> destinations(t, WEB).contains(RS1) && weight(t, ALT, RS1_ALT) == 3);
        emit("rs1-restored", Map.of("guest_ms", ms(t0), "table", save()));

        stopNginx("ll-iv-rs1");
        stopNginx("ll-iv-rs2");
        t0 = System.nanoTime();
        emit("all-stopped", Map.of());
        waitFor(t -> destinations(t, WEB).equals(Set.of(SORRY)));
        emit("sorry-serving", Map.of("guest_ms", ms(t0), "table", save(), "bodies", requests(80, 2)));

        startNginx("ll-iv-rs2");
        t0 = System.nanoTime();
        emit("rs2-restarted", Map.of());
        waitFor(t -> destinations(t, WEB).equals(Set.of(RS2)));
        emit("sorry-withdrawn", Map.of("guest_ms", ms(t0), "table", save(), "bodies", requests(80, 2)));

        sh("ipvsadm", "-d", "-t", WEB.endpoint().ipvsadm(), "-r", RS2.ipvsadm());
        String drifted = save();
        AgentResult repaired = agent.monitor(ACTION);
        emit("drift", Map.of("drifted", drifted, "status", repaired.status().name(), "message", repaired.message(),
                "table", save()));

        emit("details", Map.of("lines", agent.details().lines(), "json", agent.details().json()));

        AgentResult stopped = agent.stop(ACTION);
        emit("stopped", Map.of("status", stopped.status().name(), "message", stopped.message(), "table", save()));
        emit("done", Map.of());
    }

    // ---- the lab --------------------------------------------------------------------------

    private void stopNginx(String ns) throws Exception {
        long pid = Long.parseLong(Files.readString(nginxDir.resolve(ns).resolve("nginx.pid")).strip());
        ProcessHandle master = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> all = new ArrayList<>(master.descendants().toList());
        all.add(master);
        master.destroy(); // SIGTERM: nginx's fast shutdown
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> all.stream().noneMatch(ProcessHandle::isAlive));
    }

    private void startNginx(String ns) throws Exception {
        sh("ip", "netns", "exec", ns, "nginx", "-c", nginxDir.resolve(ns).resolve("nginx.conf").toString());
    }

    /** Bodies of {@code n} requests from the client namespace to the VIP, each on a new connection. */
    private static List<String> requests(int port, int n) throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bodies.add(sh("ip", "netns", "exec", "ll-iv-cl", "curl", "-s", "--max-time", "5",
                    "http://" + WEB.endpoint().host() + ":" + port + "/").strip());
        }
        return bodies;
    }

    // ---- the kernel table -----------------------------------------------------------------

    private static String save() throws Exception {
        return sh("ipvsadm", "--save", "-n");
    }

    private static Set<Endpoint> destinations(IpvsTable t, ServiceKey key) {
        VirtualService s = t.service(key);
        return s == null ? Set.of() : new TreeSet<>(s.destinations().keySet());
    }

    private static int weight(IpvsTable t, ServiceKey key, Endpoint e) {
        VirtualService s = t.service(key);
        Destination d = s == null ? null : s.destinations().get(e);
        return d == null ? -1 : d.weight();
    }

    private static void waitFor(Predicate<IpvsTable> condition) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> condition.test(IpvsSaveFormat.parse(save())));
    }

    // ---- plumbing ---------------------------------------------------------------------------

    private static long ms(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static String sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    private static void emit(String event, Map<String, Object> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", event);
        m.putAll(fields);
        try {
            System.out.println("@@ " + JSON.writeValueAsString(m));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        System.out.flush();
    }
}
