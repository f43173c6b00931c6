package io.lifeline.faults;

/** What must hold whatever the nemesis does; each violation is counted with its fault context. */
enum Invariant {
    DUAL_OWNER("a VIP on two nodes outside a partition"),
    STUCK("after the heal a group does not run on exactly one node, served, within the bound"),
    LOG_EXCEPTION("an exception or stack trace in a daemon log"),
    UNJUSTIFIED_BAN("a ban or block that the faults do not justify"),
    CONFIG_CHANGED("a node's ha.d files changed"),
    NOT_A_NON_EVENT("a single-link cut (or the witness cut off) moved a VIP or interrupted a client"),
    LONE_NODE_UNDECIDED("a node started alone has no membership after initdead");

    final String meaning;

    Invariant(String meaning) {
        this.meaning = meaning;
    }

    /** One violation: which invariant, in which fault's context, what was seen. */
    record Violation(Invariant invariant, Fault fault, String detail) {
        @Override
        public String toString() {
            return invariant + " in " + (fault == null ? "(no fault: start-up)" : fault.context()) + ": " + detail;
        }
    }
}
