package io.lifeline.proxy.config;

import java.net.InetSocketAddress;

/**
 * One {@code server} line of a backend.
 *
 * @param maxconn 0 for unlimited
 * @param cookie the value of the persistence cookie naming this server, or null
 * @param line where it was declared, for messages
 */
public record ServerConfig(String name, InetSocketAddress address, int weight, boolean check,
                           long interMillis, int rise, int fall, boolean backup, int maxconn,
                           boolean disabled, String cookie, int line) {

    public static final int DEFAULT_WEIGHT = 1;
    public static final long DEFAULT_INTER_MILLIS = 2000;
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;
}
