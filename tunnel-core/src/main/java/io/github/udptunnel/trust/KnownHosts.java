package io.github.udptunnel.trust;

import io.github.udptunnel.crypto.PublicKey;

/**
 * Where a client keeps the server keys it trusts, by the name it connected to, as SSH's known_hosts does. The
 * engine calls it once per handshake, on its own thread, when a COOKIE has proved the server holds the key: a
 * store that is slow to answer (a database) should answer from memory and write behind.
 */
public interface KnownHosts {

    /** The key pinned for {@code host}, or null when there is none. */
    PublicKey lookup(String host);

    /**
     * Pins {@code key} for {@code host} if no key is pinned yet, and returns the key pinned afterwards: {@code key}
     * itself, or the one another writer pinned first. Never overwrites.
     */
    PublicKey pinIfAbsent(String host, PublicKey key);
}
