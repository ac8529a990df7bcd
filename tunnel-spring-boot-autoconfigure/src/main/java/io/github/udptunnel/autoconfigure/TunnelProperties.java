package io.github.udptunnel.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import io.github.udptunnel.autoconfigure.client.ServerAddress;
import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.crypto.PublicKey;

/**
 * The tunnel's settings under {@code tunnel.*}. Checked when they are bound: a bad value stops start-up with a message
 * that starts with the property's full name. The class validates itself (it is a Spring {@link Validator}), so no
 * Bean Validation provider is needed; a secret (the server's private key) is never echoed in the message.
 */
@ConfigurationProperties("tunnel")
public class TunnelProperties implements Validator {

    /** The server side: a long-term key, a UDP port, and the connections it accepts. */
    private final Server server = new Server();

    /** The client side: named servers, and where their keys are pinned. */
    private final Client client = new Client();

    /** How {@code @TunnelListener} methods are run. */
    private final Listener listener = new Listener();

    public Server getServer() {
        return server;
    }

    public Client getClient() {
        return client;
    }

    public Listener getListener() {
        return listener;
    }

    /** What a server and a client endpoint both have: their connections' timers, message size and shutdown. */
    public abstract static class EndpointSettings {

        /** A connection that hears nothing authentic from its peer for this long ends (a client's next call opens another). */
        private Duration idleTimeout = Duration.ofSeconds(30);

        /**
         * Interval of keepalive pings on idle connections; 0 turns them off. A client with port forwards and no
         * keepalive set pings every third of its idle timeout, so quiet forwarded connections stay open.
         */
        private Duration keepalive = Duration.ZERO;

        /** The largest tunnel message accepted or sent, framing included (about 30 bytes plus route and type). */
        private DataSize maxMessageSize = DataSize.ofMegabytes(1);

        /** On shutdown, how long connections may take to deliver what was sent and finish before they are aborted. */
        private Duration closeDrain = Duration.ofSeconds(2);

        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        public Duration getKeepalive() {
            return keepalive;
        }

        public void setKeepalive(Duration keepalive) {
            this.keepalive = keepalive;
        }

        public DataSize getMaxMessageSize() {
            return maxMessageSize;
        }

        public void setMaxMessageSize(DataSize maxMessageSize) {
            this.maxMessageSize = maxMessageSize;
        }

        public Duration getCloseDrain() {
            return closeDrain;
        }

        public void setCloseDrain(Duration closeDrain) {
            this.closeDrain = closeDrain;
        }
    }

    public static class Server extends EndpointSettings {

        /** Whether to run a tunnel server. Default: on when tunnel.server.port is set. */
        private Boolean enabled;

        /** The local address (host name or IP) the server binds to. Default: every interface. */
        private String address;

        /** The UDP port the server binds to; 0 picks a free one. Setting it turns the server on. */
        private Integer port;

        /** Connections the server holds at once; its connection table is made this large at start-up. */
        private int maxConnections = 1024;

        /** The server's long-term key, which clients pin on first use: keep it. */
        private final Identity identity = new Identity();

        /** How often the minute key that seals cookies is replaced (the previous one is still accepted). */
        private Duration minuteKeyPeriod = Duration.ofSeconds(60);

        /** Limits on handshake work (HELLO and INIT packets), globally and per source address. */
        private final Handshake handshake = new Handshake();

        /**
         * Bind with SO_REUSEPORT, so that several instances of a fleet (all with the same identity) share the port
         * and the kernel spreads clients across them. See "A fleet" in docs/SPRING.md.
         */
        private boolean reusePort;

        /**
         * Port forwarding's allow-list: service name to {@code host:port}. A client's forward may reach these and
         * nothing else (docs/FORWARDING.md).
         */
        private Map<String, String> services = new LinkedHashMap<>();

        /** How long the server's connect to a forwarded service may take. */
        private Duration serviceConnectTimeout = Duration.ofSeconds(5);

        public Map<String, String> getServices() {
            return services;
        }

        public void setServices(Map<String, String> services) {
            this.services = services;
        }

        public Duration getServiceConnectTimeout() {
            return serviceConnectTimeout;
        }

        public void setServiceConnectTimeout(Duration serviceConnectTimeout) {
            this.serviceConnectTimeout = serviceConnectTimeout;
        }

        public boolean isReusePort() {
            return reusePort;
        }

        public void setReusePort(boolean reusePort) {
            this.reusePort = reusePort;
        }

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public int getMaxConnections() {
            return maxConnections;
        }

        public void setMaxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
        }

        public Identity getIdentity() {
            return identity;
        }

        public Duration getMinuteKeyPeriod() {
            return minuteKeyPeriod;
        }

        public void setMinuteKeyPeriod(Duration minuteKeyPeriod) {
            this.minuteKeyPeriod = minuteKeyPeriod;
        }

        public Handshake getHandshake() {
            return handshake;
        }

    }

    public static class Identity {

        /**
         * File holding the server's private key (one line of base64). Created owner-only (rw-------) with a new key
         * on first start, and read on every start after. Ignored when tunnel.server.identity.key is set.
         */
        private Path keyFile = Path.of("tunnel-server.key");

        /**
         * The server's private key in base64 (32 bytes), for keys kept in a secret store; takes precedence over the
         * key file. From the environment: TUNNEL_SERVER_IDENTITY_KEY.
         */
        private String key;

        public Path getKeyFile() {
            return keyFile;
        }

        public void setKeyFile(Path keyFile) {
            this.keyFile = keyFile;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }
    }

    public static class Handshake {

        /** Handshake packets the server does work for per second, from all sources together. */
        private int rate = 10_000;

        /** Handshake packets allowed in a burst above the global rate. */
        private int burst = 1_000;

        /** Handshake packets per second from one source address. */
        private int perSourceRate = 20;

        /** Handshake packets allowed in a burst from one source address. */
        private int perSourceBurst = 5;

        public int getRate() {
            return rate;
        }

        public void setRate(int rate) {
            this.rate = rate;
        }

        public int getBurst() {
            return burst;
        }

        public void setBurst(int burst) {
            this.burst = burst;
        }

        public int getPerSourceRate() {
            return perSourceRate;
        }

        public void setPerSourceRate(int perSourceRate) {
            this.perSourceRate = perSourceRate;
        }

        public int getPerSourceBurst() {
            return perSourceBurst;
        }

        public void setPerSourceBurst(int perSourceBurst) {
            this.perSourceBurst = perSourceBurst;
        }
    }

    public static class Client extends EndpointSettings {

        /** Whether to run a tunnel client and a TunnelTemplate. Default: on when a server is named under tunnel.client.servers. */
        private Boolean enabled;

        /** The servers this application talks to, by the name TunnelTemplate calls them. */
        private Map<String, NamedServer> servers = new LinkedHashMap<>();

        /** How long a connect (the handshake) may take. */
        private Duration connectTimeout = Duration.ofSeconds(5);

        /** How long sendAndReceive waits for a reply, unless told otherwise. */
        private Duration replyTimeout = Duration.ofSeconds(5);

        /** Where server keys are pinned on first use (trust on first use, as SSH's known_hosts). */
        private final KnownHostsSettings knownHosts = new KnownHostsSettings();

        /** Local TCP ports forwarded to services behind named servers, as ssh -L does (docs/FORWARDING.md). */
        private Map<String, Forward> forwards = new LinkedHashMap<>();

        /** How long a forwarded connection waits for the server to connect to its service. */
        private Duration forwardTimeout = Duration.ofSeconds(15);

        public Map<String, Forward> getForwards() {
            return forwards;
        }

        public void setForwards(Map<String, Forward> forwards) {
            this.forwards = forwards;
        }

        public Duration getForwardTimeout() {
            return forwardTimeout;
        }

        public void setForwardTimeout(Duration forwardTimeout) {
            this.forwardTimeout = forwardTimeout;
        }

        /**
         * The keepalive the client endpoint runs with: the one set, or, when none is and ports are forwarded, a third
         * of the idle timeout, so that a forwarded connection that is quiet (a database session between queries)
         * does not time out.
         */
        public Duration effectiveKeepalive() {
            if (!getKeepalive().isZero() || forwards.isEmpty()) {
                return getKeepalive();
            }
            return getIdleTimeout().dividedBy(3);
        }

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public Map<String, NamedServer> getServers() {
            return servers;
        }

        public void setServers(Map<String, NamedServer> servers) {
            this.servers = servers;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getReplyTimeout() {
            return replyTimeout;
        }

        public void setReplyTimeout(Duration replyTimeout) {
            this.replyTimeout = replyTimeout;
        }


        public KnownHostsSettings getKnownHosts() {
            return knownHosts;
        }
    }

    public static class Forward {

        /** The local address to listen on. Default: the loopback address only, as ssh -L does. */
        private String localAddress = "127.0.0.1";

        /** The local TCP port to listen on (0: any free port). */
        private Integer localPort;

        /** The name of the server (under tunnel.client.servers) whose service this forward reaches. */
        private String server;

        /** The service's name on the server's allow-list (tunnel.server.services). Default: the forward's name. */
        private String service;

        public String getLocalAddress() {
            return localAddress;
        }

        public void setLocalAddress(String localAddress) {
            this.localAddress = localAddress;
        }

        public Integer getLocalPort() {
            return localPort;
        }

        public void setLocalPort(Integer localPort) {
            this.localPort = localPort;
        }

        public String getServer() {
            return server;
        }

        public void setServer(String server) {
            this.server = server;
        }

        public String getService() {
            return service;
        }

        public void setService(String service) {
            this.service = service;
        }
    }

    public static class NamedServer {

        /** The server's address, host:port ([v6-address]:port for IPv6). */
        private String address;

        /**
         * The server's public key in base64, pinned here: the connect checks it and skips trust on first use. Without
         * it the key is pinned in the known-hosts store on first use.
         */
        private String key;

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }
    }

    public enum KnownHostsStore {
        /** A file, one "host base64-key" a line, written atomically and owner-only. */
        FILE,
        /** In memory: pins last as long as the process (tests, or keys all pinned in configuration). */
        MEMORY,
        /**
         * A table in the application's DataSource, shared by every instance (the default when the application has
         * one DataSource and Spring Boot's JDBC support): see docs/JDBC-KNOWN-HOSTS.md.
         */
        JDBC
    }

    public static class KnownHostsSettings {

        /** Which store keeps the pins when the application defines no KnownHosts bean of its own. */
        private KnownHostsStore store = KnownHostsStore.FILE;

        /** The known-hosts file of the file store. Default: ${user.home}/.tunnel/known_hosts. */
        private Path file;

        public KnownHostsStore getStore() {
            return store;
        }

        public void setStore(KnownHostsStore store) {
            this.store = store;
        }

        public Path getFile() {
            return file;
        }

        public void setFile(Path file) {
            this.file = file;
        }

        /** The file, or the default under the user's home. */
        public Path resolvedFile() {
            return file != null ? file : Path.of(System.getProperty("user.home"), ".tunnel", "known_hosts");
        }
    }

    public static class Listener {

        /**
         * Whether @TunnelListener methods run on virtual threads, one per message. Default: on where the JDK has
         * them (21 and later); setting it on a JDK 17 stops start-up.
         */
        private Boolean virtualThreads;

        /** Threads of the listener pool when virtual threads are not used. */
        private int concurrency = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

        /**
         * Messages handed to listeners and not yet finished, across all connections; beyond it the server stops
         * reading, so the tunnel's flow control slows the clients down.
         */
        private int maxInFlight = 1024;

        /** On shutdown, how long listener methods still running may take before the server closes. */
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        public Boolean getVirtualThreads() {
            return virtualThreads;
        }

        public void setVirtualThreads(Boolean virtualThreads) {
            this.virtualThreads = virtualThreads;
        }

        public int getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(int concurrency) {
            this.concurrency = concurrency;
        }

        public int getMaxInFlight() {
            return maxInFlight;
        }

        public void setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        public Duration getShutdownTimeout() {
            return shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }
    }

    // -------------------------------------------------------------------------------------------------------------
    // Validation

    /** The smallest max-message-size: room for the framing and a useful payload. */
    static final long MIN_MESSAGE_SIZE = 1024;

    /** The engine's windows and ring records are ints: stay well below 2 GiB. */
    static final long MAX_MESSAGE_SIZE = 256L << 20;

    /** The settings a server and a client share, under {@code tunnel.<side>.}. */
    private static void validateEndpoint(Errors errors, String side, EndpointSettings e) {
        String prefix = "tunnel." + side + ".";
        positive(errors, side + ".idleTimeout", prefix + "idle-timeout", e.getIdleTimeout());
        notNegative(errors, side + ".keepalive", prefix + "keepalive", e.getKeepalive());
        notNegative(errors, side + ".closeDrain", prefix + "close-drain", e.getCloseDrain());
        messageSize(errors, side + ".maxMessageSize", prefix + "max-message-size", e.getMaxMessageSize());
    }

    @Override
    public boolean supports(Class<?> type) {
        return TunnelProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        TunnelProperties p = (TunnelProperties) target;
        Server s = p.server;
        if (s.port != null && (s.port < 0 || s.port > 65535)) {
            errors.rejectValue("server.port", "range", "tunnel.server.port must be between 0 and 65535 (0: any free port)");
        }
        if (s.address != null && (s.address.isBlank() || s.address.chars().anyMatch(Character::isWhitespace))) {
            errors.rejectValue("server.address", "format", "tunnel.server.address must be a host name or an IP address");
        }
        if (s.maxConnections < 1) {
            errors.rejectValue("server.maxConnections", "range", "tunnel.server.max-connections must be at least 1");
        }
        positive(errors, "server.minuteKeyPeriod", "tunnel.server.minute-key-period", s.minuteKeyPeriod);
        validateEndpoint(errors, "server", s);
        atLeastOne(errors, "server.handshake.rate", "tunnel.server.handshake.rate", s.handshake.rate);
        atLeastOne(errors, "server.handshake.burst", "tunnel.server.handshake.burst", s.handshake.burst);
        atLeastOne(errors, "server.handshake.perSourceRate", "tunnel.server.handshake.per-source-rate",
            s.handshake.perSourceRate);
        atLeastOne(errors, "server.handshake.perSourceBurst", "tunnel.server.handshake.per-source-burst",
            s.handshake.perSourceBurst);
        if (s.identity.key != null) {
            try {
                KeyPair.fromPrivateKeyBase64(s.identity.key);
            } catch (IllegalArgumentException e) {
                // A global error: a field error would carry (and print) the rejected value, which is a secret.
                errors.reject("key", "tunnel.server.identity.key is not a private key: " + e.getMessage());
            }
        }
        if (s.identity.key == null && s.identity.keyFile == null) {
            errors.rejectValue("server.identity.keyFile", "required",
                "tunnel.server.identity.key-file must be set when tunnel.server.identity.key is not");
        }

        positive(errors, "server.serviceConnectTimeout", "tunnel.server.service-connect-timeout",
            s.serviceConnectTimeout);
        s.services.forEach((name, address) -> {
            try {
                ServerAddress.parse(address == null ? "" : address);
            } catch (IllegalArgumentException bad) {
                errors.reject("services", "tunnel.server.services." + name + " '" + address + "' is not host:port: "
                    + bad.getMessage());
            }
        });

        Client c = p.client;
        positive(errors, "client.connectTimeout", "tunnel.client.connect-timeout", c.connectTimeout);
        positive(errors, "client.forwardTimeout", "tunnel.client.forward-timeout", c.forwardTimeout);
        c.forwards.forEach((name, f) -> validateForward(errors, "tunnel.client.forwards." + name, f, c.servers));
        positive(errors, "client.replyTimeout", "tunnel.client.reply-timeout", c.replyTimeout);
        validateEndpoint(errors, "client", c);
        Map<String, String> pinnedByAddress = new java.util.HashMap<>();
        for (Map.Entry<String, NamedServer> e : c.servers.entrySet()) {
            String prefix = "tunnel.client.servers." + e.getKey();
            NamedServer named = e.getValue();
            ServerAddress parsed = null;
            if (named.address == null) {
                errors.reject("address", prefix + ".address is required (host:port)");
            } else {
                try {
                    parsed = ServerAddress.parse(named.address);
                } catch (IllegalArgumentException bad) {
                    errors.reject("address", prefix + ".address '" + named.address + "' is not host:port: "
                        + bad.getMessage());
                }
            }
            if (named.key != null) {
                try {
                    PublicKey key = PublicKey.fromBase64(named.key);
                    String other = parsed == null ? null : pinnedByAddress.putIfAbsent(parsed.knownHostsName(), e.getKey());
                    if (other != null && !PublicKey.fromBase64(c.servers.get(other).key).equals(key)) {
                        errors.reject("key", prefix + ".key differs from the key pinned for tunnel.client.servers."
                            + other + ", at the same address " + parsed);
                    }
                } catch (IllegalArgumentException bad) {
                    errors.reject("key", prefix + ".key is not a public key: " + bad.getMessage());
                }
            }
        }

        Listener l = p.listener;
        if (l.concurrency < 1) {
            errors.rejectValue("listener.concurrency", "range", "tunnel.listener.concurrency must be at least 1");
        }
        if (l.maxInFlight < 1) {
            errors.rejectValue("listener.maxInFlight", "range", "tunnel.listener.max-in-flight must be at least 1");
        }
        notNegative(errors, "listener.shutdownTimeout", "tunnel.listener.shutdown-timeout", l.shutdownTimeout);
        if (Boolean.TRUE.equals(l.virtualThreads) && Runtime.version().feature() < 21) {
            errors.rejectValue("listener.virtualThreads", "unsupported", "tunnel.listener.virtual-threads needs a JDK 21"
                + " or later; this is " + Runtime.version().feature());
        }
    }

    private static void validateForward(Errors errors, String prefix, Forward f, Map<String, NamedServer> servers) {
        if (f.localPort == null || f.localPort < 0 || f.localPort > 65535) {
            errors.reject("forwards", prefix + ".local-port is required, between 0 and 65535 (0: any free port)");
        }
        if (f.localAddress == null || f.localAddress.isBlank()) {
            errors.reject("forwards", prefix + ".local-address must be a host name or an IP address");
        }
        if (f.server == null || f.server.isBlank()) {
            errors.reject("forwards", prefix + ".server is required: the name of a server under tunnel.client.servers");
        }
        if (f.service != null && f.service.isBlank()) {
            errors.reject("forwards", prefix + ".service must not be blank (leave it out to use the forward's name)");
        }
    }

    private static void positive(Errors errors, String field, String property, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            errors.rejectValue(field, "range", property + " must be a positive duration");
        }
    }

    private static void notNegative(Errors errors, String field, String property, Duration d) {
        if (d == null || d.isNegative()) {
            errors.rejectValue(field, "range", property + " must be zero or a positive duration");
        }
    }

    private static void atLeastOne(Errors errors, String field, String property, int value) {
        if (value < 1) {
            errors.rejectValue(field, "range", property + " must be at least 1");
        }
    }

    private static void messageSize(Errors errors, String field, String property, DataSize size) {
        if (size == null || size.toBytes() < MIN_MESSAGE_SIZE || size.toBytes() > MAX_MESSAGE_SIZE) {
            errors.rejectValue(field, "range", property + " must be between 1KB and 256MB");
        }
    }
}
