package io.lifeline.agent.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.net.ArpMode;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class IpAddrArgumentsTest {

    /** Splits a haresources word the way the config parser does: name, then args on "::". */
    static IpAddrSpec parse(String word) throws AgentConfigException {
        List<String> parts = Arrays.asList(word.split("::", -1));
        return IpAddrArguments.parse(parts.get(0), parts.subList(1, parts.size()));
    }

    static String error(String word) {
        return assertThrows(AgentConfigException.class, () -> parse(word)).getMessage();
    }

    @Test
    void bareAddress() throws Exception {
        IpAddrSpec s = parse("IPaddr::198.51.100.10");
        assertEquals(InetAddress.getByName("198.51.100.10"), s.address());
        assertEquals(OptionalInt.empty(), s.prefixLength());
        assertEquals(Optional.empty(), s.nic());
        assertEquals(IpAddrSpec.Broadcast.DEFAULT, s.broadcast());
        assertEquals(VipOptions.DEFAULTS, s.options());
    }

    @Test
    void addressAndBits() throws Exception {
        IpAddrSpec s = parse("IPaddr::198.51.100.10/24");
        assertEquals(OptionalInt.of(24), s.prefixLength());
        assertEquals(Optional.empty(), s.nic());
    }

    @Test
    void addressBitsInterface() throws Exception {
        IpAddrSpec s = parse("IPaddr2::198.51.100.10/25/eth0");
        assertEquals(OptionalInt.of(25), s.prefixLength());
        assertEquals(Optional.of("eth0"), s.nic());
        assertEquals(Optional.empty(), s.label());
    }

    @Test
    void thirdFieldStartingWithADigitIsTheBroadcast() throws Exception {
        // haresources(5): IPaddr::135.9.8.7/24/135.9.8.210
        IpAddrSpec s = parse("IPaddr::198.51.100.10/24/198.51.100.210");
        assertEquals(Optional.empty(), s.nic());
        assertEquals(IpAddrSpec.Broadcast.Kind.EXPLICIT, s.broadcast().kind());
        assertEquals(InetAddress.getByName("198.51.100.210"), s.broadcast().address());
    }

    @Test
    void interfaceThenBroadcast() throws Exception {
        IpAddrSpec s = parse("IPaddr::198.51.100.10/24/eth0/198.51.100.255");
        assertEquals(Optional.of("eth0"), s.nic());
        assertEquals(InetAddress.getByName("198.51.100.255"), s.broadcast().address());
    }

    @Test
    void plusAndMinusBroadcast() throws Exception {
        assertEquals(IpAddrSpec.Broadcast.Kind.HIGHEST, parse("IPaddr2::198.51.100.10/24/eth0/+").broadcast().kind());
        assertEquals(IpAddrSpec.Broadcast.Kind.LOWEST, parse("IPaddr2::198.51.100.10/24/eth0/-").broadcast().kind());
        assertEquals(IpAddrSpec.Broadcast.Kind.LOWEST, parse("IPaddr2::198.51.100.10/24/-").broadcast().kind());
    }

    @Test
    void labelFormOfTheInterface() throws Exception {
        IpAddrSpec s = parse("IPaddr::198.51.100.10/24/eth0:0");
        assertEquals(Optional.of("eth0"), s.nic());
        assertEquals(Optional.of("eth0:0"), s.label());
        assertEquals(Optional.of("eth0:0"), s.labelOn("eth0"));
    }

    @Test
    void emptyBitsMeanFromTheRoute() throws Exception {
        IpAddrSpec s = parse("IPaddr2::198.51.100.10//eth1");
        assertEquals(OptionalInt.empty(), s.prefixLength());
        assertEquals(Optional.of("eth1"), s.nic());
    }

    @Test
    void dottedNetmaskIsAccepted() throws Exception {
        assertEquals(OptionalInt.of(26), parse("IPaddr::198.51.100.10/255.255.255.192/eth0").prefixLength());
        assertTrue(error("IPaddr::198.51.100.10/255.0.255.0").contains("not contiguous"));
    }

    @Test
    void ipv6Forms() throws Exception {
        IpAddrSpec s = parse("IPv6addr::2001:db8::10/64/eth0");
        assertEquals(InetAddress.getByName("2001:db8::10"), s.address());
        assertEquals(OptionalInt.of(64), s.prefixLength());
        assertEquals(Optional.of("eth0"), s.nic());
        assertEquals(InetAddress.getByName("2001:db8::10"), parse("IPv6addr::2001:db8::10").address());
        assertEquals(InetAddress.getByName("2001:db8:0:0:0:0:0:10"),
                parse("IPaddr2::2001:db8:0:0:0:0:0:10/64").address());
    }

    @Test
    void optionsAfterTheAddress() throws Exception {
        IpAddrSpec s = parse("IPaddr2::198.51.100.10/24/eth0::arp_count=3::arp_interval=150ms::arp_mode=reply"
                + "::arp_refresh=30s::dad_probe=off::dad_count=4::dad_interval=50::iflabel=vip");
        VipOptions o = s.options();
        assertEquals(3, o.arpCount());
        assertEquals(Duration.ofMillis(150), o.arpInterval());
        assertEquals(ArpMode.REPLY, o.arpMode());
        assertEquals(Duration.ofSeconds(30), o.arpRefresh());
        assertFalse(o.dadProbe());
        assertEquals(4, o.dadCount());
        assertEquals(Duration.ofMillis(50), o.dadInterval());
        assertEquals(Optional.of("eth0:vip"), s.labelOn("eth0"));
    }

    @Test
    void optionsAfterAnIpv6AddressDoNotConfuseTheDoubleColon() throws Exception {
        IpAddrSpec s = parse("IPv6addr::2001:db8::10/64/eth0::arp_count=2");
        assertEquals(InetAddress.getByName("2001:db8::10"), s.address());
        assertEquals(2, s.options().arpCount());
    }

    @Test
    void bareNumbersHaveTheUnitOfTheirOption() throws Exception {
        assertEquals(Duration.ofMillis(300), parse("IPaddr::198.51.100.10::arp_interval=300").options().arpInterval());
        assertEquals(Duration.ofSeconds(45), parse("IPaddr::198.51.100.10::arp_refresh=45").options().arpRefresh());
        assertEquals(Duration.ofMinutes(2), parse("IPaddr::198.51.100.10::arp_refresh=2m").options().arpRefresh());
        assertEquals(Duration.ZERO, parse("IPaddr::198.51.100.10::arp_refresh=off").options().arpRefresh());
    }

    @Test
    void badAddressesAreNamed() {
        assertTrue(error("IPaddr::198.51.100.300").contains("\"198.51.100.300\" is not an IPv4 address"));
        assertTrue(error("IPaddr::www.example.com/24").contains("host names are not accepted"));
        assertTrue(error("IPaddr::198.51.100.010").contains("not an IPv4 address"));
        assertTrue(error("IPaddr::0.0.0.0").contains("cannot be assigned"));
        assertTrue(error("IPaddr::224.0.0.5").contains("cannot be assigned"));
        assertTrue(error("IPv6addr::2001:db8::zz").contains("not an IPv6 address"));
        assertTrue(error("IPv6addr::fe80::1%eth0").contains("zone ids"));
        assertTrue(error("IPaddr::").contains("needs an address"));
        assertTrue(error("IPaddr").contains("needs an address"));
    }

    @Test
    void familyMustSuitTheAgent() {
        assertTrue(error("IPaddr::2001:db8::10").contains("use IPv6addr or IPaddr2"));
        assertTrue(error("IPv6addr::198.51.100.10").contains("use IPaddr or IPaddr2"));
    }

    @Test
    void badBitsAreNamed() {
        assertTrue(error("IPaddr::198.51.100.10/33").contains("out of range 1-32"));
        assertTrue(error("IPaddr::198.51.100.10/0").contains("out of range"));
        assertTrue(error("IPv6addr::2001:db8::10/129").contains("out of range 1-128"));
        assertTrue(error("IPaddr::198.51.100.10/abc/eth0").contains("is not a netmask"));
    }

    @Test
    void badInterfaceAndFieldCounts() {
        assertTrue(error("IPaddr::198.51.100.10/24/eth0/198.51.100.255/x").contains("at most 4"));
        assertTrue(error("IPaddr::198.51.100.10/24/198.51.100.255/eth0").contains("nothing may follow it"));
        assertTrue(error("IPaddr::198.51.100.10/24/this-name-is-too-long").contains("not a valid interface name"));
        assertTrue(error("IPaddr::198.51.100.10/24/eth0:a:b").contains("not a valid interface label"));
        assertTrue(error("IPaddr::198.51.100.10/24/enp0s31f6:vip123").contains("at most 15"));
        assertTrue(error("IPv6addr::2001:db8::10/64/eth0:0").contains("IPv6 addresses have no labels"));
        assertTrue(error("IPv6addr::2001:db8::10/64/eth0/2001:db8::ff").contains("no broadcast"));
        assertTrue(error("IPaddr::198.51.100.10/24/eth0/bcast").contains("not a broadcast address"));
    }

    @Test
    void badOptionsAreNamed() {
        assertTrue(error("IPaddr::198.51.100.10::arp_cnt=3").contains("unknown option \"arp_cnt\"; known: arp_count"));
        assertTrue(error("IPaddr::198.51.100.10::arp_count=many").contains("arp_count=many"));
        assertTrue(error("IPaddr::198.51.100.10::arp_count=101").contains("from 0 to 100"));
        assertTrue(error("IPaddr::198.51.100.10::arp_mode=loud").contains("request, reply or both"));
        assertTrue(error("IPaddr::198.51.100.10::arp_interval=5ms").contains("between 10ms and 10s"));
        assertTrue(error("IPaddr::198.51.100.10::arp_interval=fast").contains("expected a duration"));
        assertTrue(error("IPaddr::198.51.100.10::dad_probe=maybe").contains("expected on or off"));
        assertTrue(error("IPaddr::198.51.100.10::arp_count=1::arp_count=2").contains("given twice"));
        assertTrue(error("IPaddr::198.51.100.10::arp_count=1::eth0").contains("after the options"));
        assertTrue(error("IPaddr::198.51.100.10/24/eth0:0::iflabel=x").contains("label is given twice"));
        assertTrue(error("IPv6addr::2001:db8::10::iflabel=x").contains("no labels"));
        assertTrue(error("IPaddr::198.51.100.10/24/enp0s31f6::iflabel=vip123").contains("at most 15"));
    }
}
