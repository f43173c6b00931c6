package io.lifeline.cli;

import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM for hactl's refreshing views: instead of the JVM's default (exit
 * 130 in the middle of a screen), the view is told to stop and returns normally, so the terminal
 * is left clean and the exit status is 0.
 */
final class Interruption {

    private volatile boolean requested;

    /** Installs the handlers for the calling thread's view; the thread is interrupted on a signal. */
    static Interruption install() {
        Interruption i = new Interruption();
        Thread viewer = Thread.currentThread();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    i.requested = true;
                    viewer.interrupt();
                });
            } catch (IllegalArgumentException e) {
                // the signal is reserved by the JVM (-Xrs): keep its default
            }
        }
        return i;
    }

    /** A view that was never given handlers (tests): only stops when its own bound is reached. */
    static Interruption none() {
        return new Interruption();
    }

    boolean requested() {
        return requested;
    }

    /** Sleeps {@code ms} unless a stop was requested; true if the view should go on. */
    boolean sleep(long ms) {
        if (requested) {
            return false;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            return false;
        }
        return !requested;
    }
}
