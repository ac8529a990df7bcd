package io.github.udptunnel.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.udptunnel.autoconfigure.message.TunnelMessageConverter;
import io.github.udptunnel.autoconfigure.message.TunnelMessageConverters;

/** Without Jackson: byte[] and String. */
@Configuration(proxyBeanMethods = false)
class DefaultConverterConfiguration {

    @Bean
    @ConditionalOnMissingBean(TunnelMessageConverter.class)
    TunnelMessageConverter tunnelMessageConverter() {
        return TunnelMessageConverters.defaults(null);
    }
}
