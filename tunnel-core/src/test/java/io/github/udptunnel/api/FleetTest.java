package io.github.udptunnel.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.engine.TunnelFixture;
import io.github.udptunnel.trust.InMemoryKnownHosts;

import static org.assertj.core.api.Assertions.assertThat;

/** Two server instances with one key on one UDP port (SO_REUSEPORT), over real sockets. */
class FleetTest {

    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @Test
    void twoInstancesOnOnePortServeAHundredClientsThatPinnedOneKey() throws Exception {
        KeyPair key = TunnelFixture.keyPair(0xF1EE7);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<TunnelEndpoint> instances = new ArrayList<>();
        List<Thread> echoes = new ArrayList<>();
        AtomicInteger[] served = {new AtomicInteger(), new AtomicInteger()};
        try {
            TunnelEndpoint first = TunnelEndpoint.server(key).bind(new InetSocketAddress(loopback, 0))
                .reusePort(true).name("fleet-0").open();
            instances.add(first);
            InetSocketAddress port = first.localAddress();
            instances.add(TunnelEndpoint.server(key).bind(port).reusePort(true).name("fleet-1").open());
            for (int i = 0; i < 2; i++) {
                TunnelEndpoint instance = instances.get(i);
                AtomicInteger count = served[i];
                Thread t = new Thread(() -> echo(instance, count), "fleet-echo-" + i);
                t.setDaemon(true);
                t.start();
                echoes.add(t);
            }
            InMemoryKnownHosts shared = new InMemoryKnownHosts();  // the clients' one known-hosts table
            for (int i = 0; i < 100; i++) {
                try (TunnelEndpoint client = TunnelEndpoint.client(shared).bind(new InetSocketAddress(loopback, 0))
                    .closeDrain(Duration.ZERO).open()) {
                    TunnelConnection c = client.connect(port, "fleet.example:" + port.getPort(), PATIENCE);
                    assertThat(c.serverFingerprint()).isEqualTo(key.publicKey().fingerprint());
                    byte[] hello = ("client " + i).getBytes();
                    c.send(hello);
                    assertThat(c.receive(PATIENCE)).isEqualTo(hello);
                    c.close();
                }
            }
            assertThat(shared.lookup("fleet.example:" + port.getPort())).isEqualTo(key.publicKey());
            assertThat(served[0].get() + served[1].get()).isEqualTo(100);
            // The kernel hashes each client's address: with 100 of them, both instances get some (all on one: 2^-99).
            assertThat(served[0].get()).as("instance 0 served").isPositive();
            assertThat(served[1].get()).as("instance 1 served").isPositive();
        } finally {
            for (TunnelEndpoint instance : instances) {
                instance.close(Duration.ZERO);
            }
            for (Thread t : echoes) {
                t.join();
            }
        }
    }

    private static void echo(TunnelEndpoint instance, AtomicInteger served) {
        try {
            while (true) {
                TunnelConnection c = instance.accept();
                byte[] m = c.receive();
                if (m != null) {
                    c.send(m);
                    served.incrementAndGet();
                }
                c.close();
            }
        } catch (EndpointClosedException closed) {
            // the test is over
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
