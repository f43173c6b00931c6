package io.lifeline.agent.script;

import java.util.Optional;

/**
 * Finds the reason an OCF agent gave for its result: a stderr line starting with
 * {@code OCF_EXIT_REASON_PREFIX} ({@code ocf-exit-reason:}), written by {@code ocf_exit_reason}
 * in ocf-shellfuncs. The last such line wins, being the closest to the final exit.
 */
public final class OcfExitReason {

    public static final String PREFIX = "ocf-exit-reason:";

    private OcfExitReason() {
    }

    public static Optional<String> parse(String stderr) {
        String reason = null;
        for (String line : stderr.split("\n")) {
            int at = line.indexOf(PREFIX);
            if (at == 0) {
                String text = line.substring(PREFIX.length()).strip();
                if (!text.isEmpty()) {
                    reason = text;
                }
            }
        }
        return Optional.ofNullable(reason).map(ScriptAgent::shorten);
    }
}
