package io.github.udptunnel.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;

/** A test's UDP client on {@code 127.0.0.1:0}, talking to one peer; receives with a timeout. */
final class RelayClient implements AutoCloseable {

    /** A datagram received, with its source and the {@link System#nanoTime()} just after it was read. */
    record Reply(byte[] data, InetSocketAddress from, long atNanos) {
    }

    private static final int MAX_SEND_ATTEMPTS = 1000;

    private final DatagramChannel channel;
    private final Selector selector;
    private final InetSocketAddress peer;
    private final InetSocketAddress address;
    private final ByteBuffer buffer = ByteBuffer.allocate(65_536);

    RelayClient(InetSocketAddress peer) throws IOException {
        this.peer = peer;
        channel = UdpRelay.openLoopbackChannel();
        selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        address = (InetSocketAddress) channel.getLocalAddress();
    }

    InetSocketAddress address() {
        return address;
    }

    /** Sends one datagram to the peer; fails if the socket refuses it many times over. */
    void send(byte[] datagram) throws IOException {
        for (int attempt = 0; attempt < MAX_SEND_ATTEMPTS; attempt++) {
            if (channel.send(ByteBuffer.wrap(datagram), peer) > 0 || datagram.length == 0) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new IOException("the socket did not take a datagram of " + datagram.length + " bytes");
    }

    /** The next datagram, or null if none came within {@code timeout}. */
    Reply receive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int round = 0; round < 10_000; round++) {
            buffer.clear();
            SocketAddress from = channel.receive(buffer);
            if (from != null) {
                long at = System.nanoTime();
                buffer.flip();
                return new Reply(Arrays.copyOf(buffer.array(), buffer.limit()), (InetSocketAddress) from, at);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
        }
        return null;
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
