package io.lifeline.manager;

import io.lifeline.manager.ManagerAction.LogEvent;
import io.lifeline.manager.ManagerEvent.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What every part of the {@link ResourceManager} shares, so that the parts stay apart yet speak
 * with one voice: this node's identity, the configuration in force, the logical clocks (the
 * Lamport clock that orders register writes and failures, the seq of this node's reports, the
 * ids of the actions it issues), and the input being handled: its time and the actions and
 * events it leads to, in order. One instance per manager; single-threaded like it.
 */
final class ManagerContext {

    final String me;
    final String incarnation;
    /** Replaced by a reload ({@link Reconfiguration}); the node list and this node's name never change. */
    private ManagerConfig cfg;
    private final EventLog eventLog;

    private Now now = Now.at(0);
    private List<ManagerAction> out = new ArrayList<>();

    /** Lamport clock: stamps register writes, failures and blocks, so every node orders them alike. */
    private long lamport;
    /** Seq of the last report this node sent (the next one carries seq + 1). */
    private long seq;
    private long nextOpId = 1;

    ManagerContext(ManagerConfig cfg, String incarnation) {
        this.cfg = cfg;
        this.me = cfg.localNode();
        this.incarnation = incarnation;
        this.eventLog = new EventLog(cfg.settings().eventLogSize());
    }

    ManagerConfig cfg() {
        return cfg;
    }

    void reconfigure(ManagerConfig next) {
        cfg = next;
    }

    Now now() {
        return now;
    }

    long nowMs() {
        return now.monotonicMs();
    }

    /** A new input at {@code time}: its actions start empty. */
    void begin(Now time) {
        if (time.monotonicMs() < now.monotonicMs()) {
            throw new IllegalArgumentException("monotonic time went backwards: " + time + " < " + now);
        }
        now = time;
        out = new ArrayList<>();
    }

    /** The actions the input led to, in order; the next input starts afresh. */
    List<ManagerAction> drain() {
        List<ManagerAction> result = List.copyOf(out);
        out = new ArrayList<>();
        return result;
    }

    void emit(ManagerAction action) {
        out.add(action);
    }

    void event(Level level, EventKind kind, String group, String message) {
        ManagerEvent e = new ManagerEvent(now.wall(), now.monotonicMs(), level, kind, me, group, message);
        eventLog.add(e);
        out.add(new LogEvent(e));
    }

    List<ManagerEvent> events() {
        return eventLog.snapshot();
    }

    long lamport() {
        return lamport;
    }

    /** A stamp for a write of this node: later than everything it has seen. */
    Stamp nextStamp() {
        lamport++;
        return new Stamp(lamport, me);
    }

    /** A peer's clock seen in its report: this node's next stamps come after it. */
    void observeLamport(long theirs) {
        lamport = Math.max(lamport, theirs);
    }

    /** Advances the Lamport clock for a report about to go out. */
    void tickLamport() {
        lamport++;
    }

    long seq() {
        return seq;
    }

    /** A report is about to go out: its seq. */
    long nextSeq() {
        return ++seq;
    }

    long nextOpId() {
        return nextOpId++;
    }

    static String fmt(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
