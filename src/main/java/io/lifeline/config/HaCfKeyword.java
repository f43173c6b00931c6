package io.lifeline.config;

/**
 * One ha.cf directive: its name, syntax, where it comes from and what Lifeline does with it.
 * {@link HaCfKeywords#ALL} is the one reference for the ha.cf language: the parser's keyword
 * set, docs/ha.cf.md and ha.cf(5) all come from it.
 *
 * @param meaning what the directive does; for an {@link Status#IGNORED} one, the reason it is
 *                ignored, which is also the warning check-config prints
 */
public record HaCfKeyword(String name, String syntax, Status status, String meaning) {

    /** Where a directive comes from and whether Lifeline uses it. */
    public enum Status {
        /** A Heartbeat directive that Lifeline implements. */
        USED("Heartbeat, used"),
        /** A Heartbeat directive Lifeline has no need for: accepted with a warning giving the reason. */
        IGNORED("Heartbeat, ignored"),
        /** A Heartbeat feature Lifeline does not implement: accepted with a warning, no effect. */
        UNSUPPORTED("Heartbeat, not supported"),
        /** A Lifeline directive read by the config parser. */
        LIFELINE("Lifeline only"),
        /**
         * A Lifeline directive of the resource manager: the parser keeps it in
         * {@link HaCf#extensions()} and {@code io.lifeline.manager.ManagerDirectives} checks it.
         */
        LIFELINE_MANAGER("Lifeline only (resource manager)");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        /** How the reference pages name the status. */
        public String label() {
            return label;
        }
    }
}
