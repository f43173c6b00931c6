package io.lifeline.agent;

import io.lifeline.config.ResourceSpec;
import java.nio.file.Path;

/** What {@link AgentRegistry#resolve} made of one haresources word: an agent, or why not. */
public sealed interface Resolution {

    ResourceSpec spec();

    /**
     * @param source where the agent came from, for {@code hactl check-config} and logs:
     *               {@code built-in}, or the script's path and style
     */
    record Found(ResourceSpec spec, ResourceAgent agent, String source) implements Resolution {
    }

    /**
     * @param file   the haresources file the word came from
     * @param reason what is wrong, without the location
     */
    record Failed(ResourceSpec spec, Path file, String reason) implements Resolution {

        /** {@code haresources:3: unknown resource 'ngnix': ...}. */
        public String message() {
            return file + ":" + spec.line() + ": " + reason;
        }
    }
}
