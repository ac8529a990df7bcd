package io.github.udptunnel.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.udptunnel.relay.RelayClient.Reply;
import io.github.udptunnel.relay.UdpRelay.Direction;
import io.github.udptunnel.sim.LinkConditions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The relay between a client and an echo target over real loopback sockets. Timing is only ever checked as a lower
 * bound (the machine is shared); counts that depend on the seeded random decisions have wide bounds.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class UdpRelayTest {

    private static final long SEED = 0x5E1A_0000L;
    /** Safety nets only: the machine is shared, so no step is expected to take less than minutes. */
    private static final Duration EXCHANGE_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration PATIENCE = Duration.ofMinutes(1);
    private static final Duration RECEIVE_SLICE = Duration.ofMillis(10);
    private static final long STALL_NANOS = Duration.ofMillis(100).toNanos();
    private static final int WINDOW = 32;
    private static final long MILLISECOND_NANOS = Duration.ofMillis(1).toNanos();

    private EchoTarget echo;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startEcho() throws IOException {
        echo = EchoTarget.start();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        echo.close();
    }

    private UdpRelay relay(LinkConditions clientToTarget, LinkConditions targetToClient) throws IOException {
        UdpRelay relay = UdpRelay.start(echo.address(), clientToTarget, targetToClient, SEED);
        toClose.add(relay);
        return relay;
    }

    private RelayClient client(UdpRelay relay) throws IOException {
        RelayClient client = new RelayClient(relay.address());
        toClose.add(client);
        return client;
    }

    // ------------------------------------------------------------------------------------------------------ (1)

    @Test
    void withoutImpairmentEveryDatagramComesBackIntactAndOnlyOnce() throws Exception {
        UdpRelay relay = relay(LinkConditions.IDEAL, LinkConditions.IDEAL);
        RelayClient client = client(relay);

        Exchange exchange = exchange(client, relay, 1000, seq -> 8 + seq % 300);

        assertThat(exchange.replies).hasSize(1000)
            .allSatisfy(reply -> assertThat(reply.from()).isEqualTo(relay.address()));
        assertThat(exchange.intactSequences()).containsExactlyInAnyOrderElementsOf(range(1000));
        for (Direction d : List.of(relay.clientToTarget(), relay.targetToClient())) {
            assertThat(d.received()).as(d.toString()).isEqualTo(1000);
            assertThat(d.forwarded()).as(d.toString()).isEqualTo(1000);
            assertThat(d.copiesSent()).as(d.toString()).isEqualTo(1000);
            assertThat(d.lost() + d.droppedByQueue() + d.duplicated() + d.corrupted() + d.reordered() + d.strays())
                .as(d.toString()).isZero();
        }
        assertThat(relay.clientCount()).isEqualTo(1);
        assertThat(echo.sources()).containsExactly(relay.upstreamAddress(client.address()).orElseThrow());
        assertThat(echo.sources().get(0)).isNotEqualTo(client.address());
    }

    @Test
    void theLargestAndTheEmptyDatagramPassUnchanged() throws Exception {
        UdpRelay relay = relay(LinkConditions.IDEAL, LinkConditions.IDEAL);
        RelayClient client = client(relay);
        byte[] largest = Payloads.numbered(7, UdpRelay.MAX_DATAGRAM_BYTES);

        client.send(largest);
        Reply big = client.receive(PATIENCE);
        client.send(new byte[0]);
        Reply empty = client.receive(PATIENCE);

        assertThat(big).isNotNull();
        assertThat(big.data()).isEqualTo(largest);
        assertThat(empty).isNotNull();
        assertThat(empty.data()).isEmpty();
        assertThat(relay.clientToTarget().bytesReceived()).isEqualTo(UdpRelay.MAX_DATAGRAM_BYTES);
    }

    @Test
    void distinctClientsGetDistinctUpstreamPorts() throws Exception {
        UdpRelay relay = relay(LinkConditions.IDEAL, LinkConditions.IDEAL);
        RelayClient first = client(relay);
        RelayClient second = client(relay);

        first.send(Payloads.numbered(1, 32));
        Reply toFirst = first.receive(PATIENCE);
        second.send(Payloads.numbered(2, 32));
        Reply toSecond = second.receive(PATIENCE);

        assertThat(toFirst).isNotNull();
        assertThat(Payloads.sequenceIfIntact(toFirst.data(), 3)).isEqualTo(1);
        assertThat(toSecond).isNotNull();
        assertThat(Payloads.sequenceIfIntact(toSecond.data(), 3)).isEqualTo(2);
        assertThat(echo.sources()).containsExactly(
            relay.upstreamAddress(first.address()).orElseThrow(),
            relay.upstreamAddress(second.address()).orElseThrow());
        assertThat(echo.sources().get(0).getPort()).isNotEqualTo(echo.sources().get(1).getPort());
    }

    // ------------------------------------------------------------------------------------------------------ (2)

    @Test
    void thirtyPercentLossEachWayLosesAboutHalfTheRoundTripsAndTheCountersAddUp() throws Exception {
        LinkConditions lossy = LinkConditions.IDEAL.withLoss(0.3);
        UdpRelay relay = relay(lossy, lossy);
        RelayClient client = client(relay);

        Exchange exchange = exchange(client, relay, 2000, seq -> 64);

        Direction up = relay.clientToTarget();
        Direction down = relay.targetToClient();
        assertThat(exchange.replies).hasSizeBetween(800, 1200); // 0.7 * 0.7 = 49 % expected
        assertThat(exchange.intactSequences()).hasSize(exchange.replies.size()).doesNotHaveDuplicates();
        assertAddsUp(up);
        assertAddsUp(down);
        assertThat(up.received()).isEqualTo(2000);
        assertThat(up.lost()).isBetween(450L, 750L);
        assertThat(down.received()).as("the echo answers everything that got through").isEqualTo(up.forwarded());
        assertThat(down.lost()).isPositive();
        assertThat(exchange.replies).hasSize((int) down.forwarded());
    }

    // ------------------------------------------------------------------------------------------------------ (3)

    @Test
    void fiftyMillisecondsEachWayNeverAnswerSoonerThanAHundredMilliseconds() throws Exception {
        LinkConditions slow = LinkConditions.IDEAL.withDelay(Duration.ofMillis(50)).withJitter(Duration.ofMillis(5));
        UdpRelay relay = relay(slow, slow);
        RelayClient client = client(relay);

        Exchange exchange = exchange(client, relay, 40, seq -> 100);

        assertThat(exchange.replies).hasSize(40).allSatisfy(reply -> {
            long sequence = Payloads.sequenceIfIntact(reply.data(), 40);
            assertThat(sequence).isNotNegative();
            assertThat(reply.atNanos() - exchange.sentAtNanos[(int) sequence])
                .as("round trip of #%d", sequence)
                .isGreaterThanOrEqualTo(100 * MILLISECOND_NANOS);
        });
    }

    @Test
    void jitterAloneNeverReorders() throws Exception {
        LinkConditions jittery = LinkConditions.IDEAL.withJitter(Duration.ofMillis(20));
        UdpRelay relay = relay(jittery, jittery);
        RelayClient client = client(relay);

        Exchange exchange = exchange(client, relay, 300, seq -> 40);

        assertThat(exchange.sequencesInArrivalOrder()).isSorted().hasSize(300);
    }

    @Test
    void bandwidthSerializesEachDatagramAfterThePreviousOne() throws Exception {
        // 1,000 bytes at 800 kbit/s take 10 ms each; twenty of them at least 200 ms.
        LinkConditions narrow = LinkConditions.IDEAL.withBandwidthBitsPerSecond(800_000).withQueueLimitPackets(100);
        UdpRelay relay = relay(narrow, LinkConditions.IDEAL);
        RelayClient client = client(relay);

        Exchange exchange = exchange(client, relay, 20, seq -> 1000);

        assertThat(exchange.replies).hasSize(20);
        long lastArrival = exchange.replies.stream().mapToLong(Reply::atNanos).max().orElseThrow();
        assertThat(lastArrival - exchange.sentAtNanos[0]).isGreaterThanOrEqualTo(200 * MILLISECOND_NANOS);
        assertThat(relay.clientToTarget().droppedByQueue()).isZero();
    }

    @Test
    void aFullTransmitQueueDropsTheTail() throws Exception {
        // 1,000 bytes at 80 kbit/s take 100 ms each: a sender stalled now and then still overfills a queue of five.
        LinkConditions narrow = LinkConditions.IDEAL.withBandwidthBitsPerSecond(80_000).withQueueLimitPackets(5);
        UdpRelay relay = relay(narrow, LinkConditions.IDEAL);
        RelayClient client = client(relay);

        Exchange exchange = exchange(client, relay, 50, seq -> 1000, 64); // a burst of 50

        Direction up = relay.clientToTarget();
        assertThat(up.droppedByQueue()).isPositive();
        assertAddsUp(up);
        assertThat(exchange.replies).hasSize((int) up.forwarded());
        assertThat(exchange.sequencesInArrivalOrder()).as("a queue does not reorder").isSorted();
    }

    @Test
    void aBottleneckInBytesHoldsNoMoreThanItsBufferAndDropsTheOverflow() throws Exception {
        // 100 kB/s with 8 kB of buffer; 200 datagrams of 1,000 bytes offered in bursts of 64, far faster than that.
        UdpRelay relay = relay(LinkConditions.IDEAL, LinkConditions.IDEAL);
        relay.clientToTarget().setBottleneck(100_000, 8_000);
        RelayClient client = client(relay);

        long start = System.nanoTime();
        Exchange exchange = exchange(client, relay, 200, seq -> 1000, 64);
        long elapsed = System.nanoTime() - start;

        Direction up = relay.clientToTarget();
        assertThat(up.maxBacklogBytes()).as(up.toString()).isPositive().isLessThanOrEqualTo(8_000);
        assertThat(up.droppedByQueue()).as(up.toString()).isPositive();
        assertAddsUp(up);
        assertThat(exchange.replies).hasSize((int) up.forwarded());
        assertThat(exchange.sequencesInArrivalOrder()).as("a queue does not reorder").isSorted();
        // Only an upper bound: a stalled machine forwards less, never more, than buffer plus rate times time.
        assertThat((double) up.bytesSent()).as(up.toString()).isLessThanOrEqualTo(8_000 + 100_000 * (elapsed / 1e9));
    }

    // ------------------------------------------------------------------------------------------------------ (4)

    @Test
    void duplicationDeliversSomeDatagramsTwiceAndCountsThem() throws Exception {
        UdpRelay relay = relay(LinkConditions.IDEAL.withDuplication(0.3), LinkConditions.IDEAL);
        RelayClient client = client(relay);

        Exchange exchange = exchange(client, relay, 500, seq -> 48);

        Direction up = relay.clientToTarget();
        Map<Long, Long> copies = exchange.intactSequences().stream()
            .collect(Collectors.groupingBy(seq -> seq, Collectors.counting()));
        assertThat(copies).hasSize(500);
        assertThat(copies.values()).allSatisfy(n -> assertThat(n).isBetween(1L, 2L));
        assertThat(copies.values().stream().filter(n -> n == 2).count()).isEqualTo(up.duplicated());
        assertThat(up.duplicated()).isBetween(90L, 210L);
        assertThat(up.copiesSent()).isEqualTo(500 + up.duplicated());
        assertAddsUp(up);
        assertThat(exchange.replies).hasSize(500 + (int) up.duplicated());
    }

    @Test
    void corruptionFlipsABitOfSomeDatagramsAndCountsThem() throws Exception {
        UdpRelay relay = relay(LinkConditions.IDEAL.withCorruption(0.2), LinkConditions.IDEAL);
        RelayClient client = client(relay);

        Exchange exchange = exchange(client, relay, 500, seq -> 16 + seq % 100);

        Direction up = relay.clientToTarget();
        List<Reply> damaged = exchange.replies.stream()
            .filter(reply -> Payloads.sequenceIfIntact(reply.data(), 500) < 0)
            .toList();
        assertThat(exchange.replies).hasSize(500);
        assertThat(damaged).hasSize((int) up.corrupted());
        assertThat(up.corrupted()).isBetween(50L, 150L);
        assertThat(exchange.intactSequences()).hasSize(500 - damaged.size()).doesNotHaveDuplicates();
        assertAddsUp(up);
        // Each damaged datagram is one of those sent with exactly one bit flipped.
        assertThat(damaged).allSatisfy(reply -> assertThat(bitsFromNearestSent(reply.data(), 500)).isEqualTo(1));
    }

    // ------------------------------------------------------------------------------------------------------ (5)

    @Test
    void reorderingDeliversSomeOutOfOrder() throws Exception {
        UdpRelay relay = relay(LinkConditions.IDEAL.withReordering(0.5, Duration.ofMillis(20)), LinkConditions.IDEAL);
        RelayClient client = client(relay);

        Exchange exchange = exchange(client, relay, 300, seq -> 40);

        List<Long> order = exchange.sequencesInArrivalOrder();
        long inversions = 0;
        for (int i = 1; i < order.size(); i++) {
            if (order.get(i) < order.get(i - 1)) {
                inversions++;
            }
        }
        assertThat(order).hasSize(300).doesNotHaveDuplicates();
        assertThat(inversions).as("arrivals out of order").isPositive();
        assertThat(relay.clientToTarget().reordered()).isBetween(90L, 210L);
        assertAddsUp(relay.clientToTarget());
    }

    // ------------------------------------------------------------------------------------------------------ (6)

    @Test
    void rebindUpstreamChangesTheSourceTheTargetSees() throws Exception {
        UdpRelay relay = relay(LinkConditions.IDEAL, LinkConditions.IDEAL);
        RelayClient client = client(relay);

        client.send(Payloads.numbered(0, 32));
        Reply before = client.receive(PATIENCE);
        InetSocketAddress first = relay.upstreamAddress(client.address()).orElseThrow();

        InetSocketAddress second = relay.rebindUpstream(client.address());
        client.send(Payloads.numbered(1, 32));
        Reply after = client.receive(PATIENCE);

        assertThat(before).isNotNull();
        assertThat(after).isNotNull();
        assertThat(Payloads.sequenceIfIntact(after.data(), 2)).isEqualTo(1);
        assertThat(after.from()).as("the client still hears the relay").isEqualTo(relay.address());
        assertThat(second.getPort()).isNotEqualTo(first.getPort());
        assertThat(relay.upstreamAddress(client.address())).contains(second);
        assertThat(echo.sources()).containsExactly(first, second);
        assertThatThrownBy(() -> relay.rebindUpstream(new InetSocketAddress("127.0.0.1", 9)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(relay.isRunning()).isTrue();
    }

    @Test
    void conditionsChangeWhileRunning() throws Exception {
        UdpRelay relay = relay(LinkConditions.IDEAL, LinkConditions.IDEAL);
        RelayClient client = client(relay);

        relay.setConditions(LinkConditions.IDEAL.withLoss(1.0), LinkConditions.IDEAL);
        Exchange blackHole = exchange(client, relay, 10, seq -> 32);
        relay.setConditions(LinkConditions.IDEAL, LinkConditions.IDEAL);
        client.send(Payloads.numbered(10, 32));
        Reply reply = client.receive(PATIENCE);

        assertThat(blackHole.replies).isEmpty();
        assertThat(relay.clientToTarget().lost()).isEqualTo(10);
        assertThat(reply).isNotNull();
        assertThat(Payloads.sequenceIfIntact(reply.data(), 11)).isEqualTo(10);
        assertThat(relay.clientToTarget().conditions()).isEqualTo(LinkConditions.IDEAL);
    }

    // ------------------------------------------------------------------------------------------------------ (7)

    @Test
    void closeStopsTheThreadAndIsIdempotent() throws Exception {
        UdpRelay relay = relay(LinkConditions.IDEAL.withDelay(Duration.ofHours(1)), LinkConditions.IDEAL);
        RelayClient client = client(relay);
        client.send(Payloads.numbered(0, 32)); // still waiting in the delay queue when the relay closes
        assertThat(BoundedPoll.until(PATIENCE, () -> relay.pending() == 1)).isTrue();
        Thread thread = relay.thread();
        assertThat(thread.getName()).isEqualTo("udp-relay");
        assertThat(thread.isDaemon()).isTrue();
        assertThat(thread.isAlive()).isTrue();

        relay.close();

        assertThat(thread.isAlive()).isFalse();
        assertThat(relay.isRunning()).isFalse();
        assertThat(relay.failure()).isEmpty();
        relay.close();
        relay.close();
        assertThatThrownBy(() -> relay.rebindUpstream(client.address())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailureOnTheRelayThreadIsRethrownByClose() throws Exception {
        UdpRelay relay = relay(LinkConditions.IDEAL, LinkConditions.IDEAL);
        IOException boom = new IOException("boom");

        assertThatThrownBy(() -> relay.failForTest(boom)).isInstanceOf(UncheckedIOException.class).hasCause(boom);
        assertThat(BoundedPoll.until(PATIENCE, () -> !relay.isRunning())).isTrue();

        assertThat(relay.failure()).containsSame(boom);
        assertThatThrownBy(relay::close).isInstanceOf(UncheckedIOException.class).hasCause(boom);
        relay.close(); // once is enough
    }

    @Test
    void onlyALoopbackTargetIsAccepted() {
        assertThatThrownBy(() -> UdpRelay.start(new InetSocketAddress("10.0.0.1", 4000), LinkConditions.IDEAL,
            LinkConditions.IDEAL, SEED)).isInstanceOf(IllegalArgumentException.class);
    }

    // -------------------------------------------------------------------------------------------------- helpers

    private static void assertAddsUp(Direction d) {
        assertThat(d.received()).as(d.toString()).isEqualTo(d.forwarded() + d.lost() + d.droppedByQueue());
        assertThat(d.copiesSent()).as(d.toString()).isEqualTo(d.forwarded() + d.duplicated());
    }

    private static List<Long> range(int count) {
        return LongStream.range(0, count).boxed().toList();
    }

    /** The fewest bits in which {@code data} differs from a numbered datagram of its size below {@code count}. */
    private static int bitsFromNearestSent(byte[] data, int count) {
        int best = Integer.MAX_VALUE;
        for (int seq = 0; seq < count; seq++) {
            byte[] sent = Payloads.numbered(seq, data.length);
            int bits = 0;
            for (int i = 0; i < data.length && bits < best; i++) {
                bits += Integer.bitCount((sent[i] ^ data[i]) & 0xFF);
            }
            best = Math.min(best, bits);
        }
        return best;
    }

    private static final class Exchange {
        final long[] sentAtNanos;
        final List<Reply> replies = new ArrayList<>();
        final int count;

        Exchange(int count) {
            this.count = count;
            this.sentAtNanos = new long[count];
        }

        List<Long> intactSequences() {
            return sequencesInArrivalOrder();
        }

        List<Long> sequencesInArrivalOrder() {
            List<Long> order = new ArrayList<>();
            for (Reply reply : replies) {
                long seq = Payloads.sequenceIfIntact(reply.data(), count);
                if (seq >= 0) {
                    order.add(seq);
                }
            }
            return order;
        }
    }

    private static Exchange exchange(RelayClient client, UdpRelay relay, int count, IntUnaryOperator sizeOf)
        throws IOException {
        return exchange(client, relay, count, sizeOf, WINDOW);
    }

    /**
     * Sends datagrams {@code 0..count-1} through the relay to the echo, at most about {@code window} in flight (what
     * the relay has dropped does not count, nor does a reply, intact or damaged; after a stall one more goes anyway),
     * then collects replies until the relay and the echo have nothing left in flight: every reply the relay sent has
     * arrived. The window keeps bursts well inside the sockets' receive buffers, so the kernel drops nothing.
     */
    private static Exchange exchange(RelayClient client, UdpRelay relay, int count, IntUnaryOperator sizeOf,
                                     int window) throws IOException {
        Exchange exchange = new Exchange(count);
        long deadline = System.nanoTime() + EXCHANGE_TIMEOUT.toNanos();
        long lastProgress = System.nanoTime();
        int sent = 0;
        BitSet answered = new BitSet(count);
        long damagedReplies = 0;
        for (long round = 0; round < 10_000_000 && sent < count; round++) {
            long now = System.nanoTime();
            if (now - deadline > 0) {
                fail("sent only " + sent + " of " + count + " in time; " + relay);
            }
            long dropped = relay.clientToTarget().lost() + relay.clientToTarget().droppedByQueue()
                + relay.targetToClient().lost() + relay.targetToClient().droppedByQueue();
            long inFlight = sent - answered.cardinality() - damagedReplies - dropped;
            boolean stalled = now - lastProgress > STALL_NANOS;
            if (inFlight < window || stalled) {
                byte[] datagram = Payloads.numbered(sent, sizeOf.applyAsInt(sent));
                exchange.sentAtNanos[sent] = System.nanoTime();
                client.send(datagram);
                sent++;
                if (stalled) {
                    lastProgress = now;
                }
                continue;
            }
            Reply reply = client.receive(RECEIVE_SLICE);
            if (reply != null) {
                exchange.replies.add(reply);
                long seq = Payloads.sequenceIfIntact(reply.data(), count);
                if (seq >= 0) {
                    answered.set((int) seq); // a duplicate answers nothing more
                } else {
                    damagedReplies++;
                }
                lastProgress = System.nanoTime();
            }
        }
        for (long round = 0; round < 10_000_000; round++) {
            if (drained(relay, count, exchange)) {
                return exchange;
            }
            if (System.nanoTime() - deadline > 0) {
                break;
            }
            Reply reply = client.receive(RECEIVE_SLICE);
            if (reply != null) {
                exchange.replies.add(reply);
            }
        }
        fail("not drained in time: " + exchange.replies.size() + " replies, " + relay);
        return exchange;
    }

    /**
     * Nothing in flight any more. Read in the order the datagrams travel, so that a true answer is not a race: all
     * sent are read by the relay, then nothing pending means all copies towards the echo have gone; the echo has
     * answered them all and nothing is pending again means all replies have gone; the client has them all.
     */
    private static boolean drained(UdpRelay relay, int count, Exchange exchange) {
        Direction up = relay.clientToTarget();
        Direction down = relay.targetToClient();
        if (up.received() != count || relay.pending() != 0) {
            return false;
        }
        long upCopies = up.copiesSent();
        if (down.received() != upCopies || relay.pending() != 0) {
            return false;
        }
        return exchange.replies.size() == down.copiesSent();
    }
}
