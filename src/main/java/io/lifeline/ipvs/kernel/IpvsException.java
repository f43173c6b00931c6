package io.lifeline.ipvs.kernel;

/**
 * A kernel or tool failure, with what kind of failure it is (the IPVS resource agent maps it to
 * an OCF status) and a message for the admin.
 */
public class IpvsException extends Exception {

    /** What kind of failure: what an admin has to do about it. */
    public enum Kind {
        /** Anything else: the command ran and failed, timed out, or its output could not be read. */
        FAILED,
        /** ipvsadm or the kernel's IPVS is not there. */
        NOT_INSTALLED,
        /** The table asks for something the kernel refuses as invalid (a scheduler it lacks, ...). */
        NOT_CONFIGURED,
        /** Not permitted: CAP_NET_ADMIN is missing. */
        NOT_PERMITTED
    }

    private final Kind kind;

    public IpvsException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
