package io.github.udptunnel.autoconfigure.actuate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.github.udptunnel.autoconfigure.TunnelAutoConfiguration;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.autoconfigure.forward.ServiceForwarder;
import io.github.udptunnel.autoconfigure.forward.TunnelForwarder;
import io.github.udptunnel.autoconfigure.listener.TunnelListenerContainer;
import io.github.udptunnel.autoconfigure.template.TunnelTemplate;

/**
 * The {@code tunnel.*} meters, when the application has Micrometer: a {@link TunnelMeterBinder} bean and, for port
 * forwarding, a {@link TunnelForwardMeterBinder}, which Spring Boot's metrics auto-configuration binds to every
 * registry.
 */
@AutoConfiguration(after = TunnelAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
@ConditionalOnBean(TunnelEndpoints.class)
@EnableConfigurationProperties(TunnelMetricsProperties.class)
public class TunnelMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TunnelMeterBinder tunnelMeterBinder(TunnelEndpoints endpoints, ObjectProvider<TunnelListenerContainer> listeners,
                                        ObjectProvider<TunnelTemplate> template, TunnelMetricsProperties properties) {
        return new TunnelMeterBinder(endpoints, listeners::getIfUnique, template::getIfUnique,
            properties.isPerConnection() ? properties.getPerConnectionRefresh() : null);
    }

    @Bean
    @ConditionalOnMissingBean
    TunnelForwardMeterBinder tunnelForwardMeterBinder(ObjectProvider<ServiceForwarder> server,
                                                      ObjectProvider<TunnelForwarder> client) {
        return new TunnelForwardMeterBinder(server::getIfUnique, client::getIfUnique);
    }
}
