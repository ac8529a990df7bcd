package io.github.udptunnel.sim;

import java.net.InetSocketAddress;

import io.github.udptunnel.engine.DatagramEngine;

/** An engine at an address; the address changes when the host moves. */
final class Host {

    final int index;
    final DatagramEngine engine;
    private InetSocketAddress address;

    Host(int index, InetSocketAddress address, DatagramEngine engine) {
        this.index = index;
        this.address = address;
        this.engine = engine;
    }

    InetSocketAddress address() {
        return address;
    }

    void moveTo(InetSocketAddress newAddress) {
        address = newAddress;
    }

    @Override
    public String toString() {
        String kind = engine.getClass().getSimpleName();
        return "host " + address + (kind.isEmpty() ? "" : " (" + kind + ")");
    }
}
