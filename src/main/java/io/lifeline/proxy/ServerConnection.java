package io.lifeline.proxy;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection from the proxy to a server, owned by one event loop. While a session uses it,
 * events go to that session; while it sits idle in the loop's keep-alive pool, any event
 * (the server closing it, or unexpected bytes) makes the loop close it.
 */
final class ServerConnection implements IoHandler {

    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);

    /** What a session implements to receive its server connection's events. */
    interface Owner {
        void onServerReady(ServerConnection c, int readyOps);
    }

    final EventLoop loop;
    final ServerRuntime server;
    final SocketChannel channel;
    final SelectionKey key;
    Owner owner;
    boolean connected;
    long idleSince;
    /** Requests served on this connection, to know a reused connection from a fresh one. */
    int uses;
    private int interest;
    private boolean closed;

    private ServerConnection(EventLoop loop, ServerRuntime server, SocketChannel channel, boolean connected,
                             Owner owner) throws IOException {
        this.loop = loop;
        this.server = server;
        this.channel = channel;
        this.connected = connected;
        this.owner = owner;
        this.interest = connected ? 0 : SelectionKey.OP_CONNECT;
        this.key = channel.register(loop.selector, interest, this);
    }

    /** Starts a non-blocking connect; a failure that is known at once is thrown. */
    static ServerConnection open(EventLoop loop, ServerRuntime server, Owner owner) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean done = ch.connect(server.address);
            return new ServerConnection(loop, server, ch, done, owner);
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one that matters
            }
            throw e;
        }
    }

    /** Completes a pending connect after OP_CONNECT; throws the connect error. */
    void finishConnect() throws IOException {
        if (channel.finishConnect()) {
            connected = true;
        }
    }

    void interest(int ops) {
        if (ops != interest && !closed) {
            interest = ops;
            key.interestOps(ops);
        }
    }

    @Override
    public void onReady(SelectionKey k, int readyOps) {
        if (owner != null) {
            owner.onServerReady(this, readyOps);
        } else {
            // idle in the pool: the server closed it (or sent something unexpected)
            loop.removeIdle(this);
            close();
        }
    }

    /** Parks the connection in the loop's pool, waiting only for a close from the server. */
    void release() {
        owner = null;
        interest(SelectionKey.OP_READ);
        loop.putIdle(this);
    }

    boolean isClosed() {
        return closed;
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        owner = null;
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing connection to {}: {}", server.qualifiedName(), e.toString());
        }
    }

    void closeAfterError() {
        if (owner instanceof Session s) {
            s.close();
        }
        loop.removeIdle(this);
        close();
    }
}
