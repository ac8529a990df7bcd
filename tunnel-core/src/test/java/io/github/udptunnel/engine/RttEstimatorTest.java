package io.github.udptunnel.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The smoothed RTT, the base RTT and the retransmission timeout of {@link RttEstimator}. */
class RttEstimatorTest {

    private static final long MS = 1_000_000L;

    private final RttEstimator rtt = new RttEstimator(1000 * MS, 200 * MS, 60_000 * MS);

    @Test
    void beforeAnySampleTheTimeoutIsTheInitialOne() {
        assertThat(rtt.rto()).isEqualTo(1000 * MS);
    }

    @Test
    void onASteadyPathTheTimeoutStaysTheMinimumAboveTheRtt() {
        // 200 ms, every sample the same: the variation falls to nothing. A timeout of the RTT itself would fire
        // whenever a round's acks came a little late, since a window's acks arrive a round trip apart.
        for (int i = 0; i < 100; i++) {
            rtt.sample(200 * MS);
        }
        assertThat(rtt.smoothed()).isEqualTo(200 * MS);
        assertThat(rtt.rto()).isEqualTo(400 * MS);
    }

    @Test
    void aVaryingRttAddsFourVariationsWhenThatIsMore() {
        for (int i = 0; i < 40; i++) {
            rtt.sample((i % 2 == 0 ? 100 : 300) * MS);
        }
        assertThat(rtt.variation()).isGreaterThan(50 * MS);
        assertThat(rtt.rto()).isEqualTo(rtt.smoothed() + 4 * rtt.variation());
    }

    @Test
    void backOffsDoubleTheTimeoutUntilTheNextSample() {
        rtt.sample(10 * MS);
        long first = rtt.rto();
        rtt.backOff();
        rtt.backOff();
        assertThat(rtt.rto()).isEqualTo(4 * first);
        rtt.sample(10 * MS);
        assertThat(rtt.rto()).isEqualTo(first);
        assertThat(rtt.minimum()).isEqualTo(10 * MS);
    }
}
