package io.lifeline.daemon;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.lifeline.manager.ManagerConfig;
import io.lifeline.manager.ManagerInput;
import io.lifeline.manager.Now;
import io.lifeline.manager.OperatorCommand;
import io.lifeline.manager.ResourceManager;
import io.lifeline.manager.TieBreaker;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The manager's last inputs, with the time each was handed in: Pacemaker's pe-input files for
 * Lifeline. Kept by {@link ManagerRuntime}, which hands every input to the manager through it;
 * here, not in the manager package, because it does I/O and the manager does none. The manager is deterministic (no clock, no I/O), so its configuration, its boot time
 * and the inputs since then reproduce every decision it made; a dump replayed into a fresh
 * manager (the test harness's {@code Scenario.replay}) turns a bug seen in the field into a
 * regression test.
 *
 * <p>Bounded: a ring of the newest {@code capacity} inputs; older ones are dropped and counted.
 * A replay is exact only when nothing was dropped. Thread-safe: the manager thread records, a
 * control thread may dump.
 *
 * <p>Dump format (JSON lines, docs/manager.md): a header line
 * {@code {"journal":"lifeline-manager-inputs","v":1,...,"config":{...}}}, then one line per input
 * {@code {"seq":N,"time":{"monotonicMs":..,"wall":".."},"input":{"type":"Tick"}}}.
 */
public final class InputJournal {

    public static final int DEFAULT_CAPACITY = 2000;
    public static final String KIND = "lifeline-manager-inputs";
    public static final int VERSION = 1;

    /** One input as the manager got it; {@code seq} counts every input since boot (1 is the first). */
    public record Entry(long seq, Now time, ManagerInput input) {
    }

    /**
     * What a dump says about itself.
     *
     * @param bootedAt when {@link ResourceManager#boot} ran
     * @param dropped  inputs recorded before the first entry of the dump and no longer kept
     */
    public record Header(String journal, int v, String node, String incarnation, String reason, Instant written,
                         Now bootedAt, long dropped, ManagerConfig config) {
    }

    public record Dump(Header header, List<Entry> entries) {
    }

    /** A dump that cannot be read; the message names the file and line. */
    public static final class BadDump extends IOException {
        BadDump(String message) {
            super(message);
        }
    }

    /** Polymorphic inputs and commands by their simple names ("type":"Tick"), without annotating the manager's types. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    private interface ByName {
    }

    private static final ObjectMapper JSON = mapper();

    private final int capacity;
    private final ArrayDeque<Entry> ring;
    private long recorded;
    private Now bootedAt = Now.at(0);

    public InputJournal(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("input journal size must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.ring = new ArrayDeque<>(Math.min(capacity, 4096));
    }

    public synchronized void booted(Now time) {
        bootedAt = time;
    }

    public synchronized void record(Now time, ManagerInput input) {
        if (ring.size() == capacity) {
            ring.removeFirst();
        }
        ring.addLast(new Entry(++recorded, time, input));
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(ring);
    }

    /** Inputs recorded and no longer kept. */
    public synchronized long dropped() {
        return recorded - ring.size();
    }

    /** Writes the journal as JSON lines (header first) to {@code file}, replacing it. */
    public void write(Path file, ManagerConfig config, String incarnation, String reason, Instant written)
            throws IOException {
        List<Entry> entries;
        Header header;
        synchronized (this) {
            entries = List.copyOf(ring);
            header = new Header(KIND, VERSION, config.localNode(), incarnation, reason, written, bootedAt, dropped(),
                    config);
        }
        // Written beside the target and renamed over it: a reader (or a crash) never sees half a
        // dump. Owner-only, like the state directory: inputs include the peers' reports.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                line(w, header);
                for (Entry e : entries) {
                    line(w, e);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void line(Writer w, Object value) throws IOException {
        w.write(JSON.writeValueAsString(value));
        w.write('\n');
    }

    /** Reads a dump written by {@link #write}. */
    public static Dump read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Header header = null;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                if (header == null) {
                    header = parse(file, n, line, Header.class);
                    if (!KIND.equals(header.journal()) || header.v() != VERSION) {
                        throw new BadDump(file + ":" + n + ": not a version " + VERSION + " " + KIND + " dump");
                    }
                } else {
                    entries.add(parse(file, n, line, Entry.class));
                }
            }
        }
        if (header == null) {
            throw new BadDump(file + ": empty, not an input journal");
        }
        return new Dump(header, entries);
    }

    private static <T> T parse(Path file, int line, String text, Class<T> type) throws BadDump {
        try {
            return JSON.readValue(text, type);
        } catch (JacksonException e) {
            throw new BadDump(file + ":" + line + ": " + e.getOriginalMessage());
        }
    }

    private static ObjectMapper mapper() {
        SimpleModule times = new SimpleModule("lifeline-journal");
        times.addSerializer(Duration.class, ToStringSerializer.instance);
        times.addDeserializer(Duration.class, parsed(Duration::parse));
        times.addSerializer(Instant.class, ToStringSerializer.instance);
        times.addDeserializer(Instant.class, parsed(Instant::parse));
        ObjectMapper m = new ObjectMapper()
                .registerModule(new Jdk8Module())
                .registerModule(times)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        for (Class<?> sealed : List.of(ManagerInput.class, OperatorCommand.class, TieBreaker.class)) {
            m.addMixIn(sealed, ByName.class);
            for (Class<?> sub : sealed.getPermittedSubclasses()) {
                m.registerSubtypes(new NamedType(sub, sub.getSimpleName()));
            }
        }
        return m;
    }

    private static <T> JsonDeserializer<T> parsed(Function<String, T> parse) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = p.getValueAsString();
                try {
                    return parse.apply(text);
                } catch (RuntimeException e) {
                    return ctx.reportInputMismatch(this, "cannot read '%s': %s", text, e.getMessage());
                }
            }
        };
    }
}
