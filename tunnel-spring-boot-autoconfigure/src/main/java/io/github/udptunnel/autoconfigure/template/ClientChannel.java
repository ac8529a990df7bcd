package io.github.udptunnel.autoconfigure.template;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.autoconfigure.client.TunnelServerResolver;
import io.github.udptunnel.autoconfigure.client.TunnelServerTarget;

/** The shared connection to one named server: opened on first use, opened again when it has ended. */
final class ClientChannel {

    private final String server;
    private final TunnelServerResolver resolver;
    private final Supplier<TunnelEndpoint> endpoint;
    private final Duration connectTimeout;
    private ClientSession session;                        // guarded by this
    private CompletableFuture<ClientSession> connecting;  // guarded by this
    private boolean closed;                               // guarded by this

    ClientChannel(String server, TunnelServerResolver resolver, Supplier<TunnelEndpoint> endpoint,
                  Duration connectTimeout) {
        this.server = server;
        this.resolver = resolver;
        this.endpoint = endpoint;
        this.connectTimeout = connectTimeout;
    }

    /** The live session, or the connect that will give one; concurrent callers share one connect. */
    synchronized CompletableFuture<ClientSession> session() {
        if (closed) {
            return CompletableFuture.failedFuture(new TunnelClientException("the TunnelTemplate is closed", null));
        }
        if (session != null) {
            if (session.usable()) {
                return CompletableFuture.completedFuture(session);
            }
            session.close();
            session = null;
        }
        if (connecting != null) {
            return connecting;
        }
        CompletableFuture<ClientSession> attempt;
        try {
            TunnelServerTarget target = resolver.resolve(server);
            InetSocketAddress address = target.address().get();
            if (address.isUnresolved()) {
                throw new TunnelClientException("cannot resolve the address of tunnel server '" + server + "': "
                    + address.getHostString(), null);
            }
            attempt = endpoint.get().connectAsync(address, target.knownHostsName(), connectTimeout)
                .handle((connection, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                        throw new CompletionException(new TunnelClientException("could not connect to tunnel server '"
                            + server + "' at " + address + ": " + cause.getMessage(), cause));
                    }
                    return new ClientSession(server, connection).start();
                });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        connecting = attempt;
        attempt.whenComplete((opened, failure) -> settle(attempt, opened));
        return attempt;
    }

    private synchronized void settle(CompletableFuture<ClientSession> attempt, ClientSession opened) {
        if (connecting == attempt) {
            connecting = null;
        }
        if (opened != null) {
            if (closed) {
                opened.close();
            } else {
                session = opened;
            }
        }
    }

    /** True while a shared connection is open and its reader running. */
    synchronized ClientSession currentSession() {
        return session;
    }

    synchronized boolean isConnected() {
        return session != null && session.usable();
    }

    /** Requests waiting for their reply on the shared connection. */
    synchronized int pendingRequests() {
        return session == null ? 0 : session.pendingCount();
    }

    synchronized void close() {
        closed = true;
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
