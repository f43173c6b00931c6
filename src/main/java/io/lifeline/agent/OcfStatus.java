package io.lifeline.agent;

/** OCF result codes. A monitor must be able to say "not running" apart from "failed". */
public enum OcfStatus {
    SUCCESS(0, "ok"),
    ERR_GENERIC(1, "generic error"),
    ERR_ARGS(2, "invalid argument"),
    ERR_UNIMPLEMENTED(3, "unimplemented"),
    ERR_PERM(4, "insufficient privilege"),
    ERR_INSTALLED(5, "not installed"),
    ERR_CONFIGURED(6, "not configured"),
    NOT_RUNNING(7, "not running"),
    RUNNING_PROMOTED(8, "running (promoted)"),
    FAILED_PROMOTED(9, "failed (promoted)"),
    DEGRADED(190, "degraded"),
    DEGRADED_PROMOTED(191, "degraded (promoted)");

    private final int code;
    private final String description;

    OcfStatus(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** Maps an OCF exit code; anything unknown is a generic error, as Pacemaker treats it. */
    public static OcfStatus fromCode(int code) {
        for (OcfStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return ERR_GENERIC;
    }
}
