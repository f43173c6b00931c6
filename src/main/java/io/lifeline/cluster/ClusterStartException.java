package io.lifeline.cluster;

/** The cluster layer could not start; the message is meant for the admin (names the ha.cf line). */
public class ClusterStartException extends Exception {
    public ClusterStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
