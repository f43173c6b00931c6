package io.lifeline.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.lab.DaemonLab;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real daemons in network namespaces with {@code http_listen}: /metrics is scraped over HTTP
 * (curl inside the node's namespace) and every answer is read by the strict text-format
 * parser. The series follow the cluster: a peer up on its link, the group running on its
 * owner with its resources started and monitored, then the peer killed: dead, failed, its
 * link dead and its last-heard age growing.
 */
class MetricsIT {

    private static final String SECRET = "metrics-it-secret-0123";
    private static final String VIP = "198.51.100.100";
    private static final String GROUP = "IPaddr2::" + VIP + "/24/eth0";
    private static final String LISTEN = "127.0.0.1:9694";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("mx", "metrics-it");

    private static String haCf(boolean metrics) {
        return DaemonLab.haCf("1s", "600ms") + """
                resource_defaults interval=500ms timeout=5s
                """ + (metrics ? "http_listen " + LISTEN + "\n" : "");
    }

    /** The response's Content-Type and its body read strictly; fails on HTTP or format errors. */
    private record Scrape(String contentType, Map<String, PromText.Family> families) {
        double value(String sample, String... labels) {
            Optional<Double> v = PromText.value(families, sample, labels);
            return v.orElse(Double.NaN);
        }
    }

    private static Scrape scrape(Lab.Host host) {
        String out = host.sh("curl -sS -i --max-time 5 http://" + LISTEN + "/metrics");
        int split = out.indexOf("\r\n\r\n");
        String head = out.substring(0, split);
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        String type = head.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("");
        return new Scrape(type, PromText.parse(out.substring(split + 4)));
    }

    /** n1 and n2 on one bridge (eth0), and the test's fresh work directory. */
    private Path twoHosts(String test) throws IOException {
        lab.open(test);
        lab.host("n1", "198.51.100.11");
        lab.host("n2", "198.51.100.12");
        return lab.work();
    }

    private DaemonNode node(Lab.Host h, Path work, boolean metrics) throws IOException {
        DaemonNode n = lab.node(h);
        String res = "n1 " + GROUP + " ocf:heartbeat:Dummy::state=" + n.dir.resolve("dummy.state") + "\n";
        return n.configure(haCf(metrics), SECRET, res);
    }

    @Test
    void metricsFollowTheClusterThroughAPeerCrash() throws Exception {
        Path work = twoHosts("crash");
        Lab.Host h1 = lab.hosts().get(0);
        Lab.Host h2 = lab.hosts().get(1);
        DaemonNode n1 = node(h1, work, true).start();
        DaemonNode n2 = node(h2, work, true).start();
        DaemonNode.awaitRunningOn(GROUP, "n1", WAIT, n1, n2);
        String dummy = "ocf:heartbeat:Dummy::state=" + n1.dir.resolve("dummy.state");

        // monitors every 500 ms: wait for the first one's result to be in the status
        await("a monitor result for Dummy").atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                scrape(h1).value("lifeline_resource_last_monitor_exit_code", "group", GROUP, "resource", dummy) == 0);
        Scrape s = scrape(h1);
        // kept for a post-mortem next to the daemons' logs, and as an example of the output
        Files.writeString(n1.dir.resolve("metrics.txt"), h1.sh("curl -sS --max-time 5 http://" + LISTEN + "/metrics"));
        assertEquals("text/plain; version=0.0.4; charset=utf-8", s.contentType());
        assertEquals(1, s.value("lifeline_manager_up"));
        assertEquals(1, s.value("lifeline_daemon_info", "node", "n1", "version", versionOf(s)));
        assertEquals(1, s.value("lifeline_node_state", "node", "n2", "state", "up"));
        assertEquals(0, s.value("lifeline_node_state", "node", "n2", "state", "dead"));
        assertEquals(1, s.value("lifeline_peer_link_state", "node", "n2", "link", "bcast:eth0", "state", "up"));
        double heard = s.value("lifeline_peer_link_last_heard_age_seconds", "node", "n2", "link", "bcast:eth0");
        assertTrue(heard >= 0 && heard < 1, "heard within deadtime: " + heard);
        assertEquals(1, s.value("lifeline_link_state", "link", "bcast:eth0", "state", "up"));
        PromText.Family drops = s.families().get("lifeline_auth_drops_total");
        assertTrue(drops == null || drops.samples().isEmpty(), "no packet dropped: " + drops);
        assertEquals(1, s.value("lifeline_group_phase", "group", GROUP, "phase", "running"));
        assertEquals(1, s.value("lifeline_group_owner", "group", GROUP, "node", "n1"));
        assertEquals(1, s.value("lifeline_group_owners", "group", GROUP));
        assertEquals(1, s.value("lifeline_resource_state", "group", GROUP, "resource", GROUP, "state", "started"));
        assertEquals(1, s.value("lifeline_resource_state", "group", GROUP, "resource", dummy, "state", "started"));
        assertEquals(1, s.value("lifeline_resource_action_duration_seconds_count", "group", GROUP,
                "resource", dummy, "action", "start"));
        assertTrue(s.value("lifeline_resource_actions_total", "group", GROUP, "resource", dummy,
                "action", "monitor", "result", "success") >= 1);
        // n2 holds nothing: its own view of the group says n1
        assertEquals(1, scrape(h2).value("lifeline_group_owner", "group", GROUP, "node", "n1"));

        n2.kill9();
        await("n2 dead in n1's metrics").atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                scrape(h1).value("lifeline_node_state", "node", "n2", "state", "dead") == 1);
        Scrape after = scrape(h1);
        assertEquals(1, after.value("lifeline_node_dead_cause", "node", "n2", "cause", "failed"));
        assertEquals(1, after.value("lifeline_peer_link_state", "node", "n2", "link", "bcast:eth0", "state", "dead"));
        assertTrue(after.value("lifeline_peer_link_last_heard_age_seconds", "node", "n2", "link", "bcast:eth0") >= 1,
                "silent for at least deadtime");
        assertEquals(1, after.value("lifeline_group_phase", "group", GROUP, "phase", "running"), "n1 keeps it");
    }

    /**
     * The live status page (StatusPage) as an admin sees it: headless Chromium, in n1's
     * namespace, loads {@code /}, runs its script (which polls /status.json and /events.json) and
     * the rendered DOM is read. The page shows the group running on n1 and n2 up; after n2 is
     * killed, the page loaded again shows n2 dead and the membership event.
     */
    @Test
    void theStatusPageRendersTheClusterInChromium() throws Exception {
        Path work = twoHosts("page");
        Lab.Host h1 = lab.hosts().get(0);
        Lab.Host h2 = lab.hosts().get(1);
        DaemonNode n1 = node(h1, work, true).start();
        DaemonNode n2 = node(h2, work, false).start();
        DaemonNode.awaitRunningOn(GROUP, "n1", WAIT, n1, n2);

        String dom = render(h1, work, "running");
        Files.writeString(work.resolve("page-running.html"), dom);
        assertTrue(dom.contains("data-state=\"fresh\""), "the script ran and got answers: " + dom);
        assertTrue(dom.contains("<tr data-node=\"n2\" data-state=\"up\">"), "n2 up: " + dom);
        assertTrue(dom.contains("<tr data-group=\"" + GROUP + "\" data-phase=\"running\" data-owners=\"n1\">"),
                "the group runs on n1: " + dom);
        assertTrue(dom.contains("<td class=\"wrap\">" + VIP + "</td>"), "the group's short name (its address): " + dom);
        // a picture of the page as an admin sees it, kept with the test's output
        Path png = work.resolve("page-running.png");
        chromium(h1, work, "shot", "--hide-scrollbars --window-size=1280,900 --screenshot=" + png);
        byte[] shot = Files.readAllBytes(png);
        assertTrue(shot.length > 10_000 && shot[1] == 'P' && shot[2] == 'N' && shot[3] == 'G',
                "a PNG screenshot of the page: " + shot.length + " bytes");
        System.out.println("status page screenshot: " + png);

        n2.kill9();
        await("n2 dead on n1").atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                scrape(h1).value("lifeline_node_state", "node", "n2", "state", "dead") == 1);
        String after = render(h1, work, "dead");
        Files.writeString(work.resolve("page-dead.html"), after);
        assertTrue(after.contains("<tr data-node=\"n2\" data-state=\"dead\">"), "n2 dead: " + after);
        assertTrue(after.contains("node n2 failed"), "the membership event is listed: " + after);
    }

    /**
     * An operator acts through the page (ha.cf http_auth): headless Chromium, driven over the
     * DevTools protocol by page_operator.py in n1's namespace, logs in with the page's form and
     * clicks "standby this node"; the cluster does it (the group moves to n2). A page of another
     * origin then tries two forged actions with the browser's cookies: the JSON one dies in the
     * CORS preflight, the "simple" one reaches the daemon and is refused as cross-site, and n1 stays
     * in standby. Forgeries with the right cookie and token but a foreign Origin, or without the
     * token, are refused too (curl).
     */
    @Test
    void anOperatorPutsTheNodeInStandbyThroughThePage() throws Exception {
        Path work = twoHosts("operator");
        Lab.Host h1 = lab.hosts().get(0);
        Lab.Host h2 = lab.hosts().get(1);
        DaemonNode n1 = new DaemonNode(h1, "n1", work);
        Path users = n1.dir.resolve("http_users");
        Files.writeString(users, "admin:" + io.lifeline.config.PasswordHash.create("page-password".toCharArray(),
                io.lifeline.config.PasswordHash.MIN_ITERATIONS, new java.security.SecureRandom()).format() + "\n");
        Files.setPosixFilePermissions(users, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        n1.configure(haCf(true) + "http_auth " + users + "\n", SECRET, "n1 " + GROUP + "\n").start();
        DaemonNode n2 = new DaemonNode(h2, "n2", work).configure(haCf(false), SECRET, "n1 " + GROUP + "\n").start();
        DaemonNode.awaitRunningOn(GROUP, "n1", WAIT, n1, n2);

        // the same forgeries from curl, with a real session (cookie and CSRF token)
        String login = h1.sh("curl -sS -i --max-time 30 -H 'Content-Type: application/json' -H 'Origin: http://"
                + LISTEN + "' --data '{\"user\":\"admin\",\"password\":\"page-password\"}' http://" + LISTEN
                + "/login");
        assertTrue(login.startsWith("HTTP/1.1 200"), login);
        String cookie = login.lines().filter(l -> l.toLowerCase().startsWith("set-cookie:"))
                .map(l -> l.substring(l.indexOf(':') + 1).split(";")[0].strip()).findFirst().orElseThrow();
        String csrf = login.substring(login.indexOf("\"csrf\":\"") + 8).split("\"")[0];
        String standby = "-H 'Content-Type: application/json' --data '{\"action\":\"standby\"}' -H 'Cookie: "
                + cookie + "' http://" + LISTEN + "/action";
        assertEquals("403", h1.sh("curl -sS -o /dev/null -w '%{http_code}' -H 'Origin: http://evil.example' -H"
                + " 'X-Lifeline-CSRF: " + csrf + "' " + standby).strip(), "a foreign Origin");
        assertEquals("403", h1.sh("curl -sS -o /dev/null -w '%{http_code}' -H 'Origin: http://" + LISTEN + "' "
                + standby).strip(), "no CSRF token");
        assertEquals("none", DaemonNode.nodeEntry(n1.status(), "n1").path("standby").asText(), "nothing happened");

        Path script = work.resolve("page_operator.py");
        try (var in = MetricsIT.class.getResourceAsStream("page_operator.py")) {
            Files.write(script, in.readAllBytes());
        }
        String out = h1.sh("timeout 150 python3 " + script + " http://" + LISTEN + "/ admin page-password standby "
                + work.resolve("chromium-operator") + " 2>&1");
        Files.writeString(work.resolve("page-operator.txt"), out);
        assertTrue(out.contains("STEP before-login \"login\""), "the page offers a login: " + out);
        assertTrue(out.contains("STEP logged-in \"operator: admin\""), out);
        assertTrue(out.contains("STEP cookie-visible-to-script \"\""), "the session cookie is HttpOnly: " + out);
        assertTrue(out.contains("STEP result {\"state\": \"ok\""), "standby accepted: " + out);
        DaemonNode.awaitRunningOn(GROUP, "n2", WAIT, n1, n2);
        assertTrue(out.contains("STEP forged-json \"blocked:"), "the JSON forgery dies in the preflight: " + out);
        assertTrue(out.contains("STEP forged-simple \"sent"), out);
        await("the daemon refused the simple forgery").atMost(WAIT).until(() ->
                n1.logText().contains("refused /action from 127.0.0.1: Sec-Fetch-Site is 'cross-site'"));
        assertTrue(n1.logText().contains("status page: admin (from 127.0.0.1) ran standby"), "audited");
        assertTrue(n1.logText().contains("status page: an action from 127.0.0.1 (session of admin) without the right"
                + " CSRF token"), "the missing token is logged");
        assertEquals("all", DaemonNode.nodeEntry(n1.status(), "n1").path("standby").asText(),
                "n1 still in standby: the forged 'online' did not run");
        assertEquals("n2", n1.ownersOf(GROUP));
    }

    /** The DOM after the page's script ran (Chromium's virtual time lets its first poll finish). */
    private static String render(Lab.Host host, Path work, String name) {
        return chromium(host, work, name, "--dump-dom");
    }

    /** Headless Chromium on the page in the host's namespace, its own profile and log per {@code name}. */
    private static String chromium(Lab.Host host, Path work, String name, String options) {
        return host.sh("timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run"
                + " --user-data-dir=" + work.resolve("chromium-" + name) + " --virtual-time-budget=5000 " + options
                + " http://" + LISTEN + "/ 2>" + work.resolve("chromium-" + name + ".log"));
    }

    private static String versionOf(Scrape s) {
        return s.families().get("lifeline_daemon_info").samples().get(0).labels().get("version");
    }

    /**
     * The listener's memory cost: a two-node cluster without groups (so both nodes do the same
     * work) where only n1 has http_listen; n1 is scraped 200 times while n2 answers 200 status
     * requests, then their resident sizes are compared (printed as MEASURED).
     */
    @Test
    void theListenerCostsLittleMemory() throws Exception {
        Path work = twoHosts("rss");
        Lab.Host h1 = lab.hosts().get(0);
        Lab.Host h2 = lab.hosts().get(1);
        DaemonNode on = lab.node(h1).configure(haCf(true), SECRET, "").start();
        DaemonNode off = lab.node(h2).configure(haCf(false), SECRET, "").start();
        await("both up").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> on.stateOf("n2").equals("up") && off.stateOf("n1").equals("up"));
        System.out.println("MEASURED daemon RSS at start, with / without http_listen: " + rssKiB(on) / 1024
                + " / " + rssKiB(off) / 1024 + " MiB");
        for (int i = 0; i < 200; i++) {
            scrape(h1);
            off.status(); // the same status work on the other daemon, through its control socket
        }
        long rssOn = rssKiB(on);
        long rssOff = rssKiB(off);
        System.out.println("MEASURED daemon RSS with http_listen after 200 scrapes: " + rssOn / 1024 + " MiB");
        System.out.println("MEASURED daemon RSS without http_listen after 200 status calls: " + rssOff / 1024 + " MiB");
        System.out.println("MEASURED difference: " + (rssOn - rssOff) / 1024 + " MiB");
        assertTrue(rssOn - rssOff < 16 * 1024, "the listener costs less than 16 MiB: " + (rssOn - rssOff) + " KiB");
    }

    private static long rssKiB(DaemonNode n) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(n.pid()), "status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst().orElseThrow();
    }
}
