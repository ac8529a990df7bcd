package io.github.udptunnel.wire;

import java.nio.ByteBuffer;

/**
 * The message inside every INIT and DATA box: what the reliable transport needs (sequence, acks, timing, window,
 * flags) and up to a packet's worth of data. A flyweight: {@link #wrap} checks a received message, the setters
 * write one in place; nothing is allocated.
 *
 * <pre>
 * offset size  field
 *  0     1     flags            FLAG_* bits; the others must be zero
 *  1     1     sack count n     0..4
 *  2     2     data length
 *  4     4     receive window   bytes the sender can still take beyond its cumulative ack
 *  8     8     sequence         of this packet's data or FIN (meaningful with FLAG_RELIABLE)
 * 16     8     cumulative ack   every sequence number below it has arrived
 * 24     4     timestamp        sender's clock, microseconds, modulo 2^32
 * 28     4     echo             the timestamp of the packet this one acknowledges
 * 32     4     ack delay        microseconds between receiving that packet and sending this one
 * 36     8n    sack ranges      n times (u32 start, u32 length): [ack + start, ack + start + length) arrived
 * 36+8n  ...   data
 * </pre>
 * The message's length is exactly {@code 36 + 8n + data length}.
 */
public final class Message {

    /** This packet takes a sequence number: it carries data or FIN and must be acknowledged. */
    public static final int FLAG_RELIABLE = 0x01;
    /** This packet's data ends an application message. */
    public static final int FLAG_MESSAGE_END = 0x02;
    /** The sender sends nothing after this sequence number. */
    public static final int FLAG_FIN = 0x04;
    /** The sender has dropped the connection; nothing more will be sent or acknowledged. */
    public static final int FLAG_ABORT = 0x08;
    /** Please acknowledge at once (keepalive and probes). */
    public static final int FLAG_PING = 0x10;
    static final int KNOWN_FLAGS = FLAG_RELIABLE | FLAG_MESSAGE_END | FLAG_FIN | FLAG_ABORT | FLAG_PING;

    public static final int MAX_SACK_RANGES = 4;

    static final int FLAGS = 0;
    static final int SACK_COUNT = 1;
    static final int DATA_LENGTH = 2;
    static final int WINDOW = 4;
    static final int SEQUENCE = 8;
    static final int ACK = 16;
    static final int TIMESTAMP = 24;
    static final int ECHO = 28;
    static final int ACK_DELAY = 32;
    static final int SACK_RANGES = 36;
    static final int SACK_RANGE_SIZE = 8;

    public static final int MIN_SIZE = SACK_RANGES;
    public static final int MAX_HEADER_SIZE = SACK_RANGES + MAX_SACK_RANGES * SACK_RANGE_SIZE;

    private ByteBuffer buffer;
    private int offset;

    /** Why a received message is malformed, or null when it is well formed. */
    public DropReason wrap(ByteBuffer buffer, int offset, int length) {
        this.buffer = null;
        if (offset < 0 || length < MIN_SIZE || offset > buffer.limit() - length) {
            return DropReason.MESSAGE_MALFORMED;
        }
        int flags = LittleEndian.getU8(buffer, offset + FLAGS);
        int sacks = LittleEndian.getU8(buffer, offset + SACK_COUNT);
        int dataLength = LittleEndian.getU16(buffer, offset + DATA_LENGTH);
        if ((flags & ~KNOWN_FLAGS) != 0 || sacks > MAX_SACK_RANGES
            || length != headerSize(sacks) + dataLength) {
            return DropReason.MESSAGE_MALFORMED;
        }
        this.buffer = buffer;
        this.offset = offset;
        return null;
    }

    /** Points this view at {@code offset} to write a message; set the sack count before writing data. */
    public Message wrapForWrite(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public static int headerSize(int sackCount) {
        return SACK_RANGES + sackCount * SACK_RANGE_SIZE;
    }

    public int flags() {
        return LittleEndian.getU8(buffer, offset + FLAGS);
    }

    public boolean hasFlag(int flag) {
        return (flags() & flag) != 0;
    }

    public int sackCount() {
        return LittleEndian.getU8(buffer, offset + SACK_COUNT);
    }

    public int dataLength() {
        return LittleEndian.getU16(buffer, offset + DATA_LENGTH);
    }

    public long window() {
        return LittleEndian.getU32(buffer, offset + WINDOW);
    }

    public long sequence() {
        return LittleEndian.getU64(buffer, offset + SEQUENCE);
    }

    public long ack() {
        return LittleEndian.getU64(buffer, offset + ACK);
    }

    public long timestamp() {
        return LittleEndian.getU32(buffer, offset + TIMESTAMP);
    }

    public long echo() {
        return LittleEndian.getU32(buffer, offset + ECHO);
    }

    public long ackDelay() {
        return LittleEndian.getU32(buffer, offset + ACK_DELAY);
    }

    /** Start of sack range {@code i}, relative to the cumulative ack. */
    public long sackStart(int i) {
        return LittleEndian.getU32(buffer, offset + SACK_RANGES + i * SACK_RANGE_SIZE);
    }

    public long sackLength(int i) {
        return LittleEndian.getU32(buffer, offset + SACK_RANGES + i * SACK_RANGE_SIZE + 4);
    }

    /** Buffer index of the data. */
    public int dataIndex() {
        return offset + headerSize(sackCount());
    }

    /** The whole message's length: header, ranges and data. */
    public int encodedLength() {
        return headerSize(sackCount()) + dataLength();
    }

    public Message flags(int flags) {
        LittleEndian.putU8(buffer, offset + FLAGS, flags);
        return this;
    }

    public Message sackCount(int count) {
        if (count < 0 || count > MAX_SACK_RANGES) {
            throw new IllegalArgumentException("at most " + MAX_SACK_RANGES + " sack ranges, not " + count);
        }
        LittleEndian.putU8(buffer, offset + SACK_COUNT, count);
        return this;
    }

    public Message dataLength(int length) {
        LittleEndian.putU16(buffer, offset + DATA_LENGTH, length);
        return this;
    }

    public Message window(long window) {
        LittleEndian.putU32(buffer, offset + WINDOW, window);
        return this;
    }

    public Message sequence(long sequence) {
        LittleEndian.putU64(buffer, offset + SEQUENCE, sequence);
        return this;
    }

    public Message ack(long ack) {
        LittleEndian.putU64(buffer, offset + ACK, ack);
        return this;
    }

    public Message timestamp(long micros) {
        LittleEndian.putU32(buffer, offset + TIMESTAMP, micros);
        return this;
    }

    public Message echo(long micros) {
        LittleEndian.putU32(buffer, offset + ECHO, micros);
        return this;
    }

    public Message ackDelay(long micros) {
        LittleEndian.putU32(buffer, offset + ACK_DELAY, micros);
        return this;
    }

    public Message sackRange(int i, long start, long length) {
        int at = offset + SACK_RANGES + i * SACK_RANGE_SIZE;
        LittleEndian.putU32(buffer, at, start);
        LittleEndian.putU32(buffer, at + 4, length);
        return this;
    }
}
