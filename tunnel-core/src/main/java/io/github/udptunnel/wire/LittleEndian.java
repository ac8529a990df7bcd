package io.github.udptunnel.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Every integer on the wire is little-endian, whatever byte order the caller's buffer is set to. */
final class LittleEndian {

    private LittleEndian() {
    }

    static int getU8(ByteBuffer b, int i) {
        return b.get(i) & 0xff;
    }

    static int getU16(ByteBuffer b, int i) {
        short v = b.getShort(i);
        return (isLittle(b) ? v : Short.reverseBytes(v)) & 0xffff;
    }

    static long getU32(ByteBuffer b, int i) {
        int v = b.getInt(i);
        return (isLittle(b) ? v : Integer.reverseBytes(v)) & 0xffff_ffffL;
    }

    static long getU64(ByteBuffer b, int i) {
        long v = b.getLong(i);
        return isLittle(b) ? v : Long.reverseBytes(v);
    }

    static void putU8(ByteBuffer b, int i, int v) {
        b.put(i, (byte) v);
    }

    static void putU16(ByteBuffer b, int i, int v) {
        short s = (short) v;
        b.putShort(i, isLittle(b) ? s : Short.reverseBytes(s));
    }

    static void putU32(ByteBuffer b, int i, long v) {
        int s = (int) v;
        b.putInt(i, isLittle(b) ? s : Integer.reverseBytes(s));
    }

    static void putU64(ByteBuffer b, int i, long v) {
        b.putLong(i, isLittle(b) ? v : Long.reverseBytes(v));
    }

    private static boolean isLittle(ByteBuffer b) {
        return b.order() == ByteOrder.LITTLE_ENDIAN;
    }
}
