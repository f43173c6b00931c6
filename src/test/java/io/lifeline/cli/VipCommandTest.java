package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.ResourceSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VipCommandTest {

    @Test
    void specWithAgentNameKeepsIt() {
        ResourceSpec s = VipCommand.toResourceSpec("IPaddr2::198.51.100.10/24/eth0::arp_count=3", List.of());
        assertEquals("IPaddr2", s.name());
        assertEquals(List.of("198.51.100.10/24/eth0", "arp_count=3"), s.args());
    }

    @Test
    void bareSpecIsIpaddrOrIpv6addrAndExtraOptionsAreAppended() {
        ResourceSpec v4 = VipCommand.toResourceSpec("198.51.100.10/24/eth0:0", List.of("arp_mode=reply"));
        assertEquals("IPaddr", v4.name());
        assertEquals(List.of("198.51.100.10/24/eth0:0", "arp_mode=reply"), v4.args());
        assertEquals("IPaddr::198.51.100.10/24/eth0:0::arp_mode=reply", v4.word());
        assertEquals("IPv6addr", VipCommand.toResourceSpec("2001:db8::10/64", List.of()).name());
        assertEquals("IPv6addr", VipCommand.toResourceSpec("2001:db8::10::arp_count=2", List.of()).name());
        assertEquals("IPaddr", VipCommand.toResourceSpec("198.51.100.10::iflabel=vip", List.of()).name());
    }

    @Test
    void badSpecExitsWithOcfErrArgsAndAClearMessage() {
        StringWriter err = new StringWriter();
        CommandLine cl = Hactl.newCommandLine();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("vip", "add", "198.51.100.300/24");
        assertEquals(2, rc);
        assertTrue(err.toString().contains("\"198.51.100.300\" is not an IPv4 address"), err.toString());
    }

    @Test
    void timeoutUnits() {
        assertEquals(Duration.ofSeconds(20), VipCommand.parseDuration("20s"));
        assertEquals(Duration.ofSeconds(3), VipCommand.parseDuration("3"));
        assertEquals(Duration.ofMillis(500), VipCommand.parseDuration("500ms"));
    }
}
