package io.lifeline.proxy;

import io.lifeline.thread.NamedThreads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxy thread: an NIO selector serving listeners, client sessions, server connections and
 * health checks without blocking. Everything a loop owns (sessions, pooled server connections,
 * buffers) is touched only by its thread; other threads talk to it through {@link #execute}.
 */
final class EventLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    /** Not daemon threads: a standalone proxy runs as long as its loops do. */
    private static final NamedThreads LOOPS = NamedThreads.keepingJvmAlive("proxy-loop");

    /** Size of each I/O buffer, as HAProxy's default tune.bufsize. */
    static final int BUFFER_SIZE = 16 * 1024;
    /** Head buffers have room for what the proxy adds (X-Forwarded-For, Set-Cookie, ...). */
    static final int HEAD_BUFFER_SIZE = BUFFER_SIZE + 1024;
    /**
     * Size of the buffers a connection switches to while it streams a body larger than a
     * normal buffer (see {@link #enlarge}). One 64 KiB write is one TCP segment on loopback,
     * where four 16 KiB writes are four: the kernel's cost per segment (wake-ups, ACKs,
     * skb handling) is what made 64 KiB responses dearer than in HAProxy, which gets the
     * same effect with MSG_MORE, a flag NIO cannot pass. Reads shrink the same way.
     */
    static final int LARGE_BUFFER_SIZE = 64 * 1024;
    /** At most this many large buffers are lent out per loop (16 MiB); beyond, bodies stream through normal buffers. */
    static final int MAX_LARGE_BUFFERS = 256;
    private static final int MAX_POOLED_BUFFERS = 1024;
    private static final int MAX_IDLE_PER_SERVER = 256;
    private static final long IDLE_CONNECTION_MILLIS = 5_000; // HAProxy's pool-purge-delay
    private static final long SWEEP_MILLIS = 50;

    final int index;
    final Selector selector;
    final Thread thread;
    final ProxyServer proxy;
    /** Monotonic milliseconds, refreshed once per iteration. */
    long now;

    /** Per-loop scratch for parsing heads; valid only within one handler call. */
    final io.lifeline.proxy.http.HttpHead head = new io.lifeline.proxy.http.HttpHead(HEAD_BUFFER_SIZE);
    final ByteBuffer[] gather = new ByteBuffer[2];

    private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> headBuffers = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> largeBuffers = new ArrayDeque<>();
    private int largeLent;
    private ArrayDeque<ServerConnection>[] idle;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long timerSeq;
    private final Session sessions = new Session(null) { // list sentinel
        @Override
        void checkTimeouts(long now) {
        }

        @Override
        void close() {
        }

        @Override
        boolean isIdle() {
            return true;
        }

        @Override
        public void onReady(SelectionKey key, int readyOps) {
        }
    };
    int sessionCount;
    private long nextSweep;
    private volatile boolean running = true;

    private record Timer(long at, long seq, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    @SuppressWarnings("unchecked")
    EventLoop(ProxyServer proxy, int index, int serverCount) throws IOException {
        this.proxy = proxy;
        this.index = index;
        this.selector = Selector.open();
        this.idle = new ArrayDeque[serverCount];
        this.thread = LOOPS.newThread(this);
        sessions.next = sessions;
        sessions.prev = sessions;
        now = System.nanoTime() / 1_000_000;
    }

    void start() {
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs a task on this loop's thread (from any thread). */
    void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Runs a task on this loop after a delay; loop thread only. */
    void schedule(long delayMillis, Runnable task) {
        timers.add(new Timer(now + delayMillis, timerSeq++, task));
    }

    void stopLoop() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (running) {
                long timeout = SWEEP_MILLIS;
                Timer t = timers.peek();
                if (t != null) {
                    timeout = Math.max(1, Math.min(timeout, t.at - now));
                }
                if (!tasks.isEmpty()) {
                    selector.selectNow(this::dispatch);
                } else {
                    selector.select(this::dispatch, timeout);
                }
                wakeupPending.set(false);
                now = System.nanoTime() / 1_000_000;
                Runnable task;
                int budget = 1024;
                while (budget-- > 0 && (task = tasks.poll()) != null) {
                    runSafely(task);
                }
                while ((t = timers.peek()) != null && t.at <= now) {
                    timers.poll();
                    runSafely(t.task);
                }
                if (now >= nextSweep) {
                    nextSweep = now + SWEEP_MILLIS;
                    sweep();
                }
            }
        } catch (IOException | RuntimeException e) {
            log.error("proxy event loop {} stopped: {}", index, e.toString(), e);
        } finally {
            closeAll();
        }
    }

    private void dispatch(SelectionKey key) {
        Object a = key.attachment();
        try {
            if (key.isValid()) {
                ((IoHandler) a).onReady(key, key.readyOps());
            }
        } catch (RuntimeException e) {
            // a bug in one connection's handling must not take the loop down
            log.error("unexpected error handling a connection; closing it", e);
            if (a instanceof Session s) {
                s.close();
            } else if (a instanceof ServerConnection c) {
                c.closeAfterError();
            }
        }
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("unexpected error in a proxy task", e);
        }
    }

    private void sweep() {
        long n = now;
        Session s = sessions.next;
        while (s != sessions) {
            Session next = s.next;
            try {
                s.checkTimeouts(n);
            } catch (RuntimeException e) {
                log.error("unexpected error checking timeouts; closing the connection", e);
                s.close();
            }
            s = next;
        }
        for (int i = 0; i < idle.length; i++) {
            ArrayDeque<ServerConnection> q = idle[i];
            if (q != null) {
                // the oldest idle connections are at the tail (LIFO use at the head)
                ServerConnection c;
                while ((c = q.peekLast()) != null && n - c.idleSince > IDLE_CONNECTION_MILLIS) {
                    q.pollLast();
                    c.close();
                }
            }
        }
        proxy.resumeListenersIfBelowLimit(this);
    }

    void register(Session s) {
        s.next = sessions;
        s.prev = sessions.prev;
        sessions.prev.next = s;
        sessions.prev = s;
        sessionCount++;
    }

    void unregister(Session s) {
        if (s.prev != null) {
            s.prev.next = s.next;
            s.next.prev = s.prev;
            s.prev = null;
            s.next = null;
            sessionCount--;
        }
    }

    /** Calls action on every session (loop thread only); used for graceful stop. */
    void forEachSession(java.util.function.Consumer<Session> action) {
        Session s = sessions.next;
        while (s != sessions) {
            Session next = s.next;
            action.accept(s);
            s = next;
        }
    }

    ByteBuffer takeBuffer() {
        ByteBuffer b = buffers.pollFirst();
        if (b == null) {
            b = ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        b.clear().limit(0); // read mode, empty
        return b;
    }

    /** Takes back a buffer from {@link #takeBuffer} or {@link #enlarge} (null is ignored). */
    void giveBuffer(ByteBuffer b) {
        if (b == null) {
            return;
        }
        if (b.capacity() == LARGE_BUFFER_SIZE) {
            largeLent--;
            largeBuffers.addFirst(b); // never more than MAX_LARGE_BUFFERS exist
        } else if (buffers.size() < MAX_POOLED_BUFFERS) {
            buffers.addFirst(b);
        }
    }

    /**
     * For a connection about to read a bulk transfer: an empty normal buffer is swapped for a
     * large one, so that the body moves in a quarter of the reads, writes and TCP segments.
     * Returns b itself when it is not empty (nothing is copied) or when the loop has lent out
     * all its large buffers. The buffer returned is empty and in read mode.
     */
    ByteBuffer enlarge(ByteBuffer b) {
        if (b.capacity() != BUFFER_SIZE || b.hasRemaining() || largeLent >= MAX_LARGE_BUFFERS) {
            return b;
        }
        ByteBuffer l = largeBuffers.pollFirst();
        if (l == null) {
            l = ByteBuffer.allocateDirect(LARGE_BUFFER_SIZE);
        }
        largeLent++;
        l.clear().limit(0);
        giveBuffer(b);
        return l;
    }

    /** The reverse of {@link #enlarge}: an empty large buffer is swapped back for a normal one. */
    ByteBuffer shrink(ByteBuffer b) {
        if (b.capacity() != LARGE_BUFFER_SIZE || b.hasRemaining()) {
            return b;
        }
        giveBuffer(b);
        return takeBuffer();
    }

    /** Large buffers lent out and not given back (for tests: a leak shows here). */
    int largeBuffersLent() {
        return largeLent;
    }

    ByteBuffer takeHeadBuffer() {
        ByteBuffer b = headBuffers.pollFirst();
        if (b == null) {
            b = ByteBuffer.allocateDirect(HEAD_BUFFER_SIZE);
        }
        b.clear();
        return b;
    }

    void giveHeadBuffer(ByteBuffer b) {
        if (b != null && headBuffers.size() < MAX_POOLED_BUFFERS) {
            headBuffers.addFirst(b);
        }
    }

    /** An idle keep-alive connection to the server, most recently used first, or null. */
    ServerConnection takeIdle(ServerRuntime s) {
        ArrayDeque<ServerConnection> q = s.id < idle.length ? idle[s.id] : null;
        return q == null ? null : q.pollFirst();
    }

    void putIdle(ServerConnection c) {
        int id = c.server.id;
        if (id >= idle.length) {
            idle = java.util.Arrays.copyOf(idle, id + 1);
        }
        ArrayDeque<ServerConnection> q = idle[id];
        if (q == null) {
            q = idle[id] = new ArrayDeque<>();
        }
        if (q.size() >= MAX_IDLE_PER_SERVER) {
            c.close();
            return;
        }
        c.idleSince = now;
        q.addFirst(c);
    }

    void removeIdle(ServerConnection c) {
        int id = c.server.id;
        if (id < idle.length && idle[id] != null) {
            idle[id].remove(c);
        }
    }

    /** Closes idle server connections of servers that are DOWN (they would fail anyway). */
    void dropIdle(ServerRuntime s) {
        ServerConnection c;
        while ((c = takeIdle(s)) != null) {
            c.close();
        }
    }

    private void closeAll() {
        forEachSession(Session::close);
        for (ArrayDeque<ServerConnection> q : idle) {
            if (q != null) {
                q.forEach(ServerConnection::close);
                q.clear();
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing selector: {}", e.toString());
        }
    }
}
