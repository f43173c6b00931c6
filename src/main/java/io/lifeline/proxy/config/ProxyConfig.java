package io.lifeline.proxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A whole proxy configuration file: the {@code global} settings and the proxy sections in
 * file order. Immutable; a reload builds a new one.
 *
 * @param maxconn global connection limit across all frontends
 * @param nbthread number of event-loop threads
 */
public record ProxyConfig(Path source, int maxconn, int nbthread, List<ProxySection> sections) {

    public static final int DEFAULT_MAXCONN = 4096;

    public ProxyConfig {
        sections = List.copyOf(sections);
    }

    public List<ProxySection> frontends() {
        return sections.stream().filter(ProxySection::isFrontend).toList();
    }

    public List<ProxySection> backends() {
        return sections.stream().filter(ProxySection::isBackend).toList();
    }

    public Optional<ProxySection> backend(String name) {
        return sections.stream().filter(s -> s.isBackend() && s.name().equals(name)).findFirst();
    }
}
