package io.lifeline.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeline.ipvs.kernel.Destination;
import io.lifeline.ipvs.kernel.Endpoint;
import io.lifeline.ipvs.kernel.Forwarding;
import io.lifeline.ipvs.kernel.IpvsSaveFormat;
import io.lifeline.ipvs.kernel.IpvsTable;
import io.lifeline.ipvs.kernel.Protocol;
import io.lifeline.ipvs.kernel.ServiceKey;
import io.lifeline.ipvs.kernel.ServiceSettings;
import io.lifeline.ipvs.kernel.VirtualService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The IPVS agent against a real IPVS kernel. This machine's kernel has none, so the scenario
 * runs in a throw-away QEMU VM booting Debian's stock kernel with this machine's files as its
 * read-only root ({@code src/test/ipvs-vm/run-in-vm.sh}); on a kernel with IPVS it runs
 * natively in namespaces instead. One VM boot, one scenario ({@link IpvsVmScenario}), and the
 * assertions here on its {@code @@} events, timed on the host's clock as they arrive.
 *
 * <p>Skipped, saying why, only when the VM cannot start (no qemu, no kernel package): run
 * {@code bin/setup-host}. Measurements go to {@code target/ipvs-vm-it.log}.
 */
class IpvsVmIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ServiceKey WEB = IpvsVmScenario.WEB;
    private static final ServiceKey ALT = IpvsVmScenario.ALT;
    private static final ServiceKey UNRELATED = new ServiceKey(Protocol.TCP, Endpoint.parse("203.0.113.100:9999"));
    private static final Endpoint RS1 = IpvsVmScenario.RS1;
    private static final Endpoint RS2 = IpvsVmScenario.RS2;
    private static final Endpoint SORRY = IpvsVmScenario.SORRY;
    private static final Endpoint RS1_ALT = IpvsVmScenario.RS1_ALT;
    private static final Endpoint RS2_ALT = Endpoint.parse("198.51.100.12:8080");
    private static final int VM_TIMEOUT_SECONDS = 420;

    /**
     * delay_loop 1, connect_timeout 1, retry 1, delay_before_retry 0.5: a refused server is
     * down at most 1 + 0.5 s after it stops, plus the check's own (short) time.
     */
    static final String CONFIG = """
            virtual_server 203.0.113.100 80 {
                delay_loop 1
                lb_algo rr
                lb_kind NAT
                sorry_server 198.51.100.50 80
                real_server 198.51.100.11 80 {
                    weight 1
                    HTTP_GET {
                        url {
                            path /health
                            status_code 200
                        }
                        connect_timeout 1
                        retry 1
                        delay_before_retry 0.5
                    }
                }
                real_server 198.51.100.12 80 {
                    weight 1
                    TCP_CHECK {
                        connect_timeout 1
                        retry 1
                        delay_before_retry 0.5
                    }
                }
            }
            virtual_server 203.0.113.100 8080 {
                delay_loop 1
                lb_algo wrr
                lb_kind NAT
                persistence_timeout 60
                real_server 198.51.100.11 8080 {
                    weight 3
                    inhibit_on_failure
                    MISC_CHECK {
                        misc_path "curl -fsS -o /dev/null --max-time 1 http://198.51.100.11:8080/"
                        misc_timeout 3
                    }
                }
                real_server 198.51.100.12 8080 {
                    weight 1
                    inhibit_on_failure
                    TCP_CHECK {
                        connect_timeout 1
                    }
                }
            }
            """;

    /** One event line and when the host read it. */
    private record Event(String name, JsonNode body, long hostNanos) {
    }

    @Test
    void theAgentDrivesARealIpvsKernel() throws Exception {
        Path work = Files.createTempDirectory("ll-iv-");
        try {
            runScenario(work);
        } finally {
            // in the VM the scenario's writes went to a throw-away overlay; natively, scenario.sh
            // has already ended its nginx processes and namespaces
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private void runScenario(Path work) throws Exception {
        Path home = Path.of(System.getProperty("lifeline.home", System.getProperty("user.dir")));
        Path jar = Path.of(System.getProperty("lifeline.jar", ""));
        assertTrue(Files.isRegularFile(jar), "system property lifeline.jar must name the shaded jar (mvn verify): " + jar);
        Path vmDir = home.resolve("src/test/ipvs-vm");
        Files.writeString(work.resolve("ipvs.conf"), CONFIG);
        String classpath = String.join(":", codeSource(IpvsVmScenario.class), codeSource(org.awaitility.Awaitility.class),
                codeSource(org.hamcrest.Matcher.class));
        String scenario = "bash " + vmDir.resolve("scenario.sh") + " " + work + " " + jar + " " + classpath;
        boolean nativeIpvs = kernelHasIpvs();
        List<String> command = nativeIpvs ? List.of("bash", "-c", scenario)
                : List.of("bash", vmDir.resolve("run-in-vm.sh").toString(), "--timeout", Integer.toString(VM_TIMEOUT_SECONDS),
                        scenario);

        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).directory(home.toFile()).start();
        p.getOutputStream().close();
        List<Event> events = Collections.synchronizedList(new ArrayList<>());
        List<String> transcript = Collections.synchronizedList(new ArrayList<>());
        StringBuilder stderr = new StringBuilder();
        Thread out = reader(p.getInputStream(), line -> {
            long now = System.nanoTime();
            transcript.add(String.format("%8.2f %s", (now - t0) / 1e9, line));
            if (line.startsWith("@@ ")) {
                try {
                    JsonNode n = JSON.readTree(line.substring(3));
                    events.add(new Event(n.path("event").asText(), n, now));
                } catch (IOException e) {
                    transcript.add("(unparsable event line)");
                }
            }
        });
        Thread err = reader(p.getErrorStream(), line -> {
            synchronized (stderr) {
                stderr.append(line).append('\n');
            }
        });
        boolean finished = p.waitFor(VM_TIMEOUT_SECONDS + 60, TimeUnit.SECONDS);
        if (!finished) {
            p.destroy(); // run-in-vm.sh stops its own QEMU on SIGTERM
            p.waitFor(20, TimeUnit.SECONDS);
        }
        out.join(10_000);
        err.join(10_000);
        double total = (System.nanoTime() - t0) / 1e9;
        Path log = home.resolve("target/ipvs-vm-it.log");
        Files.writeString(log, String.join("\n", transcript) + "\n--- stderr ---\n" + stderr);

        Map<String, Event> byName = new LinkedHashMap<>();
        synchronized (events) {
            events.forEach(e -> byName.putIfAbsent(e.name(), e));
        }
        if (!byName.containsKey("lab-setup")) {
            Assumptions.assumeTrue(nativeIpvs || p.exitValue() != 125,
                    "the IPVS VM could not start (run bin/setup-host): " + tail(stderr.toString()));
            fail("the scenario did not start (exit " + (finished ? p.exitValue() : "timeout") + "): " + tail(stderr.toString()));
        }
        if (byName.containsKey("error") || !byName.containsKey("done")) {
            fail("scenario failed: " + (byName.containsKey("error") ? byName.get("error").body().path("message").asText()
                    : "ended after " + byName.keySet()) + "; see " + log + "\n" + tail(String.join("\n", transcript)));
        }
        assertTrue(finished && p.exitValue() == 0, "exit " + (finished ? p.exitValue() : "timeout") + "; see " + log);

        // services and real servers as declared, the unrelated service untouched
        JsonNode started = body(byName, "started");
        assertEquals("SUCCESS", started.path("status").asText(), started.toString());
        IpvsTable t = table(started);
        assertEquals(new ServiceSettings("rr", 0, ""), t.service(WEB).settings());
        assertEquals(Map.of(RS1, nat(RS1, 1), RS2, nat(RS2, 1)), t.service(WEB).destinations());
        assertEquals(new ServiceSettings("wrr", 60, ""), t.service(ALT).settings());
        assertEquals(Map.of(RS1_ALT, nat(RS1_ALT, 3), RS2_ALT, nat(RS2_ALT, 1)), t.service(ALT).destinations());
        assertUnrelatedIntact(t);
        String listing = started.path("listing").asText();
        assertTrue(listing.contains("TCP  203.0.113.100:8080 wrr persistent 60"), listing);
        assertTrue(Pattern.compile("-> 198\\.51\\.100\\.11:8080\\s+Masq\\s+3\\s").matcher(listing).find(), listing);

        // rr: consecutive connections alternate between the two real servers
        List<String> bodies = strings(body(byName, "balanced").path("bodies"));
        assertEquals(6, bodies.size());
        assertEquals(3, Collections.frequency(bodies, "rs1"), bodies.toString());
        assertEquals(3, Collections.frequency(bodies, "rs2"), bodies.toString());
        for (int i = 1; i < bodies.size(); i++) {
            assertNotEquals(bodies.get(i - 1), bodies.get(i), "round-robin alternates: " + bodies);
        }

        // a stopped real server is taken out (or set to weight 0 with inhibit_on_failure)
        assertEquals(Set.of(RS2), table(body(byName, "rs1-removed")).service(WEB).destinations().keySet());
        IpvsTable inhibited = table(body(byName, "rs1-inhibited"));
        assertEquals(0, inhibited.service(ALT).destinations().get(RS1_ALT).weight());
        assertEquals(1, inhibited.service(ALT).destinations().get(RS2_ALT).weight());
        assertEquals(List.of("rs2", "rs2", "rs2", "rs2"), strings(body(byName, "only-rs2").path("bodies")));
        double removal = seconds(byName, "rs1-stopped", "rs1-removed");
        assertTrue(removal < 20, "check-to-removal took " + removal + " s on the host's clock (theory: at most ~2.5 s"
                + " plus ipvsadm and emulation overhead)");

        // restored when it comes back
        IpvsTable restored = table(body(byName, "rs1-restored"));
        assertEquals(Map.of(RS1, nat(RS1, 1), RS2, nat(RS2, 1)), restored.service(WEB).destinations());
        assertEquals(3, restored.service(ALT).destinations().get(RS1_ALT).weight());

        // the sorry server serves while no real server is healthy, and leaves when one is back
        JsonNode sorry = body(byName, "sorry-serving");
        assertEquals(Map.of(SORRY, nat(SORRY, 1)), table(sorry).service(WEB).destinations());
        assertEquals(List.of("sorry", "sorry"), strings(sorry.path("bodies")));
        JsonNode back = body(byName, "sorry-withdrawn");
        assertEquals(Map.of(RS2, nat(RS2, 1)), table(back).service(WEB).destinations());
        assertEquals(List.of("rs2", "rs2"), strings(back.path("bodies")));

        // monitor repairs drift made by hand, says so, and succeeds
        JsonNode drift = body(byName, "drift");
        assertEquals(Set.of(), table(drift.path("drifted").asText()).service(WEB).destinations().keySet());
        assertEquals("SUCCESS", drift.path("status").asText(), drift.toString());
        assertEquals("repaired drift: ipvsadm -a -t 203.0.113.100:80 -r 198.51.100.12:80 -m -w 1",
                drift.path("message").asText());
        assertEquals(Map.of(RS2, nat(RS2, 1)), table(drift).service(WEB).destinations());

        // hactl status details: every service, real server, weight and check state
        List<String> details = strings(body(byName, "details").path("lines"));
        assertTrue(details.contains("TCP 203.0.113.100:80 rr: 1 of 2 real servers serving"), details.toString());
        assertTrue(details.contains("  198.51.100.11:80 NAT not installed: down"), details.toString());
        assertTrue(details.contains("  198.51.100.11:8080 NAT weight 0: down"), details.toString());
        assertTrue(details.contains("  sorry server 198.51.100.50:80: standing by"), details.toString());

        // stop removes exactly what the agent installed
        JsonNode stopped = body(byName, "stopped");
        assertEquals("SUCCESS", stopped.path("status").asText(), stopped.toString());
        IpvsTable after = table(stopped);
        assertEquals(Set.of(UNRELATED), after.services().keySet());
        assertUnrelatedIntact(after);

        String measured = String.format("IpvsVmIT: mode=%s total=%.1fs %s rs1 stop->removed=%.2fs (guest %d ms)"
                        + " restart->restored=%.2fs all stopped->sorry=%.2fs rs2 restart->sorry withdrawn=%.2fs",
                nativeIpvs ? "native" : "vm", total, vmTiming(stderr.toString()), removal,
                body(byName, "rs1-removed").path("guest_ms").asLong(), seconds(byName, "rs1-restarted", "rs1-restored"),
                seconds(byName, "all-stopped", "sorry-serving"), seconds(byName, "rs2-restarted", "sorry-withdrawn"));
        Files.writeString(log, measured + "\n", java.nio.file.StandardOpenOption.APPEND);
        System.out.println(measured);
    }

    private static void assertUnrelatedIntact(IpvsTable t) {
        VirtualService u = t.service(UNRELATED);
        assertEquals(new ServiceSettings("wlc", 0, ""), u.settings());
        Endpoint e = Endpoint.parse("198.51.100.13:9999");
        assertEquals(Map.of(e, nat(e, 1)), u.destinations());
    }

    private static Destination nat(Endpoint e, int weight) {
        return new Destination(e, Forwarding.NAT, weight);
    }

    private static JsonNode body(Map<String, Event> events, String name) {
        Event e = events.get(name);
        if (e == null) {
            fail("no '" + name + "' event; got " + events.keySet());
        }
        return e.body();
    }

    private static double seconds(Map<String, Event> events, String from, String to) {
        return (events.get(to).hostNanos() - events.get(from).hostNanos()) / 1e9;
    }

    private static IpvsTable table(JsonNode event) {
        return table(event.path("table").asText());
    }

    private static IpvsTable table(String save) {
        return IpvsSaveFormat.parse(save);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String vmTiming(String stderr) {
        Matcher m = Pattern.compile("boot_to_cmd=(\\S+) total=(\\S+)").matcher(stderr);
        return m.find() ? "vm_boot_to_cmd=" + m.group(1) + " vm_total=" + m.group(2) : "";
    }

    private static boolean kernelHasIpvs() {
        return Files.exists(Path.of("/proc/net/ip_vs")) || Files.isDirectory(
                Path.of("/lib/modules", System.getProperty("os.version"), "kernel/net/netfilter/ipvs"));
    }

    private static String codeSource(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 30), lines.length));
    }

    private static Thread reader(InputStream in, java.util.function.Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                sink.accept("(read failed: " + e.getMessage() + ")");
            }
        }, "ipvs-vm-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
