package io.github.udptunnel.autoconfigure.actuate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.udptunnel.autoconfigure.TunnelAutoConfiguration;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.autoconfigure.forward.ServiceForwarder;
import io.github.udptunnel.autoconfigure.forward.TunnelForwarder;
import io.github.udptunnel.autoconfigure.listener.TunnelListenerContainer;
import io.github.udptunnel.autoconfigure.template.TunnelTemplate;
import io.github.udptunnel.crypto.KeyPair;

/**
 * The actuator endpoint {@code tunnel}, when the application has the actuator and exposes the endpoint.
 */
@AutoConfiguration(after = TunnelAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
    "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
@ConditionalOnBean(TunnelEndpoints.class)
@ConditionalOnAvailableEndpoint(TunnelActuatorEndpoint.class)
public class TunnelActuatorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TunnelActuatorEndpoint tunnelActuatorEndpoint(TunnelEndpoints endpoints, ObjectProvider<KeyPair> serverKey,
                                                  ObjectProvider<TunnelListenerContainer> listeners,
                                                  ObjectProvider<TunnelTemplate> template,
                                                  ObjectProvider<ServiceForwarder> services,
                                                  ObjectProvider<TunnelForwarder> forwarder) {
        return new TunnelActuatorEndpoint(endpoints, () -> {
            KeyPair key = serverKey.getIfUnique();
            return key == null ? null : key.publicKey();
        }, listeners::getIfUnique, template::getIfUnique, services::getIfUnique, forwarder::getIfUnique);
    }
}
