package io.github.udptunnel.autoconfigure.actuate;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.autoconfigure.endpoint.ManagedTunnelEndpoint;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.autoconfigure.endpoint.TunnelRole;
import io.github.udptunnel.autoconfigure.listener.TunnelListenerContainer;
import io.github.udptunnel.autoconfigure.template.TunnelTemplate;
import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.autoconfigure.forward.ForwardStats;
import io.github.udptunnel.autoconfigure.forward.LocalForward;
import io.github.udptunnel.autoconfigure.forward.ServiceForwarder;
import io.github.udptunnel.autoconfigure.forward.TunnelForwarder;
import io.github.udptunnel.engine.ConnectionStats;
import io.github.udptunnel.engine.Counter;
import io.github.udptunnel.engine.EngineStats;
import io.github.udptunnel.wire.DropReason;

/**
 * The actuator endpoint {@code tunnel} (docs/OBSERVABILITY.md): what {@code wg show} shows, for the server and the
 * client endpoint, and a way to close one connection.
 *
 * <ul>
 * <li>{@code GET /actuator/tunnel}: every endpoint (role, local address, key fingerprint, capacity, counters and
 * drops by name) with a row per connection, and the port forwards: the client's forwards and the server's
 * allow-listed services, with their connections, bytes and failures by reason.</li>
 * <li>{@code GET /actuator/tunnel/{role}/{peer}}: one connection; {@code role} is {@code server} or {@code client},
 * {@code peer} the peer's address as the row's {@code peer} gives it ({@code host:port}, e.g.
 * {@code 127.0.0.1:52110}; IPv6 as {@code [::1]:52110}, URL-encoded).</li>
 * <li>{@code DELETE /actuator/tunnel/{role}/{peer}}: closes that connection gracefully (the peer sees a close,
 * never a timeout). Only connections the starter holds can be closed: those the {@code @TunnelListener} container
 * accepted, and the shared connections of {@link TunnelTemplate}; a row's {@code closable} says which.</li>
 * </ul>
 *
 * <p>Nothing secret is shown: public-key fingerprints only, never a key pair or a connection key.
 */
@Endpoint(id = "tunnel")
public class TunnelActuatorEndpoint {

    private final TunnelEndpoints endpoints;
    private final Supplier<PublicKey> serverKey;
    private final Supplier<TunnelListenerContainer> listeners;
    private final Supplier<TunnelTemplate> template;
    private final Supplier<ServiceForwarder> services;
    private final Supplier<TunnelForwarder> forwarder;

    /**
     * @param serverKey the server's public key (null or giving null when there is no server)
     * @param listeners the listener container, or a supplier of null
     * @param template  the template, or a supplier of null
     */
    public TunnelActuatorEndpoint(TunnelEndpoints endpoints, Supplier<PublicKey> serverKey,
                                  Supplier<TunnelListenerContainer> listeners, Supplier<TunnelTemplate> template) {
        this(endpoints, serverKey, listeners, template, null, null);
    }

    /**
     * As above, with the port forwarding of the server ({@code services}) and of the client ({@code forwarder});
     * either may be null or give null.
     */
    public TunnelActuatorEndpoint(TunnelEndpoints endpoints, Supplier<PublicKey> serverKey,
                                  Supplier<TunnelListenerContainer> listeners, Supplier<TunnelTemplate> template,
                                  Supplier<ServiceForwarder> services, Supplier<TunnelForwarder> forwarder) {
        this.services = services == null ? () -> null : services;
        this.forwarder = forwarder == null ? () -> null : forwarder;
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.serverKey = serverKey == null ? () -> null : serverKey;
        this.listeners = listeners == null ? () -> null : listeners;
        this.template = template == null ? () -> null : template;
    }

    @ReadOperation
    public TunnelReport tunnel() {
        List<EndpointReport> reports = new ArrayList<>();
        for (ManagedTunnelEndpoint managed : endpoints.all()) {
            reports.add(report(managed));
        }
        return new TunnelReport(reports, forwards());
    }

    private List<ForwardReport> forwards() {
        List<ForwardReport> rows = new ArrayList<>();
        TunnelForwarder client = forwarder.get();
        if (client != null) {
            client.forwards().values().stream().sorted(java.util.Comparator.comparing(LocalForward::name))
                .forEach(f -> rows.add(ForwardReport.of(f.stats(), address(f.localAddress()))));
        }
        ServiceForwarder server = services.get();
        if (server != null && !server.services().isEmpty()) {
            server.stats().forEach(s -> rows.add(ForwardReport.of(s, null)));
        }
        return rows;
    }

    /** One connection, or null (404) when the role has no endpoint or no connection with that peer. */
    @ReadOperation
    public ConnectionReport connection(@Selector String role, @Selector String peer) {
        ManagedTunnelEndpoint managed = find(role);
        if (managed == null || !managed.isRunning()) {
            return null;
        }
        for (ConnectionReport row : rows(managed)) {
            if (row.peer().equals(peer)) {
                return row;
            }
        }
        return null;
    }

    /** Closes the connection with {@code peer}: it delivers what was sent, then finishes; the peer sees a close. */
    @DeleteOperation
    public CloseResult close(@Selector String role, @Selector String peer) {
        ManagedTunnelEndpoint managed = find(role);
        if (managed == null || !managed.isRunning()) {
            return new CloseResult(role, peer, false, "no running " + role + " endpoint");
        }
        Map<TunnelConnection, Long> held = held(managed.role());
        for (TunnelConnection c : held.keySet()) {
            if (peer.equals(address(c.peer()))) {
                c.close();
                return new CloseResult(role, peer, true, "closed");
            }
        }
        return new CloseResult(role, peer, false, "no connection with " + peer
            + " that the starter holds (a connection the application accepted or opened itself is its to close)");
    }

    // -------------------------------------------------------------------------------------------------------------

    private ManagedTunnelEndpoint find(String role) {
        TunnelRole r;
        try {
            r = TunnelRole.valueOf(role.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
        return (r == TunnelRole.SERVER ? endpoints.server() : endpoints.client()).orElse(null);
    }

    private EndpointReport report(ManagedTunnelEndpoint managed) {
        String role = managed.role().name().toLowerCase(java.util.Locale.ROOT);
        PublicKey key = managed.role() == TunnelRole.SERVER ? serverKey.get() : null;
        String fingerprint = key == null ? null : key.fingerprint();
        if (!managed.isRunning()) {
            return new EndpointReport(role, false, null, fingerprint, 0, 0, false, 0, 0, Map.of(), Map.of(), List.of());
        }
        TunnelEndpoint endpoint = managed.endpoint();
        EngineStats stats = endpoint.stats();
        Map<String, Long> counters = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            counters.put(c.metricName(), stats.get(c));
        }
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            drops.put(r.metricName(), stats.dropped(r));
        }
        return new EndpointReport(role, endpoint.isOpen(), address(endpoint.localAddress()), fingerprint,
            stats.maxConnections(), stats.openConnections(), stats.underLoad(System.nanoTime()), stats.freeSegments(),
            stats.totalSegments(), counters, drops, endpoint.isOpen() ? rows(managed) : List.of());
    }

    private List<ConnectionReport> rows(ManagedTunnelEndpoint managed) {
        TunnelEndpoint endpoint = managed.endpoint();
        List<ConnectionStats> all;
        try {
            all = endpoint.connections();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        Map<String, Long> openedAt = new LinkedHashMap<>();
        held(managed.role()).forEach((c, opened) -> {
            String peer = address(c.peer());
            if (peer != null) {
                openedAt.put(peer, opened);
            }
        });
        long now = System.nanoTime();  // the engine's time base for endpoints on a real socket
        List<ConnectionReport> rows = new ArrayList<>(all.size());
        for (ConnectionStats s : all) {
            String peer = address(s.peer());
            Long opened = openedAt.get(peer);
            PublicKey peerKey = managed.role() == TunnelRole.CLIENT ? s.serverKey() : s.connectionKey();
            rows.add(new ConnectionReport(managed.role().name().toLowerCase(java.util.Locale.ROOT) + "/" + peer, peer,
                peerKey == null ? null : peerKey.fingerprint(), opened == null ? null : (now - opened) / 1_000_000,
                s.lastReceivedNanos() == 0 ? null : Math.max(0, (now - s.lastReceivedNanos()) / 1_000_000),
                s.smoothedRttNanos() < 0 ? null : s.smoothedRttNanos() / 1e6, s.window(), s.bytesSent(),
                s.bytesReceived(), s.packetsSent(), s.packetsReceived(), s.retransmits(), opened != null));
        }
        return rows;
    }

    /** The connections the starter holds for {@code role}, with when each was opened (System.nanoTime). */
    private Map<TunnelConnection, Long> held(TunnelRole role) {
        Map<TunnelConnection, Long> held = new LinkedHashMap<>();
        if (role == TunnelRole.SERVER) {
            TunnelListenerContainer container = listeners.get();
            if (container != null) {
                held.putAll(container.acceptedConnections());
            }
        } else {
            TunnelTemplate t = template.get();
            if (t != null) {
                t.sharedConnections().values().forEach(e -> held.put(e.getKey(), e.getValue()));
            }
        }
        held.keySet().removeIf(c -> !c.isOpen());
        return held;
    }

    /** {@code host:port}, IPv6 in brackets; null for null. */
    static String address(InetSocketAddress a) {
        if (a == null) {
            return null;
        }
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    // -------------------------------------------------------------------------------------------------------------

    /** Everything the endpoint shows. */
    public record TunnelReport(List<EndpointReport> endpoints, List<ForwardReport> forwards) {
    }

    /**
     * A client's port forward, or a service on the server's allow-list (docs/FORWARDING.md).
     *
     * @param name            the forward's name (client) or the service's (server; {@code (unknown)} counts the
     *                        requests for services not on the list)
     * @param target          where it leads: the server and service (client), the service's address (server)
     * @param listening       the local address a client's forward listens on; null on the server
     * @param active          forwarded connections carrying bytes now
     * @param connections     forwarded connections that reached their service, ever
     * @param upstreamBytes   from the TCP client to the service
     * @param downstreamBytes from the service back to the TCP client
     * @param failures        failed forwarded connections, by reason
     */
    public record ForwardReport(String role, String name, String target, String listening, int active,
                                long connections, long upstreamBytes, long downstreamBytes,
                                Map<String, Long> failures) {
        static ForwardReport of(ForwardStats s, String listening) {
            return new ForwardReport(s.side().tag(), s.name(), s.target(), listening, s.active(), s.opened(),
                s.upstreamBytes(), s.downstreamBytes(), s.failuresByCode());
        }
    }

    /**
     * One tunnel endpoint.
     *
     * @param keyFingerprint the server's public-key fingerprint (SHA256:...); null for a client, which has no
     *                       long-term key
     * @param underLoad      a server under handshake load: per-source handshake limits apply (docs/PROTOCOL.md)
     * @param counters       every counter of the engine by name (docs/PROTOCOL.md)
     * @param drops          dropped datagrams by reason
     */
    public record EndpointReport(String role, boolean open, String localAddress, String keyFingerprint,
                                 long maxConnections, long openConnections, boolean underLoad, long freeBuffers,
                                 long totalBuffers,
                                 Map<String, Long> counters, Map<String, Long> drops,
                                 List<ConnectionReport> connections) {
    }

    /**
     * One connection, as {@code wg show} shows a peer.
     *
     * @param id                  {@code role/peer}: the path under /actuator/tunnel that shows or closes it
     * @param peerKeyFingerprint  on a client, the server's long-term key; on a server, the client's fresh key for this
     *                            connection (C', which names the connection: clients have no long-term key)
     * @param ageMillis           since the connection was opened or accepted; null for one the starter does not hold
     * @param lastActivityMillisAgo since the last authentic packet from the peer
     * @param rttMillis           smoothed round-trip time; null before the first sample
     * @param window              congestion window, packets
     * @param closable            whether DELETE can close it (the starter holds it)
     */
    public record ConnectionReport(String id, String peer, String peerKeyFingerprint, Long ageMillis,
                                   Long lastActivityMillisAgo, Double rttMillis, int window, long bytesSent,
                                   long bytesReceived, long packetsSent, long packetsReceived, long retransmits,
                                   boolean closable) {
    }

    /** What a DELETE did. */
    public record CloseResult(String role, String peer, boolean closed, String message) {
    }
}
