package io.lifeline.agent.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsSocketScanTest {

    @Test
    void findsTheFirstReachableSocketOfTheGlobalSection() {
        String cfg = """
                global
                    log /dev/log local0
                    # stats socket /commented/out.sock
                    stats socket abns@hidden level admin
                    stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners
                    stats socket ipv4@127.0.0.1:9999 level admin
                defaults
                    mode http
                """;
        assertEquals("/run/haproxy/admin.sock", StatsSocketScan.find(cfg).orElseThrow().display());
    }

    @Test
    void statsLinesOutsideGlobalAreNotTheRuntimeApi() {
        assertTrue(StatsSocketScan.find("global\n  maxconn 10\nlisten s\n  stats socket /x.sock\n").isEmpty());
        assertTrue(StatsSocketScan.find("frontend f\n  stats enable\n").isEmpty());
    }

    @Test
    void addressForms() {
        assertEquals("/a.sock", StatsSocketScan.endpoint("unix@/a.sock").orElseThrow().display());
        assertTrue(StatsSocketScan.endpoint("unix@/a.sock").orElseThrow().isUnix());
        assertEquals("127.0.0.1:9999", StatsSocketScan.endpoint("ipv4@127.0.0.1:9999").orElseThrow().display());
        assertEquals("[::1]:9999", StatsSocketScan.endpoint("ipv6@[::1]:9999").orElseThrow().display());
        assertEquals("127.0.0.1:9999", StatsSocketScan.endpoint(":9999").orElseThrow().display());
        assertTrue(StatsSocketScan.endpoint("abns@x").isEmpty());
        assertTrue(StatsSocketScan.endpoint("fd@3").isEmpty());
        assertTrue(StatsSocketScan.endpoint("${SOCK}").isEmpty());
        assertTrue(StatsSocketScan.endpoint("host:notaport").isEmpty());
    }
}
