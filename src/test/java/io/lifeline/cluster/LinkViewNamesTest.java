package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.util.NameCache;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 14 item 11: a member whose JGroups name is unknown when its view arrives must not stay refused. */
class LinkViewNamesTest {

    private final List<Set<String>> reported = new ArrayList<>();

    private Link link() {
        Link.Sink sink = new Link.Sink() {
            @Override
            public void view(Link link, Set<String> members, List<Set<String>> subgroups) {
                reported.add(members);
            }

            @Override
            public void goodbye(Link link, String node) {
            }

            @Override
            public void payload(Link link, String node, byte[] data) {
            }
        };
        return new Link(new LinkSpec.Bcast("eth0", 694, 1), "c", InetAddress.getLoopbackAddress(), null, "n1",
                new NodeNames(List.of("n1", "n2", "n3")), sink, new MutableClock(0), 0);
    }

    @Test
    void aMemberWhoseNameArrivesAfterTheViewIsReportedOnceItIsKnown() {
        Link link = link();
        Address self = UUID.randomUUID();
        Address peer = UUID.randomUUID();
        NameCache.add(self, "n1");
        link.viewAccepted(View.create(self, 1, self, peer));
        assertEquals(List.of(Set.of("n1")), reported, "n2's name is not known yet");
        assertTrue(link.rejectedMembers().isEmpty(), "an unknown name is not a refusal");

        link.recheckUnnamedMembers();
        assertEquals(1, reported.size(), "nothing new to report while the name is still unknown");

        NameCache.add(peer, "n2");
        link.recheckUnnamedMembers();
        assertEquals(List.of(Set.of("n1"), Set.of("n1", "n2")), reported);
        link.recheckUnnamedMembers();
        assertEquals(2, reported.size(), "reported again only once");
    }

    @Test
    void aMemberNamedOutsideHaCfStaysRefused() {
        Link link = link();
        Address self = UUID.randomUUID();
        Address stranger = UUID.randomUUID();
        NameCache.add(self, "n1");
        NameCache.add(stranger, "intruder");
        link.viewAccepted(View.create(self, 1, self, stranger));
        link.recheckUnnamedMembers();
        assertEquals(List.of(Set.of("n1")), reported);
        assertEquals(Map.of("intruder", 1L), link.rejectedMembers());
    }
}
