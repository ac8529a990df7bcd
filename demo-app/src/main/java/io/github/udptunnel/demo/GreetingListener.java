package io.github.udptunnel.demo;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import io.github.udptunnel.autoconfigure.listener.TunnelListener;
import io.github.udptunnel.autoconfigure.listener.TunnelMessage;

/** The server side: answers every greeting that comes through the tunnel. */
@Component
@Profile("!client")
@ConditionalOnBooleanProperty(name = "demo.greetings", matchIfMissing = true)
class GreetingListener {

    private final AtomicLong answered = new AtomicLong();

    @TunnelListener
    String greet(String greeting, TunnelMessage message) {
        return "hello " + message.peer() + ", you said \"" + greeting + "\" (answer " + answered.incrementAndGet() + ")";
    }
}
