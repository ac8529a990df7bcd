package io.github.udptunnel.autoconfigure.client;

import java.net.InetSocketAddress;

/**
 * A server's address as configured, {@code host:port} or {@code [v6-address]:port}. The host is resolved at each
 * connect, not once at start-up, so a server that moves in DNS is found again after a reconnect.
 */
public record ServerAddress(String host, int port) {

    public ServerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("no host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port must be between 1 and 65535, not " + port);
        }
    }

    /** Parses {@code host:port}; the exception says what is wrong. */
    public static ServerAddress parse(String text) {
        String t = text.strip();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("expected host:port");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") != host.endsWith("]")) {
            throw new IllegalArgumentException("an IPv6 address goes in brackets: [::1]:4433");
        }
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an IPv6 address goes in brackets: [::1]:4433");
        }
        if (host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the host has a space in it");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port is not a number");
        }
        return new ServerAddress(host, port);
    }

    /** Resolves the host now. */
    public InetSocketAddress resolve() {
        return new InetSocketAddress(host, port);
    }

    /** The name keys are pinned under in the known-hosts store: {@code host:port}, as the core's connect uses. */
    public String knownHostsName() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return knownHostsName();
    }
}
