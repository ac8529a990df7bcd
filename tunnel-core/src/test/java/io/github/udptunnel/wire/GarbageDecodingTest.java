package io.github.udptunnel.wire;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parsing is total: random and mutated datagrams (truncated, extended, wrong version or type, flipped bits) reach
 * every decoder and come back as a parsed view or a drop reason, never an exception, and decoding them allocates
 * nothing.
 */
class GarbageDecodingTest {

    private final HelloPacket hello = new HelloPacket();
    private final CookiePacket cookie = new CookiePacket();
    private final InitPacket init = new InitPacket();
    private final DataPacket data = new DataPacket();
    private final Message message = new Message();

    static long[] seeds() {
        return Seeds.of(0xBAD0_0000L, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomAndMutatedDatagramsNeverThrow(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = PacketCodecTest.buffer(random);
        int[] outcomes = new int[2];
        for (int i = 0; i < 5_000; i++) {
            int length = mutatedDatagram(random, buf);
            int offset = random.nextInt(0, 8) == 0 ? random.nextInt(-4, buf.capacity() + 4) : 0;
            outcomes[decodeEverything(buf, offset, length) ? 0 : 1]++;
        }
        assertThat(outcomes[0]).as("some mutated packets still parse").isPositive();
        assertThat(outcomes[1]).as("most garbage is dropped").isPositive();
    }

    @Test
    void decodingGarbageAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SplittableRandom random = new SplittableRandom(7);
        ByteBuffer buf = PacketCodecTest.buffer(random);
        int[] lengths = new int[256];
        ByteBuffer[] datagrams = new ByteBuffer[lengths.length];
        for (int i = 0; i < datagrams.length; i++) {
            datagrams[i] = PacketCodecTest.buffer(random);
            lengths[i] = mutatedDatagram(random, datagrams[i]);
        }
        for (int round = 0; round < 200; round++) {  // warm up: class loading and first calls may allocate
            for (int i = 0; i < datagrams.length; i++) {
                decodeEverything(datagrams[i], 0, lengths[i]);
            }
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 400; round++) {
            for (int i = 0; i < datagrams.length; i++) {
                decodeEverything(datagrams[i], 0, lengths[i]);
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // ThreadMXBean's own bookkeeping may cost a few dozen bytes; garbage decoded 102,400 times costs none.
        assertThat(allocated).as("bytes allocated decoding 102,400 datagrams").isLessThan(1024);
    }

    /** Runs every decoder over the datagram; true when at least one accepted it. */
    private boolean decodeEverything(ByteBuffer buf, int offset, int length) {
        boolean parsed = false;
        Packet.check(buf, offset, length);
        Packet.typeOf(buf, offset, length);
        if (hello.wrap(buf, offset, length) == null) {
            parsed = true;
            buf.get(hello.clientKeyIndex());
        }
        if (cookie.wrap(buf, offset, length) == null) {
            parsed = true;
            buf.get(cookie.boxIndex() + CookiePacket.BOX_SIZE - 1);
        }
        if (init.wrap(buf, offset, length) == null) {
            parsed = true;
            init.counter();
            readMessage(buf, init.boxIndex() + 16, init.boxLength() - 16);
        }
        if (data.wrap(buf, offset, length) == null) {
            parsed = true;
            data.counter();
            readMessage(buf, data.boxIndex() + 16, data.boxLength() - 16);
        }
        readMessage(buf, offset, length);
        return parsed;
    }

    /** The message decoder on the same bytes, as if they had authenticated. */
    private void readMessage(ByteBuffer buf, int offset, int length) {
        if (message.wrap(buf, offset, length) == null) {
            for (int i = 0; i < message.sackCount(); i++) {
                message.sackStart(i);
                message.sackLength(i);
            }
            if (message.dataLength() > 0) {
                buf.get(message.dataIndex() + message.dataLength() - 1);
            }
            message.sequence();
            message.ack();
        }
    }

    /** A valid-looking datagram of a random type, then one or more mutations. Returns its length. */
    static int mutatedDatagram(SplittableRandom random, ByteBuffer buf) {
        int capacity = buf.capacity();
        for (int i = 0; i < capacity; i++) {
            buf.put(i, (byte) random.nextInt(256));
        }
        PacketType type = PacketType.values()[random.nextInt(PacketType.values().length)];
        Packet.writeHeader(buf, 0, type);
        int length = random.nextInt(type.minSize(), type.maxSize() + 1);
        if (random.nextBoolean()) {
            // Make the inner message plausible so its decoder sees near-valid input too.
            int at = type == PacketType.INIT ? InitPacket.BOX_OFFSET + 16 : DataPacket.BOX_OFFSET + 16;
            int sacks = random.nextInt(0, 6);
            buf.put(at + 1, (byte) sacks);
            int dataLength = Math.max(0, length - at - Message.headerSize(sacks));
            LittleEndian.putU16(buf, at + 2, dataLength);
            buf.put(at, (byte) random.nextInt(0, 0x20));
        }
        int mutations = random.nextInt(0, 4);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(6)) {
                case 0 -> length = random.nextInt(0, length + 1);                      // truncated
                case 1 -> length = Math.min(capacity, length + random.nextInt(1, 64)); // extended
                case 2 -> buf.put(2, (byte) random.nextInt(256));                      // version
                case 3 -> buf.put(3, (byte) random.nextInt(256));                      // type
                case 4 -> {                                                             // flipped bit
                    int bit = random.nextInt(Math.max(1, length) * 8);
                    buf.put(bit / 8, (byte) (buf.get(bit / 8) ^ (1 << (bit % 8))));
                }
                default -> buf.put(random.nextInt(0, 2), (byte) random.nextInt(256)); // magic
            }
        }
        return length;
    }
}
