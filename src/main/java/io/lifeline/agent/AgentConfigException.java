package io.lifeline.agent;

/** A haresources word that names a known agent but with arguments it cannot accept. */
public class AgentConfigException extends Exception {
    public AgentConfigException(String message) {
        super(message);
    }
}
