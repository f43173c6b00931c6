package io.lifeline.agent.ip;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A daemon's VIP lives on a lease the daemon renews ({@link VipLease}): killed with -9 or
 * frozen, the daemon stops renewing and the kernel removes the address by itself, where it
 * used to stay up for as long as nobody removed it by hand.
 */
class VipLeaseDaemonIT {

    private static final String VIP = "198.51.100.50";
    private Lab lab;
    private long frozenPid = -1;

    @AfterEach
    void tearDown() {
        if (frozenPid > 0) {
            Lab.Shell.exec(java.util.List.of("kill", "-CONT", Long.toString(frozenPid)));
        }
        if (lab != null) {
            lab.close();
        }
    }

    private DaemonNode start(String test) throws Exception {
        lab = Lab.create("vl");
        lab.addBridge("br0");
        Lab.Host h = lab.addHost("n1").connect("br0", "eth0", "198.51.100.11/24");
        String cf = """
                keepalive 200ms
                deadtime 1s
                warntime 600ms
                initdead 2s
                udpport 694
                bcast eth0
                node n1
                """;
        DaemonNode n1 = new DaemonNode(h, "n1", DaemonNode.freshWorkDir("it-viplease", test))
                .configure(cf, "vip-lease-it-secret-0123", "n1 IPaddr2::" + VIP + "/24/eth0\n").start();
        await("VIP added").atMost(Duration.ofSeconds(60)).until(() -> holds(h));
        String addr = h.sh("ip -4 addr show dev eth0");
        assertTrue(addr.contains("dynamic") && addr.matches("(?s).*valid_lft [12]sec.*"),
                "added on a 2 s lease (deadtime 1 s):\n" + addr);
        // renewed: still there after several lease lengths
        await().pollDelay(Duration.ofMillis(5000)).atMost(Duration.ofSeconds(7)).until(() -> holds(h));
        return n1;
    }

    private static boolean holds(Lab.Host h) {
        return h.sh("ip -4 addr show dev eth0").contains(VIP + "/24");
    }

    @Test
    void theVipOfAKilledDaemonExpiresByItself() throws Exception {
        DaemonNode n1 = start("kill9");
        n1.kill9();
        long killed = System.nanoTime();
        Lab.Host h = n1.host;
        await("VIP removed by the kernel").atMost(Duration.ofMillis(3000)).until(() -> !holds(h));
        assertTrue((System.nanoTime() - killed) / 1_000_000 <= 3000);
    }

    @Test
    void theVipOfAFrozenDaemonExpiresByItself() throws Exception {
        DaemonNode n1 = start("sigstop");
        frozenPid = n1.status().path("pid").asLong();
        Lab.Shell.exec(java.util.List.of("kill", "-STOP", Long.toString(frozenPid)));
        Lab.Host h = n1.host;
        await("VIP removed by the kernel").atMost(Duration.ofMillis(3000)).until(() -> !holds(h));
    }
}
