package io.lifeline.cluster;

import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.PING;

/** JGroups' PING (discovery by multicast or broadcast) that asks again at once when a handshake completes ({@link Rediscovery}). */
final class LinkPing extends PING {

    /** Same protocol id as {@link PING}: the same headers on the wire, and no id of our own to register. */
    LinkPing() {
        setId(ClassConfigurator.getProtocolId(PING.class));
    }

    /** Called by the transport when a peer's new incarnation has just been accepted. */
    void peerConfirmed() {
        Rediscovery.askAgain(is_server, ping_responses, task -> timer.execute(task), r -> findMembers(null, true, r));
    }
}
