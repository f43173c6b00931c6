package io.lifeline.ipvs.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpvsSaveFormatTest {

    /** Captured from ipvsadm v1.31 on Debian's 6.1 kernel in the IPVS VM. */
    static final String REAL_OUTPUT = """
            -A -t 198.51.100.100:80 -s rr -p 300
            -a -t 198.51.100.100:80 -r 198.51.100.11:80 -m -w 0
            -a -t 198.51.100.100:80 -r 198.51.100.12:80 -g -w 3
            -A -t 198.51.100.101:80 -s wrr -p 60 -M 255.255.255.0
            -A -u 198.51.100.100:53 -s wlc
            -a -u 198.51.100.100:53 -r 198.51.100.13:53 -i -w 1 --tun-type ipip
            -A -t [2001:db8::1]:80 -s sh
            -a -t [2001:db8::1]:80 -r [2001:db8::2]:80 -m -w 1
            -A -f 7 -s rr
            -a -f 7 -r 198.51.100.14:0 -g -w 1
            """;

    @Test
    void readsEverythingIpvsadmSaves() {
        IpvsTable t = IpvsSaveFormat.parse(REAL_OUTPUT);
        assertEquals(4, t.services().size(), "fwmark services are never Lifeline's and are skipped");
        VirtualService web = t.service(new ServiceKey(Protocol.TCP, Endpoint.parse("198.51.100.100:80")));
        assertEquals(new ServiceSettings("rr", 300, ""), web.settings());
        assertEquals(new Destination(Endpoint.parse("198.51.100.11:80"), Forwarding.NAT, 0),
                web.destinations().get(Endpoint.parse("198.51.100.11:80")));
        assertEquals(Forwarding.DR, web.destinations().get(Endpoint.parse("198.51.100.12:80")).forwarding());
        assertEquals("255.255.255.0",
                t.service(new ServiceKey(Protocol.TCP, Endpoint.parse("198.51.100.101:80"))).settings().persistenceMask());
        VirtualService dns = t.service(new ServiceKey(Protocol.UDP, Endpoint.parse("198.51.100.100:53")));
        assertEquals(List.of(), dns.destinations().get(Endpoint.parse("198.51.100.13:53")).unmodelled(),
                "ipip is the default tunnel type ipvsadm always prints");
        VirtualService v6 = t.service(new ServiceKey(Protocol.TCP, Endpoint.parse("[2001:db8::1]:80")));
        assertEquals(1, v6.destinations().size());
    }

    @Test
    void ourOwnRenderingRoundTripsThroughTheParser() {
        IpvsTable t = IpvsSaveFormat.parse(REAL_OUTPUT);
        String rendered = t.toSaveFormat();
        assertEquals(t, IpvsSaveFormat.parse(rendered));
        assertTrue(rendered.contains("-a -t [2001:db8::1]:80 -r [2001:db8::2]:80 -m -w 1\n"), rendered);
    }

    @Test
    void optionsLifelineDoesNotManageAreKeptAsUnmodelled() {
        IpvsTable t = IpvsSaveFormat.parse("""
                -A -t 198.51.100.100:80 -s sh -b sh-port -o
                -a -t 198.51.100.100:80 -r 198.51.100.11:80 -m -w 1 -x 100 -y 10
                """);
        VirtualService s = t.services().values().iterator().next();
        assertEquals(List.of("-b", "sh-port", "-o"), s.settings().unmodelled());
        assertEquals(List.of("-x", "100", "-y", "10"), s.destinations().values().iterator().next().unmodelled());
    }

    @Test
    void garbageIsAnErrorNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IpvsSaveFormat.parse("-A -t 198.51.100.100:80 -s rr\n-a -t 198.51.100.100:80 -r nonsense -m\n"));
        assertTrue(e.getMessage().startsWith("ipvsadm --save line 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IpvsSaveFormat.parse("-Z -t 198.51.100.1:1 -s rr\n"));
        assertThrows(IllegalArgumentException.class, () -> IpvsSaveFormat.parse("-A -t 198.51.100.1:1\n"));
        assertThrows(IllegalArgumentException.class,
                () -> IpvsSaveFormat.parse("-a -t 198.51.100.1:1 -r 198.51.100.2:1 -m -w 1\n"));
    }

    @Test
    void commandsRenderAsTheIpvsadmCommandLinesAnAdminWouldType() {
        ServiceKey udp = new ServiceKey(Protocol.UDP, Endpoint.parse("198.51.100.100:53"));
        Destination d = new Destination(Endpoint.parse("198.51.100.13:53"), Forwarding.TUN, 5);
        assertEquals("ipvsadm -A -u 198.51.100.100:53 -s lc -p 60 -M 255.255.0.0",
                new IpvsCommand.AddService(udp, new ServiceSettings("lc", 60, "255.255.0.0")).commandLine());
        assertEquals("ipvsadm -E -u 198.51.100.100:53 -s rr",
                new IpvsCommand.EditService(udp, new ServiceSettings("rr", 0, "")).commandLine());
        assertEquals("ipvsadm -D -u 198.51.100.100:53", new IpvsCommand.DeleteService(udp).commandLine());
        assertEquals("ipvsadm -a -u 198.51.100.100:53 -r 198.51.100.13:53 -i -w 5",
                new IpvsCommand.AddDestination(udp, d).commandLine());
        assertEquals("ipvsadm -e -u 198.51.100.100:53 -r 198.51.100.13:53 -i -w 5",
                new IpvsCommand.EditDestination(udp, d).commandLine());
        assertEquals("ipvsadm -d -u 198.51.100.100:53 -r 198.51.100.13:53",
                new IpvsCommand.DeleteDestination(udp, d.endpoint()).commandLine());
    }

    @Test
    void ipvsadmFailuresBecomeMessagesThatSayWhatToDo() {
        IpvsException noIpvs = Ipvsadm.classify("ipvsadm --save -n", """
                modprobe: FATAL: Module ip_vs not found in directory /lib/modules/6.18.44
                Can't initialize ipvs: Protocol not available
                Are you sure that IP Virtual Server is built in the kernel or as module?
                """);
        assertEquals(IpvsException.Kind.NOT_INSTALLED, noIpvs.kind());
        assertTrue(noIpvs.getMessage().startsWith("kernel has no IPVS: load ip_vs"), noIpvs.getMessage());
        IpvsException sched = Ipvsadm.classify("ipvsadm -A -t 198.51.100.1:80 -s twos", "Scheduler or persistence engine not found\n");
        assertEquals(IpvsException.Kind.NOT_CONFIGURED, sched.kind());
        assertTrue(sched.getMessage().contains("no such scheduler"), sched.getMessage());
        IpvsException other = Ipvsadm.classify("ipvsadm -a ...", "Destination already exists\n");
        assertEquals(IpvsException.Kind.FAILED, other.kind());
        assertEquals("ipvsadm -a ...: Destination already exists", other.getMessage());
    }
}
