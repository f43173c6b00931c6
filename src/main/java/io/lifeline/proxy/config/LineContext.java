package io.lifeline.proxy.config;

import io.lifeline.config.Diagnostics;
import java.nio.file.Path;

/**
 * What a keyword handler sees of the parser: the section's settings, the global settings, and
 * a way to report an error or warning tied to the current file and line.
 */
public final class LineContext {

    final SectionSettings settings;
    final GlobalSettings global;
    final Scope scope;
    private final Diagnostics diagnostics;
    private final Path file;
    final int line;
    private boolean failed;

    LineContext(SectionSettings settings, GlobalSettings global, Scope scope, Diagnostics diagnostics, Path file, int line) {
        this.settings = settings;
        this.global = global;
        this.scope = scope;
        this.diagnostics = diagnostics;
        this.file = file;
        this.line = line;
    }

    public void error(String message) {
        failed = true;
        diagnostics.error(file, line, message);
    }

    public void warning(String message) {
        diagnostics.warning(file, line, message);
    }

    boolean failed() {
        return failed;
    }

    /** Mutable {@code global} settings. */
    static final class GlobalSettings {
        int maxconn = ProxyConfig.DEFAULT_MAXCONN;
        int nbthread = 1;
    }
}
