package io.lifeline.ipvs.check;

import io.lifeline.ipvs.config.CheckSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** TCP_CHECK: the real server accepts a TCP connection within the connect timeout. */
public final class TcpConnectCheck implements HealthCheck {

    private final CheckSpec.Tcp spec;

    public TcpConnectCheck(CheckSpec.Tcp spec) {
        this.spec = spec;
    }

    @Override
    public String describe() {
        return "TCP_CHECK " + spec.target();
    }

    @Override
    public CheckResult run() {
        int timeout = Sockets.millis(spec.timing().connectTimeout());
        try (Socket s = new Socket()) {
            s.setSoLinger(true, 0); // a check must not leave TIME_WAIT behind on every round
            if (spec.bindTo().isPresent()) {
                s.bind(new InetSocketAddress(spec.bindTo().get(), 0));
            }
            s.connect(new InetSocketAddress(spec.target().address(), spec.target().port()), timeout);
            return CheckResult.pass("connected");
        } catch (SocketTimeoutException e) {
            return CheckResult.fail("no connection within " + spec.timing().connectTimeout().toMillis() + " ms");
        } catch (IOException e) {
            return CheckResult.fail(Sockets.reason(e));
        }
    }
}
