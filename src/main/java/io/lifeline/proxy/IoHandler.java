package io.lifeline.proxy;

import java.nio.channels.SelectionKey;

/** Attached to every selection key: the event loop hands it the ready operations. */
interface IoHandler {
    void onReady(SelectionKey key, int readyOps);
}
