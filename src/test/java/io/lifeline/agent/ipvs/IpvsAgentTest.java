package io.lifeline.agent.ipvs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.process.ProcessRunner;
import io.lifeline.ipvs.kernel.Destination;
import io.lifeline.ipvs.kernel.Endpoint;
import io.lifeline.ipvs.kernel.FakeKernel;
import io.lifeline.ipvs.kernel.Forwarding;
import io.lifeline.ipvs.kernel.IpvsCommand;
import io.lifeline.ipvs.kernel.IpvsException;
import io.lifeline.ipvs.kernel.Protocol;
import io.lifeline.ipvs.kernel.ServiceKey;
import io.lifeline.ipvs.kernel.ServiceSettings;
import io.lifeline.ipvs.kernel.VirtualService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's logic against an in-memory kernel, with real TCP checks of loopback listeners:
 * what start installs, how health changes reach the table, sorry server, inhibit, drift
 * repair and what stop removes. The same behaviour on a real IPVS kernel is {@code IpvsVmIT}.
 */
class IpvsAgentTest {

    private static final Duration T = Duration.ofSeconds(20);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final ServiceKey WEB = new ServiceKey(Protocol.TCP, Endpoint.parse("198.51.100.100:80"));
    private static final ServiceKey TLS = new ServiceKey(Protocol.TCP, Endpoint.parse("198.51.100.100:443"));
    private static final ServiceKey UNRELATED = new ServiceKey(Protocol.TCP, Endpoint.parse("203.0.113.200:8080"));

    @TempDir
    Path dir;

    private final FakeKernel kernel = new FakeKernel();
    private final Listener a = new Listener();
    private final Listener b = new Listener();
    private IpvsAgent agent;
    private Path config;

    /** A loopback TCP listener that can be stopped and restarted on the same port. */
    private static final class Listener {
        private ServerSocket socket;
        private int port;

        void start() throws IOException {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, port), 50);
            port = socket.getLocalPort();
            ServerSocket s = socket;
            Thread t = new Thread(() -> {
                while (!s.isClosed()) {
                    try (Socket c = s.accept()) {
                        c.getInputStream().available();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        void stop() throws IOException {
            socket.close();
        }

        Endpoint endpoint() {
            return new Endpoint(LOOPBACK, port);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        a.start();
        b.start();
        config = dir.resolve("ipvs.conf");
        Files.writeString(config, """
                virtual_server 198.51.100.100 80 {
                    delay_loop 0.2
                    lb_algo rr
                    lb_kind NAT
                    connect_timeout 1
                    retry 1
                    delay_before_retry 0.1
                    sorry_server 203.0.113.50 80
                    real_server 127.0.0.1 %d {
                        weight 2
                        TCP_CHECK {
                        }
                    }
                    real_server 127.0.0.1 %d {
                        TCP_CHECK {
                        }
                    }
                }
                virtual_server 198.51.100.100 443 {
                    delay_loop 0.2
                    lb_algo wrr
                    persistence_timeout 300
                    real_server 127.0.0.1 %d {
                        weight 3
                        inhibit_on_failure
                        TCP_CHECK {
                            connect_timeout 1
                            retry 0
                        }
                    }
                }
                """.formatted(a.port, b.port, a.port));
        kernel.byHand(new IpvsCommand.AddService(UNRELATED, new ServiceSettings("wlc", 0, "")));
        kernel.byHand(new IpvsCommand.AddDestination(UNRELATED,
                new Destination(Endpoint.parse("203.0.113.201:8080"), Forwarding.DR, 1)));
        agent = new IpvsAgent("IPVS::" + config, config, kernel, new ProcessRunner());
    }

    @AfterEach
    void tearDown() throws Exception {
        agent.stop(T);
        a.stop();
        b.stop();
    }

    private Set<Endpoint> destinations(ServiceKey key) throws IpvsException {
        VirtualService s = kernel.read().service(key);
        return s == null ? Set.of() : new TreeSet<>(s.destinations().keySet());
    }

    private int weight(ServiceKey key, Endpoint e) throws IpvsException {
        return kernel.read().service(key).destinations().get(e).weight();
    }

    private static final Endpoint SORRY = Endpoint.parse("203.0.113.50:80");

    @Test
    void startInstallsTheServicesWithTheHealthyRealServersOnly() throws Exception {
        b.stop();
        AgentResult r = agent.start(T);
        assertEquals(OcfStatus.SUCCESS, r.status(), r.toString());
        assertEquals("2 virtual services, 2 of 3 real servers serving", r.message());
        assertEquals(new ServiceSettings("rr", 0, ""), kernel.read().service(WEB).settings());
        assertEquals(Set.of(a.endpoint()), destinations(WEB), "the failing real server is not installed");
        assertEquals(2, weight(WEB, a.endpoint()));
        assertEquals(new ServiceSettings("wrr", 300, ""), kernel.read().service(TLS).settings());
        assertEquals(3, weight(TLS, a.endpoint()));
        assertEquals(OcfStatus.SUCCESS, agent.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, agent.start(T).status(), "start on a started resource succeeds");
    }

    @Test
    void aFailingRealServerIsRemovedAndRestoredAndInhibitSetsWeightZero() throws Exception {
        assertTrue(agent.start(T).isSuccess());
        assertEquals(Set.of(a.endpoint(), b.endpoint()), destinations(WEB));
        a.stop();
        await().atMost(Duration.ofSeconds(15)).until(() -> destinations(WEB).equals(Set.of(b.endpoint())));
        await().atMost(Duration.ofSeconds(15)).until(() -> weight(TLS, a.endpoint()) == 0);
        assertEquals(Set.of(a.endpoint()), destinations(TLS), "inhibit_on_failure keeps it in the table");
        String details = String.join("\n", agent.details().lines());
        assertTrue(details.contains("127.0.0.1:" + a.port + " NAT not installed: down"), details);
        assertTrue(details.contains("TCP_CHECK 127.0.0.1:" + a.port + ": down (connection refused, "), details);
        assertTrue(details.contains("127.0.0.1:" + a.port + " NAT weight 0: down"), details);
        a.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> destinations(WEB).equals(Set.of(a.endpoint(), b.endpoint())));
        await().atMost(Duration.ofSeconds(15)).until(() -> weight(TLS, a.endpoint()) == 3);
        assertEquals(2, weight(WEB, a.endpoint()));
    }

    @Test
    void theSorryServerServesWhileNoRealServerIsHealthy() throws Exception {
        assertTrue(agent.start(T).isSuccess());
        assertFalse(destinations(WEB).contains(SORRY));
        a.stop();
        b.stop();
        await().atMost(Duration.ofSeconds(15)).until(() -> destinations(WEB).equals(Set.of(SORRY)));
        assertTrue(agent.details().lines().contains("  sorry server 203.0.113.50:80: serving"), agent.details().lines().toString());
        kernel.clearApplied();
        b.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> destinations(WEB).equals(Set.of(b.endpoint())));
        List<String> swap = kernel.applied().stream().filter(c -> c.service().equals(WEB))
                .map(IpvsCommand::commandLine).toList();
        assertEquals(List.of("ipvsadm -a -t 198.51.100.100:80 -r 127.0.0.1:" + b.port + " -m -w 1",
                "ipvsadm -d -t 198.51.100.100:80 -r 203.0.113.50:80"), swap,
                "the recovered server goes in before the sorry server goes out, and nothing else changes");
    }

    @Test
    void stopRemovesExactlyTheFilesServicesAndNothingElse() throws Exception {
        assertTrue(agent.start(T).isSuccess());
        AgentResult stopped = agent.stop(T);
        assertEquals(OcfStatus.SUCCESS, stopped.status(), stopped.toString());
        assertEquals("removed TCP 198.51.100.100:80, TCP 198.51.100.100:443", stopped.message());
        assertEquals(Set.of(UNRELATED), kernel.read().services().keySet());
        assertEquals(Set.of(Endpoint.parse("203.0.113.201:8080")), destinations(UNRELATED));
        assertEquals(OcfStatus.NOT_RUNNING, agent.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, agent.stop(T).status(), "stop on a stopped resource succeeds");
        assertTrue(agent.details().isEmpty());
    }

    @Test
    void monitorRepairsDriftAndSaysWhat() throws Exception {
        assertTrue(agent.start(T).isSuccess());
        kernel.byHand(new IpvsCommand.DeleteDestination(WEB, b.endpoint()));
        kernel.byHand(new IpvsCommand.EditService(TLS, new ServiceSettings("rr", 0, "")));
        kernel.byHand(new IpvsCommand.AddDestination(WEB, new Destination(Endpoint.parse("198.51.100.66:80"), Forwarding.NAT, 1)));
        AgentResult r = agent.monitor(T);
        assertEquals(OcfStatus.SUCCESS, r.status(), r.toString());
        assertEquals("repaired drift: ipvsadm -E -t 198.51.100.100:443 -s wrr -p 300; "
                + "ipvsadm -a -t 198.51.100.100:80 -r 127.0.0.1:" + b.port + " -m -w 1; "
                + "ipvsadm -d -t 198.51.100.100:80 -r 198.51.100.66:80", r.message());
        assertEquals(Set.of(a.endpoint(), b.endpoint()), destinations(WEB));
        assertEquals(new ServiceSettings("wrr", 300, ""), kernel.read().service(TLS).settings());
        kernel.byHand(new IpvsCommand.DeleteService(WEB));
        assertEquals(OcfStatus.SUCCESS, agent.monitor(T).status());
        assertEquals(Set.of(a.endpoint(), b.endpoint()), destinations(WEB), "a deleted service is re-created");
        assertEquals("2 virtual services, 3 of 3 real servers serving", agent.monitor(T).message());
    }

    @Test
    void monitorFailsWhenTheRepairFails() throws Exception {
        assertTrue(agent.start(T).isSuccess());
        kernel.byHand(new IpvsCommand.DeleteService(WEB));
        kernel.failWith(new IpvsException(IpvsException.Kind.FAILED, "ipvsadm -A -t 198.51.100.100:80 -s rr: Memory allocation problem"));
        AgentResult r = agent.monitor(T);
        assertEquals(OcfStatus.ERR_GENERIC, r.status());
        assertTrue(r.message().contains("Memory allocation problem"), r.message());
        kernel.failWith(null);
    }

    @Test
    void aKernelWithoutIpvsIsAClearStartFailureAndNotRunningForMonitor() {
        kernel.failWith(new IpvsException(IpvsException.Kind.NOT_INSTALLED, "kernel has no IPVS: load ip_vs (modprobe ip_vs)"));
        AgentResult r = agent.start(T);
        assertEquals(new AgentResult(OcfStatus.ERR_INSTALLED, "kernel has no IPVS: load ip_vs (modprobe ip_vs)"), r);
        assertEquals(OcfStatus.NOT_RUNNING, agent.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, agent.stop(T).status(), "nothing can be installed on such a kernel");
        kernel.failWith(null);
    }

    @Test
    void servicesLeftFromAnEarlierRunAreAFailureForMonitorAndStopRemovesThem() throws Exception {
        assertTrue(agent.start(T).isSuccess());
        // a new daemon: a fresh agent for the same file, with the services still in the kernel
        IpvsAgent restarted = new IpvsAgent("IPVS::" + config, config, kernel, new ProcessRunner());
        AgentResult probe = restarted.probe(T);
        assertEquals(OcfStatus.ERR_GENERIC, probe.status());
        assertTrue(probe.message().contains("no health checks run for them in this daemon"), probe.message());
        assertEquals(OcfStatus.SUCCESS, restarted.stop(T).status());
        assertEquals(Set.of(UNRELATED), kernel.read().services().keySet());
    }

    @Test
    void aPreExistingServiceWithTheSameAddressIsTakenOver() throws Exception {
        kernel.byHand(new IpvsCommand.AddService(WEB, new ServiceSettings("lc", 0, "")));
        kernel.byHand(new IpvsCommand.AddDestination(WEB, new Destination(Endpoint.parse("198.51.100.77:80"), Forwarding.DR, 9)));
        assertTrue(agent.start(T).isSuccess());
        assertEquals(Set.of(a.endpoint(), b.endpoint()), destinations(WEB));
        assertEquals("rr", kernel.read().service(WEB).settings().scheduler());
    }

    @Test
    void aBrokenFileIsNotConfiguredWithTheFileAndLine() throws Exception {
        Files.writeString(config, "virtual_server 198.51.100.100 80 {\n lb_algo bogus\n}\n");
        AgentResult r = agent.start(T);
        assertEquals(OcfStatus.ERR_CONFIGURED, r.status());
        assertTrue(r.message().startsWith(config + ":2: error: unknown scheduler 'bogus'"), r.message());
        assertEquals(OcfStatus.ERR_CONFIGURED, agent.validate(T).status());
        assertEquals(OcfStatus.ERR_CONFIGURED, agent.stop(T).status(), "stop cannot know what to remove");
    }

    @Test
    void detailsListEveryServiceRealServerCheckAndWeightAlsoAsJson() throws Exception {
        b.stop();
        assertTrue(agent.start(T).isSuccess());
        List<String> lines = agent.details().lines();
        assertEquals("TCP 198.51.100.100:80 rr: 1 of 2 real servers serving", lines.get(0));
        assertEquals("  127.0.0.1:" + a.port + " NAT weight 2: up", lines.get(1));
        assertEquals("    TCP_CHECK 127.0.0.1:" + a.port + ": up (connected)", lines.get(2));
        assertEquals("  127.0.0.1:" + b.port + " NAT not installed: down", lines.get(3));
        assertTrue(lines.get(4).startsWith("    TCP_CHECK 127.0.0.1:" + b.port + ": down (connection refused"), lines.get(4));
        assertEquals("  sorry server 203.0.113.50:80: standing by", lines.get(5));
        assertEquals("TCP 198.51.100.100:443 wrr persistent 300: 1 of 1 real servers serving", lines.get(6));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> services = (List<Map<String, Object>>) agent.details().json().get("virtual_services");
        assertEquals(2, services.size());
        assertEquals("rr", services.get(0).get("scheduler"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> reals = (List<Map<String, Object>>) services.get(0).get("real_servers");
        assertEquals("up", reals.get(0).get("state"));
        assertEquals(2, reals.get(0).get("weight"));
        assertEquals(false, reals.get(1).get("installed"));
        assertNotNull(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(agent.details().json()));
    }

    @Test
    void miscCheckScriptsDecideHealthToo() throws Exception {
        Path flag = dir.resolve("healthy");
        Files.writeString(flag, "");
        Files.writeString(config, """
                virtual_server 198.51.100.100 80 {
                    delay_loop 0.2
                    real_server 198.51.100.11 80 {
                        MISC_CHECK {
                            misc_path "test -e %s"
                            misc_timeout 5
                        }
                    }
                }
                """.formatted(flag));
        assertTrue(agent.start(T).isSuccess());
        assertEquals(Set.of(Endpoint.parse("198.51.100.11:80")), destinations(WEB));
        Files.delete(flag);
        await().atMost(Duration.ofSeconds(15)).until(() -> destinations(WEB).isEmpty());
        assertNull(kernel.read().service(TLS));
    }
}
