package io.github.udptunnel.trust;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.udptunnel.crypto.PublicKey;

/** Known hosts that live as long as the process: for tests, and for keys given in configuration. */
public final class InMemoryKnownHosts implements KnownHosts {

    private final Map<String, PublicKey> pins = new ConcurrentHashMap<>();

    /** Pins a key in advance (configuration): that host then skips trust on first use. */
    public InMemoryKnownHosts pin(String host, PublicKey key) {
        pinIfAbsent(host, key);
        return this;
    }

    @Override
    public PublicKey lookup(String host) {
        return pins.get(host);
    }

    @Override
    public PublicKey pinIfAbsent(String host, PublicKey key) {
        PublicKey earlier = pins.putIfAbsent(host, key);
        return earlier == null ? key : earlier;
    }

    @Override
    public String toString() {
        return "InMemoryKnownHosts[" + pins.size() + " pins]";
    }
}
