package io.github.udptunnel.autoconfigure.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

import io.github.udptunnel.api.TunnelEndpoint;

/**
 * A {@link TunnelEndpoint} whose life follows the application context: the socket is bound when the context starts
 * and the endpoint closed, with its graceful drain, when it stops (peers see each connection finish, or be aborted
 * after the drain; never an idle timeout). A stopped endpoint can be started again, on a fresh socket.
 *
 * <p>The endpoint exists only while running: {@link #endpoint()} before start or after stop throws.
 */
public final class ManagedTunnelEndpoint implements SmartLifecycle {

    /**
     * The server's phase. Endpoints start early and stop late: after the listener container has stopped handing out
     * messages and before the rest of the context is gone.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

    /**
     * The client's phase, just below the server's: it starts before the server and stops after it, so that when an
     * application talks to its own server, the server's closing connections are acknowledged at once instead of
     * waiting out their drain.
     */
    public static final int CLIENT_PHASE = PHASE - 1;

    private static final Log log = LogFactory.getLog(ManagedTunnelEndpoint.class);

    private final TunnelRole role;
    private final Supplier<TunnelEndpoint.Builder> builder;
    private final Duration closeDrain;
    private final String description;
    private volatile TunnelEndpoint endpoint;

    /**
     * @param builder a new builder for each start (a builder keeps state once it has opened an endpoint)
     * @param description what the log says of this endpoint once bound (its key fingerprint, for a server)
     */
    public ManagedTunnelEndpoint(TunnelRole role, Supplier<TunnelEndpoint.Builder> builder, Duration closeDrain,
                                 String description) {
        this.role = Objects.requireNonNull(role, "role");
        this.builder = Objects.requireNonNull(builder, "builder");
        this.closeDrain = Objects.requireNonNull(closeDrain, "closeDrain");
        this.description = description;
    }

    public TunnelRole role() {
        return role;
    }

    /** The open endpoint; throws when the context has not started it, or has stopped it. */
    public TunnelEndpoint endpoint() {
        TunnelEndpoint e = endpoint;
        if (e == null) {
            throw new IllegalStateException("the tunnel " + role.name().toLowerCase() + " endpoint is not running");
        }
        return e;
    }

    /** The address the socket is bound to (with the actual port when port 0 was asked for). */
    public InetSocketAddress localAddress() {
        return endpoint().localAddress();
    }

    @Override
    public synchronized void start() {
        if (endpoint != null) {
            return;
        }
        try {
            endpoint = builder.get().open();
        } catch (IOException e) {
            String which = role == TunnelRole.SERVER ? " (tunnel.server.address, tunnel.server.port)" : "";
            throw new UncheckedIOException("could not bind the tunnel " + role.name().toLowerCase() + " socket" + which
                + ": " + e.getMessage(), e);
        }
        log.info("Tunnel " + role.name().toLowerCase() + " bound to " + endpoint.localAddress()
            + (description == null ? "" : ", " + description));
    }

    @Override
    public synchronized void stop() {
        TunnelEndpoint e = endpoint;
        if (e == null) {
            return;
        }
        endpoint = null;
        InetSocketAddress address = e.localAddress();  // not to be had once closed
        e.close(closeDrain);
        log.info("Tunnel " + role.name().toLowerCase() + " on " + address + " closed");
    }

    @Override
    public boolean isRunning() {
        return endpoint != null;
    }

    @Override
    public int getPhase() {
        return role == TunnelRole.SERVER ? PHASE : CLIENT_PHASE;
    }

    @Override
    public String toString() {
        TunnelEndpoint e = endpoint;
        return "ManagedTunnelEndpoint[" + role + ", " + (e == null ? "stopped" : e.localAddress()) + "]";
    }
}
