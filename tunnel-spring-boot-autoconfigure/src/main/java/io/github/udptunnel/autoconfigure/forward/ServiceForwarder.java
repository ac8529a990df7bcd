package io.github.udptunnel.autoconfigure.forward;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.autoconfigure.TunnelThreads;
import io.github.udptunnel.autoconfigure.client.ServerAddress;
import io.github.udptunnel.autoconfigure.message.MalformedFrameException;

/**
 * The server's end of port forwarding: an allow-list of named services ({@code tunnel.server.services}); a tunnel
 * connection whose first message asks for one of them is joined to a new TCP connection to it. A service not on the
 * list is refused before anything is connected. The server's dispatcher hands such connections over
 * ({@link #handOver}); the connect and the copying run on threads of the forwarder's own.
 */
public class ServiceForwarder implements AutoCloseable {

    private static final Log log = LogFactory.getLog(ServiceForwarder.class);

    /** The bucket for requests naming no service on the list: their names are the client's, not a tag. */
    public static final String UNKNOWN = "(unknown)";

    private final Map<String, ServerAddress> services;
    private final Duration connectTimeout;
    private final Map<String, ForwardStats> stats = new LinkedHashMap<>();
    private final Executor threads = TunnelThreads.perTask("tunnel-forward-");
    private final LiveSplices live = new LiveSplices(threads);

    /**
     * @param services       the allow-list: service name to the address it is reached at (resolved at each connect)
     * @param connectTimeout how long a connect to a service may take
     */
    public ServiceForwarder(Map<String, ServerAddress> services, Duration connectTimeout) {
        this.services = Map.copyOf(services);
        this.connectTimeout = connectTimeout;
        services.forEach((name, address) -> stats.put(name, new ForwardStats(ForwardStats.Side.SERVER, name,
            address.toString())));
        stats.put(UNKNOWN, new ForwardStats(ForwardStats.Side.SERVER, UNKNOWN, "refused"));
    }

    /** Per service, in the order configured, then {@link #UNKNOWN}. */
    public Collection<ForwardStats> stats() {
        return stats.values();
    }

    public Map<String, ServerAddress> services() {
        return services;
    }

    /**
     * Takes over a connection whose first message, {@code request}, is a forward request; never waits (called on
     * the dispatcher thread).
     */
    public void handOver(TunnelConnection connection, byte[] request) {
        threads.execute(() -> open(connection, request));
    }

    private void open(TunnelConnection connection, byte[] request) {
        String service;
        try {
            service = ForwardProtocol.serviceOf(request);
        } catch (MalformedFrameException e) {
            refuse(connection, stats.get(UNKNOWN), "?", ForwardFailure.PROTOCOL, e.getMessage());
            return;
        }
        ServerAddress address = services.get(service);
        if (address == null || live.isClosed()) {
            refuse(connection, stats.get(UNKNOWN), service, ForwardFailure.UNKNOWN_SERVICE,
                "no service '" + service + "' on this server's allow-list (tunnel.server.services)");
            return;
        }
        ForwardStats s = stats.get(service);
        Socket socket = new Socket();
        try {
            InetSocketAddress resolved = address.resolve();
            if (resolved.isUnresolved()) {
                throw new IOException("cannot resolve " + address.host());
            }
            socket.connect(resolved, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            Splice.closeQuietly(socket);
            ForwardFailure why = e instanceof ConnectException ? ForwardFailure.CONNECT_REFUSED
                : e instanceof SocketTimeoutException ? ForwardFailure.CONNECT_TIMEOUT : ForwardFailure.UNREACHABLE;
            refuse(connection, s, service, why, "could not connect to " + address + ": " + e.getMessage());
            return;
        }
        try {
            connection.send(ForwardProtocol.connected(service));
        } catch (IOException | InterruptedException e) {
            Splice.closeQuietly(socket);
            connection.abort();
            s.failed(ForwardFailure.RESET);
            return;
        }
        live.start(socket, connection, s, false);
    }

    private void refuse(TunnelConnection connection, ForwardStats s, String service, ForwardFailure why,
                        String detail) {
        s.failed(why);
        log.info("Refused a forward from " + connection.peer() + " to service '" + service + "': " + detail);
        try {
            connection.send(ForwardProtocol.refused(service, why, detail));
        } catch (IOException | InterruptedException e) {
            // the client is gone; closing is all that is left
        }
        connection.close();
    }

    /** Tears down every forwarded connection; new requests are refused. */
    @Override
    public void close() {
        live.closeAll();
        TunnelThreads.shutdown(threads);
    }
}
