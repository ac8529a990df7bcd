package io.github.udptunnel.autoconfigure.template;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What a client does with named servers ({@code tunnel.client.servers.<name>}), as RabbitTemplate does with
 * exchanges: one-way messages, requests with a reply, and raw access to a connection. Values are converted by the
 * {@code TunnelMessageConverter}; the route picks the server's {@code @TunnelListener} (the empty route: its default
 * one). Calls to one server share one connection, opened on first use and again after a failure; any number of
 * threads may call at once. Failures are unchecked: {@link TunnelClientException} and its subclasses.
 */
public interface TunnelOperations {

    /** Sends {@code payload} to the server's default listener; returns once it is in the send buffer. */
    void send(String server, Object payload);

    /** Sends {@code payload} to the listener of {@code route}. */
    void send(String server, String route, Object payload);

    /**
     * Sends {@code request} to the server's default listener and waits for its reply (at most
     * {@code tunnel.client.reply-timeout}), converted to {@code replyType}.
     */
    <T> T sendAndReceive(String server, Object request, Class<T> replyType);

    /** As {@link #sendAndReceive(String, Object, Class)}, to the listener of {@code route}, waiting at most {@code timeout}. */
    <T> T sendAndReceive(String server, String route, Object request, Class<T> replyType, Duration timeout);

    /**
     * Runs {@code callback} with a connection of its own to the server, closed after it. Its messages are raw: no
     * framing, no conversion (a server with {@code @TunnelListener} methods expects framed messages: see
     * {@code TunnelFrame}).
     */
    <T> T execute(String server, TunnelCallback<T> callback);

    /** {@link #send(String, Object)} without waiting for a connect or for room in the send buffer. */
    CompletableFuture<Void> sendAsync(String server, Object payload);

    /** {@link #send(String, String, Object)} without waiting. */
    CompletableFuture<Void> sendAsync(String server, String route, Object payload);

    /** {@link #sendAndReceive(String, Object, Class)} without waiting: the future holds the reply. */
    <T> CompletableFuture<T> sendAndReceiveAsync(String server, Object request, Class<T> replyType);

    /** {@link #sendAndReceive(String, String, Object, Class, Duration)} without waiting. */
    <T> CompletableFuture<T> sendAndReceiveAsync(String server, String route, Object request, Class<T> replyType,
                                                 Duration timeout);

    /** {@link #execute} on another thread. */
    <T> CompletableFuture<T> executeAsync(String server, TunnelCallback<T> callback);
}
