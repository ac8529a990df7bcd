package io.github.udptunnel.autoconfigure.forward;

import java.nio.file.Path;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.udptunnel.autoconfigure.SelfServer;
import io.github.udptunnel.autoconfigure.TunnelAutoConfiguration;
import io.github.udptunnel.autoconfigure.client.TunnelServerResolver;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;

/**
 * The context of the forwarding tests: a server on 127.0.0.1 port 0 and a client whose server "self" is that server,
 * where it really is; each test adds its services and forwards.
 */
final class ForwardContexts {

    private ForwardContexts() {
    }

    @Configuration(proxyBeanMethods = false)
    static class Self {
        @Bean
        TunnelServerResolver selfResolver(TunnelEndpoints endpoints) {
            return SelfServer.resolver(endpoints);
        }
    }

    static ApplicationContextRunner runner(Path dir, Class<?>... autoConfigurations) {
        Class<?>[] all = new Class<?>[autoConfigurations.length + 1];
        all[0] = TunnelAutoConfiguration.class;
        System.arraycopy(autoConfigurations, 0, all, 1, autoConfigurations.length);
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(all))
            .withUserConfiguration(Self.class)
            .withPropertyValues("tunnel.server.port=0", "tunnel.server.address=127.0.0.1",
                "tunnel.server.identity.key-file=" + dir.resolve("server.key"),
                "tunnel.client.enabled=true", "tunnel.client.known-hosts.store=memory",
                "tunnel.client.close-drain=300ms");
    }

    /** The properties of a service {@code name} at {@code address} and a client forward of the same name to it. */
    static String[] forwardTo(String name, String address) {
        return new String[] {"tunnel.server.services." + name + "=" + address,
            "tunnel.client.forwards." + name + ".local-port=0", "tunnel.client.forwards." + name + ".server=self"};
    }
}
