package io.github.udptunnel.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A UDP echo server on {@code 127.0.0.1:0}: sends every datagram back to its source, unchanged, and records the
 * distinct sources in the order it first saw them. Its thread stops on {@link #close()}, after a lifetime, or after
 * a maximum number of datagrams, whichever comes first.
 */
final class EchoTarget implements AutoCloseable {

    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final long MAX_DATAGRAMS = 10_000_000;
    private static final long SELECT_MILLIS = 50;
    private static final int MAX_SEND_ATTEMPTS = 1000;

    private final DatagramChannel channel;
    private final Selector selector;
    private final InetSocketAddress address;
    private final Thread thread;
    private final LinkedHashSet<InetSocketAddress> sources = new LinkedHashSet<>(); // guarded by itself
    private final LongAdder echoed = new LongAdder();
    private final LongAdder notEchoed = new LongAdder();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;

    private EchoTarget() throws IOException {
        channel = UdpRelay.openLoopbackChannel();
        selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        address = (InetSocketAddress) channel.getLocalAddress();
        thread = new Thread(this::run, "echo-target");
        thread.setDaemon(true);
    }

    static EchoTarget start() throws IOException {
        EchoTarget echo = new EchoTarget();
        echo.thread.start();
        return echo;
    }

    InetSocketAddress address() {
        return address;
    }

    /** Distinct source addresses, in the order first seen. */
    List<InetSocketAddress> sources() {
        synchronized (sources) {
            return new ArrayList<>(sources);
        }
    }

    long echoed() {
        return echoed.sum();
    }

    /** Datagrams the socket would not take back out (send buffer full many times over). */
    long notEchoed() {
        return notEchoed.sum();
    }

    private void run() {
        long deadline = System.nanoTime() + LIFETIME.toNanos();
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        long handled = 0;
        try {
            while (!stopping && handled < MAX_DATAGRAMS && System.nanoTime() - deadline < 0) {
                selector.select(SELECT_MILLIS);
                selector.selectedKeys().clear();
                for (int i = 0; i < 1024 && handled < MAX_DATAGRAMS; i++) {
                    buffer.clear();
                    SocketAddress from = channel.receive(buffer);
                    if (from == null) {
                        break;
                    }
                    handled++;
                    synchronized (sources) {
                        sources.add((InetSocketAddress) from);
                    }
                    buffer.flip();
                    echo(buffer, from);
                }
            }
        } catch (Throwable t) {
            if (!stopping) {
                failure.set(t);
            }
        }
    }

    private void echo(ByteBuffer datagram, SocketAddress to) throws IOException {
        int length = datagram.remaining();
        for (int attempt = 0; attempt < MAX_SEND_ATTEMPTS; attempt++) {
            if (channel.send(datagram, to) > 0 || length == 0) {
                echoed.increment();
                return;
            }
            Thread.onSpinWait();
        }
        notEchoed.increment();
    }

    @Override
    public void close() {
        stopping = true;
        selector.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            channel.close();
            selector.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("echo target failed", failure.get());
        }
    }
}
