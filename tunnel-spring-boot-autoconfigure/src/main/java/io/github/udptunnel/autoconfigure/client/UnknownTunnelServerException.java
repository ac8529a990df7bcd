package io.github.udptunnel.autoconfigure.client;

/** No server has the name a call used. */
public class UnknownTunnelServerException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public UnknownTunnelServerException(String name) {
        super("no tunnel server is named '" + name + "': set tunnel.client.servers." + name + ".address");
    }
}
