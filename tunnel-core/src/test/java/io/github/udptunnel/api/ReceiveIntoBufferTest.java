package io.github.udptunnel.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.engine.TunnelFixture;
import io.github.udptunnel.testing.Seeds;
import io.github.udptunnel.trust.InMemoryKnownHosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link TunnelConnection#receive(ByteBuffer)}: a message at a time into the caller's buffer, straight from the ring.
 * A message larger than the room left is not taken (BufferOverflowException, position unchanged) and stays the next
 * message; the end of the stream is -1.
 */
class ReceiveIntoBufferTest {

    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** A safety net only: nothing here is about how long a step takes. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private TunnelEndpoint server;
    private TunnelEndpoint client;

    static long[] seeds() {
        return Seeds.of(0xB0FF_0000L, 6);
    }

    @AfterEach
    void closeEndpoints() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private TunnelConnection[] pair(int ringBytes) throws Exception {
        server = TunnelEndpoint.server(TunnelFixture.keyPair(8)).bind(ANY_LOOPBACK).ringBytes(ringBytes).open();
        client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(ANY_LOOPBACK).ringBytes(ringBytes).open();
        TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
        return new TunnelConnection[] {c, server.accept(PATIENCE)};
    }

    /**
     * Messages of every size (empty, one ring record, many, larger than the ring) into buffers of every size, heap and
     * direct, read in turns with {@link TunnelConnection#receive()}: each is returned whole, once, in order, and a
     * message too large for the buffer is refused and then read whole by the next receive.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void messagesKeepTheirBoundariesInBuffersOfEverySize(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        TunnelConnection[] p = pair(8192);
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int size = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(65);
                case 1 -> random.nextInt(1024);
                case 2 -> random.nextInt(8192);
                default -> random.nextInt(40_000);
            };
            byte[] m = new byte[size];
            random.nextBytes(m);
            messages.add(m);
        }
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            try {
                for (byte[] m : messages) {
                    p[0].send(m);
                }
                p[0].shutdownOutput();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        int refused = 0;
        for (byte[] expected : messages) {
            int capacity = random.nextInt(45_000);
            ByteBuffer dst = random.nextBoolean() ? ByteBuffer.allocate(capacity) : ByteBuffer.allocateDirect(capacity);
            int start = random.nextInt(Math.min(capacity, 16) + 1);
            dst.position(start);
            if (expected.length <= dst.remaining()) {
                assertThat(p[1].receive(dst)).isEqualTo(expected.length);
                assertThat(dst.position()).isEqualTo(start + expected.length);
                byte[] got = new byte[expected.length];
                dst.get(start, got);
                assertThat(got).isEqualTo(expected);
            } else {
                assertThatThrownBy(() -> p[1].receive(dst)).isInstanceOf(BufferOverflowException.class);
                assertThat(dst.position()).as("a refused message moves nothing").isEqualTo(start);
                refused++;
                byte[] got = random.nextBoolean() ? p[1].receive(PATIENCE) : receiveWithRoom(p[1], expected.length);
                assertThat(got).as("the refused message is the next one").isEqualTo(expected);
            }
        }
        assertThat(refused).as("the seed tried buffers too small").isPositive();
        assertThat(p[1].receive(ByteBuffer.allocate(16))).as("the end of the stream").isEqualTo(-1);
        sender.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /** The end of the stream after the last message, however it was read; and a waiting call sees it too. */
    @Test
    void endOfStreamIsMinusOne() throws Exception {
        TunnelConnection[] p = pair(64 * 1024);
        p[0].send(new byte[] {1, 2, 3});
        p[0].shutdownOutput();
        ByteBuffer dst = ByteBuffer.allocate(3);
        assertThat(p[1].receive(dst)).isEqualTo(3);
        assertThat(dst.array()).containsExactly(1, 2, 3);
        assertThat(p[1].receive(ByteBuffer.allocate(0))).isEqualTo(-1);
        assertThat(p[1].receive(PATIENCE)).isNull();
    }

    /** An empty message is a message: length 0, nothing written, and it fits even a full buffer. */
    @Test
    void anEmptyMessageFitsAFullBuffer() throws Exception {
        TunnelConnection[] p = pair(64 * 1024);
        p[0].send(new byte[0]);
        p[0].send(new byte[] {9});
        ByteBuffer full = ByteBuffer.allocate(4).position(4);
        assertThat(p[1].receive(full)).isZero();
        assertThatThrownBy(() -> p[1].receive(full)).isInstanceOf(BufferOverflowException.class);
        assertThat(p[1].receive(PATIENCE)).containsExactly(9);
    }

    private static byte[] receiveWithRoom(TunnelConnection c, int length) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(length);
        assertThat(c.receive(dst)).isEqualTo(length);
        return Arrays.copyOf(dst.array(), length);
    }
}
