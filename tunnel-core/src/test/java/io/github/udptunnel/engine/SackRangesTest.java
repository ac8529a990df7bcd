package io.github.udptunnel.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.testing.Seeds;
import io.github.udptunnel.wire.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which runs an ack names when there are more than its four sack ranges hold (docs/PROTOCOL.md, section 6): the runs
 * of the latest out-of-order packets, newest first, then the lowest. An ack may be lost; a run named by one ack only
 * would then never reach the sender, which takes its packets for lost and sends them again (through the lossy relay at
 * 5% each way, half of all retransmissions were of packets that had arrived).
 */
class SackRangesTest {

    private static final long MAX_ACK_DELAY = 1_000_000L;

    private SegmentPool pool;
    private Receiver receiver;
    private final ByteBuffer buffer = ByteBuffer.allocate(256);
    private final Message message = new Message();

    @BeforeEach
    void setUp() {
        pool = new SegmentPool(4096, 16);
        receiver = new Receiver(pool);
        receiver.reset(1 << 20, 1 << 20);
    }

    @Test
    void theRunsOfTheLatestOutOfOrderPacketsComeFirstNewestFirst() {
        for (long seq = 1; seq <= 11; seq += 2) {
            arrive(seq);  // six runs of one packet, 0 still missing
        }
        assertThat(ack()).containsExactly(new Run(11, 12), new Run(9, 10), new Run(7, 8), new Run(5, 6));
    }

    @Test
    void packetsThatExtendTheNewestRunKeepTheOlderRunsReported() {
        for (long seq : new long[] {1, 3, 5, 7, 9, 10, 11, 12}) {
            arrive(seq);
        }
        assertThat(ack()).containsExactly(new Run(9, 13), new Run(7, 8), new Run(5, 6), new Run(3, 4));
    }

    @Test
    void aRunIsNamedOnceAndTheRoomLeftGoesToTheLowestRuns() {
        for (long seq : new long[] {1, 3, 5, 7, 4, 6}) {
            arrive(seq);  // the last two fill the holes between 3, 5 and 7: one run of five
        }
        assertThat(ack()).containsExactly(new Run(3, 8), new Run(1, 2));
    }

    @Test
    void runsThatTheCumulativeAckPassedAreNotNamed() {
        for (long seq : new long[] {2, 4, 0, 1}) {
            arrive(seq);
        }
        assertThat(receiver.expected).isEqualTo(3);
        assertThat(ack()).containsExactly(new Run(4, 5));
    }

    static long[] seeds() {
        return Seeds.of(0x5ACC_0000L, 20);
    }

    /**
     * Packets arrive in a random order, some never; an ack follows every arrival. Each ack names only runs of packets
     * that arrived, each a whole run; all runs when there are at most four; and every packet that arrived out of
     * order is named by the ack right after it and by the three after that while it is above the cumulative ack, so
     * three acks in a row may be lost without the sender missing it.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyOutOfOrderPacketIsNamedInFourAcksInARow(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = 200 + random.nextInt(300);
        List<Long> order = arrivalOrder(random, count);
        BitSet arrived = new BitSet();
        List<Long> outOfOrder = new ArrayList<>();
        List<List<Run>> acks = new ArrayList<>();
        for (long seq : order) {
            boolean inOrder = seq == receiver.expected;
            arrive(seq);
            arrived.set((int) seq);
            outOfOrder.add(inOrder ? -1L : seq);
            List<Run> runs = ack();
            acks.add(runs);
            List<Run> actual = runsAbove(arrived, receiver.expected);
            assertThat(actual).as("seed %d", seed).containsAll(runs);
            if (actual.size() <= Message.MAX_SACK_RANGES) {
                assertThat(runs).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(actual);
            }
        }
        for (int i = 0; i < outOfOrder.size(); i++) {
            long seq = outOfOrder.get(i);
            for (int later = i; seq >= 0 && later < Math.min(i + 4, acks.size()); later++) {
                if (seq < cumulativeAfter(order, later)) {
                    break;
                }
                assertThat(acks.get(later)).as("seed %d: packet %d in the ack %d after it", seed, seq, later - i)
                    .anyMatch(run -> run.holds(seq));
            }
        }
    }

    /** Sequence numbers reordered within a dozen places, a random tenth of them lost. */
    private static List<Long> arrivalOrder(SplittableRandom random, int count) {
        List<Long> order = new ArrayList<>();
        for (long seq = 0; seq < count; seq++) {
            if (random.nextInt(10) != 0) {
                order.add(seq);
            }
        }
        for (int i = order.size() - 1; i > 0; i--) {
            int j = Math.max(0, i - random.nextInt(12));
            Long swap = order.get(i);
            order.set(i, order.get(j));
            order.set(j, swap);
        }
        return order;
    }

    /** The cumulative ack after the first {@code index + 1} arrivals of {@code order}. */
    private static long cumulativeAfter(List<Long> order, int index) {
        BitSet seen = new BitSet();
        for (int i = 0; i <= index; i++) {
            seen.set(order.get(i).intValue());
        }
        return seen.nextClearBit(0);
    }

    private static List<Run> runsAbove(BitSet arrived, long expected) {
        List<Run> runs = new ArrayList<>();
        int start = arrived.nextSetBit((int) expected);
        while (start >= 0) {
            int end = arrived.nextClearBit(start);
            runs.add(new Run(start, end));
            start = arrived.nextSetBit(end);
        }
        return runs;
    }

    private void arrive(long seq) {
        buffer.clear();
        Message m = message.wrapForWrite(buffer, 0).flags(Message.FLAG_RELIABLE).sackCount(0).dataLength(1)
            .window(1 << 20).sequence(seq).ack(0).timestamp(1).echo(0).ackDelay(0);
        buffer.put(m.dataIndex(), (byte) seq);
        assertThat(receiver.onReliable(0, m, buffer, MAX_ACK_DELAY)).isEqualTo(Receiver.Verdict.ACCEPTED);
    }

    /** The runs the next ack names, in its order. */
    private List<Run> ack() {
        buffer.clear();
        Message m = message.wrapForWrite(buffer, 0).flags(0).dataLength(0).sequence(0).timestamp(1);
        int n = receiver.writeAck(m, 0);
        receiver.acked();
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = m.ack() + m.sackStart(i);
            runs.add(new Run(start, start + m.sackLength(i)));
        }
        return runs;
    }

    record Run(long start, long end) {
        boolean holds(long seq) {
            return seq >= start && seq < end;
        }
    }
}
