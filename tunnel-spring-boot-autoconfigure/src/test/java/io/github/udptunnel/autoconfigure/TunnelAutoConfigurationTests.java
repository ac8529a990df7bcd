package io.github.udptunnel.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.udptunnel.autoconfigure.client.TunnelServerResolver;
import io.github.udptunnel.autoconfigure.client.UnknownTunnelServerException;
import io.github.udptunnel.autoconfigure.endpoint.ManagedTunnelEndpoint;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.autoconfigure.listener.TunnelListenerContainer;
import io.github.udptunnel.autoconfigure.message.CompositeMessageConverter;
import io.github.udptunnel.autoconfigure.message.JacksonMessageConverter;
import io.github.udptunnel.autoconfigure.message.TunnelMessageConverter;
import io.github.udptunnel.autoconfigure.message.TunnelPayload;
import io.github.udptunnel.autoconfigure.template.TunnelOperations;
import io.github.udptunnel.autoconfigure.template.TunnelTemplate;
import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.trust.FileKnownHosts;
import io.github.udptunnel.trust.InMemoryKnownHosts;
import io.github.udptunnel.trust.KnownHosts;

/** What the auto-configuration makes, what it backs off from, and what stops start-up. */
class TunnelAutoConfigurationTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TunnelAutoConfiguration.class))
            .withPropertyValues("tunnel.server.identity.key-file=" + dir.resolve("server.key"),
                "tunnel.client.known-hosts.file=" + dir.resolve("known_hosts"));
    }

    private ApplicationContextRunner server() {
        return runner().withPropertyValues("tunnel.server.port=0", "tunnel.server.address=127.0.0.1");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Defaults

    @Test
    void onlyTheServerPortStartsABoundServer() {
        server().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(KeyPair.class);
            assertThat(context).hasBean("tunnelServerEndpoint");
            assertThat(context).doesNotHaveBean("tunnelClientEndpoint");
            assertThat(context).doesNotHaveBean(TunnelOperations.class);
            TunnelEndpoints endpoints = context.getBean(TunnelEndpoints.class);
            assertThat(endpoints.server()).get().extracting(ManagedTunnelEndpoint::isRunning).isEqualTo(true);
            assertThat(endpoints.serverAddress().getPort()).isPositive();
            assertThat(endpoints.client()).isEmpty();
        });
    }

    @Test
    void nothingIsBoundWithoutConfiguration() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ManagedTunnelEndpoint.class);
            assertThat(context).doesNotHaveBean(KeyPair.class);
            assertThat(context.getBean(TunnelEndpoints.class).all()).isEmpty();
            assertThat(context).hasSingleBean(TunnelListenerContainer.class);
        });
    }

    @Test
    void aNamedServerStartsAClientWithATemplateAndTheFileStore() {
        runner().withPropertyValues("tunnel.client.servers.billing.address=billing.internal:4433").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasBean("tunnelClientEndpoint");
            assertThat(context).doesNotHaveBean("tunnelServerEndpoint");
            assertThat(context).hasSingleBean(TunnelTemplate.class);
            assertThat(context.getBean(KnownHosts.class)).isInstanceOf(FileKnownHosts.class);
            assertThat(((FileKnownHosts) context.getBean(KnownHosts.class)).file()).isEqualTo(dir.resolve("known_hosts"));
            assertThat(context.getBean(TunnelEndpoints.class).clientEndpoint().isOpen()).isTrue();
        });
    }

    @Test
    void theMemoryStoreIsChosenByProperty() {
        runner().withPropertyValues("tunnel.client.enabled=true", "tunnel.client.known-hosts.store=memory")
            .run(context -> assertThat(context.getBean(KnownHosts.class)).isInstanceOf(InMemoryKnownHosts.class));
    }

    @Test
    void theServerCanBeTurnedOffWithAPortSet() {
        runner().withPropertyValues("tunnel.server.port=0", "tunnel.server.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean("tunnelServerEndpoint"));
    }

    @Test
    void jsonConversionComesWithJackson() {
        server().run(context -> {
            CompositeMessageConverter converter = (CompositeMessageConverter) context.getBean(TunnelMessageConverter.class);
            assertThat(converter.converters()).hasAtLeastOneElementOfType(JacksonMessageConverter.class);
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // The application's beans win

    @Configuration(proxyBeanMethods = false)
    static class UserBeans {
        static final KeyPair KEY = KeyPair.generate(new SecureRandom());
        static final InMemoryKnownHosts KNOWN_HOSTS = new InMemoryKnownHosts();

        @Bean
        KeyPair myKey() {
            return KEY;
        }

        @Bean
        KnownHosts myKnownHosts() {
            return KNOWN_HOSTS;
        }

        @Bean
        TunnelMessageConverter myConverter() {
            return new TunnelMessageConverter() {
                @Override
                public TunnelPayload toPayload(Object value) {
                    return new TunnelPayload("x/mine", value.toString().getBytes());
                }

                @Override
                public Object fromPayload(TunnelPayload payload, Class<?> targetType) {
                    return new String(payload.body());
                }
            };
        }

        @Bean
        TunnelServerResolver myResolver() {
            return name -> {
                throw new UnknownTunnelServerException(name);
            };
        }
    }

    @Test
    void userBeansWin() {
        server().withPropertyValues("tunnel.client.enabled=true").withUserConfiguration(UserBeans.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(KeyPair.class);
            assertThat(context.getBean(KeyPair.class)).isSameAs(UserBeans.KEY);
            assertThat(context).hasSingleBean(KnownHosts.class);
            assertThat(context.getBean(KnownHosts.class)).isSameAs(UserBeans.KNOWN_HOSTS);
            assertThat(context).hasSingleBean(TunnelMessageConverter.class);
            assertThat(context.getBean(TunnelMessageConverter.class).toPayload(1).contentType()).isEqualTo("x/mine");
            assertThat(context).hasSingleBean(TunnelServerResolver.class);
            assertThat(context).doesNotHaveBean("tunnelServerKey");
            assertThat(dir.resolve("server.key")).doesNotExist();  // the key bean was used, no file made
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserTemplate {
        @Bean
        TunnelOperations myOperations() {
            return org.mockito.Mockito.mock(TunnelOperations.class);
        }
    }

    @Test
    void aUserTemplateWins() {
        runner().withPropertyValues("tunnel.client.enabled=true", "tunnel.client.known-hosts.store=memory")
            .withUserConfiguration(UserTemplate.class)
            .run(context -> {
                assertThat(context).hasSingleBean(TunnelOperations.class);
                assertThat(context).doesNotHaveBean(TunnelTemplate.class);
            });
    }

    @Test
    void customizersAdjustTheBuilder() {
        server().withBean(TunnelEndpointCustomizer.class, () -> (role, builder) -> builder.name("custom-" + role))
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).contains("custom-SERVER");
            });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bad values stop start-up, naming the property

    @Test
    void aNegativePortFails() {
        runner().withPropertyValues("tunnel.server.port=-1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tunnel.server.port");
        });
    }

    @Test
    void zeroMaxConnectionsFails() {
        server().withPropertyValues("tunnel.server.max-connections=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tunnel.server.max-connections");
        });
    }

    @Test
    void aMalformedBase64KeyFailsWithoutEchoingIt() {
        String secret = "not!base64!but!secret!material!xx";
        server().withPropertyValues("tunnel.server.identity.key=" + secret).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tunnel.server.identity.key")
                .message().doesNotContain(secret);
        });
    }

    @Test
    void aKeyOfTheWrongLengthFails() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        server().withPropertyValues("tunnel.server.identity.key=" + shortKey).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tunnel.server.identity.key")
                .message().doesNotContain(shortKey);
        });
    }

    @Test
    void aValidKeyPropertyIsTheServersKey() {
        KeyPair key = KeyPair.generate(new SecureRandom());
        server().withPropertyValues("tunnel.server.identity.key=" + key.privateKeyBase64()).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(KeyPair.class).publicKey()).isEqualTo(key.publicKey());
            assertThat(dir.resolve("server.key")).doesNotExist();
        });
    }

    @Test
    void aMalformedServerAddressFails() {
        runner().withPropertyValues("tunnel.client.servers.billing.address=billing.internal").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("tunnel.client.servers.billing.address");
        });
    }

    @Test
    void aServerAddressWithABadPortFails() {
        runner().withPropertyValues("tunnel.client.servers.billing.address=billing.internal:70000").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("tunnel.client.servers.billing.address");
        });
    }

    @Test
    void aMalformedPinnedKeyFails() {
        runner().withPropertyValues("tunnel.client.servers.billing.address=billing.internal:4433",
            "tunnel.client.servers.billing.key=abc").run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("tunnel.client.servers.billing.key");
            });
    }

    @Test
    void twoDifferentKeysPinnedForOneAddressFail() {
        String a = KeyPair.generate(new SecureRandom()).publicKey().toBase64();
        String b = KeyPair.generate(new SecureRandom()).publicKey().toBase64();
        runner().withPropertyValues("tunnel.client.servers.one.address=h:1", "tunnel.client.servers.one.key=" + a,
            "tunnel.client.servers.two.address=h:1", "tunnel.client.servers.two.key=" + b).run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tunnel.client.servers.two.key");
            });
    }

    @Test
    void virtualThreadsAskedForOnAJdkWithoutThemFail() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() < 21, "this JDK has virtual threads");
        server().withPropertyValues("tunnel.listener.virtual-threads=true").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tunnel.listener.virtual-threads");
        });
    }

    static class AListener {
        @io.github.udptunnel.autoconfigure.listener.TunnelListener
        String echo(String s) {
            return s;
        }
    }

    @Test
    void listenersWithoutAServerFailStartUp() {
        runner().withBean(AListener.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tunnel.server.port")
                .hasMessageContaining("AListener.echo");
        });
    }

    static class TwoPayloads {
        @io.github.udptunnel.autoconfigure.listener.TunnelListener
        String echo(String s, byte[] b) {
            return s;
        }
    }

    @Test
    void aListenerWithTwoPayloadsFailsStartUp() {
        server().withBean(TwoPayloads.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("two payload parameters");
        });
    }

    @Test
    void aNonPositiveDurationFails() {
        server().withPropertyValues("tunnel.server.idle-timeout=0s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tunnel.server.idle-timeout");
        });
    }

    @Test
    void anEnabledServerWithoutAPortFails() {
        runner().withPropertyValues("tunnel.server.enabled=true").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tunnel.server.port");
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Optional libraries

    @Test
    void worksWithoutActuatorMicrometerDataSourceAndJackson() {
        server().withPropertyValues("tunnel.client.enabled=true", "tunnel.client.known-hosts.store=memory")
            .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "io.micrometer", "javax.sql", "tools.jackson",
                "com.fasterxml.jackson"))
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context).hasBean("tunnelServerEndpoint");
                assertThat(context).hasSingleBean(TunnelTemplate.class);
                CompositeMessageConverter converter = (CompositeMessageConverter) context.getBean(TunnelMessageConverter.class);
                assertThat(converter.converters()).noneMatch(c -> c instanceof JacksonMessageConverter);
            });
    }
}
