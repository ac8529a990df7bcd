package io.github.udptunnel.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/** Every packet type and the message round-trip through their codecs; the sizes are the ones docs/PROTOCOL.md gives. */
class PacketCodecTest {

    static long[] seeds() {
        return Seeds.of(0xC0DEC000L, 50);
    }

    @Test
    void sizesAreTheOnesTheSpecGives() {
        assertThat(HelloPacket.SIZE).isEqualTo(224);
        assertThat(CookiePacket.SIZE).isEqualTo(220);
        assertThat(Cookie.SIZE).isEqualTo(88);
        assertThat(InitPacket.MIN_SIZE).isEqualTo(184);
        assertThat(DataPacket.MIN_SIZE).isEqualTo(96);
        assertThat(DataPacket.MAX_MESSAGE_SIZE).isEqualTo(1172);
        assertThat(Message.MAX_HEADER_SIZE).isEqualTo(68);
        assertThat(DataPacket.MAX_MESSAGE_SIZE - Message.MAX_HEADER_SIZE)
            .as("1088 bytes of data fit beside the largest header").isGreaterThanOrEqualTo(1088);
        assertThat(CookiePacket.SIZE).as("a COOKIE is never larger than the HELLO that causes it")
            .isLessThanOrEqualTo(HelloPacket.SIZE);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void helloRoundTrips(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = buffer(random);
        int at = random.nextInt(0, 32);
        byte[] key = bytes(random, 32);
        int n = HelloPacket.encode(buf, at, key, 0);
        HelloPacket view = new HelloPacket();
        assertThat(view.wrap(buf, at, n)).isNull();
        assertThat(slice(buf, view.clientKeyIndex(), 32)).isEqualTo(key);
        assertThat(Packet.typeOf(buf, at, n)).isEqualTo(PacketType.HELLO);
        assertThat(view.wrap(buf, at, n - 1)).isEqualTo(DropReason.BAD_SIZE);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void cookieRoundTrips(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = buffer(random);
        int at = random.nextInt(0, 32);
        byte[] clientKey = bytes(random, 32);
        byte[] key = bytes(random, 32);
        byte[] suffix = bytes(random, 16);
        byte[] box = bytes(random, CookiePacket.BOX_SIZE);
        CookiePacket.encodeHead(buf, at, clientKey, 0, key, 0, suffix, 0);
        buf.put(at + CookiePacket.BOX_OFFSET, box);
        CookiePacket view = new CookiePacket();
        assertThat(view.wrap(buf, at, CookiePacket.SIZE)).isNull();
        assertThat(slice(buf, view.clientKeyIndex(), 32)).isEqualTo(clientKey);
        assertThat(slice(buf, view.serverKeyIndex(), 32)).isEqualTo(key);
        assertThat(slice(buf, view.nonceSuffixIndex(), 16)).isEqualTo(suffix);
        assertThat(slice(buf, view.boxIndex(), CookiePacket.BOX_SIZE)).isEqualTo(box);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void initRoundTrips(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = buffer(random);
        int at = random.nextInt(0, 32);
        byte[] key = bytes(random, 32);
        byte[] cookie = bytes(random, Cookie.SIZE);
        long counter = random.nextLong();
        int boxLength = random.nextInt(16 + Message.MIN_SIZE, 16 + InitPacket.MAX_MESSAGE_SIZE + 1);
        InitPacket.encodeHead(buf, at, key, 0, cookie, 0, counter);
        InitPacket view = new InitPacket();
        assertThat(view.wrap(buf, at, InitPacket.BOX_OFFSET + boxLength)).isNull();
        assertThat(slice(buf, view.clientKeyIndex(), 32)).isEqualTo(key);
        assertThat(slice(buf, view.cookieIndex(), Cookie.SIZE)).isEqualTo(cookie);
        assertThat(view.counter()).isEqualTo(counter);
        assertThat(view.boxIndex()).isEqualTo(at + InitPacket.BOX_OFFSET);
        assertThat(view.boxLength()).isEqualTo(boxLength);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void dataRoundTrips(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = buffer(random);
        int at = random.nextInt(0, 32);
        byte[] key = bytes(random, 32);
        long counter = random.nextLong();
        int boxLength = random.nextInt(16 + Message.MIN_SIZE, 16 + DataPacket.MAX_MESSAGE_SIZE + 1);
        DataPacket.encodeHead(buf, at, key, 0, counter);
        DataPacket view = new DataPacket();
        assertThat(view.wrap(buf, at, DataPacket.BOX_OFFSET + boxLength)).isNull();
        assertThat(slice(buf, view.clientKeyIndex(), 32)).isEqualTo(key);
        assertThat(view.counter()).isEqualTo(counter);
        assertThat(view.boxLength()).isEqualTo(boxLength);
        assertThat(view.wrap(buf, at, Packet.MAX_DATAGRAM_SIZE + 1)).isEqualTo(DropReason.BAD_SIZE);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void messageRoundTrips(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = buffer(random);
        int at = random.nextInt(0, 32);
        int sacks = random.nextInt(0, Message.MAX_SACK_RANGES + 1);
        int dataLength = random.nextInt(0, DataPacket.MAX_MESSAGE_SIZE - Message.headerSize(sacks) + 1);
        int flags = random.nextInt(0, Message.KNOWN_FLAGS + 1);
        long window = random.nextLong() & 0xffff_ffffL;
        long sequence = random.nextLong();
        long ack = random.nextLong();
        long timestamp = random.nextLong() & 0xffff_ffffL;
        long echo = random.nextLong() & 0xffff_ffffL;
        long delay = random.nextLong() & 0xffff_ffffL;
        long[] starts = new long[sacks];
        long[] lengths = new long[sacks];
        byte[] data = bytes(random, dataLength);

        Message writer = new Message().wrapForWrite(buf, at)
            .flags(flags).sackCount(sacks).dataLength(dataLength).window(window).sequence(sequence).ack(ack)
            .timestamp(timestamp).echo(echo).ackDelay(delay);
        for (int i = 0; i < sacks; i++) {
            starts[i] = random.nextLong() & 0xffff_ffffL;
            lengths[i] = random.nextLong() & 0xffff_ffffL;
            writer.sackRange(i, starts[i], lengths[i]);
        }
        buf.put(writer.dataIndex(), data);
        int length = writer.encodedLength();

        Message reader = new Message();
        assertThat(reader.wrap(buf, at, length)).isNull();
        assertThat(reader.flags()).isEqualTo(flags);
        assertThat(reader.sackCount()).isEqualTo(sacks);
        assertThat(reader.dataLength()).isEqualTo(dataLength);
        assertThat(reader.window()).isEqualTo(window);
        assertThat(reader.sequence()).isEqualTo(sequence);
        assertThat(reader.ack()).isEqualTo(ack);
        assertThat(reader.timestamp()).isEqualTo(timestamp);
        assertThat(reader.echo()).isEqualTo(echo);
        assertThat(reader.ackDelay()).isEqualTo(delay);
        for (int i = 0; i < sacks; i++) {
            assertThat(reader.sackStart(i)).isEqualTo(starts[i]);
            assertThat(reader.sackLength(i)).isEqualTo(lengths[i]);
        }
        assertThat(slice(buf, reader.dataIndex(), dataLength)).isEqualTo(data);
        assertThat(reader.wrap(buf, at, length + 1)).isEqualTo(DropReason.MESSAGE_MALFORMED);
        assertThat(reader.wrap(buf, at, length - 1)).isEqualTo(DropReason.MESSAGE_MALFORMED);
    }

    @Test
    void integersAreLittleEndianWhateverTheBufferOrder() {
        ByteBuffer big = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
        new Message().wrapForWrite(big, 0).sequence(0x0102030405060708L);
        assertThat(big.get(Message.SEQUENCE)).isEqualTo((byte) 0x08);
        assertThat(big.get(Message.SEQUENCE + 7)).isEqualTo((byte) 0x01);
    }

    /** Heap buffers in either byte order: the codecs must not care. */
    static ByteBuffer buffer(SplittableRandom random) {
        ByteBuffer buf = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE + 64);
        return buf.order(random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    }

    static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] slice(ByteBuffer buf, int index, int length) {
        byte[] out = new byte[length];
        buf.get(index, out);
        return out;
    }
}
