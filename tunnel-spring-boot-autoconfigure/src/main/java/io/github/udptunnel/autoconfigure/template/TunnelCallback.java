package io.github.udptunnel.autoconfigure.template;

import java.io.IOException;

import io.github.udptunnel.api.TunnelConnection;

/** Work done with a connection of its own, for {@link TunnelOperations#execute}. */
@FunctionalInterface
public interface TunnelCallback<T> {

    T doInTunnel(TunnelConnection connection) throws IOException, InterruptedException;
}
