package io.lifeline.daemon;

import io.lifeline.cluster.HeartbeatPriority;
import io.lifeline.net.UnixDatagram;
import io.lifeline.thread.NamedThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's notify protocol (sd_notify(3)) for the {@code Type=notify} unit: READY once the links
 * are up, STOPPING when a stop begins, and the service watchdog.
 *
 * <p>The watchdog is what makes the resources of a frozen daemon expire with it (docs/manager.md,
 * "A daemon that dies or freezes"): the daemon pings systemd from a thread at the heartbeat
 * threads' priority, and sets the timeout to the peers' silence-to-death ({@code WATCHDOG_USEC},
 * from ha.cf's timers). A daemon frozen that long (SIGSTOP, a stuck JVM) has been declared dead by
 * its peers, who are taking its groups over; systemd then kills it ({@code WatchdogSignal=SIGKILL})
 * and, with it, every process left in the unit's cgroup: nginx, haproxy and whatever the agents
 * started. A daemon killed outright gets the same from systemd at once. (The VIPs do not wait for
 * either: they are on a kernel lease, docs/vip.md.)
 *
 * <p>Without {@code NOTIFY_SOCKET} (not started by systemd, or another unit type) nothing is sent.
 * Sending never blocks and a failure is logged once: systemd not listening must not stop the node.
 */
final class SystemdNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);

    /** Where the messages go: the socket, or a test's list. */
    interface Sender extends AutoCloseable {
        void send(String message) throws IOException;

        @Override
        void close();
    }

    private final Sender sender;
    /** The watchdog timeout to ask for, or null when the unit has no watchdog. */
    private final Duration watchdog;
    private volatile boolean sendFailed;
    private volatile boolean closed;
    private Thread pinger;

    SystemdNotifier(Sender sender, Duration watchdog) {
        this.sender = sender;
        this.watchdog = watchdog;
    }

    /**
     * The notifier for this process: a silent one unless systemd gave a {@code NOTIFY_SOCKET};
     * with a watchdog when systemd armed one for this very process ({@code WATCHDOG_USEC}, and
     * {@code WATCHDOG_PID} absent or ours).
     *
     * @param silenceToDeath how long peers wait for a silent node before declaring it dead: the
     *                       watchdog timeout asked for
     */
    static SystemdNotifier fromEnvironment(Map<String, String> env, long pid, Duration silenceToDeath) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return new SystemdNotifier(null, null);
        }
        Sender sender;
        try {
            UnixDatagram d = UnixDatagram.to(socket);
            sender = new Sender() {
                @Override
                public void send(String message) throws IOException {
                    d.send(message.getBytes(StandardCharsets.UTF_8));
                }

                @Override
                public void close() {
                    d.close();
                }
            };
        } catch (IOException e) {
            LOG.warn("cannot talk to systemd (NOTIFY_SOCKET={}): {}; start-up and watchdog notifications are off",
                    socket, e.getMessage());
            return new SystemdNotifier(null, null);
        }
        String usec = env.get("WATCHDOG_USEC");
        String watchdogPid = env.get("WATCHDOG_PID");
        boolean ours = watchdogPid == null || watchdogPid.equals(Long.toString(pid));
        return new SystemdNotifier(sender, usec != null && !usec.isEmpty() && ours ? silenceToDeath : null);
    }

    /** Whether systemd armed a watchdog for this process (it is fed once {@link #ready} was sent). */
    boolean watchdogArmed() {
        return watchdog != null;
    }

    /** Start-up is over: systemd arms the watchdog, which this process then keeps fed. */
    void ready(String status) {
        if (watchdog != null) {
            // the unit's WatchdogSec only switches the watchdog on; the timeout follows ha.cf
            send("WATCHDOG_USEC=" + watchdog.toNanos() / 1_000 + "\nREADY=1\nSTATUS=" + status);
            startPinger();
        } else {
            send("READY=1\nSTATUS=" + status);
        }
    }

    void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + status);
    }

    /** How often the watchdog is fed: four times per timeout, so one late ping costs nothing. */
    static long pingEveryMillis(Duration timeout) {
        return Math.max(10, timeout.toMillis() / 4);
    }

    private void startPinger() {
        long every = pingEveryMillis(watchdog);
        pinger = NamedThreads.heartbeat("systemd-watchdog").newThread(() -> {
            HeartbeatPriority.enterCurrentThread();
            while (!closed) {
                send("WATCHDOG=1");
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        pinger.start();
        LOG.info("systemd watchdog: {} ms, fed every {} ms", watchdog.toMillis(), every);
    }

    private void send(String message) {
        if (sender == null || closed) {
            return;
        }
        try {
            sender.send(message);
        } catch (IOException e) {
            if (!sendFailed) {
                sendFailed = true;
                LOG.warn("cannot notify systemd: {} (logged once)", e.getMessage());
            }
        }
    }

    /** Stops feeding the watchdog (the process is about to exit; systemd is told STOPPING first). */
    @Override
    public void close() {
        closed = true;
        if (pinger != null) {
            pinger.interrupt();
        }
        if (sender != null) {
            sender.close();
        }
    }
}
