package io.github.udptunnel.autoconfigure.actuate;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.github.udptunnel.autoconfigure.endpoint.ManagedTunnelEndpoint;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.autoconfigure.listener.TunnelListenerContainer;
import io.github.udptunnel.autoconfigure.listener.TunnelListenerStats;
import io.github.udptunnel.autoconfigure.template.TunnelTemplate;
import io.github.udptunnel.autoconfigure.template.TunnelTemplateStats;
import io.github.udptunnel.engine.ConnectionStats;
import io.github.udptunnel.engine.Counter;
import io.github.udptunnel.engine.EngineStats;
import io.github.udptunnel.wire.DropReason;

/**
 * The {@code tunnel.*} meters (docs/OBSERVABILITY.md): function counters and gauges that read the core's
 * {@link EngineStats}, the listener container's and the template's counters when the registry is scraped, never on
 * the packet path. Every meter has the tag {@code role} (server or client) and the same further tag keys on every
 * series of its name. No per-connection series (cardinality).
 */
public class TunnelMeterBinder implements MeterBinder, AutoCloseable {

    /** Counters with meters of their own below (by packet type, direction or result); the rest get one each. */
    private static final Set<Counter> TAGGED = EnumSet.of(Counter.HELLO_SENT, Counter.HELLO_RECEIVED,
        Counter.COOKIE_SENT, Counter.COOKIE_RECEIVED, Counter.INIT_SENT, Counter.INIT_RECEIVED, Counter.DATA_SENT,
        Counter.DATA_RECEIVED, Counter.BYTES_SENT, Counter.BYTES_RECEIVED, Counter.HELLO_BYTES_RECEIVED,
        Counter.COOKIE_BYTES_SENT, Counter.HANDSHAKES_COMPLETED, Counter.HANDSHAKES_FAILED,
        Counter.RANDOM_LOSSES, Counter.CONGESTIVE_LOSSES, Counter.CONNECTIONS_OPENED, Counter.CONNECTIONS_CLOSED);

    private final TunnelEndpoints endpoints;
    private final Supplier<TunnelListenerContainer> listeners;
    private final Supplier<TunnelTemplate> template;

    private final java.time.Duration perConnectionRefresh;
    private final List<java.util.concurrent.ScheduledExecutorService> refreshers =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    public TunnelMeterBinder(TunnelEndpoints endpoints, Supplier<TunnelListenerContainer> listeners,
                             Supplier<TunnelTemplate> template) {
        this(endpoints, listeners, template, null);
    }

    /**
     * @param perConnectionRefresh when not null, a gauge {@code tunnel.connection.rtt} per connection (tags
     *                             {@code role}, {@code peer}), refreshed this often on a thread of the binder's own
     *                             ({@code tunnel.metrics.per-connection=true}: one series per peer, mind cardinality)
     */
    public TunnelMeterBinder(TunnelEndpoints endpoints, Supplier<TunnelListenerContainer> listeners,
                             Supplier<TunnelTemplate> template, java.time.Duration perConnectionRefresh) {
        this.perConnectionRefresh = perConnectionRefresh;
        this.endpoints = endpoints;
        this.listeners = listeners == null ? () -> null : listeners;
        this.template = template == null ? () -> null : template;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ManagedTunnelEndpoint managed : endpoints.all()) {
            bindEndpoint(registry, managed);
            if (perConnectionRefresh != null) {
                bindPerConnection(registry, managed);
            }
        }
        endpoints.server().ifPresent(s -> bindListeners(registry));
        endpoints.client().ifPresent(c -> bindTemplate(registry));
    }

    private void bindEndpoint(MeterRegistry registry, ManagedTunnelEndpoint managed) {
        Tags role = Tags.of("role", managed.role().name().toLowerCase(Locale.ROOT));
        String[][] packets = {
            {"hello", "sent"}, {"hello", "received"}, {"cookie", "sent"}, {"cookie", "received"},
            {"init", "sent"}, {"init", "received"}, {"data", "sent"}, {"data", "received"}};
        Counter[] packetCounters = {Counter.HELLO_SENT, Counter.HELLO_RECEIVED, Counter.COOKIE_SENT,
            Counter.COOKIE_RECEIVED, Counter.INIT_SENT, Counter.INIT_RECEIVED, Counter.DATA_SENT,
            Counter.DATA_RECEIVED};
        for (int i = 0; i < packets.length; i++) {
            counter(registry, "tunnel.packets", "Datagrams of the tunnel protocol sent and received, by packet type",
                "packets", role.and("type", packets[i][0], "direction", packets[i][1]), managed,
                packetCounters[i]);
        }
        counter(registry, "tunnel.bytes", "Bytes of datagrams sent and received (UDP payload)", BaseUnits.BYTES,
            role.and("direction", "sent"), managed, Counter.BYTES_SENT);
        counter(registry, "tunnel.bytes", "Bytes of datagrams sent and received (UDP payload)", BaseUnits.BYTES,
            role.and("direction", "received"), managed, Counter.BYTES_RECEIVED);
        counter(registry, "tunnel.handshake.bytes", "Bytes of HELLOs received and COOKIEs sent (amplification)",
            BaseUnits.BYTES, role.and("type", "hello", "direction", "received"), managed,
            Counter.HELLO_BYTES_RECEIVED);
        counter(registry, "tunnel.handshake.bytes", "Bytes of HELLOs received and COOKIEs sent (amplification)",
            BaseUnits.BYTES, role.and("type", "cookie", "direction", "sent"), managed, Counter.COOKIE_BYTES_SENT);
        counter(registry, "tunnel.handshakes", "Handshakes by result", null, role.and("result", "completed"),
            managed, Counter.HANDSHAKES_COMPLETED);
        counter(registry, "tunnel.handshakes", "Handshakes by result", null, role.and("result", "failed"),
            managed, Counter.HANDSHAKES_FAILED);
        counter(registry, "tunnel.losses", "Losses detected by congestion control, by kind", null,
            role.and("kind", "random"), managed, Counter.RANDOM_LOSSES);
        counter(registry, "tunnel.losses", "Losses detected by congestion control, by kind", null,
            role.and("kind", "congestive"), managed, Counter.CONGESTIVE_LOSSES);
        counter(registry, "tunnel.connection.events", "Connections opened and closed", null,
            role.and("event", "opened"), managed, Counter.CONNECTIONS_OPENED);
        counter(registry, "tunnel.connection.events", "Connections opened and closed", null,
            role.and("event", "closed"), managed, Counter.CONNECTIONS_CLOSED);
        for (Counter c : Counter.values()) {
            if (!TAGGED.contains(c)) {
                counter(registry, "tunnel." + c.metricName().replace('-', '.'), "The engine counter "
                    + c.metricName(), null, role, managed, c);
            }
        }
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("tunnel.drops", managed, m -> {
                    EngineStats s = stats(m);
                    return s == null ? 0 : s.dropped(reason);
                })
                .description("Received datagrams dropped, by reason (docs/PROTOCOL.md)")
                .tags(role.and("reason", reason.metricName())).register(registry);
        }
        gauge(registry, "tunnel.connections.active", "Connections open now (handshaking, established or closing)",
            role, managed, s -> s.openConnections());
        gauge(registry, "tunnel.connections.max", "Capacity of the connection table", role, managed,
            s -> s.maxConnections());
        gauge(registry, "tunnel.buffers.free", "Free packet buffers in the endpoint's pool", role, managed,
            s -> s.freeSegments());
        gauge(registry, "tunnel.buffers.capacity", "Packet buffers in the endpoint's pool, free or not", role, managed,
            s -> s.totalSegments());
        gauge(registry, "tunnel.load", "1 while the server is under handshake load (per-source limits apply), else 0",
            role, managed, s -> s.underLoad(System.nanoTime()) ? 1 : 0);
        Gauge.builder("tunnel.up", managed, m -> m.isRunning() && m.endpoint().isOpen() ? 1 : 0)
            .description("1 while the endpoint is open (its worker alive), else 0").tags(role).register(registry);
        // Every RTT sample the engine took, in cumulative buckets by upper bound in seconds. The tag is le_seconds, not
        // le: Micrometer cannot make a Prometheus histogram from counts kept elsewhere, and a counter with an le label
        // is not a valid exposition. label_replace() turns it into le for histogram_quantile() (docs/OBSERVABILITY.md).
        long[] bounds = EngineStats.rttBucketBoundsNanos();
        for (int i = 0; i <= bounds.length; i++) {
            int bucket = i;
            String le = i == bounds.length ? "+Inf" : Double.toString(bounds[i] / 1e9);
            FunctionCounter.builder("tunnel.rtt.samples", managed, m -> {
                    EngineStats s = stats(m);
                    return s == null ? 0 : s.rttSamplesAtMost(bucket);
                })
                .description("RTT samples (one per acknowledging packet) of at most le_seconds: a histogram's buckets")
                .tags(role.and("le_seconds", le)).register(registry);
        }
        RttSnapshot rtt = new RttSnapshot(managed);
        Gauge.builder("tunnel.rtt.mean", rtt, r -> r.get()[0])
            .description("Mean smoothed round-trip time over the open connections").baseUnit("seconds")
            .tags(role).strongReference(true).register(registry);
        Gauge.builder("tunnel.rtt.max", rtt, r -> r.get()[1])
            .description("Largest smoothed round-trip time among the open connections").baseUnit("seconds")
            .tags(role).strongReference(true).register(registry);
    }

    private void bindListeners(MeterRegistry registry) {
        Tags role = Tags.of("role", "server");
        String description = "Messages the @TunnelListener container read, by outcome";
        listenerCounter(registry, "tunnel.listener.messages", description, role.and("outcome", "handled"),
            TunnelListenerStats::handled);
        listenerCounter(registry, "tunnel.listener.messages", description, role.and("outcome", "failed"),
            TunnelListenerStats::failed);
        listenerCounter(registry, "tunnel.listener.messages", description, role.and("outcome", "malformed"),
            TunnelListenerStats::malformed);
        listenerCounter(registry, "tunnel.listener.messages", description, role.and("outcome", "unroutable"),
            TunnelListenerStats::unroutable);
        description = "Answers the @TunnelListener container sent, by outcome";
        listenerCounter(registry, "tunnel.listener.replies", description, role.and("outcome", "reply"),
            TunnelListenerStats::replies);
        listenerCounter(registry, "tunnel.listener.replies", description, role.and("outcome", "error"),
            TunnelListenerStats::errorReplies);
        listenerCounter(registry, "tunnel.listener.replies", description, role.and("outcome", "unsent"),
            TunnelListenerStats::unsentReplies);
        listenerCounter(registry, "tunnel.listener.connections", "Connections the @TunnelListener container accepted",
            role, TunnelListenerStats::connections);
        FunctionTimer.builder("tunnel.listener.calls", this, b -> b.listenerStat(TunnelListenerStats::handled),
                b -> b.listenerStat(TunnelListenerStats::handledNanos), TimeUnit.NANOSECONDS)
            .description("Time in @TunnelListener methods, by outcome").tags(role.and("outcome", "handled"))
            .register(registry);
        FunctionTimer.builder("tunnel.listener.calls", this, b -> b.listenerStat(TunnelListenerStats::failed),
                b -> b.listenerStat(TunnelListenerStats::failedNanos), TimeUnit.NANOSECONDS)
            .description("Time in @TunnelListener methods, by outcome").tags(role.and("outcome", "failed"))
            .register(registry);
    }

    private void bindTemplate(MeterRegistry registry) {
        Tags role = Tags.of("role", "client");
        for (TunnelTemplateStats.Outcome outcome : TunnelTemplateStats.Outcome.values()) {
            FunctionTimer.builder("tunnel.template.requests", this,
                    b -> b.templateStat(s -> s.requests(outcome)),
                    b -> b.templateStat(s -> s.requestNanos(outcome)), TimeUnit.NANOSECONDS)
                .description("TunnelTemplate request-and-reply calls, by outcome, with the time to their outcome")
                .tags(role.and("outcome", outcome.tag())).register(registry);
        }
        FunctionCounter.builder("tunnel.template.sends", this, b -> b.templateStat(TunnelTemplateStats::sent))
            .description("TunnelTemplate one-way messages, by outcome").tags(role.and("outcome", "success"))
            .register(registry);
        FunctionCounter.builder("tunnel.template.sends", this,
                b -> b.templateStat(TunnelTemplateStats::sendFailures))
            .description("TunnelTemplate one-way messages, by outcome").tags(role.and("outcome", "failure"))
            .register(registry);
    }

    private void bindPerConnection(MeterRegistry registry, ManagedTunnelEndpoint managed) {
        String role = managed.role().name().toLowerCase(Locale.ROOT);
        io.micrometer.core.instrument.MultiGauge rtt = io.micrometer.core.instrument.MultiGauge
            .builder("tunnel.connection.rtt").description("Smoothed round-trip time of each connection (opt-in)")
            .baseUnit("seconds").register(registry);
        java.util.concurrent.ScheduledExecutorService refresher =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tunnel-metrics-" + role);
                t.setDaemon(true);
                return t;
            });
        refreshers.add(refresher);
        refresher.scheduleWithFixedDelay(() -> {
            List<io.micrometer.core.instrument.MultiGauge.Row<?>> rows = new java.util.ArrayList<>();
            try {
                if (managed.isRunning() && managed.endpoint().isOpen()) {
                    for (ConnectionStats s : managed.endpoint().connections()) {
                        if (s.smoothedRttNanos() >= 0) {
                            rows.add(io.micrometer.core.instrument.MultiGauge.Row.of(Tags.of("role", role, "peer",
                                TunnelActuatorEndpoint.address(s.peer())), s.smoothedRttNanos() / 1e9));
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // closed under us: no rows
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            rtt.register(rows, true);
        }, 0, perConnectionRefresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the per-connection refresh threads, if any. */
    @Override
    public void close() {
        refreshers.forEach(java.util.concurrent.ScheduledExecutorService::shutdownNow);
        refreshers.clear();
    }

    // -------------------------------------------------------------------------------------------------------------

    private static void counter(MeterRegistry registry, String name, String description, String unit, Tags tags,
                                ManagedTunnelEndpoint managed, Counter counter) {
        FunctionCounter.Builder<ManagedTunnelEndpoint> b = FunctionCounter.builder(name, managed, m -> {
            EngineStats s = stats(m);
            return s == null ? 0 : s.get(counter);
        }).description(description).tags(tags);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, String description, Tags tags,
                              ManagedTunnelEndpoint managed, ToDoubleFunction<EngineStats> value) {
        Gauge.builder(name, managed, m -> {
            EngineStats s = stats(m);
            return s == null ? 0 : value.applyAsDouble(s);
        }).description(description).tags(tags).register(registry);
    }

    private void listenerCounter(MeterRegistry registry, String name, String description, Tags tags,
                                 java.util.function.ToLongFunction<TunnelListenerStats> value) {
        FunctionCounter.builder(name, this, b -> b.listenerStat(value)).description(description).tags(tags)
            .register(registry);
    }

    private long listenerStat(java.util.function.ToLongFunction<TunnelListenerStats> value) {
        TunnelListenerContainer c = listeners.get();
        return c == null ? 0 : value.applyAsLong(c.stats());
    }

    private long templateStat(java.util.function.ToLongFunction<TunnelTemplateStats> value) {
        TunnelTemplate t = template.get();
        return t == null ? 0 : value.applyAsLong(t.stats());
    }

    /** The running endpoint's counters, or null while it is not running. */
    private static EngineStats stats(ManagedTunnelEndpoint m) {
        try {
            return m.isRunning() ? m.endpoint().stats() : null;
        } catch (IllegalStateException stopped) {
            return null;
        }
    }

    /**
     * Mean and largest smoothed RTT (seconds) of the open connections, from one {@code connections()} call on the
     * worker per second at most, however many gauges and scrapes ask.
     */
    private static final class RttSnapshot {
        private final ManagedTunnelEndpoint managed;
        private long takenNanos;
        private double[] last = {0, 0};

        RttSnapshot(ManagedTunnelEndpoint managed) {
            this.managed = managed;
            this.takenNanos = System.nanoTime() - 2_000_000_000L;
        }

        synchronized double[] get() {
            long now = System.nanoTime();
            if (now - takenNanos < 1_000_000_000L) {
                return last;
            }
            takenNanos = now;
            double sum = 0;
            double max = 0;
            int n = 0;
            try {
                if (managed.isRunning() && managed.endpoint().isOpen()) {
                    List<ConnectionStats> rows = managed.endpoint().connections();
                    for (ConnectionStats s : rows) {
                        if (s.smoothedRttNanos() >= 0) {
                            double seconds = s.smoothedRttNanos() / 1e9;
                            sum += seconds;
                            max = Math.max(max, seconds);
                            n++;
                        }
                    }
                }
            } catch (IOException | IllegalStateException e) {
                // closed under us: no connections
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            last = new double[] {n == 0 ? 0 : sum / n, max};
            return last;
        }
    }
}
