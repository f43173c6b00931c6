package io.lifeline.proxy;

import io.lifeline.proxy.config.ProxyMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound address of a frontend. The same listening socket is registered with every event
 * loop; whichever loop accepts a connection serves it, so the kernel spreads connections over
 * the threads without a hand-off. While the proxy is at maxconn, accepting pauses (connections
 * wait in the kernel's backlog) instead of being refused.
 */
final class Listener {

    private static final Logger log = LoggerFactory.getLogger(Listener.class);
    private static final int ACCEPT_BATCH = 32;
    private static final int BACKLOG = 1024;

    final ServerSocketChannel channel;
    final InetSocketAddress address;
    volatile FrontendRuntime frontend;
    private final SelectionKey[] keys;
    private final boolean[] paused;

    private Listener(ServerSocketChannel channel, FrontendRuntime frontend, int loops) throws IOException {
        this.channel = channel;
        this.address = (InetSocketAddress) channel.getLocalAddress();
        this.frontend = frontend;
        this.keys = new SelectionKey[loops];
        this.paused = new boolean[loops];
    }

    static Listener bind(InetSocketAddress address, FrontendRuntime frontend, int loops) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address, BACKLOG);
            ch.configureBlocking(false);
            return new Listener(ch, frontend, loops);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot bind " + frontend.config.kind().keyword() + " '" + frontend.name() + "' to "
                    + address + ": " + e.getMessage(), e);
        }
    }

    /** Registers with a loop; must run on that loop's thread. */
    void attach(EventLoop loop) throws IOException {
        keys[loop.index] = channel.register(loop.selector, SelectionKey.OP_ACCEPT, (IoHandler) (k, ops) -> accept(loop));
    }

    private void accept(EventLoop loop) {
        ProxyServer proxy = loop.proxy;
        for (int i = 0; i < ACCEPT_BATCH; i++) {
            FrontendRuntime fe = frontend;
            if (!proxy.tryAdmit(fe)) {
                pause(loop);
                return;
            }
            SocketChannel ch;
            try {
                ch = channel.accept();
            } catch (IOException e) {
                proxy.release(fe);
                log.warn("{}: accept failed on {}: {}", fe.name(), address, e.getMessage());
                return;
            }
            if (ch == null) {
                proxy.release(fe);
                return;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                fe.counters.sessionStarted();
                if (fe.config.mode() == ProxyMode.HTTP) {
                    new HttpSession(loop, fe, ch);
                } else {
                    new TcpSession(loop, fe, ch).start();
                }
            } catch (IOException e) {
                log.debug("{}: could not set up a connection: {}", fe.name(), e.toString());
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failed
                }
                fe.counters.sessionEnded();
                proxy.release(fe);
            }
        }
    }

    private void pause(EventLoop loop) {
        SelectionKey k = keys[loop.index];
        if (k != null && k.isValid() && !paused[loop.index]) {
            paused[loop.index] = true;
            k.interestOps(0);
        }
    }

    /** Accepts again on this loop if it was paused; loop thread only. */
    void resume(EventLoop loop) {
        SelectionKey k = keys[loop.index];
        if (paused[loop.index] && k != null && k.isValid()) {
            paused[loop.index] = false;
            k.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /** Stops accepting on a loop; loop thread only. */
    void detach(EventLoop loop) {
        SelectionKey k = keys[loop.index];
        if (k != null) {
            k.cancel();
            keys[loop.index] = null;
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing listener {}: {}", address, e.toString());
        }
    }
}
