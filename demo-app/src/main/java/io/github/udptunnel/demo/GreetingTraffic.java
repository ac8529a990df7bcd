package io.github.udptunnel.demo;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.github.udptunnel.autoconfigure.template.TunnelClientException;
import io.github.udptunnel.autoconfigure.template.TunnelOperations;

/** The client side: a greeting to the server named {@code demo} every {@code demo.interval}, until stopped. */
@Component
@Profile("!server")
@ConditionalOnBooleanProperty(name = "demo.greetings", matchIfMissing = true)
class GreetingTraffic {

    private static final Logger log = LoggerFactory.getLogger(GreetingTraffic.class);

    private final TunnelOperations tunnel;
    private final AtomicLong replies = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    GreetingTraffic(TunnelOperations tunnel) {
        this.tunnel = tunnel;
    }

    @Scheduled(fixedDelayString = "${demo.interval:1s}", initialDelayString = "${demo.interval:1s}")
    void greet() {
        long n = replies.get() + failures.get() + 1;
        try {
            String reply = tunnel.sendAndReceive("demo", "greeting " + n, String.class);
            replies.incrementAndGet();
            log.info("{}", reply);
        } catch (TunnelClientException e) {
            failures.incrementAndGet();
            log.warn("greeting {} failed: {}", n, e.getMessage());  // the template connects again on the next one
        }
    }

    long replies() {
        return replies.get();
    }
}
