package io.github.udptunnel.engine;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.github.udptunnel.sim.LinkConditions;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeScenarioTest {

    private static final LinkConditions LAN = LinkConditions.IDEAL.withDelay(Duration.ofMillis(5));

    @Test
    void aClientConnectsPinsTheKeyAndEchoes() {
        TunnelFixture f = new TunnelFixture(1, LAN);
        long c = f.connect(Duration.ofSeconds(5));
        assertThat(f.client.state(c)).as(f.toString()).isEqualTo(ConnectionState.ESTABLISHED);
        assertThat(f.knownHosts.lookup(TunnelFixture.HOST)).isEqualTo(f.serverKey.publicKey());
        long s = f.acceptOne(Duration.ofSeconds(1));
        assertThat(s).isNotNegative();

        byte[] hello = "hello, server".getBytes();
        assertThat(f.client.send(f.sim.now(), c, hello, 0, hello.length)).isTrue();
        byte[] in = new byte[100];
        int[] n = {-1};
        f.sim.runUntil(() -> (n[0] = f.server.receive(f.sim.now(), s, in, 0)) >= 0, Duration.ofSeconds(2).toNanos());
        assertThat(new String(in, 0, n[0])).isEqualTo("hello, server");
    }

    @Test
    void aMegabyteArrivesIntact() {
        TunnelFixture f = new TunnelFixture(2, LAN.withBandwidthBitsPerSecond(100_000_000));
        long c = f.connect(Duration.ofSeconds(5));
        long s = f.acceptOne(Duration.ofSeconds(1));
        TunnelFixture.Transfer t = f.transfer(f.client, c, f.server, s, 1 << 20, 4000, Duration.ofSeconds(30));
        assertThat(t.completed).as(f.toString()).isTrue();
        assertThat(t.intact()).isTrue();

        // The RTT histogram: 5 ms each way, so no sample at or below 5 ms, and all of them well below 100 ms.
        long[] bounds = EngineStats.rttBucketBoundsNanos();
        int fiveMs = java.util.Arrays.binarySearch(bounds, 5_000_000L);
        int hundredMs = java.util.Arrays.binarySearch(bounds, 100_000_000L);
        EngineStats sender = f.client.stats();
        long samples = sender.rttSamplesAtMost(bounds.length);
        assertThat(samples).as("RTT samples").isPositive();
        assertThat(sender.rttSamplesAtMost(fiveMs)).isZero();
        assertThat(sender.rttSamplesAtMost(hundredMs)).isEqualTo(samples);
    }
}
