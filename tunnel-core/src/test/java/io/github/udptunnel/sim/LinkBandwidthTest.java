package io.github.udptunnel.sim;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static io.github.udptunnel.sim.Simulator.START_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

/** Serialization at the link's bandwidth, one datagram after another, and the drop-tail transmit queue. */
class LinkBandwidthTest {

    private static final long SEED = 0xBA0D_0000L;
    private static final long EIGHT_MEGABITS_PER_SECOND = 8_000_000L;
    private static final int DATAGRAM_BYTES = 1000;
    /** 1000 bytes at 8 Mbit/s. */
    private static final long SERIALIZATION_NANOS = Duration.ofMillis(1).toNanos();
    private static final long DELAY_NANOS = Duration.ofMillis(20).toNanos();

    private static final LinkConditions EIGHT_MEGABITS = LinkConditions.IDEAL
        .withBandwidthBitsPerSecond(EIGHT_MEGABITS_PER_SECOND)
        .withDelay(Duration.ofNanos(DELAY_NANOS));

    @Test
    void aHundredDatagramsOf1000BytesAt8MegabitsTakeExactly100Milliseconds() {
        PingPair pair = new PingPair(SEED, EIGHT_MEGABITS, 0, 100, DATAGRAM_BYTES).runToTheEnd();

        // Sent all at once, they leave one after another: datagram k is on the wire until (k + 1) ms.
        assertThat(pair.echo.arrivals).extracting(Arrival::atNanos).containsExactlyElementsOf(
            LongStream.rangeClosed(1, 100).mapToObj(k -> START_NANOS + DELAY_NANOS + k * SERIALIZATION_NANOS).toList());
        assertThat(pair.towardsEcho().bytesDelivered()).isEqualTo(100L * DATAGRAM_BYTES);
    }

    @Test
    void aFullQueueDropsTheExcessFromTheTail() {
        PingPair pair = new PingPair(SEED, EIGHT_MEGABITS.withQueueLimitPackets(100), 0, 150, DATAGRAM_BYTES)
            .runToTheEnd();
        Link link = pair.towardsEcho();

        assertThat(pair.echo.arrivals).extracting(Arrival::sequence)
            .containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
        assertThat(link.sent()).isEqualTo(150);
        assertThat(link.droppedByQueue()).isEqualTo(50);
        assertThat(link.delivered()).isEqualTo(100);
    }

    @Test
    void aSenderPacedAtTheLinkRateNeverFillsAOnePacketQueue() {
        // Each datagram finishes serializing exactly when the next is sent, so the queue is empty again by then.
        PingPair pair = new PingPair(SEED, EIGHT_MEGABITS.withQueueLimitPackets(1), SERIALIZATION_NANOS, 100,
            DATAGRAM_BYTES).runToTheEnd();

        assertThat(pair.towardsEcho().droppedByQueue()).isZero();
        assertThat(pair.echo.arrivals).hasSize(100);
    }

    @Test
    void twoSendersSharingABottleneckQueueBehindEachOtherAndOverflowItTogether() {
        Simulator sim = new Simulator(SEED);
        InetSocketAddress second = new InetSocketAddress("10.0.0.3", 40_001);
        PingEngine a = new PingEngine(PingPair.ECHO, START_NANOS, 0, 60, DATAGRAM_BYTES);
        PingEngine b = new PingEngine(PingPair.ECHO, START_NANOS, 0, 60, DATAGRAM_BYTES);
        EchoEngine echo = new EchoEngine();
        sim.addHost(PingPair.PINGER, a);
        sim.addHost(second, b);
        sim.addHost(PingPair.ECHO, echo);
        sim.setConditions(PingPair.PINGER, PingPair.ECHO, EIGHT_MEGABITS.withQueueLimitPackets(100));
        sim.setConditions(second, PingPair.ECHO, EIGHT_MEGABITS.withQueueLimitPackets(100));
        sim.shareBottleneck(second, PingPair.ECHO, PingPair.PINGER, PingPair.ECHO);
        sim.runFor(PingPair.SETTLE_NANOS);

        // 120 datagrams offered at once to one 100-packet buffer: the first sender's 60 and 40 of the second's.
        Link first = sim.link(PingPair.PINGER, PingPair.ECHO);
        Link other = sim.link(second, PingPair.ECHO);
        assertThat(first.droppedByQueue() + other.droppedByQueue()).isEqualTo(20);
        assertThat(first.delivered() + other.delivered()).isEqualTo(100);
        // One transmitter: the last of the hundred leaves at 100 ms, not 60 ms as on links of their own.
        assertThat(echo.arrivals).extracting(Arrival::atNanos).contains(START_NANOS + DELAY_NANOS
            + 100 * SERIALIZATION_NANOS).allMatch(t -> t <= START_NANOS + DELAY_NANOS + 100 * SERIALIZATION_NANOS);
    }

    @Test
    void withoutABandwidthNothingQueuesAndEverythingArrivesTogether() {
        PingPair pair = new PingPair(SEED, LinkConditions.IDEAL.withQueueLimitPackets(1), 0, 150, DATAGRAM_BYTES)
            .runToTheEnd();

        List<Long> times = pair.echo.arrivals.stream().map(Arrival::atNanos).distinct().toList();
        assertThat(times).containsExactly(START_NANOS);
        assertThat(pair.echo.arrivals).hasSize(150);
    }
}
