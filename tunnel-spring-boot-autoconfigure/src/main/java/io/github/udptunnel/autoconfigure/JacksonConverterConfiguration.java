package io.github.udptunnel.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.udptunnel.autoconfigure.message.TunnelMessageConverter;
import io.github.udptunnel.autoconfigure.message.TunnelMessageConverters;
import tools.jackson.databind.json.JsonMapper;

/**
 * With Jackson 3 on the class path: byte[], String and JSON, through the application's {@link JsonMapper} when it
 * has one (Spring Boot's, from spring-boot-jackson), else Jackson's shared default. Imported before
 * {@link DefaultConverterConfiguration}, so it wins.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "tools.jackson.databind.json.JsonMapper")
class JacksonConverterConfiguration {

    @Bean
    @ConditionalOnMissingBean(TunnelMessageConverter.class)
    TunnelMessageConverter tunnelMessageConverter(ObjectProvider<JsonMapper> mapper) {
        return TunnelMessageConverters.defaults(mapper.getIfUnique(JsonMapper::shared));
    }
}
