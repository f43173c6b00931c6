package io.lifeline.ipvs.config;

import java.util.List;

/**
 * One keepalived statement: a keyword, the words after it on its line, and the block that
 * follows it ({@code real_server 198.51.100.11 80 { ... }}), null when it has none.
 */
record Statement(String keyword, List<String> args, int line, List<Statement> block) {

    Statement {
        args = List.copyOf(args);
        block = block == null ? null : List.copyOf(block);
    }

    boolean hasBlock() {
        return block != null;
    }
}
