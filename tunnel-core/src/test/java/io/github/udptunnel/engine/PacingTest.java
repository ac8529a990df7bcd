package io.github.udptunnel.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.sim.LinkConditions;
import io.github.udptunnel.testing.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pacing: a window's packets leave spread over the round trip, at most {@link Sender#PACING_BURST_NANOS}' worth at
 * once, and still all within the round trip. After an idle spell a sender holds a large window and nothing in
 * flight: without pacing the whole window would leave at once, as one burst into the bottleneck's queue.
 */
class PacingTest {

    private static final LinkConditions PATH = LinkConditions.IDEAL.withBandwidthBitsPerSecond(100_000_000)
        .withDelay(Duration.ofMillis(20)).withQueueLimitPackets(1000);
    private static final int DATA_PACKET_BYTES = 1000;  // a full DATA packet is 1184 bytes, an ack about 100
    private static final int DATA_PER_PACKET = 1088;  // EngineConfig's default maxDataPerPacket

    static long[] seeds() {
        return Seeds.of(0x9ACE_0000L, 6);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void afterAnIdleSpellAWindowLeavesSpreadOverTheRoundTripNotAtOnce(long seed) {
        TunnelFixture f = new TunnelFixture(seed, PATH);
        long client = f.connect(Duration.ofSeconds(5));
        long server = f.acceptOne(Duration.ofSeconds(5));
        TunnelFixture.Transfer warmUp = f.transfer(f.client, client, f.server, server, 8 << 20, 64 * 1024,
            Duration.ofSeconds(30));
        assertThat(warmUp.completed).as("warm-up transfer; %s", f).isTrue();
        f.sim.runUntil(() -> false, Duration.ofMillis(500).toNanos());

        ConnectionStats before = f.client.connectionStats(client);
        int window = before.window();
        long srtt = before.smoothedRttNanos();
        assertThat(window).as("window after the warm-up; %s", f).isGreaterThan(200);
        List<Long> sentAt = new ArrayList<>();
        f.sim.addTap((now, from, to, datagram) -> {
            if (from.equals(TunnelFixture.CLIENT) && datagram.length >= DATA_PACKET_BYTES) {
                sentAt.add(now);
            }
        });
        long bytes = (long) window * DATA_PER_PACKET;
        TunnelFixture.Transfer burst = f.transfer(f.client, client, f.server, server, bytes, 64 * 1024,
            Duration.ofSeconds(10));
        assertThat(burst.completed && burst.intact()).as("the window's worth of data; %s", f).isTrue();

        long first = sentAt.get(0);
        long inFirstMillisecond = sentAt.stream().filter(t -> t < first + 1_000_000L).count();
        long inRoundTrip = sentAt.stream().filter(t -> t < first + srtt).count();
        // Paced at 1.25 windows per SRTT, a millisecond's packets plus the burst allowed ahead of the schedule.
        double perMillisecond = Sender.PACING_GAIN * window * 1e6 / srtt;
        long burstAllowed = (long) Math.ceil(perMillisecond * (1 + Sender.PACING_BURST_NANOS / 1e6)) + 2;
        assertThat(inFirstMillisecond).as("packets in the first millisecond of a window of %d, SRTT %d us; %s",
            window, srtt / 1000, f).isLessThanOrEqualTo(burstAllowed).isLessThan(window / 4);
        assertThat(inRoundTrip).as("packets within one SRTT of a window of %d; %s", window, f)
            .isGreaterThanOrEqualTo((long) (0.9 * window));
    }
}
