package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.ResourceGroup;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The group-by-group difference a reload applies. */
class ConfigDiffTest {

    private static final Scenario.Builder BEFORE = Scenario.cluster("node1", "node2")
            .group("node1", "IPaddr2::ip=198.51.100.10", "nginx")
            .group("node2", "IPaddr2::ip=198.51.100.20", "pgsql");

    private static List<String> names(List<ResourceGroup> groups) {
        return groups.stream().map(ResourceGroup::name).toList();
    }

    @Test
    void theSameConfigurationChangesNothing() {
        ConfigDiff d = ConfigDiff.between(BEFORE.config(), BEFORE.config());
        assertTrue(d.groupsUnchanged());
        assertEquals(2, d.unchanged().size());
        assertEquals(List.of(), d.updated());
        assertEquals("groups: 2 unchanged", d.summary());
    }

    @Test
    void addedRemovedAndChangedGroupsAreToldApart() {
        Scenario.Builder after = Scenario.cluster("node1", "node2")
                .group("node2", "IPaddr2::ip=198.51.100.20", "pgsql", "pgbouncer")
                .group("node1", "IPaddr2::ip=198.51.100.30", "postfix");
        ConfigDiff d = ConfigDiff.between(BEFORE.config(), after.config());
        assertEquals(List.of("IPaddr2::ip=198.51.100.30"), names(d.added()));
        assertEquals(List.of("IPaddr2::ip=198.51.100.10"), names(d.removed()));
        assertEquals(1, d.changed().size());
        ConfigDiff.Change c = d.changed().get(0);
        assertEquals("IPaddr2::ip=198.51.100.20", c.name());
        assertEquals(2, c.keep(), "the VIP and pgsql stay; only pgbouncer is new");
        assertEquals(List.of(), d.unchanged());
    }

    @Test
    void aChangedResourceRestartsFromItsPositionOn() {
        Scenario.Builder after = Scenario.cluster("node1", "node2")
                .group("node1", "IPaddr2::ip=198.51.100.10", "nginx::conf=/etc/nginx/other.conf")
                .group("node2", "IPaddr2::ip=198.51.100.20", "pgsql");
        ConfigDiff d = ConfigDiff.between(BEFORE.config(), after.config());
        assertEquals(1, d.changed().size());
        assertEquals(1, d.changed().get(0).keep(), "the group's first word is its name, so a changed group keeps it");
        assertEquals(List.of("IPaddr2::ip=198.51.100.20"), names(d.unchanged()));
    }

    @Test
    void aNewHomeNodeOrPolicyIsAnUpdateInPlaceNotARestart() {
        Scenario.Builder after = Scenario.cluster("node1", "node2")
                .group("node2", "IPaddr2::ip=198.51.100.10", "nginx")
                .group("node2", "IPaddr2::ip=198.51.100.20", "pgsql")
                .settings(s -> s.withResourceDefaults(new ResourcePolicy(Duration.ofSeconds(3),
                        Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(60), 3, Duration.ofMinutes(10),
                        OnFail.RESTART)));
        ConfigDiff d = ConfigDiff.between(BEFORE.config(), after.config());
        assertTrue(d.groupsUnchanged());
        assertEquals(2, d.unchanged().size());
        assertEquals(2, d.updated().size(), "a new home for the first, a new monitor interval for both");
    }

    /** reloadInPlace: which changes an agent's reload applies, from the words as haresources has them. */
    @Test
    void onlyChangesOfReloadableParametersOfTheSameAgentReloadInPlace() {
        String old = "ocf:heartbeat:nginx::configfile=/etc/nginx/a.conf::port=80";
        Scenario.Builder before = Scenario.cluster("node1", "node2").group("node1", "IPaddr2::ip=198.51.100.10", old);
        java.util.function.Function<String, ConfigDiff> to = word -> ConfigDiff.between(before.config(),
                Scenario.cluster("node1", "node2").group("node1", "IPaddr2::ip=198.51.100.10", word).config(),
                java.util.Map.of(word, java.util.Set.of("configfile", "status10url")));

        ConfigDiff value = to.apply("ocf:heartbeat:nginx::configfile=/etc/nginx/b.conf::port=80");
        assertEquals(1, value.reloaded().size(), value.toString());
        assertEquals(List.of(1), value.reloaded().get(0).resources());
        assertEquals(List.of(), value.changed());
        assertTrue(value.summary().contains("reloaded in place IPaddr2::ip=198.51.100.10 (ocf:heartbeat:nginx)"),
                value.summary());
        assertEquals(1, to.apply("ocf:heartbeat:nginx::port=80::configfile=/etc/nginx/b.conf").reloaded().size(),
                "the order of the parameters does not matter");
        assertEquals(1, to.apply(old + "::status10url=http://localhost/s").reloaded().size(), "an added reloadable one");
        assertEquals(1, to.apply("ocf:heartbeat:nginx::configfile=/etc/nginx/b.conf::port=8080").changed().size(),
                "port is not reloadable: restart");
        assertEquals(1, to.apply("ocf:heartbeat:nginx::configfile=/etc/nginx/a.conf").changed().size(),
                "a removed parameter that is not reloadable: restart");
        assertEquals(1, to.apply("ocf:heartbeat:apache::configfile=/etc/nginx/a.conf::port=80").changed().size(),
                "another agent: restart");
        assertEquals(1, ConfigDiff.between(before.config(), Scenario.cluster("node1", "node2")
                .group("node1", "IPaddr2::ip=198.51.100.10", "ocf:heartbeat:nginx::configfile=/etc/nginx/b.conf::port=80")
                .config()).changed().size(), "an agent that reloads nothing: restart");
        assertEquals(1, ConfigDiff.between(before.config(), Scenario.cluster("node1", "node2")
                .group("node1", "IPaddr2::ip=198.51.100.10", "ocf:heartbeat:nginx::configfile=/etc/nginx/b.conf::port=80",
                        "php").config(), java.util.Map.of("ocf:heartbeat:nginx::configfile=/etc/nginx/b.conf::port=80",
                java.util.Set.of("configfile"))).changed().size(), "a resource more: restart from the difference");
        assertEquals(java.util.Optional.empty(), ConfigDiff.reloadInPlace(
                before.config().groups().get(0), Scenario.cluster("node1", "node2")
                        .group("node1", "IPaddr2::ip=198.51.100.10", "httpd::/etc/b.conf").config().groups().get(0),
                java.util.Map.of("httpd::/etc/b.conf", java.util.Set.of("configfile"))), "positional arguments: restart");
    }
}
