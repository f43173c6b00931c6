package io.lifeline.ipvs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import io.lifeline.ipvs.kernel.Endpoint;
import io.lifeline.ipvs.kernel.Forwarding;
import io.lifeline.ipvs.kernel.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpvsConfigParserTest {

    private static final Path FILE = Path.of("/etc/ha.d/ipvs.conf");

    private final Diagnostics d = new Diagnostics();

    private IpvsConfig parse(String text) {
        return IpvsConfigParser.parseText(FILE, text, d);
    }

    private String problems() {
        return String.join("\n", d.problems().stream().map(ConfigProblem::toString).toList());
    }

    private void assertProblem(ConfigProblem.Severity severity, int line, String fragment) {
        assertTrue(d.problems().stream().anyMatch(p -> p.severity() == severity && p.line() == line
                && p.file().equals(FILE) && p.message().contains(fragment)),
                "expected " + severity + " at line " + line + " containing '" + fragment + "' in:\n" + problems());
    }

    @Test
    void theShippedExampleIsValidAndMeansWhatItsCommentsSay() {
        IpvsConfig c = IpvsConfigParser.parse(Path.of(System.getProperty("user.dir"), "ha.d", "ipvs.conf"), d);
        assertNotNull(c, problems());
        assertEquals(List.of(), d.problems(), problems());
        assertEquals(3, c.virtualServers().size());
        VirtualServerSpec web = c.virtualServers().get(0);
        assertEquals("TCP 198.51.100.100:80", web.key().toString());
        assertEquals("rr", web.settings().scheduler());
        assertEquals(Endpoint.parse("203.0.113.50:80"), web.sorryServer().orElseThrow().endpoint());
        CheckSpec.HttpGet http = assertInstanceOf(CheckSpec.HttpGet.class, web.realServers().get(0).checks().get(0));
        assertEquals("/health", http.urls().get(0).path());
        assertEquals(new CheckTiming(Duration.ofSeconds(3), 2, Duration.ofSeconds(1), Duration.ofSeconds(5)), http.timing());
        VirtualServerSpec https = c.virtualServers().get(1);
        assertEquals(300, https.settings().persistenceTimeout());
        assertTrue(https.realServers().get(0).inhibitOnFailure());
        assertEquals(3, https.realServers().get(0).weight());
        VirtualServerSpec dns = c.virtualServers().get(2);
        assertEquals(Protocol.UDP, dns.key().protocol());
        assertEquals(Forwarding.DR, dns.realServers().get(0).forwarding());
        CheckSpec.Misc misc = assertInstanceOf(CheckSpec.Misc.class, dns.realServers().get(0).checks().get(0));
        assertEquals("/usr/bin/dig +time=2 +tries=1 @203.0.113.21 example.org", misc.command());
        assertEquals(Duration.ofSeconds(5), misc.timeout());
        assertEquals(0, misc.timing().retry(), "keepalived's MISC_CHECK retries 0 times by default");
    }

    @Test
    void keepalivedDefaultsApplyWhenNothingIsSet() {
        IpvsConfig c = parse("""
                virtual_server 198.51.100.10 80 {
                    real_server 198.51.100.11 {
                        TCP_CHECK {
                        }
                        HTTP_GET {
                            url {
                                path /
                            }
                        }
                    }
                }
                """);
        assertNotNull(c, problems());
        VirtualServerSpec vs = c.virtualServers().get(0);
        assertEquals("wlc", vs.settings().scheduler());
        assertEquals(0, vs.settings().persistenceTimeout());
        assertEquals(Protocol.TCP, vs.key().protocol());
        RealServerSpec rs = vs.realServers().get(0);
        assertEquals(Endpoint.parse("198.51.100.11:80"), rs.endpoint(), "real server port defaults to the service's");
        assertEquals(1, rs.weight());
        assertEquals(Forwarding.NAT, rs.forwarding());
        assertFalse(rs.inhibitOnFailure());
        CheckSpec.Tcp tcp = (CheckSpec.Tcp) rs.checks().get(0);
        assertEquals(Endpoint.parse("198.51.100.11:80"), tcp.target());
        assertEquals(new CheckTiming(Duration.ofSeconds(5), 1, Duration.ofSeconds(1), Duration.ofSeconds(60)), tcp.timing());
        CheckSpec.HttpGet http = (CheckSpec.HttpGet) rs.checks().get(1);
        assertEquals(Duration.ofSeconds(3), http.timing().delayBeforeRetry(), "HTTP_GET's own default");
        assertTrue(http.urls().get(0).accepts(204) && !http.urls().get(0).accepts(301), "default status 200-299");
    }

    @Test
    void settingsAreInheritedDownwardsWhereverTheyAppearAndOverriddenLowerDown() {
        IpvsConfig c = parse("""
                virtual_server 198.51.100.10 80 {
                    real_server 198.51.100.11 8080 {
                        retry 4
                        TCP_CHECK {
                            connect_port 8081
                            connect_ip 198.51.100.99
                            delay_loop 0.5
                        }
                    }
                    real_server 198.51.100.12 8080 {
                        lvs_method TUN
                        inhibit_on_failure false
                        MISC_CHECK {
                            misc_path /bin/true
                        }
                    }
                    delay_loop 2
                    connect_timeout 1.5
                    nb_get_retry 3
                    delay_before_retry 0.25
                    inhibit_on_failure
                    lb_kind DR
                    persistence_timeout
                    persistence_granularity 255.255.255.0
                    protocol udp
                    lvs_sched sh
                }
                """);
        assertNotNull(c, problems());
        assertEquals(List.of(), d.problems(), problems());
        VirtualServerSpec vs = c.virtualServers().get(0);
        assertEquals(Protocol.UDP, vs.key().protocol());
        assertEquals("sh", vs.settings().scheduler());
        assertEquals(360, vs.settings().persistenceTimeout(), "persistence_timeout without value is 6 minutes");
        assertEquals("255.255.255.0", vs.settings().persistenceMask());
        RealServerSpec a = vs.realServers().get(0);
        assertEquals(Forwarding.DR, a.forwarding());
        assertTrue(a.inhibitOnFailure());
        CheckSpec.Tcp tcp = (CheckSpec.Tcp) a.checks().get(0);
        assertEquals(Endpoint.parse("198.51.100.99:8081"), tcp.target());
        assertEquals(new CheckTiming(Duration.ofMillis(1500), 4, Duration.ofMillis(250), Duration.ofMillis(500)), tcp.timing());
        RealServerSpec b = vs.realServers().get(1);
        assertEquals(Forwarding.TUN, b.forwarding());
        assertFalse(b.inhibitOnFailure());
        CheckSpec.Misc misc = (CheckSpec.Misc) b.checks().get(0);
        assertEquals(Duration.ofSeconds(2), misc.timeout(), "misc_timeout defaults to delay_loop");
        assertEquals(3, misc.timing().retry());
    }

    @Test
    void bracesMayStandAloneOrAgainstWordsAndCommentsUseHashOrBang() {
        IpvsConfig c = parse("""
                ! keepalived style comment
                virtual_server 198.51.100.10 80
                {
                    lb_algo rr   # trailing comment
                    real_server 198.51.100.11 80 {weight 2
                        HTTP_GET { url { path /a
                        status_code 200-204 301 } }
                    }}
                """);
        assertNotNull(c, problems());
        RealServerSpec rs = c.virtualServers().get(0).realServers().get(0);
        assertEquals(2, rs.weight());
        UrlSpec url = ((CheckSpec.HttpGet) rs.checks().get(0)).urls().get(0);
        assertEquals("/a", url.path());
        assertEquals(List.of(new StatusRange(200, 204), new StatusRange(301, 301)), url.statusCodes());
    }

    @Test
    void ipv6ServicesParse() {
        IpvsConfig c = parse("""
                virtual_server 2001:db8::10 80 {
                    real_server 2001:db8::11 80 {
                    }
                    sorry_server 2001:db8::99
                }
                """);
        assertNotNull(c, problems());
        assertEquals("TCP [2001:db8::10]:80", c.virtualServers().get(0).key().toString());
        assertEquals("[2001:db8::99]:80", c.virtualServers().get(0).sorryServer().orElseThrow().endpoint().toString());
    }

    @Test
    void persistenceTimeoutZeroMeansNoPersistenceAsInKeepalived() {
        IpvsConfig c = parse("""
                virtual_server 198.51.100.10 80 {
                    lb_algo rr
                    lb_kind NAT
                    persistence_timeout 0
                    protocol TCP
                    real_server 198.51.100.11 80 {
                        weight 1
                    }
                }
                """);
        assertNotNull(c, problems());
        assertEquals(List.of(), d.problems(), problems());
        assertEquals(0, c.virtualServers().get(0).settings().persistenceTimeout());
    }

    @Test
    void malformedValuesAreErrorsAtTheirLine() {
        IpvsConfig c = parse("""
                virtual_server 198.51.100.10 80 {
                    lb_algo roundrobin
                    lb_kind NATT
                    delay_loop 0
                    persistence_timeout -5
                    protocol SCTP
                    real_server 198.51.100.11 99999 {
                    }
                    real_server www.example.org 80 {
                    }
                    real_server 198.51.100.12 80 {
                        weight heavy
                        TCP_CHECK {
                            connect_timeout 1s
                            retry -1
                        }
                        HTTP_GET {
                            connect_timeout 1
                        }
                        HTTP_GET {
                            url {
                                path no-slash
                                status_code 2xx
                            }
                        }
                        MISC_CHECK {
                            misc_timeout 3
                        }
                    }
                    real_server 198.51.100.12 80 {
                    }
                    sorry_server 198.51.100.12
                }
                virtual_server 198.51.100.10 80 {
                }
                virtual_server fwmark 1 {
                }
                virtual_server 198.51.100.20 {
                }
                """);
        assertNull(c);
        assertProblem(ConfigProblem.Severity.ERROR, 2, "unknown scheduler 'roundrobin'");
        assertProblem(ConfigProblem.Severity.ERROR, 3, "lb_kind must be NAT, DR or TUN");
        assertProblem(ConfigProblem.Severity.ERROR, 4, "delay_loop must be a positive number of seconds");
        assertProblem(ConfigProblem.Severity.ERROR, 5, "persistence_timeout must be a whole number");
        assertProblem(ConfigProblem.Severity.ERROR, 6, "protocol must be TCP or UDP");
        assertProblem(ConfigProblem.Severity.ERROR, 7, "'99999' is not a port");
        assertProblem(ConfigProblem.Severity.ERROR, 9, "'www.example.org' is not an IP address");
        assertProblem(ConfigProblem.Severity.ERROR, 12, "weight must be a whole number between 0 and 65535");
        assertProblem(ConfigProblem.Severity.ERROR, 14, "connect_timeout must be a positive number of seconds");
        assertProblem(ConfigProblem.Severity.ERROR, 15, "retry must be a whole number");
        assertProblem(ConfigProblem.Severity.ERROR, 17, "HTTP_GET needs at least one url");
        assertProblem(ConfigProblem.Severity.ERROR, 22, "path must start with '/'");
        assertProblem(ConfigProblem.Severity.ERROR, 23, "status_code '2xx'");
        assertProblem(ConfigProblem.Severity.ERROR, 26, "MISC_CHECK needs misc_path");
        assertProblem(ConfigProblem.Severity.ERROR, 30, "real_server 198.51.100.12:80 is declared twice");
        assertProblem(ConfigProblem.Severity.ERROR, 32, "sorry_server 198.51.100.12:80 is also a real_server");
        assertProblem(ConfigProblem.Severity.ERROR, 34, "virtual_server TCP 198.51.100.10:80 is declared twice");
        assertProblem(ConfigProblem.Severity.ERROR, 36, "virtual_server fwmark is not supported");
        assertProblem(ConfigProblem.Severity.ERROR, 38, "virtual_server needs an IP address and a port");
    }

    @Test
    void unbalancedBracesAndStructureErrorsPointAtTheLine() {
        assertNull(parse("virtual_server 198.51.100.10 80 {\n  real_server 198.51.100.11 80 {\n  }\n"));
        assertProblem(ConfigProblem.Severity.ERROR, 1, "not closed");
        d.problems();
        Diagnostics d2 = new Diagnostics();
        assertNull(IpvsConfigParser.parseText(FILE, "}\nvirtual_server 198.51.100.10 80\n", d2));
        assertTrue(d2.problems().stream().anyMatch(p -> p.line() == 1 && p.message().contains("'}' without")), d2.problems().toString());
        assertTrue(d2.problems().stream().anyMatch(p -> p.line() == 2 && p.message().contains("needs a { ... } block")), d2.problems().toString());
        Diagnostics d3 = new Diagnostics();
        assertNull(IpvsConfigParser.parseText(FILE, "# nothing\n", d3));
        assertTrue(d3.problems().get(0).message().contains("declares no virtual_server"), d3.problems().toString());
        Diagnostics d4 = new Diagnostics();
        assertNull(IpvsConfigParser.parseText(FILE, "virtual_server 198.51.100.10 80 {\n misc_path \"unterminated\n}\n", d4));
        assertTrue(d4.problems().stream().anyMatch(p -> p.line() == 2 && p.message().contains("unterminated")), d4.problems().toString());
        Diagnostics d5 = new Diagnostics();
        assertNull(IpvsConfigParser.parseText(FILE, "virtual_server 198.51.100.10 80 {\n weight 1 {\n }\n}\ninclude /etc/x\n", d5));
        assertTrue(d5.problems().stream().anyMatch(p -> p.line() == 5 && p.message().contains("include is not supported")), d5.problems().toString());
    }

    @Test
    void unsupportedKeywordsAndSectionsAreWarningsThatSayWhatIsIgnored() {
        IpvsConfig c = parse("""
                global_defs {
                    router_id LVS1
                }
                vrrp_instance VI_1 {
                    state MASTER
                }
                virtual_server 198.51.100.10 80 {
                    quorum 2
                    frobnicate yes
                    lb_kind TUN type gue port 6080
                    real_server 198.51.100.11 80 {
                        notify_up /bin/true
                        SSL_GET {
                        }
                        HTTP_GET {
                            url {
                                path /
                                digest 9b3a0c85a887a256d6939da88aabd8cd
                            }
                        }
                        MISC_CHECK {
                            misc_path /bin/true
                            misc_dynamic
                        }
                    }
                }
                """);
        assertNotNull(c, problems());
        assertProblem(ConfigProblem.Severity.WARNING, 1, "global_defs is ignored");
        assertProblem(ConfigProblem.Severity.WARNING, 4, "vrrp_instance is ignored");
        assertProblem(ConfigProblem.Severity.WARNING, 8, "quorum is not supported");
        assertProblem(ConfigProblem.Severity.WARNING, 9, "unknown or unsupported keyword 'frobnicate'");
        assertProblem(ConfigProblem.Severity.WARNING, 10, "tunnel options 'type gue port 6080' are not supported");
        assertProblem(ConfigProblem.Severity.WARNING, 12, "notify_up is not supported");
        assertProblem(ConfigProblem.Severity.WARNING, 13, "SSL_GET is not supported: this real server is not checked by it");
        assertProblem(ConfigProblem.Severity.WARNING, 18, "digest is not supported");
        assertProblem(ConfigProblem.Severity.WARNING, 23, "misc_dynamic weights are not supported");
        assertFalse(d.hasErrors());
        assertEquals(2, c.virtualServers().get(0).realServers().get(0).checks().size());
    }

    @Test
    void addressFamiliesMustMatchUnlessTunnelled() {
        assertNull(parse("virtual_server 198.51.100.10 80 {\n real_server 2001:db8::1 80 {\n }\n}\n"));
        assertProblem(ConfigProblem.Severity.ERROR, 2, "not in the virtual server's address family");
        Diagnostics ok = new Diagnostics();
        assertNotNull(IpvsConfigParser.parseText(FILE,
                "virtual_server 198.51.100.10 80 {\n lb_kind TUN\n real_server 2001:db8::1 80 {\n }\n}\n", ok), ok.problems().toString());
    }

    @Test
    void unreadableAndBinaryFilesAreErrorsNotExceptions(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.conf");
        assertNull(IpvsConfigParser.parse(missing, d));
        assertTrue(d.problems().get(0).toString().startsWith(missing + ": error: cannot read"), problems());
        Path binary = dir.resolve("binary.conf");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
        Diagnostics d2 = new Diagnostics();
        assertNull(IpvsConfigParser.parse(binary, d2));
        assertEquals(binary + ":1: error: NUL byte in the line (a text file has none)", d2.problems().get(0).toString());
    }
}
