package io.lifeline.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.config.ClusterConfig;
import io.lifeline.config.ConfigDigest;
import io.lifeline.config.ConfigLoader;
import io.lifeline.config.ConfigProblem;
import io.lifeline.config.HaCfMerge;
import io.lifeline.control.ControlException;
import io.lifeline.control.ControlProtocol;
import io.lifeline.thread.NamedThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hactl propagate}, Heartbeat's {@code ha_propagate} over the authenticated links
 * (docs/propagate.md). The sender checks that its files are valid and are what it runs, then
 * sends haresources, authkeys and ha.cf to every live peer; each peer that has
 * {@code propagate on} keeps its own node-local ha.cf lines ({@link HaCfMerge}), checks the
 * files, installs them with a backup ({@link PropagatedFiles}) and reloads ({@link ConfigReload},
 * the same validation as {@code hactl reload}); a refused reload puts the backups back. Each
 * peer answers with what happened. Incoming messages are handled on the cluster's event thread
 * only as far as reassembling; installing and reloading run on one thread of their own.
 */
final class Propagation {

    private static final Logger LOG = LoggerFactory.getLogger(Propagation.class);
    /** How long {@code hactl propagate} waits for every peer's answer (their reloads included). */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(20);
    /** An incomplete transfer older than this is dropped (its sender gave up long ago). */
    private static final long STALE_MS = 60_000;

    private final Path configDir;
    private final String localNode;
    private final ConfigReload reload;
    private final Supplier<ConfigDigest> runningDigest;
    private final Consumer<byte[]> broadcaster;
    private final Supplier<Set<String>> alivePeers;
    private final BiConsumer<Boolean, String> notice;
    private final LongSupplier monotonicMs;
    private final ExecutorService installer = Executors.newSingleThreadExecutor(
            NamedThreads.daemon("propagate"));

    /** Incoming transfers being reassembled, one per sender (cluster-events thread only). */
    private final Map<String, Transfer> incoming = new HashMap<>();
    /** Per sender, the last transfer id handled: the same chunks arrive once per link. */
    private final Map<String, String> handled = new HashMap<>();
    /** Answers to this node's propagations, by id then peer. */
    private final Map<String, Map<String, PropagationMessage.Result>> answers = new ConcurrentHashMap<>();

    private static final class Transfer {
        final String id;
        final byte[][] parts;
        final long startedMs;
        int received;

        Transfer(String id, int count, long startedMs) {
            this.id = id;
            this.parts = new byte[count][];
            this.startedMs = startedMs;
        }
    }

    /**
     * @param runningDigest the digest of what this node runs (ConfigAgreement)
     * @param alivePeers    the peers alive now (not this node)
     * @param notice        (warning?, message) for an event of kind CONFIG (also logged)
     */
    Propagation(Path configDir, String localNode, ConfigReload reload, Supplier<ConfigDigest> runningDigest,
                Consumer<byte[]> broadcaster, Supplier<Set<String>> alivePeers, BiConsumer<Boolean, String> notice,
                LongSupplier monotonicMs) {
        this.configDir = configDir;
        this.localNode = localNode;
        this.reload = reload;
        this.runningDigest = runningDigest;
        this.broadcaster = broadcaster;
        this.alivePeers = alivePeers;
        this.notice = notice;
        this.monotonicMs = monotonicMs;
    }

    // ---- sending -------------------------------------------------------------------------------

    /** The control socket's {@code propagate}: sends the files and waits for every live peer's answer. */
    ObjectNode propagate() throws ControlException {
        ClusterConfig running = reload.current();
        if (!running.haCf().propagate()) {
            throw new ControlException("refused", "propagate is off in this node's ha.cf (" + running.haCf().file()
                    + "): add 'propagate on' on every node that may send or receive files, then hactl reload");
        }
        ConfigLoader.Result read = ConfigLoader.check(configDir, true);
        if (read.config().isEmpty()) {
            throw new ControlException("refused", "this node's files are not valid, nothing was sent: "
                    + String.join("; ", read.diagnostics().errors().stream().map(ConfigProblem::toString).toList()));
        }
        if (!ConfigDigest.of(read.config().get()).equals(runningDigest.get())) {
            throw new ControlException("refused", "the files in " + configDir + " are not what this node runs "
                    + "(edited since the last reload?): hactl reload here first, so that peers get what this node runs");
        }
        Set<String> peers = new TreeSet<>(alivePeers.get());
        if (peers.isEmpty()) {
            throw new ControlException("refused", "no peer is up to send the files to");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : PropagationMessage.FILES) {
            try {
                files.put(name, Files.readAllBytes(configDir.resolve(name)));
            } catch (IOException e) {
                throw new ControlException("failed", "cannot read " + configDir.resolve(name) + ": " + e.getMessage());
            }
        }
        byte[] bundle = PropagationMessage.bundle(files);
        if (bundle.length > PropagationMessage.MAX_BUNDLE_BYTES) {
            throw new ControlException("refused", "the files are " + bundle.length / 1024 + " KiB once bundled; "
                    + "propagate sends at most " + PropagationMessage.MAX_BUNDLE_BYTES / 1024 + " KiB");
        }
        String id = Long.toString(ThreadLocalRandom.current().nextLong(1L << 48), 36);
        Map<String, PropagationMessage.Result> got = new ConcurrentHashMap<>();
        answers.put(id, got);
        try {
            LOG.info("hactl propagate: sending {} to {} (transfer {}, {} bytes)", PropagationMessage.FILES, peers, id,
                    bundle.length);
            for (byte[] chunk : PropagationMessage.chunks(id, localNode, bundle)) {
                broadcaster.accept(chunk);
            }
            long deadline = monotonicMs.getAsLong() + ANSWER_WAIT.toMillis();
            synchronized (got) {
                while (!got.keySet().containsAll(peers) && monotonicMs.getAsLong() < deadline) {
                    got.wait(Math.max(1, Math.min(250, deadline - monotonicMs.getAsLong())));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException("failed", "interrupted while waiting for the peers' answers");
        } finally {
            answers.remove(id);
        }
        return answerJson(peers, new TreeMap<>(got));
    }

    private static ObjectNode answerJson(Set<String> peers, Map<String, PropagationMessage.Result> got) {
        ObjectNode o = ControlProtocol.json().createObjectNode();
        ArrayNode list = o.putArray("peers");
        boolean all = true;
        for (String peer : peers) {
            ObjectNode p = list.addObject();
            p.put("node", peer);
            PropagationMessage.Result r = got.get(peer);
            if (r == null) {
                p.put("applied", false);
                p.put("message", "no answer within " + ANSWER_WAIT.toSeconds() + " s (is it running a version "
                        + "with hactl propagate?)");
                p.putArray("problems");
                all = false;
            } else {
                p.put("applied", r.applied());
                p.put("message", r.message());
                r.problems().forEach(p.putArray("problems")::add);
                all &= r.applied();
            }
        }
        o.put("applied_everywhere", all);
        return o;
    }

    // ---- receiving -----------------------------------------------------------------------------

    /** A propagation payload from {@code sender} (authenticated by the link), on the cluster-events thread. */
    void onPayload(String sender, String link, byte[] payload) {
        Object m;
        try {
            Optional<Object> decoded = PropagationMessage.decode(payload);
            if (decoded.isEmpty()) {
                return; // a newer node's message type
            }
            m = decoded.get();
        } catch (PropagationMessage.BadMessage e) {
            LOG.warn("propagation message from node {} (link {}) dropped: {}", sender, link, e.getMessage());
            return;
        }
        if (m instanceof PropagationMessage.Result r) {
            if (r.from().equalsIgnoreCase(sender) && r.to().equalsIgnoreCase(localNode)) {
                Map<String, PropagationMessage.Result> got = answers.get(r.id());
                if (got != null) {
                    synchronized (got) {
                        got.putIfAbsent(sender, r);
                        got.notifyAll();
                    }
                }
            }
        } else if (m instanceof PropagationMessage.Chunk c) {
            if (!c.from().equalsIgnoreCase(sender)) {
                LOG.warn("propagation chunk from node {} (link {}) speaks for node {}: dropped", sender, link, c.from());
                return;
            }
            chunk(sender, c);
        }
    }

    private void chunk(String sender, PropagationMessage.Chunk c) {
        if (c.id().equals(handled.get(sender))) {
            return; // the same chunk by another link, after the transfer completed
        }
        long now = monotonicMs.getAsLong();
        Transfer t = incoming.get(sender);
        if (t == null || !t.id.equals(c.id()) || now - t.startedMs > STALE_MS) {
            t = new Transfer(c.id(), c.count(), now);
            incoming.put(sender, t);
        }
        if (c.count() != t.parts.length || t.parts[c.index()] != null) {
            return;
        }
        t.parts[c.index()] = c.data();
        t.received++;
        if (t.received < t.parts.length) {
            return;
        }
        incoming.remove(sender);
        handled.put(sender, t.id);
        int size = 0;
        for (byte[] p : t.parts) {
            size += p.length;
        }
        if (size > PropagationMessage.MAX_BUNDLE_BYTES) {
            answer(sender, t.id, false, "refused: the files are larger than " + PropagationMessage.MAX_BUNDLE_BYTES
                    / 1024 + " KiB", List.of());
            return;
        }
        byte[] bundle = new byte[size];
        int at = 0;
        for (byte[] p : t.parts) {
            System.arraycopy(p, 0, bundle, at, p.length);
            at += p.length;
        }
        String id = t.id;
        installer.execute(() -> install(sender, id, bundle));
    }

    private void install(String sender, String id, byte[] bundle) {
        String trigger = "hactl propagate from " + sender;
        try {
            ClusterConfig running = reload.current();
            if (!running.haCf().propagate()) {
                LOG.warn("{}: refused, propagate is off in this node's ha.cf", trigger);
                answer(sender, id, false, "refused: propagate is off in " + localNode + "'s ha.cf ("
                        + running.haCf().file() + ")", List.of());
                return;
            }
            Map<String, byte[]> files = new LinkedHashMap<>(PropagationMessage.unbundle(bundle));
            byte[] ownHaCf = Files.readAllBytes(configDir.resolve("ha.cf"));
            files.put("ha.cf", HaCfMerge.forThisNode(new String(files.get("ha.cf"), StandardCharsets.ISO_8859_1),
                    new String(ownHaCf, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
            List<String> problems = PropagatedFiles.check(configDir, files);
            if (!problems.isEmpty()) {
                refused(sender, id, trigger, "refused: the files are not valid here; nothing was installed", problems);
                return;
            }
            ConfigReload.Outcome outcome;
            // under the reload's own lock: a SIGHUP or hactl reload meanwhile must not read a mix of
            // old and new files, nor apply files that a refused reload then puts back underneath it
            synchronized (reload) {
                PropagatedFiles.Installed installed = PropagatedFiles.install(configDir, files);
                outcome = reload.reload(trigger);
                if (!outcome.applied()) {
                    installed.restore();
                }
            }
            if (!outcome.applied()) {
                refused(sender, id, trigger, "refused by the reload; the previous files were put back: "
                        + outcome.message(), outcome.problems());
                return;
            }
            notice.accept(false, trigger + ": files installed (previous ones kept as *.bak) and reloaded: "
                    + outcome.message());
            answer(sender, id, true, "installed and reloaded: " + outcome.message(), List.of());
        } catch (PropagationMessage.BadMessage e) {
            refused(sender, id, trigger, "refused: " + e.getMessage(), List.of());
        } catch (IOException | UncheckedIOException e) {
            refused(sender, id, trigger, "failed: " + e.getMessage(), List.of());
        }
    }

    private void refused(String sender, String id, String trigger, String message, List<String> problems) {
        // the event is logged too (the manager's event log), with every problem
        notice.accept(true, trigger + ": " + message + (problems.isEmpty() ? "" : ": " + String.join("; ", problems)));
        answer(sender, id, false, message, problems);
    }

    private void answer(String to, String id, boolean applied, String message, List<String> problems) {
        broadcaster.accept(PropagationMessage.result(
                new PropagationMessage.Result(id, localNode, to, applied, message, problems)));
    }

    void close() {
        installer.shutdownNow();
    }
}
