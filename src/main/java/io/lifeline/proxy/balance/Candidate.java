package io.lifeline.proxy.balance;

/** What a balancing algorithm needs to know about a server; implemented by the runtime. */
public interface Candidate {
    int weight();

    /** Active requests, for leastconn. */
    int activeRequests();

    /** False when the server is at its maxconn. */
    boolean hasFreeSlot();
}
