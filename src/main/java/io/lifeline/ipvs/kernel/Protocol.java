package io.lifeline.ipvs.kernel;

/** The L4 protocol of a virtual service, with ipvsadm's option for it. */
public enum Protocol {
    TCP("-t"),
    UDP("-u");

    private final String option;

    Protocol(String option) {
        this.option = option;
    }

    public String option() {
        return option;
    }

    public static Protocol fromOption(String option) {
        for (Protocol p : values()) {
            if (p.option.equals(option)) {
                return p;
            }
        }
        return null;
    }
}
