package io.github.udptunnel.autoconfigure.endpoint;

/** Which side an endpoint is. */
public enum TunnelRole {
    /** Binds tunnel.server.port and accepts connections. */
    SERVER,
    /** Connects to named servers for TunnelTemplate. */
    CLIENT
}
