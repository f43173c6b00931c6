package io.lifeline.proxy.config;

import java.util.List;

/**
 * An {@code acl NAME CRITERION [-i] VALUES...} line. Several lines with the same name are
 * OR-ed, as in HAProxy.
 *
 * @param header lower-case header name for {@link Criterion#HDR}, otherwise null
 */
public record AclConfig(String name, Criterion criterion, String header, boolean ignoreCase,
                        List<String> values, int line) {

    public enum Criterion { PATH, PATH_BEG, PATH_END, PATH_SUB, HDR, HDR_BEG, HDR_END, HDR_SUB, METHOD }

    public AclConfig {
        values = List.copyOf(values);
    }
}
