package io.github.udptunnel.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** A server runs when tunnel.server.enabled says so, or, when it says nothing, when tunnel.server.port is set. */
class OnTunnelServerCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment env = context.getEnvironment();
        String enabled = env.getProperty("tunnel.server.enabled");
        if (enabled != null) {
            return Boolean.parseBoolean(enabled.strip()) ? ConditionOutcome.match("tunnel.server.enabled is true")
                : ConditionOutcome.noMatch("tunnel.server.enabled is false");
        }
        return env.containsProperty("tunnel.server.port") ? ConditionOutcome.match("tunnel.server.port is set")
            : ConditionOutcome.noMatch("neither tunnel.server.port nor tunnel.server.enabled is set");
    }
}
