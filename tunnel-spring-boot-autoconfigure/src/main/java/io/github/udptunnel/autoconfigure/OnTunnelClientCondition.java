package io.github.udptunnel.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** A client runs when tunnel.client.enabled says so, or, when it says nothing, when a server is named. */
class OnTunnelClientCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment env = context.getEnvironment();
        String enabled = env.getProperty("tunnel.client.enabled");
        if (enabled != null) {
            return Boolean.parseBoolean(enabled.strip()) ? ConditionOutcome.match("tunnel.client.enabled is true")
                : ConditionOutcome.noMatch("tunnel.client.enabled is false");
        }
        boolean named = Binder.get(env)
            .bind("tunnel.client.servers", Bindable.mapOf(String.class, TunnelProperties.NamedServer.class))
            .map(Map::isEmpty).map(empty -> !empty).orElse(false);
        return named ? ConditionOutcome.match("a server is named under tunnel.client.servers")
            : ConditionOutcome.noMatch("no server is named under tunnel.client.servers");
    }
}
