package io.lifeline.agent.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.agent.AgentRegistry;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.Resolution;
import io.lifeline.agent.script.OcfMetaData;
import io.lifeline.cli.Hactl;
import io.lifeline.config.ResourceSpec;
import io.lifeline.ipvs.kernel.Ipvsadm;
import io.lifeline.process.ProcessRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IpvsAgentFactoryTest {

    @TempDir
    Path dir;

    @Test
    void theRegistryResolvesIpvsToTheBuiltInAgent() throws Exception {
        Path file = dir.resolve("ipvs.conf");
        Resolution r = AgentRegistry.standard().resolve(new ResourceSpec("IPVS", List.of(file.toString()), "IPVS::" + file, 3));
        Resolution.Found found = assertInstanceOf(Resolution.Found.class, r);
        assertEquals("IPVS", found.agent().type());
        assertEquals("IPVS::" + file, found.agent().instance());
        assertEquals(OcfStatus.ERR_CONFIGURED, found.agent().validate(Duration.ofSeconds(5)).status(),
                "a missing file does not validate");
        assertTrue(found.agent().metaData().contains("<resource-agent name=\"IPVS\""));
    }

    @Test
    void badArgumentsAreConfigErrors() {
        IpvsAgentFactory f = new IpvsAgentFactory();
        assertThrows(AgentConfigException.class, () -> f.create(new ResourceSpec("IPVS", List.of(), "IPVS", 1)));
        assertThrows(AgentConfigException.class, () -> f.create(new ResourceSpec("IPVS", List.of("a", "b"), "IPVS::a::b", 1)));
        AgentConfigException relative = assertThrows(AgentConfigException.class,
                () -> f.create(new ResourceSpec("IPVS", List.of("ipvs.conf"), "IPVS::ipvs.conf", 1)));
        assertTrue(relative.getMessage().contains("absolute path"), relative.getMessage());
    }

    @Test
    void checkConfigReportsTheIpvsFilesProblemsAtTheirLines() throws Exception {
        Path ipvs = dir.resolve("ipvs.conf");
        Files.writeString(ipvs, "virtual_server 198.51.100.100 80 {\n    lb_algo rr\n    lb_kind NATT\n    quorum 2\n}\n");
        Files.writeString(dir.resolve("ha.cf"), "node a b\nbcast eth0\n");
        Files.writeString(dir.resolve("haresources"), "a 198.51.100.100 IPVS::" + ipvs + "\n");
        StringWriter out = new StringWriter();
        CommandLine cl = Hactl.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertEquals(0, cl.execute("keygen", "--output", dir.resolve("authkeys").toString()));
        assertEquals(1, cl.execute("check-config", "--config", dir.toString()));
        assertTrue(out.toString().contains(ipvs + ":3: error: lb_kind must be NAT, DR or TUN"), out.toString());
        assertTrue(out.toString().contains(ipvs + ":4: warning: quorum is not supported"), out.toString());
    }

    @Test
    void theShippedExampleIsAcceptedByCheckConfig() throws Exception {
        Path example = Path.of(System.getProperty("user.dir"), "ha.d", "ipvs.conf");
        Files.writeString(dir.resolve("ha.cf"), "node a b\nbcast eth0\n");
        Files.writeString(dir.resolve("haresources"), "a 198.51.100.100 IPVS::" + example + "\n");
        StringWriter out = new StringWriter();
        CommandLine cl = Hactl.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertEquals(0, cl.execute("keygen", "--output", dir.resolve("authkeys").toString()));
        assertEquals(0, cl.execute("check-config", "--config", dir.toString()), out.toString());
    }

    @Test
    void aMissingIpvsadmIsReportedAsNotInstalled() {
        Ipvsadm missing = new Ipvsadm(new ProcessRunner(), "/nonexistent/ipvsadm", Duration.ofSeconds(5), "test");
        var e = assertThrows(io.lifeline.ipvs.kernel.IpvsException.class, missing::read);
        assertEquals(io.lifeline.ipvs.kernel.IpvsException.Kind.NOT_INSTALLED, e.kind());
        assertTrue(e.getMessage().startsWith("ipvsadm is not installed"), e.getMessage());
    }

    @Test
    void onAKernelWithoutIpvsTheRealIpvsadmSaysWhatToLoad() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ipvsadm")), "ipvsadm not installed");
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/proc/net/ip_vs")), "this kernel has IPVS loaded");
        String release = System.getProperty("os.version");
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/lib/modules", release, "kernel/net/netfilter/ipvs")),
                "this kernel can load IPVS");
        Ipvsadm real = new Ipvsadm(new ProcessRunner(), "ipvsadm", Duration.ofSeconds(10), "test");
        var e = assertThrows(io.lifeline.ipvs.kernel.IpvsException.class, real::read);
        assertEquals(io.lifeline.ipvs.kernel.IpvsException.Kind.NOT_INSTALLED, e.kind());
        assertTrue(e.getMessage().startsWith("kernel has no IPVS: load ip_vs"), e.getMessage());
    }

    @Test
    void metaDataIsValidOcfAndGivesTheManagerItsHints() {
        var agent = new IpvsAgent("IPVS::/x", Path.of("/x"), null, new ProcessRunner());
        OcfMetaData md = OcfMetaData.parse(agent.metaData());
        assertEquals("IPVS", md.name());
        assertTrue(md.parameter("config").orElseThrow().required());
        assertEquals(java.util.Optional.of(Duration.ofSeconds(10)), agent.hints().monitorInterval());
        assertEquals(java.util.Optional.of(Duration.ofSeconds(30)), agent.hints().timeout("start"));
    }
}
