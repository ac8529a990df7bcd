package io.github.udptunnel.relay;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Numbered datagrams whose body is a function of the number: an 8-byte sequence number, then bytes drawn from a
 * random stream seeded by it. A datagram with any bit flipped is recognisably not intact.
 */
final class Payloads {

    static final int HEADER_BYTES = Long.BYTES;

    private Payloads() {
    }

    static byte[] numbered(long sequence, int size) {
        if (size < HEADER_BYTES) {
            throw new IllegalArgumentException("size must be at least " + HEADER_BYTES + ": " + size);
        }
        byte[] datagram = new byte[size];
        ByteBuffer.wrap(datagram).putLong(sequence);
        SplittableRandom body = new SplittableRandom(sequence * 0x9E37_79B9_7F4A_7C15L + size);
        for (int i = HEADER_BYTES; i < size; i++) {
            datagram[i] = (byte) body.nextInt(256);
        }
        return datagram;
    }

    /** The sequence number of an intact datagram below {@code count}, or -1. */
    static long sequenceIfIntact(byte[] datagram, long count) {
        if (datagram.length < HEADER_BYTES) {
            return -1;
        }
        long sequence = ByteBuffer.wrap(datagram).getLong();
        if (sequence < 0 || sequence >= count) {
            return -1;
        }
        return Arrays.equals(datagram, numbered(sequence, datagram.length)) ? sequence : -1;
    }
}
