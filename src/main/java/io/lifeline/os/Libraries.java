package io.lifeline.os;

import com.sun.jna.Native;

/**
 * Loads libc once per binding, on first use, so that a class that only mentions the OS layer
 * does not need libc to load, and a failure is an {@link UnsatisfiedLinkError} at the call
 * (which callers that can run without it catch), tried again on the next call.
 */
final class Libraries {

    private static volatile LibC checked;
    private static volatile RawLibC raw;

    private Libraries() {
    }

    static LibC checked() {
        LibC l = checked;
        if (l == null) {
            l = Native.load("c", LibC.class);
            checked = l;
        }
        return l;
    }

    static RawLibC raw() {
        RawLibC l = raw;
        if (l == null) {
            l = Native.load("c", RawLibC.class);
            raw = l;
        }
        return l;
    }
}
