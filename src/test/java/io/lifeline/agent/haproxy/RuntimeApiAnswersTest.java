package io.lifeline.agent.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentDetails;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing haproxy 2.6's own answers to show info, show stat and show proc (captured from a real one). */
class RuntimeApiAnswersTest {

    static final String SHOW_INFO = """
            Name: HAProxy
            Version: 2.6.12-1+deb12u4
            Release_date: 2026/10/17
            Nbthread: 2
            Nbproc: 1
            Process_num: 1
            Pid: 28353
            Uptime: 0d 0h00m42s
            Uptime_sec: 42
            Memmax_MB: 0
            """;

    // the real header is longer; the parser must find columns by name, so a shortened one is
    // also a test of that (check_status and friends are in a different place than in 2.6)
    static final String SHOW_STAT = """
            # pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,
            fe,FRONTEND,,,3,5,9978,120,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,0,0,0,,,,0,0,0,0,0,0,,0,0,0,,,0,0,0,0,,,,,,,,,,,,,,,,,,,,,http,,
            web,s1,0,0,2,4,,77,0,0,,0,,0,0,0,0,UP,1,1,0,0,0,607,0,,1,3,1,,0,,2,0,,0,L4OK,,0,0,0,0,0,0,0,,,,0,0,0,,,,,-1,,,0,0,0,0,,,,Layer4 check passed,,2,3,4,,,,127.0.0.1:8081,,http,,
            web,s2,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1,1,0,1,1,606,606,,1,3,2,,0,,2,0,,0,L4CON,,0,0,0,0,0,0,0,,,,0,0,0,,,,,-1,Connection refused,,0,0,0,0,,,,Layer4 connection problem,,2,3,0,,,,127.0.0.1:8082,,http,,
            web,BACKEND,0,0,2,4,998,77,0,0,0,0,,0,0,0,0,UP,1,1,0,,0,607,0,,1,3,0,,0,,1,0,,0,,,,0,0,0,0,0,0,,,,0,0,0,0,0,0,0,-1,,,0,0,0,0,,,,,,,,,,,,,,http,roundrobin,
            """;

    @Test
    void showInfoGivesVersionPidAndUptime() throws IOException {
        ShowInfo info = ShowInfo.parse(SHOW_INFO);
        assertEquals("2.6.12-1+deb12u4", info.version());
        assertEquals(28353, info.pid());
        assertEquals(42, info.uptimeSeconds());
    }

    @Test
    void anythingElseIsNotShowInfo() {
        IOException e = assertThrows(IOException.class, () -> ShowInfo.parse("Unknown command: 'show infp'\n"));
        assertTrue(e.getMessage().contains("Unknown command"), e.getMessage());
        assertThrows(IOException.class, () -> ShowInfo.parse(""));
        assertThrows(IOException.class, () -> ShowInfo.parse("Name: nginx\nPid: 1\n"));
    }

    @Test
    void showStatRowsAreFoundByColumnName() throws IOException {
        ShowStat stat = ShowStat.parse(SHOW_STAT);
        assertEquals(4, stat.rows().size());
        assertEquals(List.of("fe"), stat.frontends().stream().map(ShowStat.Row::proxy).toList());
        assertEquals(List.of("web"), stat.backends().stream().map(ShowStat.Row::proxy).toList());
        List<ShowStat.Row> servers = stat.servers("web");
        assertEquals(List.of("s1", "s2"), servers.stream().map(ShowStat.Row::name).toList());
        ShowStat.Row s1 = servers.get(0);
        ShowStat.Row s2 = servers.get(1);
        assertEquals("UP", s1.status());
        assertTrue(s1.isUp());
        assertEquals("L4OK", s1.checkStatus());
        assertEquals(2, s1.currentSessions());
        assertEquals(77, s1.totalSessions());
        assertEquals("127.0.0.1:8081", s1.address());
        assertEquals("DOWN", s2.status());
        assertFalse(s2.isUp());
        assertEquals("L4CON", s2.checkStatus());
        assertEquals("Layer4 connection problem", s2.checkDesc());
        assertEquals(3, stat.frontends().get(0).currentSessions());
    }

    @Test
    void malformedShowStatIsAnErrorNamingTheLine() {
        assertThrows(IOException.class, () -> ShowStat.parse("Permission denied\n"));
        String badNumber = "# pxname,svname,scur,status,type\nweb,s1,lots,UP,2\n";
        IOException e = assertThrows(IOException.class, () -> ShowStat.parse(badNumber));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("scur"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> ShowStat.parse("# pxname,svname,scur\n"));
        assertTrue(missing.getMessage().contains("type"), missing.getMessage());
    }

    @Test
    void serversGoingDownCountAsUpUntilTheyAreDown() throws IOException {
        ShowStat stat = ShowStat.parse("# pxname,svname,status,type\nb,a,UP 1/3,2\nb,b,DOWN 1/2,2\nb,c,no check,2\nb,d,MAINT,2\n");
        assertEquals(List.of(true, false, true, false), stat.rows().stream().map(ShowStat.Row::isUp).toList());
    }

    @Test
    void showProcGivesMasterReloadsAndWorkers() throws IOException {
        ShowProc p = ShowProc.parse("""
                #<PID>          <type>          <reloads>       <uptime>        <version>
                28352           master          3 [failed: 1]   0d00h10m10s     2.6.12-1+deb12u4
                # workers
                14525           worker          0               0d00h00m02s     2.6.12-1+deb12u4
                # old workers
                14501           worker          1               0d00h03m10s     2.6.12-1+deb12u4
                # programs

                """);
        assertEquals(28352, p.masterPid());
        assertEquals(3, p.reloads());
        assertEquals(1, p.failedReloads());
        assertEquals(List.of(14525L), p.workers());
        assertEquals(List.of(14501L), p.oldWorkers());
        assertThrows(IOException.class, () -> ShowProc.parse("Unknown command.\n"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void detailsListBackendsAndServersForHactlStatus() throws IOException {
        Instant read = Instant.parse("2026-01-01T00:00:00Z");
        HaproxySnapshot s = new HaproxySnapshot(ShowInfo.parse(SHOW_INFO), ShowStat.parse(SHOW_STAT), read, 28352,
                "stats socket /run/haproxy/admin.sock");
        AgentDetails d = s.details(read.plusSeconds(5));
        assertEquals(List.of(
                "haproxy 2.6.12-1+deb12u4, master pid 28352, worker pid 28353, up 42s (read 5s ago from stats socket /run/haproxy/admin.sock)",
                "frontend fe: OPEN, 3 sessions",
                "backend web: UP, 1/2 servers up, 2 sessions",
                "  web/s1 127.0.0.1:8081: UP (L4OK: Layer4 check passed), weight 1, 2 sessions",
                "  web/s2 127.0.0.1:8082: DOWN (L4CON: Layer4 connection problem), weight 1, 0 sessions"), d.lines());
        List<Map<String, Object>> backends = (List<Map<String, Object>>) d.json().get("backends");
        assertEquals(1L, backends.get(0).get("servers_up"));
        List<Map<String, Object>> servers = (List<Map<String, Object>>) backends.get(0).get("servers");
        assertEquals("DOWN", servers.get(1).get("status"));
        assertEquals(28353L, d.json().get("worker_pid"));
    }
}
