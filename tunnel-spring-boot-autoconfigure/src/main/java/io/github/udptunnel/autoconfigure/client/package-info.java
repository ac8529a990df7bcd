/**
 * The client side: named servers ({@code tunnel.client.servers}), how a name becomes an address, and the keys
 * pinned in configuration in front of the known-hosts store.
 */
package io.github.udptunnel.autoconfigure.client;
