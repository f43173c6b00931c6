package io.lifeline.ipvs.kernel;

import io.lifeline.agent.OcfStatus;

/** A kernel or tool failure, with the OCF status it maps to and a message for the admin. */
public class IpvsException extends Exception {

    private final OcfStatus status;

    public IpvsException(OcfStatus status, String message) {
        super(message);
        this.status = status;
    }

    public OcfStatus status() {
        return status;
    }
}
