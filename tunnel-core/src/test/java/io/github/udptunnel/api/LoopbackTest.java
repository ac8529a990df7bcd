package io.github.udptunnel.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.engine.TunnelFixture;
import io.github.udptunnel.trust.InMemoryKnownHosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The socket-like API over real loopback UDP sockets. */
class LoopbackTest {

    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** A safety net only: on loopback every wait below ends in milliseconds, even on a busy machine. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private final KeyPair serverKey = TunnelFixture.keyPair(77);
    private TunnelEndpoint server;
    private TunnelEndpoint client;

    @AfterEach
    void closeEndpoints() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void open() throws Exception {
        server = TunnelEndpoint.server(serverKey).bind(ANY_LOOPBACK).name("test-server").open();
        client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(ANY_LOOPBACK).name("test-client").open();
    }

    @Test
    void echo() throws Exception {
        open();
        TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
        TunnelConnection s = server.accept(PATIENCE);
        assertThat(s).isNotNull();
        assertThat(c.serverFingerprint()).isEqualTo(serverKey.publicKey().fingerprint());
        c.send("ping".getBytes());
        byte[] got = s.receive(PATIENCE);
        assertThat(new String(got)).isEqualTo("ping");
        s.send(got);
        assertThat(new String(c.receive(PATIENCE))).isEqualTo("ping");
        byte[] empty = new byte[0];
        c.send(empty);
        assertThat(s.receive(PATIENCE)).isEmpty();
        assertThat(server.stats().get(io.github.udptunnel.engine.Counter.MESSAGES_DELIVERED))
            .as("the worker's path counts what it hands over, the empty message too").isEqualTo(2);

        assertThat(server.stats().openConnections()).isEqualTo(1);
        assertThat(server.connections()).singleElement().satisfies(row -> {
            assertThat(row.peer()).isEqualTo(client.localAddress());
            assertThat(row.bytesReceived()).isEqualTo(4);
            assertThat(row.smoothedRttNanos()).isPositive();
        });
        assertThat(c.stats().serverKey()).isEqualTo(serverKey.publicKey());
    }

    @Test
    void sixteenMebibytesArriveIntact() throws Exception {
        open();
        TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
        TunnelConnection s = server.accept(PATIENCE);
        assertThat(RealSocketScenariosTest.Bulk.transfer(c, s, 16L << 20, 5)).isTrue();
    }

    @Test
    void closingTheEndpointWakesEveryWaitingThread() throws Exception {
        open();
        TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
        TunnelConnection s = server.accept(PATIENCE);
        CompletableFuture<Throwable> receiver = CompletableFuture.supplyAsync(() -> {
            try {
                c.receive();
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        CompletableFuture<Throwable> acceptor = CompletableFuture.supplyAsync(() -> {
            try {
                server.accept();
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        Thread.onSpinWait();
        client.close();
        server.close();
        assertThat(receiver.get(10, TimeUnit.SECONDS)).isInstanceOf(EndpointClosedException.class);
        assertThat(acceptor.get(10, TimeUnit.SECONDS)).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> s.send("late".getBytes())).isInstanceOf(EndpointClosedException.class);
    }

    @Test
    void aChangedServerKeyIsRefusedWithBothFingerprints() throws Exception {
        open();
        KeyPair old = TunnelFixture.keyPair(78);
        InetSocketAddress address = server.localAddress();
        String host = address.getHostString() + ":" + address.getPort();
        try (TunnelEndpoint pinned = TunnelEndpoint.client(new InMemoryKnownHosts().pin(host, old.publicKey()))
                 .bind(ANY_LOOPBACK).open()) {
            assertThatThrownBy(() -> pinned.connect(address, PATIENCE))
                .isInstanceOf(ServerKeyChangedException.class)
                .hasMessageContaining(old.publicKey().fingerprint())
                .hasMessageContaining(serverKey.publicKey().fingerprint());
        }
        assertThat(server.tryAccept()).as("nothing reached the server's application").isNull();
    }

    @Test
    void aFullServerRefusesClearly() throws Exception {
        server = TunnelEndpoint.server(serverKey).bind(ANY_LOOPBACK).engine(b -> b.maxConnections(1)).open();
        client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(ANY_LOOPBACK).open();
        TunnelConnection first = client.connect(server.localAddress(), PATIENCE);
        assertThatThrownBy(() -> client.connect(server.localAddress(), PATIENCE))
            .isInstanceOf(ServerFullException.class).hasMessageContaining("full");
        assertThat(first.isOpen()).isTrue();
    }

    @Test
    void anAbortReachesThePeerAsAReset() throws Exception {
        open();
        TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
        TunnelConnection s = server.accept(PATIENCE);
        c.abort();
        assertThatThrownBy(() -> s.receive(PATIENCE)).isInstanceOf(ConnectionResetException.class);
    }

    @Test
    void closingAConnectionThePeerAbortedFreesItsSlot() throws Exception {
        server = TunnelEndpoint.server(serverKey).bind(ANY_LOOPBACK).engine(b -> b.maxConnections(1)).open();
        client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(ANY_LOOPBACK).open();
        for (int i = 0; i < 3; i++) {
            // The server's only slot, taken and released three times over.
            TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
            TunnelConnection s = server.accept(PATIENCE);
            c.abort();
            assertThatThrownBy(() -> s.receive(PATIENCE)).isInstanceOf(ConnectionResetException.class);
            s.close();
            // close() hands the slot back through the worker: wait until it has.
            Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
                .until(() -> server.connections().isEmpty());
        }
    }

    @Test
    void connectingToNothingTimesOutClearly() throws Exception {
        client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(ANY_LOOPBACK)
            .engine(b -> b.connectTimeout(Duration.ofSeconds(1))).open();
        // A bound socket that never answers.
        try (java.nio.channels.DatagramChannel silent = java.nio.channels.DatagramChannel.open().bind(ANY_LOOPBACK)) {
            InetSocketAddress nowhere = (InetSocketAddress) silent.getLocalAddress();
            assertThatThrownBy(() -> client.connect(nowhere, PATIENCE))
                .isInstanceOf(ConnectTimeoutException.class).hasMessageContaining(nowhere.toString());
        }
    }
}
