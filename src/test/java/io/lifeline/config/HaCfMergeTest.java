package io.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HaCfMergeTest {

    @Test
    void thePeersClusterWideLinesAndThisNodesOwnLines() {
        String sent = """
                # cluster settings
                node n1 n2
                deadtime 12
                udpport 7694
                bcast eth0   # n1's interface
                logfile /var/log/n1.log
                propagate on
                """;
        String own = """
                node n1 n2
                deadtime 10
                ucast ens3 198.51.100.1
                propagate on
                http_listen 127.0.0.1:9694
                """;
        assertEquals("""
                # cluster settings
                node n1 n2
                deadtime 12
                udpport 7694
                """ + HaCfMerge.OWN_LINES_HEADER + "\n" + """
                ucast ens3 198.51.100.1
                propagate on
                http_listen 127.0.0.1:9694
                """, HaCfMerge.forThisNode(sent, own));
    }

    @Test
    void mergingAgainDoesNotPileUpHeaders() {
        String own = "node n1 n2\nbcast eth1\n";
        String once = HaCfMerge.forThisNode("node n1 n2\nbcast eth0\n", own);
        assertEquals(once, HaCfMerge.forThisNode(once, own));
    }
}
