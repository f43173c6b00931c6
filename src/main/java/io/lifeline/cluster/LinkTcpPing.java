package io.lifeline.cluster;

import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.TCPPING;

/** JGroups' TCPPING (discovery of the ucast peers) that asks again at once when a handshake completes ({@link Rediscovery}). */
final class LinkTcpPing extends TCPPING {

    /** Same protocol id as {@link TCPPING}: the same headers on the wire, and no id of our own to register. */
    LinkTcpPing() {
        setId(ClassConfigurator.getProtocolId(TCPPING.class));
    }

    /** Called by the transport when a peer's new incarnation has just been accepted. */
    void peerConfirmed() {
        Rediscovery.askAgain(is_server, ping_responses, task -> timer.execute(task), r -> findMembers(null, true, r));
    }
}
