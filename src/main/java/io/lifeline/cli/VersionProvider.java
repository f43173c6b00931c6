package io.lifeline.cli;

import io.lifeline.Version;
import picocli.CommandLine;

/** {@code hactl --version}: "Lifeline" and {@link Version#current()}. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"Lifeline " + Version.current()};
    }
}
