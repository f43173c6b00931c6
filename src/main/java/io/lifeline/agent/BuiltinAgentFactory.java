package io.lifeline.agent;

import io.lifeline.config.Diagnostics;
import io.lifeline.config.ResourceSpec;
import java.nio.file.Path;
import java.util.Set;

/**
 * Creates Lifeline's built-in Java agents (IPaddr, Proxy, HAProxy, IPVS, ...). The registry
 * consults these first, by name, before looking for scripts.
 */
public interface BuiltinAgentFactory {

    /** The haresources names this factory answers to, e.g. {@code IPaddr} and {@code IPaddr2}. */
    Set<String> names();

    /** Builds the agent for one haresources word; bad arguments are an {@link AgentConfigException}. */
    ResourceAgent create(ResourceSpec spec) throws AgentConfigException;

    /**
     * Checks the files a resource refers to (a proxy configuration, say), reporting their
     * problems with their own file and line, for {@code hactl check-config}. Called only for
     * words {@link #create} accepted. Must not touch the running system.
     */
    default void checkReferencedFiles(ResourceSpec spec, Diagnostics diagnostics) {
    }

    /**
     * Like {@link #checkReferencedFiles(ResourceSpec, Diagnostics)}, knowing the haresources
     * file the word came from, so that a problem with the word itself (a referenced file that
     * does not exist, say) can be reported at the haresources line. This is what the registry
     * calls; by default it delegates to the two-argument form.
     */
    default void checkReferencedFiles(Path haresources, ResourceSpec spec, Diagnostics diagnostics) {
        checkReferencedFiles(spec, diagnostics);
    }
}
