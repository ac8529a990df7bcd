package io.github.udptunnel.io;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/** A non-blocking DatagramChannel with a Selector to sleep on: the transport of a real endpoint. */
public final class UdpTransport implements DatagramTransport {

    static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final Selector selector;
    private final boolean reusePort;
    /** Replaced by {@link #rebind}, on the worker thread only. */
    private DatagramChannel channel;
    /** Kept, so that it can still be read once the socket is closed. */
    private volatile InetSocketAddress localAddress;
    private final Consumer<SelectionKey> ignoreKey = key -> { };

    public UdpTransport(InetSocketAddress bind) throws IOException {
        this(bind, false);
    }

    /**
     * With {@code reusePort}, several sockets (several processes, a fleet) bind the same port with SO_REUSEPORT, and
     * the kernel spreads the clients across them by their address.
     */
    public UdpTransport(InetSocketAddress bind, boolean reusePort) throws IOException {
        this.reusePort = reusePort;
        this.selector = Selector.open();
        try {
            this.channel = open(bind);
            this.localAddress = (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            selector.close();
            throw e;
        }
    }

    private DatagramChannel open(InetSocketAddress bind) throws IOException {
        DatagramChannel fresh = DatagramChannel.open();
        try {
            fresh.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            fresh.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            if (reusePort) {
                if (!fresh.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    throw new IOException("SO_REUSEPORT is not supported on this platform: a fleet cannot share a port");
                }
                fresh.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            fresh.bind(bind);
            fresh.configureBlocking(false);
            fresh.register(selector, SelectionKey.OP_READ);
            return fresh;
        } catch (IOException e) {
            fresh.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress receive(ByteBuffer into) throws IOException {
        return (InetSocketAddress) channel.receive(into);
    }

    @Override
    public boolean send(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        return channel.send(datagram, to) > 0;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public InetSocketAddress rebind(InetSocketAddress bind) throws IOException {
        DatagramChannel fresh = open(bind);
        channel.close();
        channel = fresh;
        localAddress = (InetSocketAddress) fresh.getLocalAddress();
        return localAddress;
    }

    @Override
    public void await(long timeoutNanos) throws IOException {
        long millis = timeoutNanos == Long.MAX_VALUE ? 0 : Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
        selector.select(ignoreKey, millis);
    }

    @Override
    public void wakeUp() {
        selector.wakeup();
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            selector.close();
        }
    }
}
