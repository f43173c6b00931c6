package io.lifeline.agent.ip;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.os.Errno;
import io.lifeline.net.NetException;

/** A failed step of an IP action, already carrying its OCF status and message. */
final class VipFailure extends Exception {
    /** Prefixed by the status ("insufficient privilege: ") wherever the result is printed. */
    static final String PRIVILEGE_HINT = "need root or CAP_NET_ADMIN (+CAP_NET_RAW for ARP)";

    private final OcfStatus status;
    private final boolean conflict;

    VipFailure(OcfStatus status, String message) {
        this(status, message, false);
    }

    private VipFailure(OcfStatus status, String message, boolean conflict) {
        super(message, null, false, false);
        this.status = status;
        this.conflict = conflict;
    }

    /** Another host holds the address: the start changed nothing (see AgentResult#conflict). */
    static VipFailure conflict(String message) {
        return new VipFailure(OcfStatus.ERR_GENERIC, message, true);
    }

    AgentResult result() {
        return new AgentResult(status, getMessage(), conflict);
    }

    /**
     * Maps a kernel error to OCF: missing capability is {@link OcfStatus#ERR_PERM}, a missing
     * interface {@link OcfStatus#ERR_CONFIGURED}, everything else {@link OcfStatus#ERR_GENERIC};
     * {@code what} says what was being done ("cannot add 198.51.100.10/24 to eth0").
     */
    static VipFailure of(String what, NetException e) {
        if (e.isPermissionDenied()) {
            return new VipFailure(OcfStatus.ERR_PERM, what + ": " + PRIVILEGE_HINT + "; the kernel said "
                    + Errno.describe(e.errno()));
        }
        if (e.errno() == Errno.ENODEV) {
            return new VipFailure(OcfStatus.ERR_CONFIGURED, what + ": " + e.getMessage());
        }
        return new VipFailure(OcfStatus.ERR_GENERIC, what + ": " + e.getMessage());
    }
}
