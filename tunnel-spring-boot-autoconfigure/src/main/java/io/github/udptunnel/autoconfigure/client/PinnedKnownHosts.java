package io.github.udptunnel.autoconfigure.client;

import java.util.Objects;

import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.trust.InMemoryKnownHosts;
import io.github.udptunnel.trust.KnownHosts;

/**
 * Keys pinned in configuration in front of a store: a host pinned here is answered from here, and never written to
 * the store; every other host goes to the store (trust on first use).
 */
public final class PinnedKnownHosts implements KnownHosts {

    private final InMemoryKnownHosts pinned;
    private final KnownHosts store;

    public PinnedKnownHosts(InMemoryKnownHosts pinned, KnownHosts store) {
        this.pinned = Objects.requireNonNull(pinned, "pinned");
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public PublicKey lookup(String host) {
        PublicKey key = pinned.lookup(host);
        return key != null ? key : store.lookup(host);
    }

    @Override
    public PublicKey pinIfAbsent(String host, PublicKey key) {
        PublicKey configured = pinned.lookup(host);
        return configured != null ? configured : store.pinIfAbsent(host, key);
    }

    @Override
    public String toString() {
        return "keys pinned in configuration, then " + (store instanceof InMemoryKnownHosts ? "memory" : store);
    }
}
