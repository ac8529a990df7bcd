package io.github.udptunnel.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

import io.github.udptunnel.crypto.SecretBox;
import io.github.udptunnel.wire.DataPacket;
import io.github.udptunnel.wire.DropReason;
import io.github.udptunnel.wire.Message;

/**
 * The close linger (docs/PROTOCOL.md section 9) of connections that have closed, so that their slots are free at
 * once: for each, in parallel arrays made at start-up, only what acknowledging a retransmitted FIN needs.
 *
 * <p>One tombstone: C' (32 bytes, for the index), the connection key K (32), the highest counter received (8),
 * the next counter to send (8), the ack (8: the peer's FIN sequence number plus one), our next sequence number (8),
 * the window (4), the timestamp to echo and when it arrived (4 + 8), the peer's address (a reference to the
 * connection's), flags (1); and its share of the index (8), the expiry heap (16) and two queues (8): 149 bytes
 * measured, against 2,712 for a slot in the engine alone (its replay window is 1 KiB; the I/O layer adds a pair of
 * rings). When the table is full, the tombstone whose linger ends first goes.
 *
 * <p>A tombstone answers an authentic DATA packet whose counter is above every one it has seen and that carries a
 * RELIABLE sequence number below its ack (the FIN, or data before it, sent again because our ack was lost) with
 * that ack, sealed under the next counter. It drops anything else: a counter not above the highest seen
 * ({@code replayed}: stricter than a live connection's window, and a dropped retransmission is sent again), a box
 * that does not open ({@code box-invalid}), and an authentic packet that asks for no ack ({@code
 * closed-connection}).
 */
final class Tombstones {

    private static final int CLIENT = 1;
    /** An ack is owed: the tombstone waits in {@link #answers}. */
    private static final int ANSWER_DUE = 2;
    /** In the {@link #answers} queue (perhaps no longer due: it is skipped then). */
    private static final int QUEUED = 4;

    private final EngineStats stats;
    private final PacketCrypto crypto;
    private final Message reader;
    private final Message writer;
    /** The one box every tombstone's key is loaded into for a moment, and wiped after. */
    private final SecretBox box = new SecretBox();

    private final byte[] clientKeys;
    private final byte[] boxKeys;
    private final long[] highestReceived;
    private final long[] sendCounter;
    private final long[] ack;
    private final long[] sequence;
    private final int[] window;
    private final int[] echo;
    private final long[] echoArrival;
    private final byte[] flags;
    private final InetSocketAddress[] peer;

    private final ConnectionIndex index;
    private final DeadlineHeap expiry;
    private final IntQueue free;
    private final IntQueue answers;
    private int size;

    Tombstones(int capacity, long salt, EngineStats stats, PacketCrypto crypto, Message reader, Message writer) {
        this.stats = stats;
        this.crypto = crypto;
        this.reader = reader;
        this.writer = writer;
        clientKeys = new byte[capacity * 32];
        boxKeys = new byte[capacity * 32];
        highestReceived = new long[capacity];
        sendCounter = new long[capacity];
        ack = new long[capacity];
        sequence = new long[capacity];
        window = new int[capacity];
        echo = new int[capacity];
        echoArrival = new long[capacity];
        flags = new byte[capacity];
        peer = new InetSocketAddress[capacity];
        index = new ConnectionIndex(capacity, salt, clientKeys);
        expiry = new DeadlineHeap(capacity);
        free = new IntQueue(capacity);
        answers = new IntQueue(capacity);
        for (int i = 0; i < capacity; i++) {
            free.add(i);
        }
    }

    /**
     * Keeps what the linger of {@code c}, closed at {@code now}, needs until {@code until}; {@code answerDue} when
     * the ack of the peer's FIN is still owed. The caller then drops {@code c}'s key from its own index.
     */
    void add(Connection c, byte[] keys, long now, long until, boolean answerDue) {
        if (free.isEmpty()) {
            remove(expiry.earliestSlot());
            stats.increment(Counter.LINGERS_EVICTED);
        }
        int t = free.poll();
        System.arraycopy(keys, c.slot * 32, clientKeys, t * 32, 32);
        System.arraycopy(c.key, 0, boxKeys, t * 32, 32);
        highestReceived[t] = c.replay.highest();
        sendCounter[t] = c.sendCounter;
        ack[t] = c.receiver.expected;
        sequence[t] = c.sender.nextSequence;
        window[t] = (int) Math.min(Integer.MAX_VALUE, c.receiver.window());
        echo[t] = (int) c.receiver.echoTimestamp;
        echoArrival[t] = c.receiver.echoArrival;
        peer[t] = c.peer;
        flags[t] = (byte) ((flags[t] & QUEUED) | (c.client ? CLIENT : 0));
        index.add(t);
        expiry.set(t, until);
        size++;
        if (answerDue) {
            answerDue(t);
        }
    }

    /** The tombstone of the connection key at {@code key[off..off+32)}, or -1. */
    int find(byte[] key, int off) {
        return size == 0 ? -1 : index.find(key, off);
    }

    /** A DATA packet for tombstone {@code t}: answered with the ack (null) or dropped (the reason). */
    DropReason onData(int t, long now, InetSocketAddress from, DataPacket view) {
        long counter = view.counter();
        if (Long.compareUnsigned(counter, highestReceived[t]) <= 0) {
            return DropReason.REPLAYED;
        }
        box.setKey(boxKeys, t * 32);
        boolean authentic = crypto.openData(view, (flags[t] & CLIENT) == 0, box);
        box.wipe();
        if (!authentic) {
            return DropReason.BOX_INVALID;
        }
        Message m = reader;
        if (m.wrap(view.buffer(), view.boxIndex() + 16, view.boxLength() - 16) != null) {
            return DropReason.MESSAGE_MALFORMED;
        }
        highestReceived[t] = counter;
        if (!from.equals(peer[t])) {
            peer[t] = from;  // the newest authentic packet: the peer is there now (section 8)
            stats.increment(Counter.PEER_ADDRESS_CHANGES);
        }
        if (!m.hasFlag(Message.FLAG_RELIABLE) || Long.compareUnsigned(m.sequence(), ack[t]) >= 0) {
            return DropReason.CLOSED_CONNECTION;
        }
        echo[t] = (int) m.timestamp();
        echoArrival[t] = now;
        answerDue(t);
        return null;
    }

    private void answerDue(int t) {
        flags[t] |= ANSWER_DUE;
        if ((flags[t] & QUEUED) == 0) {
            flags[t] |= QUEUED;
            answers.add(t);
        }
    }

    boolean hasAnswers() {
        return !answers.isEmpty();
    }

    /** Writes the next ack owed into {@code out} and returns where it goes, or null when none is owed. */
    InetSocketAddress pollAnswer(long now, ByteBuffer out) {
        while (!answers.isEmpty()) {
            int t = answers.poll();
            int f = flags[t];
            flags[t] = (byte) (f & ~(QUEUED | ANSWER_DUE));
            if ((f & ANSWER_DUE) == 0) {
                continue;
            }
            int base = out.position();
            long echoed = echo[t] & 0xffff_ffffL;
            Message w = writer.wrapForWrite(out, base + DataPacket.BOX_OFFSET + 16);
            w.flags(0).sackCount(0).dataLength(0).sequence(sequence[t]).ack(ack[t]).window(window[t])
                .timestamp(Endpoint.timestamp(now)).echo(echoed)
                .ackDelay(echoed == 0 ? 0 : Math.min(0xffff_ffffL, (now - echoArrival[t]) / 1000));
            box.setKey(boxKeys, t * 32);
            int n = crypto.sealData(out, base, clientKeys, t * 32, (f & CLIENT) != 0, sendCounter[t]++, box,
                w.encodedLength());
            box.wipe();
            out.limit(base + n);
            stats.increment(Counter.DATA_SENT);
            stats.increment(Counter.LINGER_ACKS);
            stats.add(Counter.BYTES_SENT, n);
            return peer[t];
        }
        return null;
    }

    /** When the next linger ends, or Long.MAX_VALUE. */
    long nextExpiry() {
        return expiry.earliest();
    }

    /** Forgets every tombstone whose linger has ended by {@code now}. */
    void expire(long now) {
        while (expiry.earliest() <= now) {
            remove(expiry.earliestSlot());
        }
    }

    /** Forgets every tombstone. */
    void clear() {
        while (size > 0) {
            remove(expiry.earliestSlot());
        }
    }

    int size() {
        return size;
    }

    private void remove(int t) {
        index.remove(t);
        expiry.remove(t);
        Arrays.fill(boxKeys, t * 32, t * 32 + 32, (byte) 0);
        peer[t] = null;
        flags[t] &= QUEUED;  // a queued entry is skipped: no answer is due
        free.add(t);
        size--;
    }
}
