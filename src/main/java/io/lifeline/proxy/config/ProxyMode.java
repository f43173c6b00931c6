package io.lifeline.proxy.config;

/** {@code mode http} parses and routes each request; {@code mode tcp} pipes bytes. */
public enum ProxyMode { HTTP, TCP }
