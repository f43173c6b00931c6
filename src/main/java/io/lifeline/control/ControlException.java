package io.lifeline.control;

/** A command failed in a way the client should see: a stable {@code code} and a message for humans. */
public class ControlException extends Exception {

    private final String code;

    public ControlException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
