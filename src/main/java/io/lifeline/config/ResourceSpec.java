package io.lifeline.config;

import java.util.List;

/**
 * One resource word of haresources, split on {@code ::}. {@code IPaddr::10.0.0.1/24/eth0}
 * has name {@code IPaddr} and args {@code [10.0.0.1/24/eth0]}; a bare IPv4 address becomes
 * {@code IPaddr::ADDRESS}.
 *
 * @param word the word exactly as written, used as the resource's id in logs and status
 */
public record ResourceSpec(String name, List<String> args, String word, int line) {
    public ResourceSpec {
        args = List.copyOf(args);
    }
}
