package io.lifeline.agent.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeline.agent.AgentRegistry;
import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.Resolution;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.process.ProcessRunner;
import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.Haresources;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HAProxy agent's actions that never start haproxy: bad configurations (checked by the real
 * {@code haproxy -c} when installed), a missing binary, the registry and check-config hooks.
 * Starting, reloading and stopping the real haproxy is {@code HaproxyAgentIT}.
 */
class HaproxyAgentTest {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static ResourceSpec spec(String word) {
        String[] parts = word.split("::", -1);
        return new ResourceSpec(parts[0], Arrays.asList(parts).subList(1, parts.length), word, 7);
    }

    private ResourceAgent agent(Path config, String... extra) throws Exception {
        String word = "HAProxy::" + config + "::rundir=" + dir.resolve("run") + (extra.length > 0 ? "::" + String.join("::", extra) : "");
        return new HaproxyAgentFactory(new ProcessRunner()).create(spec(word));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void theRegistryFindsTheBuiltInAgent() {
        Resolution r = AgentRegistry.standard().resolve(spec("HAProxy::/etc/haproxy/haproxy.cfg"));
        ResourceAgent agent = assertInstanceOf(Resolution.Found.class, r).agent();
        assertEquals("HAProxy", agent.type());
        assertEquals("HAProxy::/etc/haproxy/haproxy.cfg", agent.instance());
        Resolution bad = AgentRegistry.standard().resolve(spec("HAProxy"));
        assertTrue(assertInstanceOf(Resolution.Failed.class, bad).reason().contains("configuration file"), bad.toString());
    }

    @Test
    void badConfigurationIsRefusedWithHaproxysOwnFileAndLine() throws Exception {
        assumeTrue(Files.isExecutable(HAPROXY), "haproxy not installed");
        Path cfg = write("bad.cfg", "global\n  maxconn 100\n  frobnicate yes\nfrontend fe\n  bind 127.0.0.1:1\n  bogus 1\n");
        ResourceAgent a = agent(cfg);
        AgentResult v = a.validate(T);
        assertEquals(OcfStatus.ERR_CONFIGURED, v.status());
        assertEquals(cfg + ":3: unknown keyword 'frobnicate' in 'global' section; "
                + cfg + ":6: unknown keyword 'bogus' in 'frontend' section", v.message());
        AgentResult start = a.start(T);
        assertEquals(OcfStatus.ERR_CONFIGURED, start.status());
        assertEquals(v.message(), start.message());
        assertFalse(Files.exists(dir.resolve("run/haproxy.pid")), "nothing was started");
        assertEquals(OcfStatus.NOT_RUNNING, a.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, a.stop(T).status(), "stop of a stopped haproxy succeeds");
    }

    @Test
    void aMissingConfigurationFileIsNotConfigured() throws Exception {
        AgentResult v = agent(dir.resolve("absent.cfg")).start(T);
        assumeTrue(Files.isExecutable(HAPROXY), "haproxy not installed");
        assertEquals(OcfStatus.ERR_CONFIGURED, v.status());
        assertEquals(dir.resolve("absent.cfg") + " does not exist", v.message());
    }

    @Test
    void withoutHaproxyProbeSaysNotRunningAndStartSaysNotInstalled() throws Exception {
        Path cfg = write("ok.cfg", "global\n");
        ResourceAgent a = agent(cfg, "binary=" + dir.resolve("no-such-haproxy"));
        AgentResult probe = a.probe(T);
        assertEquals(OcfStatus.NOT_RUNNING, probe.status());
        assertTrue(probe.message().contains("not installed"), probe.message());
        assertEquals(OcfStatus.NOT_RUNNING, a.monitor(T).status());
        assertEquals(OcfStatus.ERR_INSTALLED, a.start(T).status());
        assertEquals(OcfStatus.ERR_INSTALLED, a.validate(T).status());
        assertEquals(OcfStatus.NOT_RUNNING, a.reload(T).status());
        assertEquals(OcfStatus.SUCCESS, a.stop(T).status());
        assertTrue(a.details().isEmpty());
    }

    @Test
    void checkConfigReportsAMissingFileAtTheHaresourcesLine() {
        Diagnostics d = new Diagnostics();
        Path haresources = Path.of("/etc/ha.d/haresources");
        new HaproxyAgentFactory().checkReferencedFiles(haresources, spec("HAProxy::" + dir.resolve("gone.cfg")), d);
        assertEquals(1, d.errors().size(), d.problems().toString());
        ConfigProblem p = d.errors().get(0);
        assertEquals(haresources, p.file());
        assertEquals(7, p.line());
        assertTrue(p.message().contains(dir.resolve("gone.cfg") + " does not exist"), p.message());
    }

    @Test
    void theRegistrysCheckPassesTheHaresourcesFile() {
        Path haresources = Path.of("/etc/ha.d/haresources");
        ResourceSpec word = spec("HAProxy::" + dir.resolve("gone.cfg"));
        Diagnostics d = new Diagnostics();
        AgentRegistry.standard().check(new Haresources(haresources,
                List.of(new ResourceGroup("node1", List.of(word), 7))), d);
        assertEquals(List.of(haresources + ":7: error: " + word.word() + ": configuration file "
                + dir.resolve("gone.cfg") + " does not exist"), d.problems().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void checkConfigReportsHaproxysProblemsAtTheirOwnLines() throws IOException {
        assumeTrue(Files.isExecutable(HAPROXY), "haproxy not installed");
        Path cfg = write("bad.cfg", "global\n  frobnicate yes\ndefaults\n  mode http\n  timeout connect 1s\n"
                + "  timeout client 1s\n  timeout server 1s\nfrontend fe\n  bind 127.0.0.1:1\n  default_backend nowhere\n");
        Diagnostics d = new Diagnostics();
        new HaproxyAgentFactory().checkReferencedFiles(Path.of("haresources"), spec("HAProxy::" + cfg), d);
        List<String> errors = d.errors().stream().map(ConfigProblem::toString).toList();
        assertTrue(errors.contains(cfg + ":2: error: unknown keyword 'frobnicate' in 'global' section"), errors.toString());
        Path good = write("good.cfg", "global\n  maxconn 10\nlisten l\n  mode tcp\n  bind 127.0.0.1:1\n"
                + "  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n  server s 127.0.0.1:2\n");
        Diagnostics ok = new Diagnostics();
        new HaproxyAgentFactory().checkReferencedFiles(Path.of("haresources"), spec("HAProxy::" + good), ok);
        assertFalse(ok.hasErrors(), ok.problems().toString());
    }

    @Test
    void theShippedExampleIsValidForHaproxy() {
        assumeTrue(Files.isExecutable(HAPROXY), "haproxy not installed");
        Path shipped = Path.of(System.getProperty("user.dir"), "ha.d", "haproxy.cfg");
        Diagnostics d = new Diagnostics();
        new HaproxyAgentFactory().checkReferencedFiles(Path.of("haresources"), spec("HAProxy::" + shipped), d);
        assertEquals(List.of(), d.problems());
    }
}
