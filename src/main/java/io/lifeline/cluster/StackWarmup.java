package io.lifeline.cluster;

import io.lifeline.thread.NamedThreads;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import org.jgroups.stack.Configurator;
import org.jgroups.stack.Protocol;
import org.jgroups.stack.ProtocolStack;
import org.jgroups.util.StackType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readies what opening the first link costs, on a thread of its own, while the daemon's main
 * thread reads its configuration and builds the manager.
 *
 * <p>Why: a restarted node's failback waits for its daemon to join (issue 20: a restarted node
 * home in 0.4 s). Opening a link the first time is mostly CPU on one thread, not network: JGroups'
 * classes loaded and initialised (ClassConfigurator registers every header class), every protocol's
 * {@code @Property} fields and methods found by reflection and their annotations parsed, the JCE
 * framework set up for the first {@link Mac}. About 0.2 s of the daemon's start on the reference
 * box (bench/start), all of it on the main thread while the second core idled. This class does that same work on the second
 * core, on protocol objects of the link's own classes that are thrown away: JGroups' own
 * {@link Configurator} and {@link ProtocolStack#initComponents} run over them, so the reflection
 * caches and loaded classes are exactly those the real stack uses. Nothing here opens a socket,
 * starts a thread of JGroups or calls a protocol's {@code init()}.
 *
 * <p>It starts after logging is set up (a protocol's constructor creates its logger, and SLF4J's
 * initialisation must not race with the main thread's). {@link Cluster#start()} waits for it
 * before it opens links, so the two threads never build JGroups objects at the same time; a warm-up
 * that fails is only logged at debug: the link's start then does the work itself, as before.
 */
public final class StackWarmup {

    private static final Logger LOG = LoggerFactory.getLogger(StackWarmup.class);
    /** The longest a link's start waits for the warm-up: it only saves time, it must never cost a start. */
    static final long WAIT_LIMIT_MS = 2_000;

    private static volatile CompletableFuture<Void> running;

    private StackWarmup() {
    }

    /** Starts the warm-up once per JVM (a second call does nothing). */
    public static synchronized void begin() {
        if (running != null) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        running = done;
        NamedThreads.daemon("stack-warmup").start(() -> {
            try {
                warm();
                done.complete(null);
            } catch (Throwable e) { // anything: the start does the work itself then
                done.completeExceptionally(e);
            }
        });
    }

    /** Waits (bounded) for a warm-up begun in this JVM; returns at once if none was. */
    static void awaitReady() {
        CompletableFuture<Void> done = running;
        if (done == null) {
            return;
        }
        try {
            done.get(WAIT_LIMIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            LOG.debug("link warm-up failed, the links start without it: {}", e.getCause().toString());
        } catch (TimeoutException e) {
            LOG.debug("link warm-up not done after {} ms, the links start without waiting for it", WAIT_LIMIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a warm-up was begun and has ended (done or failed). */
    static boolean isDone() {
        CompletableFuture<Void> done = running;
        return done != null && done.isDone();
    }

    static void warm() throws Exception {
        List<Protocol> protocols = LinkStack.everyProtocolUnconfigured();
        Configurator.setDefaultAddressValues(protocols, StackType.IPv4);
        for (Protocol p : protocols) {
            ProtocolStack.initComponents(p, null);
        }
        Class.forName(org.jgroups.JChannel.class.getName(), true, StackWarmup.class.getClassLoader());
        Mac.getInstance("HmacSHA256");
    }
}
