package io.lifeline.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.JChannel;
import org.jgroups.stack.Protocol;

/** In-process JGroups channels for protocol tests, with the daemon's timers at 100 ms / 500 ms; closed together. */
final class LoopbackChannels implements AutoCloseable {

    static final TimerSettings TIMERS = TimerSettings.from(Duration.ofMillis(100), Duration.ofMillis(500),
            Duration.ofMillis(300), Duration.ofSeconds(5));

    private final List<JChannel> open = new ArrayList<>();

    /** A channel named {@code name} over {@code stack}, closed by {@link #close}. */
    JChannel open(String name, List<Protocol> stack) throws Exception {
        JChannel ch = new JChannel(stack).name(name);
        open.add(ch);
        return ch;
    }

    @Override
    public void close() {
        open.forEach(JChannel::close);
    }
}
