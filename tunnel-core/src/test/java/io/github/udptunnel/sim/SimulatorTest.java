package io.github.udptunnel.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.github.udptunnel.engine.DatagramEngine;

import static io.github.udptunnel.sim.Simulator.START_NANOS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The clock, the routing by address, injection, moving hosts and the guards against broken engines. */
class SimulatorTest {

    private static final long SEED = 0x51A1_0000L;
    private static final long MILLISECOND_NANOS = Duration.ofMillis(1).toNanos();
    private static final long SECOND_NANOS = Duration.ofSeconds(1).toNanos();

    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.1", 40_000);
    private static final InetSocketAddress CLIENT_MOVED = new InetSocketAddress("10.9.9.9", 50_000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.2", 4_000);
    private static final InetSocketAddress ATTACKER = new InetSocketAddress("10.6.6.6", 666);

    @Test
    void aPingRoundTripTakesExactlyTwiceTheOneWayDelay() {
        Simulator sim = new Simulator(SEED, LinkConditions.IDEAL.withDelay(Duration.ofMillis(20)));
        PingEngine pinger = new PingEngine(SERVER, START_NANOS, 0, 1, 100);
        EchoEngine echo = new EchoEngine();
        sim.addHost(CLIENT, pinger);
        sim.addHost(SERVER, echo);

        assertThat(sim.runUntil(() -> pinger.replies.size() == 1, SECOND_NANOS)).isTrue();

        assertThat(echo.arrivals.get(0).atNanos()).isEqualTo(START_NANOS + 20 * MILLISECOND_NANOS);
        assertThat(echo.arrivals.get(0).from()).isEqualTo(CLIENT);
        assertThat(pinger.replies.get(0).atNanos()).isEqualTo(START_NANOS + 40 * MILLISECOND_NANOS);
        assertThat(pinger.replies.get(0).from()).isEqualTo(SERVER);
        assertThat(sim.now()).as("stops at the step that made the condition true")
            .isEqualTo(pinger.replies.get(0).atNanos());
    }

    @Test
    void aRoundTripOnTenMegabitsAndTwentyMillisecondsEachWayAddsTheSerializationOfBothWays() {
        Simulator sim = new Simulator(SEED, LinkConditions.IDEAL
            .withBandwidthBitsPerSecond(10_000_000)
            .withDelay(Duration.ofMillis(20))
            .withQueueLimitPackets(100)
            .withLoss(0.01));
        PingEngine pinger = new PingEngine(SERVER, START_NANOS, 10 * MILLISECOND_NANOS, 100, 100);
        sim.addHost(CLIENT, pinger);
        sim.addHost(SERVER, new EchoEngine());

        sim.runFor(10 * SECOND_NANOS);

        long serializationNanos = 100 * 8 * SECOND_NANOS / 10_000_000; // 80 us for 100 bytes
        assertThat(pinger.replies).hasSizeBetween(90, 100).allSatisfy(reply ->
            assertThat(reply.atNanos() - pinger.sentAtNanos[(int) reply.sequence()])
                .isEqualTo(40 * MILLISECOND_NANOS + 2 * serializationNanos));
        assertThat(sim.toString()).contains("seed=" + SEED);
    }

    @Test
    void runUntilStopsAtExactlyTheTimeoutWhenTheConditionNeverHolds() {
        Simulator sim = new Simulator(SEED);
        sim.addHost(SERVER, new EchoEngine());

        assertThat(sim.runUntil(() -> false, SECOND_NANOS)).isFalse();
        assertThat(sim.now()).isEqualTo(START_NANOS + SECOND_NANOS);

        sim.run(START_NANOS + 3 * SECOND_NANOS);
        assertThat(sim.now()).isEqualTo(START_NANOS + 3 * SECOND_NANOS);
    }

    @Test
    void injectDeliversAtTheGivenInstantAndTapsDoNotSeeIt() {
        Simulator sim = new Simulator(SEED, LinkConditions.IDEAL.withDelay(Duration.ofMillis(20)));
        EchoEngine echo = new EchoEngine();
        sim.addHost(SERVER, echo);
        List<InetSocketAddress> tapped = new ArrayList<>();
        sim.addTap((now, from, to, datagram) -> tapped.add(from));

        long at = START_NANOS + 5 * MILLISECOND_NANOS + 123;
        sim.inject(at, ATTACKER, SERVER, new byte[] {1, 2, 3});
        sim.runFor(SECOND_NANOS);

        assertThat(echo.arrivals).singleElement().satisfies(a -> {
            assertThat(a.atNanos()).isEqualTo(at);
            assertThat(a.from()).isEqualTo(ATTACKER);
            assertThat(a.bytes()).containsExactly(1, 2, 3);
        });
        assertThat(tapped).as("only the echo's reply, which a host sent").containsExactly(SERVER);
        assertThat(sim.undeliverable()).as("the reply to the attacker, who is not a host").isEqualTo(1);
    }

    @Test
    void injectIntoThePastIsRefused() {
        Simulator sim = new Simulator(SEED);
        sim.runFor(SECOND_NANOS);

        assertThatThrownBy(() -> sim.inject(START_NANOS, ATTACKER, SERVER, new byte[1]))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seed=" + SEED);
    }

    @Test
    void moveHostChangesTheSourceAddressThePeerSeesAndDropsWhatWasInFlightToTheOldOne() {
        Simulator sim = new Simulator(SEED, LinkConditions.IDEAL.withDelay(Duration.ofMillis(10)));
        PingEngine pinger = new PingEngine(SERVER, START_NANOS, MILLISECOND_NANOS, 100, 100);
        EchoEngine echo = new EchoEngine();
        sim.addHost(CLIENT, pinger);
        sim.addHost(SERVER, echo);

        sim.run(START_NANOS + 50 * MILLISECOND_NANOS); // pings 0..50 go out from the old address
        sim.moveHost(CLIENT, CLIENT_MOVED);
        sim.runFor(SECOND_NANOS);

        assertThat(echo.arrivals).hasSize(100);
        assertThat(echo.arrivals).allSatisfy(a ->
            assertThat(a.from()).isEqualTo(a.sequence() <= 50 ? CLIENT : CLIENT_MOVED));
        // The reply to ping s comes back at s + 20 ms: those to pings 31..50 arrive after the move, at the old address.
        assertThat(sim.undeliverable()).isEqualTo(20);
        assertThat(pinger.replies).extracting(Arrival::sequence)
            .hasSize(80)
            .doesNotContainAnyElementsOf(LongStream.rangeClosed(31, 50).boxed().toList());
    }

    @Test
    void anEngineWhoseDeadlineNeverAdvancesIsNamed() {
        Simulator sim = new Simulator(SEED);
        sim.addHost(SERVER, new EchoEngine());
        sim.addHost(CLIENT, new StuckEngine());

        assertThatThrownBy(() -> sim.runFor(SECOND_NANOS))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(CLIENT.toString())
            .hasMessageContaining("StuckEngine")
            .hasMessageContaining("seed=" + SEED);
    }

    @Test
    void aDatagramLongerThan1232BytesIsAnEngineBug() {
        Simulator fine = new Simulator(SEED);
        fine.addHost(SERVER, new EchoEngine());
        fine.addHost(CLIENT, new PingEngine(SERVER, START_NANOS, 0, 1, Simulator.MAX_DATAGRAM_BYTES));
        fine.runFor(SECOND_NANOS);
        assertThat(fine.link(CLIENT, SERVER).bytesDelivered()).isEqualTo(Simulator.MAX_DATAGRAM_BYTES);

        Simulator sim = new Simulator(SEED);
        sim.addHost(SERVER, new EchoEngine());
        sim.addHost(CLIENT, new PingEngine(SERVER, START_NANOS, 0, 1, Simulator.MAX_DATAGRAM_BYTES + 1));
        assertThatThrownBy(() -> sim.runFor(SECOND_NANOS))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining(CLIENT.toString())
            .hasMessageContaining("1233 bytes");
    }

    @Test
    void eachDeliveryIsAFreshBufferHoldingJustTheDatagram() {
        Simulator sim = new Simulator(SEED, LinkConditions.IDEAL.withDuplication(1.0));
        InPlaceEngine server = new InPlaceEngine();
        sim.addHost(SERVER, server);
        sim.inject(START_NANOS, ATTACKER, SERVER, new byte[] {1, 2, 3});
        sim.addHost(CLIENT, new PingEngine(SERVER, START_NANOS, 0, 1, 10));
        sim.runFor(SECOND_NANOS);

        assertThat(server.received).extracting(ByteBuffer::position).containsExactly(0, 0, 0);
        assertThat(server.received).extracting(ByteBuffer::limit).containsExactly(3, 10, 10);
        assertThat(server.received).allSatisfy(b -> assertThat(b.hasArray()).isTrue());
        assertThat(server.firstBytes).as("writing into the original did not change its duplicate")
            .containsExactly((byte) 1, (byte) 0, (byte) 0);
    }

    /** Keeps each buffer it is handed and writes into it, as an engine that opens boxes in place does. */
    private static final class InPlaceEngine implements DatagramEngine {

        final List<ByteBuffer> received = new ArrayList<>();
        final List<Byte> firstBytes = new ArrayList<>();

        @Override
        public void handleDatagram(long nowNanos, InetSocketAddress from, ByteBuffer datagram) {
            received.add(datagram.duplicate()); // keeps position and limit as handed over
            firstBytes.add(datagram.get(0));
            datagram.put(0, (byte) 99);
        }

        @Override
        public InetSocketAddress pollTransmit(long nowNanos, ByteBuffer out) {
            return null;
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }

        @Override
        public void handleTimeout(long nowNanos) {
        }
    }

    /** Always wants a timeout now, however often it gets one. */
    private static final class StuckEngine implements DatagramEngine {

        @Override
        public void handleDatagram(long nowNanos, InetSocketAddress from, ByteBuffer datagram) {
        }

        @Override
        public InetSocketAddress pollTransmit(long nowNanos, ByteBuffer out) {
            return null;
        }

        @Override
        public long nextDeadline() {
            return START_NANOS;
        }

        @Override
        public void handleTimeout(long nowNanos) {
        }
    }
}
