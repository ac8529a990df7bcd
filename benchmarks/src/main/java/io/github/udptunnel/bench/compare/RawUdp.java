package io.github.udptunnel.bench.compare;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** Plain DatagramChannels on loopback: the ceiling under every UDP peer. */
final class RawUdp {

    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private RawUdp() {
    }

    /** MB/s a receiver counts while a sender sends {@code size}-byte datagrams flat out. */
    static double goodput(int size, Duration duration) throws Exception {
        try (DatagramChannel receiver = DatagramChannel.open().bind(LOOPBACK);
             DatagramChannel sender = DatagramChannel.open()) {
            receiver.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            receiver.configureBlocking(false);
            InetSocketAddress to = (InetSocketAddress) receiver.getLocalAddress();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread t = new Thread(() -> {
                ByteBuffer out = ByteBuffer.allocate(size);
                try {
                    while (running.get()) {
                        out.clear();
                        sender.send(out, to);
                    }
                } catch (Exception ignored) {
                    // closed at the end
                }
            }, "raw-udp-sender");
            t.start();
            ByteBuffer in = ByteBuffer.allocate(2048);
            long bytes = 0;
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            while (System.nanoTime() < end) {
                in.clear();
                if (receiver.receive(in) != null) {
                    bytes += in.position();
                }
            }
            running.set(false);
            t.join();
            return bytes / ((System.nanoTime() - start) / 1e9) / 1e6;
        }
    }

    /** Round-trip times in nanos of {@code size}-byte datagrams echoed by a second socket. */
    static long[] requestResponse(int size, int warmup, int rounds) throws Exception {
        try (DatagramChannel a = DatagramChannel.open().bind(LOOPBACK);
             DatagramChannel b = DatagramChannel.open().bind(LOOPBACK)) {
            InetSocketAddress bAddress = (InetSocketAddress) b.getLocalAddress();
            Thread echo = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocate(2048);
                try {
                    while (true) {
                        buf.clear();
                        SocketAddress from = b.receive(buf);
                        buf.flip();
                        b.send(buf, from);
                    }
                } catch (Exception ignored) {
                    // closed at the end
                }
            }, "raw-udp-echo");
            echo.start();
            ByteBuffer out = ByteBuffer.allocate(size);
            ByteBuffer in = ByteBuffer.allocate(2048);
            long[] samples = new long[rounds];
            for (int i = -warmup; i < rounds; i++) {
                long t0 = System.nanoTime();
                out.clear();
                a.send(out, bAddress);
                in.clear();
                a.receive(in);
                if (i >= 0) {
                    samples[i] = System.nanoTime() - t0;
                }
            }
            b.close();
            echo.join(5_000);
            return samples;
        }
    }
}
