package io.github.udptunnel.autoconfigure.template;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.springframework.beans.factory.DisposableBean;

import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.autoconfigure.TunnelThreads;
import io.github.udptunnel.autoconfigure.client.TunnelServerResolver;
import io.github.udptunnel.autoconfigure.client.TunnelServerTarget;
import io.github.udptunnel.autoconfigure.message.ErrorPayload;
import io.github.udptunnel.autoconfigure.message.FrameKind;
import io.github.udptunnel.autoconfigure.message.TunnelFrame;
import io.github.udptunnel.autoconfigure.message.TunnelMessageConverter;
import io.github.udptunnel.autoconfigure.message.TunnelPayload;

/**
 * The {@link TunnelOperations} of the client endpoint: one shared connection per named server (opened on first
 * use, again after it ends), requests multiplexed on it by correlation id, values converted by a
 * {@link TunnelMessageConverter}. Thread-safe.
 */
public class TunnelTemplate implements TunnelOperations, DisposableBean {

    private final Supplier<TunnelEndpoint> endpoint;
    private final TunnelServerResolver resolver;
    private final TunnelMessageConverter converter;
    private final Duration connectTimeout;
    private final Duration replyTimeout;
    private final Executor executor;
    private final boolean ownsExecutor;
    private final Map<String, ClientChannel> channels = new ConcurrentHashMap<>();
    private final TunnelTemplateStats stats = new TunnelTemplateStats();

    /**
     * @param endpoint the client endpoint (asked at each connect, so it may start after this template is made)
     * @param executor runs blocking sends of the async methods, and {@link #executeAsync}; null for threads of
     *                 the template's own (virtual where the JDK has them)
     */
    public TunnelTemplate(Supplier<TunnelEndpoint> endpoint, TunnelServerResolver resolver,
                          TunnelMessageConverter converter, Duration connectTimeout, Duration replyTimeout,
                          Executor executor) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.converter = Objects.requireNonNull(converter, "converter");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.replyTimeout = Objects.requireNonNull(replyTimeout, "replyTimeout");
        this.ownsExecutor = executor == null;
        this.executor = executor != null ? executor : TunnelThreads.perTask("tunnel-template-");
    }

    public Duration getReplyTimeout() {
        return replyTimeout;
    }

    public TunnelMessageConverter getMessageConverter() {
        return converter;
    }

    // -------------------------------------------------------------------------------------------------------------
    // One-way

    @Override
    public void send(String server, Object payload) {
        send(server, "", payload);
    }

    @Override
    public void send(String server, String route, Object payload) {
        boolean sent = false;
        try {
            byte[] frame = new TunnelFrame(FrameKind.ONE_WAY, 0, route, write(payload)).encode();
            ClientSession session = await(server, session(server));
            session.connection().send(frame);
            sent = true;
        } catch (IOException e) {
            throw new TunnelClientException("could not send to tunnel server '" + server + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunnelClientException("interrupted sending to tunnel server '" + server + "'", e);
        } finally {
            (sent ? stats.sent : stats.sendFailures).increment();
        }
    }

    @Override
    public CompletableFuture<Void> sendAsync(String server, Object payload) {
        return sendAsync(server, "", payload);
    }

    @Override
    public CompletableFuture<Void> sendAsync(String server, String route, Object payload) {
        byte[] frame;
        try {
            frame = new TunnelFrame(FrameKind.ONE_WAY, 0, route, write(payload)).encode();
        } catch (RuntimeException e) {
            stats.sendFailures.increment();
            return CompletableFuture.failedFuture(e);
        }
        return translated(server, session(server).thenCompose(session -> transmit(session, frame)))
            .whenComplete((done, failure) -> (failure == null ? stats.sent : stats.sendFailures).increment());
    }

    // -------------------------------------------------------------------------------------------------------------
    // Request and reply

    @Override
    public <T> T sendAndReceive(String server, Object request, Class<T> replyType) {
        return sendAndReceive(server, "", request, replyType, replyTimeout);
    }

    @Override
    public <T> T sendAndReceive(String server, String route, Object request, Class<T> replyType, Duration timeout) {
        return await(server, request(server, route, request, replyType, timeout));
    }

    @Override
    public <T> CompletableFuture<T> sendAndReceiveAsync(String server, Object request, Class<T> replyType) {
        return sendAndReceiveAsync(server, "", request, replyType, replyTimeout);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The future completes on one of the template's threads, never on the connection's reader, so a callback
     * that blocks holds up no other request.
     */
    @Override
    public <T> CompletableFuture<T> sendAndReceiveAsync(String server, String route, Object request,
                                                        Class<T> replyType, Duration timeout) {
        return request(server, route, request, replyType, timeout).thenApplyAsync(reply -> reply, executor);
    }

    /** The reply, completed on the connection's reader thread. */
    private <T> CompletableFuture<T> request(String server, String route, Object request, Class<T> replyType,
                                             Duration timeout) {
        long started = System.nanoTime();
        TunnelPayload payload;
        try {
            payload = write(request);
        } catch (RuntimeException e) {
            stats.record(TunnelTemplateStats.Outcome.FAILURE, System.nanoTime() - started);
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> reply = session(server).thenCompose(session -> {
            long id = session.nextId();
            CompletableFuture<TunnelFrame> answer = session.expect(id, timeout);
            transmit(session, new TunnelFrame(FrameKind.REQUEST, id, route, payload).encode())
                .whenComplete((sent, failure) -> {
                    if (failure != null) {
                        session.abandon(id, failure);
                    }
                });
            return answer;
        }).thenApply(frame -> read(server, frame, replyType));
        return translated(server, reply, timeout).whenComplete((value, failure) -> stats.record(outcome(failure),
            System.nanoTime() - started));
    }

    private static TunnelTemplateStats.Outcome outcome(Throwable failure) {
        Throwable f = failure;
        while (f instanceof CompletionException && f.getCause() != null) {
            f = f.getCause();
        }
        return f == null ? TunnelTemplateStats.Outcome.SUCCESS
            : f instanceof TunnelRemoteException ? TunnelTemplateStats.Outcome.REMOTE_ERROR
            : f instanceof TunnelReplyTimeoutException ? TunnelTemplateStats.Outcome.TIMEOUT
            : TunnelTemplateStats.Outcome.FAILURE;
    }

    // -------------------------------------------------------------------------------------------------------------
    // A connection of its own

    @Override
    public <T> T execute(String server, TunnelCallback<T> callback) {
        TunnelServerTarget target = resolver.resolve(server);
        TunnelConnection connection;
        try {
            connection = target.connect(endpoint.get(), connectTimeout);
        } catch (IOException e) {
            throw connectFailed(server, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunnelClientException("interrupted connecting to tunnel server '" + server + "'", e);
        }
        try {
            return callback.doInTunnel(connection);
        } catch (IOException e) {
            throw new TunnelClientException("tunnel callback on server '" + server + "' failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunnelClientException("interrupted in a tunnel callback on server '" + server + "'", e);
        } finally {
            connection.close();
        }
    }

    @Override
    public <T> CompletableFuture<T> executeAsync(String server, TunnelCallback<T> callback) {
        return CompletableFuture.supplyAsync(() -> execute(server, callback), executor);
    }

    // -------------------------------------------------------------------------------------------------------------

    /** What this template's calls came to (for metrics). */
    public TunnelTemplateStats stats() {
        return stats;
    }

    /**
     * The shared connections open now, by server name, with when each was opened ({@link System#nanoTime}); for
     * the actuator endpoint, which shows their age and can close one (the next call opens a new one).
     */
    public Map<String, Map.Entry<TunnelConnection, Long>> sharedConnections() {
        Map<String, Map.Entry<TunnelConnection, Long>> open = new java.util.LinkedHashMap<>();
        channels.forEach((name, channel) -> {
            ClientSession s = channel.currentSession();
            if (s != null && s.usable()) {
                open.put(name, Map.entry(s.connection(), s.openedNanos()));
            }
        });
        return open;
    }

    /** True while the shared connection to {@code server} is open (for health and tests). */
    public boolean isConnected(String server) {
        ClientChannel channel = channels.get(server);
        return channel != null && channel.isConnected();
    }

    /** Requests to {@code server} waiting for their reply. */
    public int pendingRequests(String server) {
        ClientChannel channel = channels.get(server);
        return channel == null ? 0 : channel.pendingRequests();
    }

    /** Closes every shared connection (each delivers what was sent, then finishes). */
    @Override
    public void destroy() {
        channels.values().forEach(ClientChannel::close);
        channels.clear();
        if (ownsExecutor) {
            TunnelThreads.shutdown(executor);
        }
    }

    /** The shared session with {@code server}; an unknown name gives a failed future. */
    private CompletableFuture<ClientSession> session(String server) {
        try {
            return channel(server).session();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private ClientChannel channel(String server) {
        Objects.requireNonNull(server, "server");
        return channels.computeIfAbsent(server, name -> {
            resolver.resolve(name);  // an unknown name fails here, and is not remembered
            return new ClientChannel(name, resolver, endpoint, connectTimeout);
        });
    }

    private TunnelPayload write(Object value) {
        return converter.toPayload(value);
    }

    private <T> T read(String server, TunnelFrame frame, Class<T> type) {
        if (frame.kind() == FrameKind.ERROR) {
            ErrorPayload error = ErrorPayload.from(frame.payload());
            throw new TunnelRemoteException(server, error.type(), error.message());
        }
        if (frame.payload().isNull()) {
            return null;
        }
        @SuppressWarnings("unchecked")
        T value = (T) converter.fromPayload(frame.payload(), boxed(type));
        return value;
    }

    /** Into the send buffer now if it has room, else a blocking send on the executor. */
    private CompletableFuture<Void> transmit(ClientSession session, byte[] frame) {
        TunnelConnection connection = session.connection();
        try {
            if (frame.length <= connection.maxTrySendBytes() && connection.trySend(frame)) {
                return CompletableFuture.completedFuture(null);
            }
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.runAsync(() -> {
            try {
                connection.send(frame);
            } catch (IOException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }, executor);
    }

    private <T> CompletableFuture<T> translated(String server, CompletableFuture<T> future) {
        return translated(server, future, null);
    }

    /** The future with its failure as a {@link TunnelClientException}. */
    private <T> CompletableFuture<T> translated(String server, CompletableFuture<T> future, Duration timeout) {
        return future.handle((value, failure) -> {
            if (failure != null) {
                throw new CompletionException(translate(server, failure, timeout));
            }
            return value;
        });
    }

    private static RuntimeException translate(String server, Throwable failure, Duration timeout) {
        Throwable f = failure;
        while ((f instanceof CompletionException || f instanceof ExecutionException) && f.getCause() != null) {
            f = f.getCause();
        }
        if (f instanceof TunnelClientException e) {
            return e;
        }
        if (f instanceof TimeoutException) {
            return new TunnelReplyTimeoutException("no reply from tunnel server '" + server + "' within " + timeout);
        }
        if (f instanceof IOException e) {
            return new TunnelClientException("tunnel server '" + server + "': " + e.getMessage(), e);
        }
        if (f instanceof RuntimeException e) {
            return e;
        }
        return new TunnelClientException("tunnel server '" + server + "': " + f, f);
    }

    static TunnelClientException connectFailed(String server, IOException e) {
        return new TunnelClientException("could not connect to tunnel server '" + server + "': " + e.getMessage(), e);
    }

    /** Waits for a future of this template; its failure is rethrown as a TunnelClientException (mostly). */
    private static <T> T await(String server, CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunnelClientException("interrupted waiting for tunnel server '" + server + "'", e);
        } catch (ExecutionException e) {
            throw translate(server, e.getCause(), null);
        }
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return java.lang.invoke.MethodType.methodType(type).wrap().returnType();
    }
}
