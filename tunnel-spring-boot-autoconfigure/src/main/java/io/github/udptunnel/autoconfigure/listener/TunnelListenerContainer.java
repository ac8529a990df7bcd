package io.github.udptunnel.autoconfigure.listener;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

import io.github.udptunnel.api.EndpointClosedException;
import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.api.TunnelSelector;
import io.github.udptunnel.autoconfigure.TunnelThreads;
import io.github.udptunnel.autoconfigure.endpoint.ManagedTunnelEndpoint;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.autoconfigure.forward.ForwardFailure;
import io.github.udptunnel.autoconfigure.forward.ForwardProtocol;
import io.github.udptunnel.autoconfigure.forward.ServiceForwarder;
import io.github.udptunnel.autoconfigure.message.ErrorPayload;
import io.github.udptunnel.autoconfigure.message.FrameKind;
import io.github.udptunnel.autoconfigure.message.MalformedFrameException;
import io.github.udptunnel.autoconfigure.message.TunnelFrame;
import io.github.udptunnel.autoconfigure.message.TunnelMessageConverter;
import io.github.udptunnel.autoconfigure.message.TunnelPayload;

/**
 * Feeds the server's connections to the {@link TunnelListener} methods. One dispatcher thread accepts connections
 * and reads whole messages from every one of them through a {@link TunnelSelector}; each message is decoded and
 * its listener run on the executor; a request's return value (or the listener's exception) goes back on the same
 * connection with the request's correlation id. At most {@code maxInFlight} messages are in the listeners' hands at
 * once: beyond that the dispatcher stops reading, and the tunnel's flow control slows the clients down.
 *
 * <p>Starts after the server endpoint and stops before it: on stop, no more messages are read, listeners still
 * running may finish (for at most the shutdown timeout) and send their replies, and then the endpoint's drain
 * delivers them.
 */
public class TunnelListenerContainer implements SmartLifecycle {

    public static final int PHASE = ManagedTunnelEndpoint.PHASE + 1024;

    private static final Log log = LogFactory.getLog(TunnelListenerContainer.class);

    private final TunnelEndpoints endpoints;
    private final TunnelListenerRegistry registry;
    private final TunnelMessageConverter converter;
    private final Executor givenExecutor;
    private final boolean virtualThreads;
    private final int concurrency;
    private final int maxInFlight;
    private final Duration shutdownTimeout;
    private final Semaphore inFlight;
    /** Connections the dispatcher has read a message of: a FORWARD is only ever a connection's first message. */
    private final java.util.Set<TunnelConnection> spoken = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Where connections that ask for a forwarded service go; null when this server forwards nothing. */
    private final ServiceForwarder forwarder;
    private final TunnelListenerStats stats = new TunnelListenerStats();
    /** The connections the dispatcher holds, with when each was accepted (System.nanoTime). */
    private final java.util.Map<TunnelConnection, Long> accepted = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile boolean running;
    private volatile Thread dispatcher;
    private volatile TunnelSelector selector;
    private Executor executor;

    /**
     * @param executor where listeners run; null for the container's own: virtual threads when
     *                 {@code virtualThreads}, else a pool of {@code concurrency} threads
     */
    public TunnelListenerContainer(TunnelEndpoints endpoints, TunnelListenerRegistry registry,
                                   TunnelMessageConverter converter, Executor executor, boolean virtualThreads,
                                   int concurrency, int maxInFlight, Duration shutdownTimeout) {
        this(endpoints, registry, converter, executor, virtualThreads, concurrency, maxInFlight, shutdownTimeout, null);
    }

    /**
     * As above, and connections whose first message is a forward request go to {@code forwarder}
     * (docs/FORWARDING.md); with services on its allow-list, the container runs even without listener methods.
     */
    public TunnelListenerContainer(TunnelEndpoints endpoints, TunnelListenerRegistry registry,
                                   TunnelMessageConverter converter, Executor executor, boolean virtualThreads,
                                   int concurrency, int maxInFlight, Duration shutdownTimeout,
                                   ServiceForwarder forwarder) {
        this.forwarder = forwarder;
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.converter = Objects.requireNonNull(converter, "converter");
        this.givenExecutor = executor;
        this.virtualThreads = virtualThreads;
        this.concurrency = concurrency;
        this.maxInFlight = maxInFlight;
        this.shutdownTimeout = shutdownTimeout;
        this.inFlight = new Semaphore(maxInFlight);
    }

    public TunnelListenerStats stats() {
        return stats;
    }

    /**
     * The connections this container accepted and still reads, with when each was accepted ({@link System#nanoTime});
     * for the actuator endpoint, which shows their age and can close one.
     */
    public java.util.Map<TunnelConnection, Long> acceptedConnections() {
        return java.util.Collections.unmodifiableMap(accepted);
    }

    public TunnelListenerRegistry registry() {
        return registry;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        boolean forwarding = forwarder != null && !forwarder.services().isEmpty();
        if (registry.isEmpty() && !forwarding) {
            running = true;  // nothing to feed: the application accepts connections itself, if it wants them
            return;
        }
        TunnelEndpoint server = endpoints.server().orElseThrow(() -> new IllegalStateException(
            "@TunnelListener methods " + registry.all() + " need a tunnel server: set tunnel.server.port"
                + " (or tunnel.server.enabled=true)")).endpoint();
        executor = givenExecutor != null ? givenExecutor
            : virtualThreads ? TunnelThreads.virtual("tunnel-listener-")
            : TunnelThreads.fixed("tunnel-listener-", concurrency);
        selector = new TunnelSelector();
        selector.register(server);
        running = true;
        Thread t = TunnelThreads.daemonThread("tunnel-listener-dispatcher", () -> dispatch(server));
        dispatcher = t;
        t.start();
        log.info("Tunnel listeners " + registry.all() + (forwarding ? " and forwarded services "
            + forwarder.services().keySet() : "") + " reading " + server.localAddress()
            + (givenExecutor != null ? " on the tunnelListenerExecutor bean"
            : virtualThreads ? " on virtual threads" : " on " + concurrency + " threads"));
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        Thread t = dispatcher;
        if (t == null) {
            return;
        }
        dispatcher = null;
        selector.wakeup();
        t.interrupt();
        try {
            t.join(shutdownTimeout.toMillis() + 1);
            if (!inFlight.tryAcquire(maxInFlight, shutdownTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn("Tunnel listeners still running after " + shutdownTimeout + ": their replies may be lost");
            } else {
                inFlight.release(maxInFlight);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (givenExecutor == null) {
            TunnelThreads.shutdown(executor);
        }
        accepted.clear();
        spoken.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void dispatch(TunnelEndpoint server) {
        TunnelSelector sel = selector;
        try {
            while (running) {
                for (TunnelSelector.Ready ready : sel.select(Duration.ofDays(1))) {
                    if (ready.isAcceptable()) {
                        TunnelConnection c;
                        while ((c = server.tryAccept()) != null) {
                            stats.connections.increment();
                            accepted.put(c, System.nanoTime());
                            sel.register(c, TunnelSelector.READ);
                        }
                    } else if (ready.isReadable()) {
                        readAll(sel, ready.connection());
                    }
                }
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (EndpointClosedException e) {
            if (running) {
                log.error("The tunnel server endpoint closed under its listeners: " + e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            log.error("The tunnel listener dispatcher failed; listeners get no more messages", e);
        }
    }

    /** Hands every whole message of {@code c} to the listeners; lets the connection go once it has ended. */
    private void readAll(TunnelSelector sel, TunnelConnection c) throws InterruptedException {
        try {
            byte[] message;
            while (running && (message = c.tryReceive()) != null) {
                if (spoken.add(c) && ForwardProtocol.isRequest(message)) {
                    // From here on the connection carries a TCP stream, not frames: the forwarder reads it.
                    forget(sel, c);
                    handOver(c, message);
                    return;
                }
                submit(c, message);
            }
            if (c.isPeerFinished()) {
                forget(sel, c);
                c.close();
            }
        } catch (EndpointClosedException e) {
            forget(sel, c);
        } catch (IOException ended) {
            forget(sel, c);
            c.close();
            log.debug("Tunnel connection from " + c.peer() + " ended: " + ended.getMessage());
        }
    }

    private void forget(TunnelSelector sel, TunnelConnection c) {
        sel.unregister(c);
        accepted.remove(c);
        spoken.remove(c);
    }

    private void handOver(TunnelConnection c, byte[] request) throws IOException {
        if (forwarder != null) {
            forwarder.handOver(c, request);
            return;
        }
        c.trySend(ForwardProtocol.refused("", ForwardFailure.UNKNOWN_SERVICE, "this server forwards no services"));
        c.close();
    }

    private void submit(TunnelConnection c, byte[] message) throws InterruptedException {
        inFlight.acquire();
        stats.received.increment();
        try {
            executor.execute(() -> {
                try {
                    handle(c, message);
                } finally {
                    inFlight.release();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.release();
            log.warn("Tunnel listener executor refused a message (" + e.getMessage() + "); it is dropped");
        }
    }

    private void handle(TunnelConnection c, byte[] message) {
        TunnelFrame frame;
        try {
            frame = TunnelFrame.decode(message);
        } catch (MalformedFrameException e) {
            stats.malformed.increment();
            log.warn("Dropped a message from " + c.peer() + " that is not a frame: " + e.getMessage());
            return;
        }
        boolean request = frame.kind() == FrameKind.REQUEST;
        if (!request && frame.kind() != FrameKind.ONE_WAY) {
            stats.malformed.increment();
            log.debug("Dropped a " + frame.kind() + " from " + c.peer() + ": a server takes requests and one-way messages");
            return;
        }
        TunnelListenerMethod listener = registry.find(frame.route());
        if (listener == null) {
            stats.unroutable.increment();
            log.warn("No @TunnelListener for route '" + frame.route() + "' (a message from " + c.peer() + ")");
            if (request) {
                reply(c, frame, FrameKind.ERROR, new ErrorPayload(IllegalArgumentException.class.getName(),
                    "no @TunnelListener for route '" + frame.route() + "'").toPayload());
            }
            return;
        }
        TunnelMessage inbound = new TunnelMessage(frame.kind(), frame.correlationId(), frame.route(), frame.payload(),
            c.peer());
        TunnelPayload answer;
        long started = System.nanoTime();
        try {
            Object result = listener.invoke(inbound, converter);
            if (request) {
                answer = converter.toPayload(result);
            } else {
                answer = null;
            }
            stats.handled.increment();
            stats.handledNanos.add(System.nanoTime() - started);
            if (!request) {
                return;
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            stats.failed.increment();
            stats.failedNanos.add(System.nanoTime() - started);
            log.warn(listener + " failed on a message from " + c.peer(), e);
            if (request) {
                reply(c, frame, FrameKind.ERROR, ErrorPayload.of(e).toPayload());
            }
            return;
        }
        reply(c, frame, FrameKind.REPLY, answer);
    }

    private void reply(TunnelConnection c, TunnelFrame request, FrameKind kind, TunnelPayload payload) {
        byte[] bytes = new TunnelFrame(kind, request.correlationId(), request.route(), payload).encode();
        try {
            c.send(bytes);
            (kind == FrameKind.REPLY ? stats.replies : stats.errorReplies).increment();
        } catch (IOException e) {
            stats.unsentReplies.increment();
            log.debug("Could not reply to " + c.peer() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            stats.unsentReplies.increment();
            Thread.currentThread().interrupt();
        } catch (IllegalArgumentException tooLarge) {
            if (kind != FrameKind.REPLY) {
                stats.unsentReplies.increment();
                log.warn("Could not send an error reply to " + c.peer() + ": " + tooLarge.getMessage());
                return;
            }
            stats.failed.increment();
            log.warn("The reply to a request from " + c.peer() + " is too large: " + tooLarge.getMessage());
            reply(c, request, FrameKind.ERROR, ErrorPayload.of(tooLarge).toPayload());
        }
    }
}
