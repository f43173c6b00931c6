package io.lifeline.control;

import com.fasterxml.jackson.databind.JsonNode;

/** Answers one control command. Runs on a control thread; must finish within seconds. */
@FunctionalInterface
public interface CommandHandler {

    /**
     * @param args the request's {@code args} object (empty object when absent)
     * @return the {@code result}: a Jackson tree or any object Jackson can serialise
     * @throws ControlException for errors the client should see (bad arguments, refused action)
     */
    Object handle(JsonNode args) throws ControlException;
}
