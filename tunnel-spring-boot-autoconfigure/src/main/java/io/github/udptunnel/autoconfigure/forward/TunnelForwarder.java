package io.github.udptunnel.autoconfigure.forward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

import io.github.udptunnel.autoconfigure.TunnelThreads;
import io.github.udptunnel.autoconfigure.endpoint.ManagedTunnelEndpoint;

/**
 * The client's port forwards: those of {@code tunnel.client.forwards}, opened when the context starts (after the
 * client endpoint), and any the application opens with {@link #open}. All are closed when the context stops,
 * before the endpoint drains.
 */
public class TunnelForwarder implements SmartLifecycle {

    private static final Log log = LogFactory.getLog(TunnelForwarder.class);

    /** What a forward is: its name, where it listens, and which service of which server it leads to. */
    public record Spec(String name, InetSocketAddress local, String server, String service) {
        public Spec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(service, "service");
            if (service.isEmpty() || service.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("a service name is 1 to 255 bytes of UTF-8: '" + service + "'");
            }
        }
    }

    private final List<Spec> configured;
    private final LocalForward.Connector connector;
    private final Duration answerTimeout;
    private final Map<String, LocalForward> forwards = new ConcurrentHashMap<>();
    private final List<Consumer<LocalForward>> openListeners = new CopyOnWriteArrayList<>();
    private final Executor threads = TunnelThreads.perTask("tunnel-forward-");
    private volatile boolean running;

    /**
     * @param configured    the forwards to open on start
     * @param connector     opens a tunnel connection to a named server
     * @param answerTimeout how long a forwarded connection waits for the server to reach the service
     */
    public TunnelForwarder(List<Spec> configured, LocalForward.Connector connector, Duration answerTimeout) {
        this.configured = List.copyOf(configured);
        this.connector = connector;
        this.answerTimeout = answerTimeout;
    }

    /**
     * Opens a forward now: listens on {@code spec.local()} (port 0 for any free port, see
     * {@link LocalForward#localAddress()}) and carries each connection to the service. Fails when the name is
     * taken or the address cannot be bound.
     */
    public LocalForward open(Spec spec) throws IOException {
        if (forwards.containsKey(spec.name())) {
            throw new IllegalArgumentException("a tunnel forward named '" + spec.name() + "' is open already");
        }
        LocalForward forward = new LocalForward(spec.name(), spec.local(), spec.server(), spec.service(), connector,
            answerTimeout, threads);
        if (forwards.putIfAbsent(spec.name(), forward) != null) {
            forward.close();
            throw new IllegalArgumentException("a tunnel forward named '" + spec.name() + "' is open already");
        }
        log.info("Tunnel " + forward);
        if (!forward.localAddress().getAddress().isLoopbackAddress()) {
            // ssh -L too listens on loopback unless told otherwise (GatewayPorts): say what this one exposes.
            log.warn("Tunnel forward '" + spec.name() + "' listens on " + forward.localAddress() + ", not only on"
                + " loopback: whoever can reach this host there reaches service '" + spec.service() + "'");
        }
        openListeners.forEach(l -> l.accept(forward));
        return forward;
    }

    /** Closes one forward: stops listening, tears down its connections. False when there is none by that name. */
    public boolean close(String name) {
        LocalForward forward = forwards.remove(name);
        if (forward == null) {
            return false;
        }
        forward.close();
        return true;
    }

    /** The open forwards, by name. */
    public Map<String, LocalForward> forwards() {
        return Map.copyOf(forwards);
    }

    public LocalForward forward(String name) {
        return forwards.get(name);
    }

    /** Tells {@code listener} of every forward open now and of each opened later (the meters use this). */
    public void onOpen(Consumer<LocalForward> listener) {
        openListeners.add(listener);
        forwards.values().forEach(listener);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        List<LocalForward> opened = new ArrayList<>();
        for (Spec spec : configured) {
            try {
                opened.add(open(spec));
            } catch (IOException e) {
                opened.forEach(f -> close(f.name()));
                throw new UncheckedIOException(e.getMessage() + " (tunnel.client.forwards." + spec.name()
                    + ".local-address and .local-port)", e);
            }
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        new ArrayList<>(forwards.keySet()).forEach(this::close);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the client endpoint has started; stopped before it drains. */
    @Override
    public int getPhase() {
        return ManagedTunnelEndpoint.PHASE + 512;
    }
}
