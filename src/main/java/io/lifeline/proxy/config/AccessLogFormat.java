package io.lifeline.proxy.config;

/** Which access log a frontend writes: {@code option httplog}, {@code option tcplog}, or none. */
public enum AccessLogFormat {
    NONE, HTTP, TCP
}
