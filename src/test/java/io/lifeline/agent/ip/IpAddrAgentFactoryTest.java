package io.lifeline.agent.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.agent.BuiltinAgentFactory;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.HaresourcesParser;
import io.lifeline.config.ResourceSpec;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class IpAddrAgentFactoryTest {

    @Test
    void answersToTheHeartbeatNames() {
        assertEquals(Set.of("IPaddr", "IPaddr2", "IPv6addr"), new IpAddrAgentFactory().names());
    }

    @Test
    void isFoundThroughTheServiceLoader() {
        assertTrue(ServiceLoader.load(BuiltinAgentFactory.class).stream()
                .anyMatch(p -> p.type() == IpAddrAgentFactory.class));
    }

    @Test
    void agentCarriesTypeInstanceAndParsedSpec() throws Exception {
        IpAddrAgent a = new IpAddrAgentFactory().create(new ResourceSpec("IPaddr2",
                List.of("198.51.100.10/24/eth0", "arp_count=2"), "IPaddr2::198.51.100.10/24/eth0::arp_count=2", 3));
        assertEquals("IPaddr2", a.type());
        assertEquals("IPaddr2::198.51.100.10/24/eth0::arp_count=2", a.instance());
        assertEquals(2, a.spec().options().arpCount());
    }

    @Test
    void badArgumentsNameTheWord() {
        AgentConfigException e = assertThrows(AgentConfigException.class, () -> new IpAddrAgentFactory().create(
                new ResourceSpec("IPaddr", List.of("198.51.100.300"), "IPaddr::198.51.100.300", 4)));
        assertTrue(e.getMessage().startsWith("IPaddr::198.51.100.300: \"198.51.100.300\" is not an IPv4 address"),
                e.getMessage());
    }

    /** A word as the real haresources parser hands it over. */
    private static IpAddrAgent fromHaresources(String word) throws AgentConfigException {
        Diagnostics diag = new Diagnostics();
        ResourceSpec spec = HaresourcesParser.resource(word, 1, Path.of("haresources"), diag).orElseThrow();
        return new IpAddrAgentFactory().create(spec);
    }

    @Test
    void wordsFromTheHaresourcesParser() throws Exception {
        IpAddrAgent bare = fromHaresources("198.51.100.10/24/eth0/198.51.100.255");
        assertEquals("IPaddr", bare.type());
        assertEquals(InetAddress.getByName("198.51.100.255"), bare.spec().broadcast().address());
        IpAddrAgent v6 = fromHaresources("IPv6addr::2001:db8::10/64/eth0::arp_count=2");
        assertEquals(InetAddress.getByName("2001:db8::10"), v6.spec().address());
        assertEquals(Optional.of("eth0"), v6.spec().nic());
        assertEquals(2, v6.spec().options().arpCount());
        IpAddrAgent label = fromHaresources("IPaddr::198.51.100.10/24/eth0:0::arp_mode=request");
        assertEquals(Optional.of("eth0:0"), label.spec().label());
    }

    /** The agent's meta-data for {@code spec}, parsed (well-formed or an exception). */
    private static Document metaData(ResourceSpec spec) throws Exception {
        String xml = new IpAddrAgentFactory().create(spec).metaData();
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder b = f.newDocumentBuilder();
        return b.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void metaDataIsWellFormedOcfXml() throws Exception {
        Document d = metaData(new ResourceSpec("IPv6addr", List.of("2001:db8::10"), "IPv6addr::2001:db8::10", 1));
        assertEquals("resource-agent", d.getDocumentElement().getTagName());
        assertEquals("IPv6addr", d.getDocumentElement().getAttribute("name"));
        assertEquals(12, d.getElementsByTagName("parameter").getLength());
        assertEquals(5, d.getElementsByTagName("action").getLength());
    }

    /** The meta-data said dad_count 3 and dad_interval 200ms, the defaults of long ago. */
    @Test
    void metaDataDefaultsAreTheOnesTheAgentApplies() throws Exception {
        Document d = metaData(new ResourceSpec("IPaddr2", List.of("198.51.100.10"), "IPaddr2::198.51.100.10", 1));
        java.util.Map<String, String> defaults = new java.util.HashMap<>();
        org.w3c.dom.NodeList params = d.getElementsByTagName("parameter");
        for (int i = 0; i < params.getLength(); i++) {
            org.w3c.dom.Element p = (org.w3c.dom.Element) params.item(i);
            org.w3c.dom.Element content = (org.w3c.dom.Element) p.getElementsByTagName("content").item(0);
            if (content.hasAttribute("default")) {
                defaults.put(p.getAttribute("name"), content.getAttribute("default"));
            }
        }
        // what the agent makes of the meta-data's defaults, written out, is what it applies without them
        List<String> words = new java.util.ArrayList<>(List.of("198.51.100.10/24/eth0"));
        for (String key : List.of("arp_count", "arp_interval", "arp_mode", "arp_refresh", "dad_probe", "dad_count",
                "dad_interval")) {
            words.add(key + "=" + defaults.get(key));
        }
        IpAddrAgent explicit = fromHaresources("IPaddr2::" + String.join("::", words));
        assertEquals(VipOptions.DEFAULTS, explicit.spec().options());
    }
}
