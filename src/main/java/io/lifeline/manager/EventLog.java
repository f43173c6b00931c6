package io.lifeline.manager;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The newest {@code capacity} events, oldest first; older ones are dropped (they are in the log file). */
final class EventLog {

    private final int capacity;
    private final Deque<ManagerEvent> events = new ArrayDeque<>();

    EventLog(int capacity) {
        this.capacity = capacity;
    }

    void add(ManagerEvent e) {
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(e);
    }

    List<ManagerEvent> snapshot() {
        return List.copyOf(events);
    }
}
