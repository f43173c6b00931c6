package io.lifeline.proxy.config;

import java.util.Locale;

/** The kinds of configuration section a keyword may appear in. */
public enum Scope {
    GLOBAL, DEFAULTS, FRONTEND, BACKEND, LISTEN;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
