package io.github.udptunnel.trust;

import io.github.udptunnel.crypto.PublicKey;

/**
 * Where a client keeps the server keys it trusts, by the name it connected to, as SSH's known_hosts does. Called on
 * the application's side of a connect, never on the endpoint's worker thread: {@link #lookup} before the
 * handshake, {@link #pinIfAbsent} after it for a key seen for the first time, and the connect returns only once the
 * pin is stored. So a store may wait on a disk or a database; one that throws fails that connect alone.
 * Implementations are safe for concurrent use.
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
