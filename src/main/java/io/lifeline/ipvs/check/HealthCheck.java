package io.lifeline.ipvs.check;

/**
 * One health checker of a real server. {@link #run} blocks for at most the checker's own
 * timeout and never throws for anything the checked server does.
 */
public interface HealthCheck {

    /** keepalived's name for it, with its target: {@code TCP_CHECK 198.51.100.11:80}. */
    String describe();

    /** Runs one attempt; an interrupted attempt returns a failure promptly. */
    CheckResult run();
}
