package io.lifeline.config;

import java.nio.file.Path;

/** Everything read from one ha.d directory. Immutable; a reload builds a new one. */
public record ClusterConfig(Path directory, HaCf haCf, Haresources haresources, Authkeys authkeys) {
}
