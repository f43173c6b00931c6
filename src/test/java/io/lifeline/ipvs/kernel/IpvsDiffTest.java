package io.lifeline.ipvs.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpvsDiffTest {

    private static final ServiceKey WEB = new ServiceKey(Protocol.TCP, Endpoint.parse("198.51.100.100:80"));
    private static final ServiceKey OTHER = new ServiceKey(Protocol.TCP, Endpoint.parse("203.0.113.200:8080"));
    private static final ServiceSettings RR = new ServiceSettings("rr", 0, "");

    private static Destination nat(String endpoint, int weight) {
        return new Destination(Endpoint.parse(endpoint), Forwarding.NAT, weight);
    }

    private static VirtualService service(ServiceKey key, ServiceSettings settings, Destination... dests) {
        Map<Endpoint, Destination> m = new LinkedHashMap<>();
        for (Destination d : dests) {
            m.put(d.endpoint(), d);
        }
        return new VirtualService(key, settings, m);
    }

    private static IpvsTable table(VirtualService... services) {
        Map<ServiceKey, VirtualService> m = new LinkedHashMap<>();
        for (VirtualService s : services) {
            m.put(s.key(), s);
        }
        return new IpvsTable(m);
    }

    private static List<String> diff(IpvsTable desired, IpvsTable actual, ServiceKey... owned) {
        return IpvsDiff.between(desired, actual, List.of(owned)).stream().map(IpvsCommand::commandLine).toList();
    }

    @Test
    void equalTablesNeedNothing() {
        IpvsTable t = table(service(WEB, RR, nat("198.51.100.11:80", 1)));
        assertEquals(List.of(), diff(t, t, WEB));
    }

    @Test
    void aMissingServiceIsCreatedWithItsDestinations() {
        IpvsTable want = table(service(WEB, RR, nat("198.51.100.11:80", 1), nat("198.51.100.12:80", 2)));
        assertEquals(List.of("ipvsadm -A -t 198.51.100.100:80 -s rr",
                "ipvsadm -a -t 198.51.100.100:80 -r 198.51.100.11:80 -m -w 1",
                "ipvsadm -a -t 198.51.100.100:80 -r 198.51.100.12:80 -m -w 2"), diff(want, IpvsTable.EMPTY, WEB));
    }

    @Test
    void onlyTheChangedDestinationIsTouched() {
        IpvsTable have = table(service(WEB, RR, nat("198.51.100.11:80", 1), nat("198.51.100.12:80", 1),
                nat("198.51.100.13:80", 1)));
        IpvsTable want = table(service(WEB, RR, nat("198.51.100.11:80", 1), nat("198.51.100.12:80", 0)));
        assertEquals(List.of("ipvsadm -e -t 198.51.100.100:80 -r 198.51.100.12:80 -m -w 0",
                "ipvsadm -d -t 198.51.100.100:80 -r 198.51.100.13:80"), diff(want, have, WEB));
    }

    @Test
    void forwardingAndSchedulerChangesAreEditsNotRecreations() {
        IpvsTable have = table(service(WEB, RR, nat("198.51.100.11:80", 1)));
        IpvsTable want = table(service(WEB, new ServiceSettings("wlc", 300, ""),
                new Destination(Endpoint.parse("198.51.100.11:80"), Forwarding.DR, 1)));
        assertEquals(List.of("ipvsadm -E -t 198.51.100.100:80 -s wlc -p 300",
                "ipvsadm -e -t 198.51.100.100:80 -r 198.51.100.11:80 -g -w 1"), diff(want, have, WEB));
    }

    @Test
    void additionsComeBeforeRemovalsSoASwapNeverEmptiesTheService() {
        // the last real server fails: the sorry server goes in before the real server goes out
        IpvsTable have = table(service(WEB, RR, nat("198.51.100.11:80", 1)));
        IpvsTable want = table(service(WEB, RR, nat("203.0.113.50:80", 1)));
        assertEquals(List.of("ipvsadm -a -t 198.51.100.100:80 -r 203.0.113.50:80 -m -w 1",
                "ipvsadm -d -t 198.51.100.100:80 -r 198.51.100.11:80"), diff(want, have, WEB));
    }

    @Test
    void servicesNotOwnedAreNeverTouchedEvenWhenTheyDiffer() {
        IpvsTable have = table(service(WEB, RR, nat("198.51.100.11:80", 1)),
                service(OTHER, RR, nat("203.0.113.201:8080", 1)));
        assertEquals(List.of("ipvsadm -D -t 198.51.100.100:80"), diff(IpvsTable.EMPTY, have, WEB));
        assertEquals(List.of(), diff(IpvsTable.EMPTY, have));
    }

    @Test
    void handSetOptionsOnAnOwnedDestinationAreClearedByRecreatingIt() {
        IpvsTable have = table(service(WEB, RR, new Destination(Endpoint.parse("198.51.100.11:80"), Forwarding.NAT, 1,
                List.of("-x", "100"))));
        IpvsTable want = table(service(WEB, RR, nat("198.51.100.11:80", 1)));
        assertEquals(List.of("ipvsadm -d -t 198.51.100.100:80 -r 198.51.100.11:80",
                "ipvsadm -a -t 198.51.100.100:80 -r 198.51.100.11:80 -m -w 1"), diff(want, have, WEB));
    }

    @Test
    void applyingTheDiffToAKernelModelReachesTheDesiredTable() throws Exception {
        FakeKernel kernel = new FakeKernel();
        kernel.byHand(new IpvsCommand.AddService(OTHER, RR));
        kernel.byHand(new IpvsCommand.AddService(WEB, new ServiceSettings("wlc", 0, "")));
        kernel.byHand(new IpvsCommand.AddDestination(WEB, nat("198.51.100.19:80", 4)));
        kernel.byHand(new IpvsCommand.AddDestination(WEB, nat("198.51.100.11:80", 4)));
        IpvsTable want = table(service(WEB, RR, nat("198.51.100.11:80", 1), nat("198.51.100.12:80", 1)));
        for (IpvsCommand c : IpvsDiff.between(want, kernel.read(), List.of(WEB))) {
            kernel.apply(c);
        }
        assertEquals(want.service(WEB), kernel.read().service(WEB));
        assertEquals(RR, kernel.read().service(OTHER).settings());
        assertEquals(List.of(), IpvsDiff.between(want, kernel.read(), List.of(WEB)));
    }
}
