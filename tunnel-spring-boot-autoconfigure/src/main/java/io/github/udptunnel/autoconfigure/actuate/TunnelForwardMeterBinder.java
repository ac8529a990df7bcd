package io.github.udptunnel.autoconfigure.actuate;

import java.util.function.Supplier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.github.udptunnel.autoconfigure.forward.ForwardFailure;
import io.github.udptunnel.autoconfigure.forward.ForwardStats;
import io.github.udptunnel.autoconfigure.forward.ServiceForwarder;
import io.github.udptunnel.autoconfigure.forward.TunnelForwarder;

/**
 * The {@code tunnel.forward.*} meters (docs/OBSERVABILITY.md): per forward on the client and per allow-listed service
 * on the server, tagged {@code role} and {@code forward} (the forward's or the service's name; requests for services
 * not on the list count under {@code (unknown)}, so a client cannot make new series). Forwards the application opens
 * later through {@link TunnelForwarder#open} get their meters when they open.
 */
public class TunnelForwardMeterBinder implements MeterBinder {

    private final Supplier<ServiceForwarder> server;
    private final Supplier<TunnelForwarder> client;

    public TunnelForwardMeterBinder(Supplier<ServiceForwarder> server, Supplier<TunnelForwarder> client) {
        this.server = server;
        this.client = client;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        ServiceForwarder services = server.get();
        if (services != null && !services.services().isEmpty()) {
            services.stats().forEach(s -> bind(registry, s));
        }
        TunnelForwarder forwarder = client.get();
        if (forwarder != null) {
            forwarder.onOpen(f -> bind(registry, f.stats()));
        }
    }

    static void bind(MeterRegistry registry, ForwardStats stats) {
        Tags tags = Tags.of("role", stats.side().tag(), "forward", stats.name());
        Gauge.builder("tunnel.forward.connections.active", stats, ForwardStats::active)
            .description("Forwarded TCP connections carrying bytes now").tags(tags).register(registry);
        FunctionCounter.builder("tunnel.forward.connections", stats, ForwardStats::opened)
            .description("Forwarded TCP connections that reached their service").tags(tags).register(registry);
        FunctionCounter.builder("tunnel.forward.bytes", stats, ForwardStats::upstreamBytes)
            .description("Bytes carried by forwards: upstream from the TCP client to the service, downstream back")
            .baseUnit(BaseUnits.BYTES).tags(tags.and("direction", "upstream")).register(registry);
        FunctionCounter.builder("tunnel.forward.bytes", stats, ForwardStats::downstreamBytes)
            .description("Bytes carried by forwards: upstream from the TCP client to the service, downstream back")
            .baseUnit(BaseUnits.BYTES).tags(tags.and("direction", "downstream")).register(registry);
        for (ForwardFailure reason : ForwardFailure.values()) {
            FunctionCounter.builder("tunnel.forward.failures", stats, s -> s.failures(reason))
                .description("Forwarded TCP connections that failed, by reason (docs/FORWARDING.md)")
                .tags(tags.and("reason", reason.code())).register(registry);
        }
    }
}
