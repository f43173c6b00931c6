package io.lifeline.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.lifeline.os.Posix;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Logs to the local syslog socket {@code /dev/log} (rsyslog or journald), as Heartbeat's
 * {@code logfacility} did. Logback's own SyslogAppender only speaks UDP to port 514, which local
 * syslog daemons usually do not listen on; Java cannot open Unix datagram sockets, hence JNA.
 * A failed send is counted, never thrown.
 */
final class SyslogAppender extends AppenderBase<ILoggingEvent> {

    static final Map<String, Integer> FACILITIES = Map.ofEntries(
            Map.entry("kern", 0), Map.entry("user", 1), Map.entry("mail", 2), Map.entry("daemon", 3),
            Map.entry("auth", 4), Map.entry("syslog", 5), Map.entry("lpr", 6), Map.entry("news", 7),
            Map.entry("uucp", 8), Map.entry("cron", 9), Map.entry("authpriv", 10), Map.entry("ftp", 11),
            Map.entry("local0", 16), Map.entry("local1", 17), Map.entry("local2", 18), Map.entry("local3", 19),
            Map.entry("local4", 20), Map.entry("local5", 21), Map.entry("local6", 22), Map.entry("local7", 23));
    private static final int MAX_MESSAGE = 8000;
    private static final DateTimeFormatter RFC3164 = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private final String socketPath;
    private final int facility;
    private final String tag;
    private int fd = -1;
    private byte[] address;
    private long failures;

    SyslogAppender(String socketPath, String facilityName, String tag) {
        Integer f = FACILITIES.get(facilityName.toLowerCase(Locale.ROOT));
        if (f == null) {
            throw new IllegalArgumentException("unknown syslog facility '" + facilityName + "' (known: "
                    + String.join(", ", new java.util.TreeSet<>(FACILITIES.keySet())) + ")");
        }
        this.socketPath = socketPath;
        this.facility = f;
        this.tag = tag;
    }

    /** Opens the socket; returns an error text, or null on success. */
    String open() {
        fd = Posix.socket(Posix.AF_UNIX, Posix.SOCK_DGRAM | Posix.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return "socket(AF_UNIX): " + Posix.strerror(Posix.errno());
        }
        byte[] path = socketPath.getBytes(StandardCharsets.UTF_8);
        address = new byte[2 + 108];
        address[0] = (byte) Posix.AF_UNIX; // sa_family_t, little-endian on x86_64/aarch64
        System.arraycopy(path, 0, address, 2, Math.min(path.length, 107));
        if (send(encode(6, "syslog logging started")) < 0) {
            return "cannot send to " + socketPath + ": " + Posix.strerror(Posix.errno());
        }
        return null;
    }

    @Override
    protected void append(ILoggingEvent e) {
        String text = e.getLoggerName().substring(e.getLoggerName().lastIndexOf('.') + 1) + ": "
                + e.getFormattedMessage();
        if (e.getThrowableProxy() != null) {
            text += " " + ThrowableProxyUtil.asString(e.getThrowableProxy()).replace('\n', ' ');
        }
        if (send(encode(severity(e.getLevel()), text)) < 0) {
            failures++;
        }
    }

    private byte[] encode(int severity, String text) {
        String line = "<" + (facility * 8 + severity) + ">" + RFC3164.format(java.time.Instant.now()) + " " + tag
                + "[" + ProcessHandle.current().pid() + "]: " + text;
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return b.length > MAX_MESSAGE ? java.util.Arrays.copyOf(b, MAX_MESSAGE) : b;
    }

    private long send(byte[] data) {
        if (fd < 0) {
            return -1;
        }
        return Posix.sendto(fd, data, data.length, 0, address, address.length);
    }

    private static int severity(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return 3;
        }
        if (level.isGreaterOrEqual(Level.WARN)) {
            return 4;
        }
        return level.isGreaterOrEqual(Level.INFO) ? 6 : 7;
    }

    long failures() {
        return failures;
    }

    @Override
    public void stop() {
        super.stop();
        if (fd >= 0) {
            Posix.close(fd);
            fd = -1;
        }
    }
}
