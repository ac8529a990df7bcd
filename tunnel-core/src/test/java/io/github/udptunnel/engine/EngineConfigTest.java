package io.github.udptunnel.engine;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.crypto.KeystreamRandom;
import io.github.udptunnel.wire.DataPacket;
import io.github.udptunnel.wire.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link EngineConfig.Builder}: every bad value fails with an IllegalArgumentException that names the setting. */
class EngineConfigTest {

    private static final Duration ZERO = Duration.ZERO;
    private static final Duration NEG = Duration.ofNanos(-1);
    private static final Duration ONE = Duration.ofMillis(1);
    private static final int MAX_DATA = DataPacket.MAX_MESSAGE_SIZE - Message.MAX_HEADER_SIZE;

    /** A client configuration that builds. */
    private static EngineConfig.Builder client() {
        return EngineConfig.builder().random(KeystreamRandom.seeded(7));
    }

    private static EngineConfig.Builder server() {
        return EngineConfig.builder().serverKey(TunnelFixture.keyPair(11)).random(KeystreamRandom.seeded(8));
    }

    private static Arguments bad(String name, UnaryOperator<EngineConfig.Builder> change) {
        return Arguments.of(name, change);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
            bad("maxConnections", b -> b.maxConnections(0)),
            bad("maxConnections", b -> b.maxConnections(-1)),
            bad("maxConnections", b -> b.maxConnections(Integer.MIN_VALUE)),
            bad("bufferSegments", b -> b.bufferSegments(63)),
            bad("bufferSegments", b -> b.bufferSegments(0)),
            bad("maxDataPerPacket", b -> b.maxDataPerPacket(63)),
            bad("maxDataPerPacket", b -> b.maxDataPerPacket(MAX_DATA + 1)),
            bad("maxDataPerPacket", b -> b.maxDataPerPacket(-1)),
            bad("maxMessageBytes", b -> b.maxMessageBytes(0)),
            bad("maxMessageBytes", b -> b.maxMessageBytes(-5)),
            bad("receiveWindowBytes", b -> b.receiveWindowBytes(4095)),
            bad("receiveWindowBytes", b -> b.maxMessageBytes(1).receiveWindowBytes(4095)),   // the setter's own floor
            bad("receiveWindowBytes", b -> b.receiveWindowBytes(0)),
            bad("receiveWindowBytes", b -> b.receiveWindowBytes(8192)),              // below maxMessageBytes
            bad("receiveWindowBytes", b -> b.maxMessageBytes(100_000).receiveWindowBytes(99_999)),
            bad("receiveWindowBytes", b -> b.receiveWindowBytes(100_000).maxMessageBytes(100_001)),
            bad("sendBufferBytes", b -> b.sendBufferBytes(4095)),
            bad("sendBufferBytes", b -> b.sendBufferBytes(-1)),
            bad("handshakeRetransmit", b -> b.handshakeRetransmit(ZERO, ONE)),
            bad("handshakeRetransmit", b -> b.handshakeRetransmit(NEG, ONE)),
            bad("handshakeRetransmit", b -> b.handshakeRetransmit(null, ONE)),
            bad("handshakeRetransmitMax", b -> b.handshakeRetransmit(ONE, ZERO)),
            bad("handshakeRetransmitMax", b -> b.handshakeRetransmit(ONE, NEG)),
            bad("connectTimeout", b -> b.connectTimeout(ZERO)),
            bad("connectTimeout", b -> b.connectTimeout(NEG)),
            bad("connectTimeout", b -> b.connectTimeout(null)),
            bad("idleTimeout", b -> b.idleTimeout(ZERO)),
            bad("idleTimeout", b -> b.idleTimeout(Duration.ofSeconds(-30))),
            bad("keepalive", b -> b.keepalive(NEG)),
            bad("keepalive", b -> b.keepalive(null)),
            bad("maxAckDelay", b -> b.maxAckDelay(NEG)),
            bad("maxAckDelay", b -> b.maxAckDelay(null)),
            bad("initialRto", b -> b.retransmissionTimeouts(ZERO, ONE, ONE)),
            bad("initialRto", b -> b.retransmissionTimeouts(NEG, ONE, ONE)),
            bad("minRto", b -> b.retransmissionTimeouts(ONE, ZERO, ONE)),
            bad("minRto", b -> b.retransmissionTimeouts(ONE, NEG, ONE)),
            bad("maxRto", b -> b.retransmissionTimeouts(ONE, ONE, ZERO)),
            bad("maxRto", b -> b.retransmissionTimeouts(ONE, ONE, NEG)),
            bad("minRto", b -> b.retransmissionTimeouts(ONE, Duration.ofMillis(2), ONE)),   // above maxRto
            bad("minuteKeyPeriod", b -> b.minuteKeyPeriod(ZERO)),
            bad("minuteKeyPeriod", b -> b.minuteKeyPeriod(NEG)),
            bad("cookiesPerMinuteKey", b -> b.cookiesPerMinuteKey(63)),
            bad("cookiesPerMinuteKey", b -> b.cookiesPerMinuteKey(0)),
            bad("handshakesPerSecond", b -> b.handshakeRateLimit(0, 1)),
            bad("handshakeBurst", b -> b.handshakeRateLimit(1, 0)),
            bad("handshakesPerSecondPerSource", b -> b.handshakeRateLimitPerSource(0, 1)),
            bad("handshakeBurstPerSource", b -> b.handshakeRateLimitPerSource(1, -1)));
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("badValues")
    void aBadValueFailsNamingItsSetting(String name, UnaryOperator<EngineConfig.Builder> change) {
        for (EngineConfig.Builder b : new EngineConfig.Builder[] {client(), server()}) {
            // The check may be in the setter or in build(); either way, before an EngineConfig exists.
            assertThatThrownBy(() -> change.apply(b).build())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).as("names %s first", name)
                    .matches(java.util.regex.Pattern.quote(name) + "\\b.*"));
        }
    }

    @Test
    void anEndpointWithAServerKeyIsAServerAndOneWithoutIsAClient() {
        EngineConfig config = server().build();
        assertThat(config.isServer()).isTrue();
        assertThat(client().build().isServer()).isFalse();
    }

    @Test
    void missingObjectsAreRefusedNamingTheSetting() {
        // Null objects fail as Objects.requireNonNull does; the message still names the setting.
        assertThatThrownBy(() -> EngineConfig.builder().serverKey(null))
            .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class)
            .hasMessageContaining("serverKey");
        assertThatThrownBy(() -> EngineConfig.builder().random(null))
            .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class)
            .hasMessageContaining("random");
    }

    @Test
    void valuesOnTheBoundaryAreAccepted() {
        EngineConfig c = client()
            .maxConnections(1)
            .bufferSegments(64)
            .maxDataPerPacket(64)
            .maxMessageBytes(4096)
            .receiveWindowBytes(4096)                          // equal to maxMessageBytes: a whole message fits
            .sendBufferBytes(4096)
            .handshakeRetransmit(Duration.ofNanos(1), Duration.ofNanos(1))
            .connectTimeout(Duration.ofNanos(1))
            .idleTimeout(Duration.ofNanos(1))
            .keepalive(ZERO)                                   // zero turns keepalive off
            .maxAckDelay(ZERO)
            .retransmissionTimeouts(ONE, ONE, ONE)             // minRto equal to maxRto
            .minuteKeyPeriod(Duration.ofNanos(1))
            .cookiesPerMinuteKey(64)
            .handshakeRateLimit(1, 1)
            .handshakeRateLimitPerSource(1, 1)
            .build();
        assertThat(c.maxConnections).isEqualTo(1);
        assertThat(c.bufferSegments).isEqualTo(64);
        assertThat(c.maxDataPerPacket).isEqualTo(64);
        assertThat(c.receiveWindowBytes).isEqualTo(4096);
        assertThat(c.maxMessageBytes).isEqualTo(4096);
        assertThat(c.keepaliveNanos).isZero();
        assertThat(c.maxAckDelayNanos).isZero();
        assertThat(c.minRtoNanos).isEqualTo(c.maxRtoNanos).isEqualTo(1_000_000L);
        assertThat(c.cookiesPerMinuteKey).isEqualTo(64);

        EngineConfig top = server().maxDataPerPacket(MAX_DATA).build();
        assertThat(top.maxDataPerPacket).isEqualTo(MAX_DATA);
    }

    @Test
    void defaultsBuildAndMatchTheProtocolDocument() {
        EngineConfig c = client().build();
        assertThat(c.maxDataPerPacket).isEqualTo(1088);
        assertThat(c.receiveWindowBytes).isEqualTo(2 << 20);
        assertThat(c.sendBufferBytes).isEqualTo(2 << 20);
        assertThat(c.maxAckDelayNanos).isEqualTo(Duration.ofMillis(10).toNanos());
        assertThat(c.initialRtoNanos).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(c.minRtoNanos).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(c.maxRtoNanos).isEqualTo(Duration.ofSeconds(60).toNanos());
        assertThat(c.keepaliveNanos).isZero();
        assertThat(c.handshakeRetransmitNanos).isEqualTo(Duration.ofMillis(250).toNanos());
        assertThat(c.handshakeRetransmitMaxNanos).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(c.connectTimeoutNanos).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(c.minuteKeyNanos).isEqualTo(Duration.ofSeconds(60).toNanos());
        assertThat(c.idleTimeoutNanos).isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(c.maxMessageBytes).isEqualTo(1 << 20);
        assertThat(c.handshakesPerSecond).isEqualTo(10_000);
        assertThat(c.handshakeBurst).isEqualTo(1_000);
        assertThat(c.handshakesPerSecondPerSource).isEqualTo(20);
        assertThat(c.handshakeBurstPerSource).isEqualTo(5);
        assertThat(c.cookiesPerMinuteKey).isEqualTo(1 << 20);
        assertThat(c.congestionAlgorithm).isEqualTo(CongestionAlgorithm.DELAY_TARGET);
    }
}
