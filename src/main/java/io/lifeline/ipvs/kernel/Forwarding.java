package io.lifeline.ipvs.kernel;

/**
 * How IPVS forwards to a real server: keepalived's {@code lb_kind} / {@code lvs_method}, with
 * ipvsadm's option and the word {@code ipvsadm -L} shows.
 */
public enum Forwarding {
    NAT("-m", "Masq"),
    DR("-g", "Route"),
    TUN("-i", "Tunnel");

    private final String option;
    private final String ipvsadmName;

    Forwarding(String option, String ipvsadmName) {
        this.option = option;
        this.ipvsadmName = ipvsadmName;
    }

    public String option() {
        return option;
    }

    public String ipvsadmName() {
        return ipvsadmName;
    }

    public static Forwarding fromOption(String option) {
        for (Forwarding f : values()) {
            if (f.option.equals(option)) {
                return f;
            }
        }
        return null;
    }
}
