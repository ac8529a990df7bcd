package io.github.udptunnel.autoconfigure;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.autoconfigure.client.PinnedKnownHosts;
import io.github.udptunnel.autoconfigure.client.PropertiesTunnelServerResolver;
import io.github.udptunnel.autoconfigure.client.ServerAddress;
import io.github.udptunnel.autoconfigure.client.TunnelServerResolver;
import io.github.udptunnel.autoconfigure.client.UnknownTunnelServerException;
import io.github.udptunnel.autoconfigure.endpoint.ManagedTunnelEndpoint;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.autoconfigure.endpoint.TunnelRole;
import io.github.udptunnel.autoconfigure.forward.ServiceForwarder;
import io.github.udptunnel.autoconfigure.forward.TunnelForwarder;
import io.github.udptunnel.autoconfigure.identity.ServerIdentity;
import io.github.udptunnel.autoconfigure.listener.TunnelListenerAnnotationBeanPostProcessor;
import io.github.udptunnel.autoconfigure.listener.TunnelListenerContainer;
import io.github.udptunnel.autoconfigure.message.TunnelMessageConverter;
import io.github.udptunnel.autoconfigure.template.TunnelOperations;
import io.github.udptunnel.autoconfigure.template.TunnelTemplate;
import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.trust.FileKnownHosts;
import io.github.udptunnel.trust.InMemoryKnownHosts;
import io.github.udptunnel.trust.KnownHosts;

/**
 * Auto-configuration of the tunnel (docs/SPRING.md): a server endpoint when {@code tunnel.server.port} is set, a
 * client endpoint and a {@link TunnelTemplate} when servers are named under {@code tunnel.client.servers}, and
 * {@code @TunnelListener} support. Every bean backs off when the application defines its own.
 *
 * <p>A known-hosts store of another auto-configuration (the JDBC one) takes the place of the file default when it
 * runs before this one.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@EnableConfigurationProperties(TunnelProperties.class)
@Import({JacksonConverterConfiguration.class, DefaultConverterConfiguration.class})
public class TunnelAutoConfiguration {

    /** The bean name under which an application gives its own executor for listener methods. */
    public static final String LISTENER_EXECUTOR_BEAN = "tunnelListenerExecutor";

    @Bean
    @ConditionalOnMissingBean
    TunnelEndpoints tunnelEndpoints(ObjectProvider<ManagedTunnelEndpoint> endpoints) {
        ManagedTunnelEndpoint server = null;
        ManagedTunnelEndpoint client = null;
        for (ManagedTunnelEndpoint e : endpoints.orderedStream().toList()) {
            if (e.role() == TunnelRole.SERVER && server == null) {
                server = e;
            } else if (e.role() == TunnelRole.CLIENT && client == null) {
                client = e;
            }
        }
        return new TunnelEndpoints(server, client);
    }

    // -------------------------------------------------------------------------------------------------------------

    @Configuration(proxyBeanMethods = false)
    @Conditional(OnTunnelServerCondition.class)
    static class ServerConfiguration {

        @Bean
        @ConditionalOnMissingBean(KeyPair.class)
        KeyPair tunnelServerKey(TunnelProperties properties) {
            return ServerIdentity.load(properties.getServer().getIdentity());
        }

        @Bean
        @ConditionalOnMissingBean(name = "tunnelServerEndpoint")
        ManagedTunnelEndpoint tunnelServerEndpoint(TunnelProperties properties, KeyPair tunnelServerKey,
                                                   ObjectProvider<TunnelEndpointCustomizer> customizers) {
            TunnelProperties.Server s = properties.getServer();
            if (s.getPort() == null) {
                throw new IllegalStateException("tunnel.server.port must be set when tunnel.server.enabled is true"
                    + " (0 for any free port)");
            }
            InetSocketAddress bind = s.getAddress() == null ? new InetSocketAddress(s.getPort())
                : new InetSocketAddress(s.getAddress(), s.getPort());
            if (bind.isUnresolved()) {
                throw new IllegalStateException("tunnel.server.address '" + s.getAddress() + "' does not resolve");
            }
            int maxMessage = (int) s.getMaxMessageSize().toBytes();
            java.util.function.Supplier<TunnelEndpoint.Builder> builder = () -> {
                TunnelEndpoint.Builder b = TunnelEndpoint.server(tunnelServerKey)
                    .bind(bind)
                    .reusePort(s.isReusePort())
                    .name("tunnel-server")
                    .engine(e -> e.maxConnections(s.getMaxConnections())
                        .minuteKeyPeriod(s.getMinuteKeyPeriod())
                        .handshakeRateLimit(s.getHandshake().getRate(), s.getHandshake().getBurst())
                        .handshakeRateLimitPerSource(s.getHandshake().getPerSourceRate(),
                            s.getHandshake().getPerSourceBurst())
                        .idleTimeout(s.getIdleTimeout())
                        .keepalive(s.getKeepalive())
                        .receiveWindowBytes(receiveWindow(maxMessage)))
                    .maxMessageBytes(maxMessage)
                    .closeDrain(s.getCloseDrain());
                customizers.orderedStream().forEach(c -> c.customize(TunnelRole.SERVER, b));
                return b;
            };
            builder.get();  // a setting the engine refuses fails here, while the context is refreshed
            return new ManagedTunnelEndpoint(TunnelRole.SERVER, builder, s.getCloseDrain(),
                "key " + tunnelServerKey.publicKey().fingerprint());
        }

        @Bean
        @ConditionalOnMissingBean
        ServiceForwarder tunnelServiceForwarder(TunnelProperties properties) {
            TunnelProperties.Server s = properties.getServer();
            Map<String, ServerAddress> services = new LinkedHashMap<>();
            s.getServices().forEach((name, address) -> services.put(name, ServerAddress.parse(address)));
            return new ServiceForwarder(services, s.getServiceConnectTimeout());
        }
    }

    // -------------------------------------------------------------------------------------------------------------

    @Configuration(proxyBeanMethods = false)
    @Conditional(OnTunnelClientCondition.class)
    static class ClientConfiguration {

        @Bean
        @ConditionalOnMissingBean(KnownHosts.class)
        KnownHosts tunnelKnownHosts(TunnelProperties properties) {
            TunnelProperties.KnownHostsSettings k = properties.getClient().getKnownHosts();
            return switch (k.getStore()) {
                case MEMORY -> new InMemoryKnownHosts();
                case FILE -> new FileKnownHosts(k.resolvedFile());
                // The JDBC store's own auto-configuration makes the bean when it can; here it could not.
                case JDBC -> throw new IllegalStateException("tunnel.client.known-hosts.store is jdbc, but the application"
                    + " has no single DataSource (or no spring-boot-jdbc on its classpath) for the known-hosts table");
            };
        }

        @Bean
        @ConditionalOnMissingBean
        TunnelServerResolver tunnelServerResolver(TunnelProperties properties) {
            return new PropertiesTunnelServerResolver(properties.getClient().getServers());
        }

        @Bean
        @ConditionalOnMissingBean(name = "tunnelClientEndpoint")
        ManagedTunnelEndpoint tunnelClientEndpoint(TunnelProperties properties, KnownHosts knownHosts,
                                                   ObjectProvider<TunnelEndpointCustomizer> customizers) {
            TunnelProperties.Client c = properties.getClient();
            InMemoryKnownHosts pinned = new InMemoryKnownHosts();
            c.getServers().forEach((name, server) -> {
                if (server.getKey() != null) {
                    pinned.pin(ServerAddress.parse(server.getAddress()).knownHostsName(),
                        PublicKey.fromBase64(server.getKey()));
                }
            });
            KnownHosts trust = new PinnedKnownHosts(pinned, knownHosts);
            int maxMessage = (int) c.getMaxMessageSize().toBytes();
            java.util.function.Supplier<TunnelEndpoint.Builder> builder = () -> {
                TunnelEndpoint.Builder b = TunnelEndpoint.client(trust)
                    .bind(new InetSocketAddress(0))
                    .name("tunnel-client")
                    .engine(e -> e.connectTimeout(c.getConnectTimeout())
                        .idleTimeout(c.getIdleTimeout())
                        .keepalive(c.effectiveKeepalive())
                        .receiveWindowBytes(receiveWindow(maxMessage)))
                    .maxMessageBytes(maxMessage)
                    .closeDrain(c.getCloseDrain());
                customizers.orderedStream().forEach(cu -> cu.customize(TunnelRole.CLIENT, b));
                return b;
            };
            builder.get();
            return new ManagedTunnelEndpoint(TunnelRole.CLIENT, builder, c.getCloseDrain(), "known hosts: " + trust);
        }

        @Bean
        @ConditionalOnMissingBean(TunnelOperations.class)
        TunnelTemplate tunnelTemplate(TunnelEndpoints endpoints, TunnelServerResolver resolver,
                                      TunnelMessageConverter converter, TunnelProperties properties) {
            TunnelProperties.Client c = properties.getClient();
            return new TunnelTemplate(endpoints::clientEndpoint, resolver, converter, c.getConnectTimeout(),
                c.getReplyTimeout(), null);
        }

        @Bean
        @ConditionalOnMissingBean
        TunnelForwarder tunnelForwarder(TunnelEndpoints endpoints, TunnelServerResolver resolver,
                                        TunnelProperties properties) {
            TunnelProperties.Client c = properties.getClient();
            List<TunnelForwarder.Spec> specs = new ArrayList<>();
            c.getForwards().forEach((name, f) -> {
                try {
                    resolver.resolve(f.getServer());
                } catch (UnknownTunnelServerException e) {
                    throw new IllegalStateException("tunnel.client.forwards." + name + ".server: " + e.getMessage(), e);
                }
                InetSocketAddress local = new InetSocketAddress(f.getLocalAddress(), f.getLocalPort());
                if (local.isUnresolved()) {
                    throw new IllegalStateException("tunnel.client.forwards." + name + ".local-address '"
                        + f.getLocalAddress() + "' does not resolve");
                }
                specs.add(new TunnelForwarder.Spec(name, local, f.getServer(),
                    f.getService() != null ? f.getService() : name));
            });
            Duration connectTimeout = c.getConnectTimeout();
            return new TunnelForwarder(specs,
                server -> resolver.resolve(server).connect(endpoints.clientEndpoint(), connectTimeout),
                c.getForwardTimeout());
        }
    }

    // -------------------------------------------------------------------------------------------------------------

    @Configuration(proxyBeanMethods = false)
    static class ListenerConfiguration {

        @Bean
        @ConditionalOnMissingBean
        static TunnelListenerAnnotationBeanPostProcessor tunnelListenerAnnotationBeanPostProcessor() {
            return new TunnelListenerAnnotationBeanPostProcessor();
        }

        @Bean
        @ConditionalOnMissingBean
        TunnelListenerContainer tunnelListenerContainer(TunnelListenerAnnotationBeanPostProcessor listeners,
                                                        TunnelEndpoints endpoints, TunnelMessageConverter converter,
                                                        TunnelProperties properties, BeanFactory beanFactory,
                                                        ObjectProvider<ServiceForwarder> forwarder) {
            TunnelProperties.Listener l = properties.getListener();
            Executor executor = beanFactory.containsBean(LISTENER_EXECUTOR_BEAN)
                ? beanFactory.getBean(LISTENER_EXECUTOR_BEAN, Executor.class) : null;
            boolean virtual = l.getVirtualThreads() != null ? l.getVirtualThreads()
                : TunnelThreads.virtualThreadsAvailable();
            return new TunnelListenerContainer(endpoints, listeners.registry(), converter, executor, virtual,
                l.getConcurrency(), l.getMaxInFlight(), l.getShutdownTimeout(), forwarder.getIfAvailable());
        }
    }

    // -------------------------------------------------------------------------------------------------------------

    /** Room for a whole message in the receive window (the engine insists), and never less than its default. */
    static int receiveWindow(int maxMessageBytes) {
        return Math.max(2 << 20, maxMessageBytes);
    }
}
