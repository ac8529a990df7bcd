package io.github.udptunnel.engine;

import java.time.Duration;
import java.util.Objects;

import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.crypto.KeystreamRandom;

/**
 * Everything an {@link Endpoint} is made with. Defaults are docs/PROTOCOL.md's; every setter checks its value and
 * names it in the exception, so a bad configuration fails at start-up.
 */
public final class EngineConfig {

    final KeyPair serverKey;
    final KeystreamRandom random;
    final int maxConnections;
    final int closeLingerCapacity;
    final int bufferSegments;
    final int maxDataPerPacket;
    final int maxMessageBytes;
    final int receiveWindowBytes;
    final int sendBufferBytes;
    final long handshakeRetransmitNanos;
    final long handshakeRetransmitMaxNanos;
    final long connectTimeoutNanos;
    final long idleTimeoutNanos;
    final long keepaliveNanos;
    final long maxAckDelayNanos;
    final long initialRtoNanos;
    final long minRtoNanos;
    final long maxRtoNanos;
    final long minuteKeyNanos;
    final int cookiesPerMinuteKey;
    final int handshakesPerSecond;
    final int handshakeBurst;
    final int handshakesPerSecondPerSource;
    final int handshakeBurstPerSource;
    final CongestionAlgorithm congestionAlgorithm;

    private EngineConfig(Builder b) {
        serverKey = b.serverKey;
        random = b.random;
        maxConnections = b.maxConnections;
        closeLingerCapacity = b.closeLingerCapacity > 0 ? b.closeLingerCapacity : b.maxConnections;
        bufferSegments = b.bufferSegments;
        maxDataPerPacket = b.maxDataPerPacket;
        maxMessageBytes = b.maxMessageBytes;
        receiveWindowBytes = b.receiveWindowBytes;
        sendBufferBytes = b.sendBufferBytes;
        handshakeRetransmitNanos = b.handshakeRetransmit.toNanos();
        handshakeRetransmitMaxNanos = b.handshakeRetransmitMax.toNanos();
        connectTimeoutNanos = b.connectTimeout.toNanos();
        idleTimeoutNanos = b.idleTimeout.toNanos();
        keepaliveNanos = b.keepalive.toNanos();
        maxAckDelayNanos = b.maxAckDelay.toNanos();
        initialRtoNanos = b.initialRto.toNanos();
        minRtoNanos = b.minRto.toNanos();
        maxRtoNanos = b.maxRto.toNanos();
        minuteKeyNanos = b.minuteKeyPeriod.toNanos();
        cookiesPerMinuteKey = b.cookiesPerMinuteKey;
        handshakesPerSecond = b.handshakesPerSecond;
        handshakeBurst = b.handshakeBurst;
        handshakesPerSecondPerSource = b.handshakesPerSecondPerSource;
        handshakeBurstPerSource = b.handshakeBurstPerSource;
        congestionAlgorithm = b.congestionAlgorithm;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when this endpoint accepts connections (it has a long-term key). */
    public boolean isServer() {
        return serverKey != null;
    }

    public static final class Builder {
        private KeyPair serverKey;
        private KeystreamRandom random;
        private int maxConnections = 1024;
        /** 0: as many as maxConnections. */
        private int closeLingerCapacity;
        private int bufferSegments = 16384;
        private int maxDataPerPacket = 1088;
        private int maxMessageBytes = 1 << 20;
        private int receiveWindowBytes = 2 << 20;
        private int sendBufferBytes = 2 << 20;
        private Duration handshakeRetransmit = Duration.ofMillis(250);
        private Duration handshakeRetransmitMax = Duration.ofSeconds(2);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private Duration keepalive = Duration.ZERO;
        private Duration maxAckDelay = Duration.ofMillis(10);
        private Duration initialRto = Duration.ofSeconds(1);
        private Duration minRto = Duration.ofMillis(200);
        private Duration maxRto = Duration.ofSeconds(60);
        private Duration minuteKeyPeriod = Duration.ofSeconds(60);
        private int cookiesPerMinuteKey = 1 << 20;
        private int handshakesPerSecond = 10_000;
        private int handshakeBurst = 1_000;
        private int handshakesPerSecondPerSource = 20;
        private int handshakeBurstPerSource = 5;
        private CongestionAlgorithm congestionAlgorithm = CongestionAlgorithm.DELAY_TARGET;

        /** The server's long-term key: makes this endpoint a server. Without one it is a client. */
        public Builder serverKey(KeyPair key) {
            this.serverKey = Objects.requireNonNull(key, "serverKey");
            return this;
        }

        /** The source of connection keys and nonces; a seeded one makes simulations reproducible. */
        public Builder random(KeystreamRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public Builder maxConnections(int n) {
            this.maxConnections = atLeast("maxConnections", n, 1);
            return this;
        }

        /**
         * Closed connections remembered at once for their close linger, each in a small tombstone rather than a
         * slot (docs/PROTOCOL.md section 9); by default as many as {@link #maxConnections}. When the table is full,
         * the tombstone whose linger ends first is dropped.
         */
        public Builder closeLingerCapacity(int n) {
            this.closeLingerCapacity = atLeast("closeLingerCapacity", n, 1);
            return this;
        }

        /** Packet-sized buffers shared by every connection's send and receive data. */
        public Builder bufferSegments(int n) {
            this.bufferSegments = atLeast("bufferSegments", n, 64);
            return this;
        }

        public Builder maxDataPerPacket(int n) {
            this.maxDataPerPacket = between("maxDataPerPacket", n, 64,
                io.github.udptunnel.wire.DataPacket.MAX_MESSAGE_SIZE - io.github.udptunnel.wire.Message.MAX_HEADER_SIZE);
            return this;
        }

        public Builder maxMessageBytes(int n) {
            this.maxMessageBytes = atLeast("maxMessageBytes", n, 1);
            return this;
        }

        public Builder receiveWindowBytes(int n) {
            // The window the peer assumes before it hears from us (PROTOCOL.md, section 6) must be there.
            this.receiveWindowBytes = atLeast("receiveWindowBytes", n, Sender.INITIAL_PEER_WINDOW);
            return this;
        }

        public Builder sendBufferBytes(int n) {
            this.sendBufferBytes = atLeast("sendBufferBytes", n, 4096);
            return this;
        }

        public Builder handshakeRetransmit(Duration first, Duration max) {
            this.handshakeRetransmit = positive("handshakeRetransmit", first);
            this.handshakeRetransmitMax = positive("handshakeRetransmitMax", max);
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive("connectTimeout", d);
            return this;
        }

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = positive("idleTimeout", d);
            return this;
        }

        /** Zero turns keepalive off (the default). */
        public Builder keepalive(Duration d) {
            this.keepalive = notNegative("keepalive", d);
            return this;
        }

        public Builder maxAckDelay(Duration d) {
            this.maxAckDelay = notNegative("maxAckDelay", d);
            return this;
        }

        public Builder retransmissionTimeouts(Duration initial, Duration min, Duration max) {
            this.initialRto = positive("initialRto", initial);
            this.minRto = positive("minRto", min);
            this.maxRto = positive("maxRto", max);
            return this;
        }

        public Builder minuteKeyPeriod(Duration d) {
            this.minuteKeyPeriod = positive("minuteKeyPeriod", d);
            return this;
        }

        public Builder cookiesPerMinuteKey(int n) {
            this.cookiesPerMinuteKey = atLeast("cookiesPerMinuteKey", n, 64);
            return this;
        }

        public Builder handshakeRateLimit(int perSecond, int burst) {
            this.handshakesPerSecond = atLeast("handshakesPerSecond", perSecond, 1);
            this.handshakeBurst = atLeast("handshakeBurst", burst, 1);
            return this;
        }

        public Builder handshakeRateLimitPerSource(int perSecond, int burst) {
            this.handshakesPerSecondPerSource = atLeast("handshakesPerSecondPerSource", perSecond, 1);
            this.handshakeBurstPerSource = atLeast("handshakeBurstPerSource", burst, 1);
            return this;
        }

        /**
         * The congestion control of every connection's sender: {@link CongestionAlgorithm#DELAY_TARGET} by default;
         * the others are there to be compared with it (docs/CONGESTION.md).
         */
        public Builder congestionAlgorithm(CongestionAlgorithm algorithm) {
            this.congestionAlgorithm = Objects.requireNonNull(algorithm, "congestionAlgorithm");
            return this;
        }

        public EngineConfig build() {
            if (random == null) {
                random = KeystreamRandom.from(new java.security.SecureRandom());
            }
            if (receiveWindowBytes < maxMessageBytes) {
                throw new IllegalArgumentException("receiveWindowBytes (" + receiveWindowBytes
                    + ") must be at least maxMessageBytes (" + maxMessageBytes + "): a whole message must fit");
            }
            if (minRto.compareTo(maxRto) > 0) {
                throw new IllegalArgumentException("minRto (" + minRto + ") is above maxRto (" + maxRto + ")");
            }
            return new EngineConfig(this);
        }

        private static int atLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", not " + value);
            }
            return value;
        }

        private static int between(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", not " + value);
            }
            return value;
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, not " + d);
            }
            return d;
        }

        private static Duration notNegative(String name, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be zero or positive, not " + d);
            }
            return d;
        }
    }
}
