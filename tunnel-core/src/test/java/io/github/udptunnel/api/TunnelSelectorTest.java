package io.github.udptunnel.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import io.github.udptunnel.engine.TunnelFixture;
import io.github.udptunnel.trust.InMemoryKnownHosts;

import static org.assertj.core.api.Assertions.assertThat;

/** The selector over real UDP: it wakes on what the worker publishes, never on a timer. */
class TunnelSelectorTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** Only a safety net: every select below returns on readiness, long before. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @Test
    void selectReturnsTheConnectionsWithSomethingToReadAndTheServerWithSomeoneToAccept() throws Exception {
        try (TunnelEndpoint server = TunnelEndpoint.server(TunnelFixture.keyPair(5)).bind(LOOPBACK).open();
             TunnelEndpoint client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(LOOPBACK).open()) {
            TunnelSelector selector = new TunnelSelector().register(server);
            List<TunnelConnection> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(client.connect(server.localAddress(), PATIENCE));
            }
            List<TunnelConnection> servers = new ArrayList<>();
            while (servers.size() < 3) {
                List<TunnelSelector.Ready> ready = selector.select(PATIENCE);
                assertThat(ready).singleElement().satisfies(r -> {
                    assertThat(r.selectable()).isSameAs(server);
                    assertThat(r.isAcceptable()).isTrue();
                });
                TunnelConnection s;
                while ((s = server.tryAccept()) != null) {
                    servers.add(s);
                    selector.register(s);
                }
            }
            assertThat(selector.selectNow()).as("nothing to read yet").isEmpty();

            clients.get(1).send("to the second".getBytes());
            List<TunnelSelector.Ready> ready = selector.select(PATIENCE);
            assertThat(ready).hasSize(1);
            TunnelConnection got = ready.get(0).connection();
            assertThat(got.peer()).isEqualTo(client.localAddress());
            assertThat(new String(got.receive(PATIENCE))).isEqualTo("to the second");
            assertThat(selector.selectNow()).as("read: not ready any more").isEmpty();

            clients.get(2).close();
            assertThat(selector.select(PATIENCE)).as("the end of a stream is ready too").hasSize(1);
        }
    }

    @Test
    void aSelectorParkedWithNothingReadyWakesOnAMessageAndOnWakeup() throws Exception {
        try (TunnelEndpoint server = TunnelEndpoint.server(TunnelFixture.keyPair(6)).bind(LOOPBACK).open();
             TunnelEndpoint client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(LOOPBACK).open()) {
            TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
            TunnelConnection s = server.accept();
            TunnelSelector selector = new TunnelSelector().register(s);

            // wakeup before select: the next select returns at once, empty.
            selector.wakeup();
            assertThat(selector.select(PATIENCE)).isEmpty();

            CountDownLatch selecting = new CountDownLatch(1);
            CompletableFuture<List<TunnelSelector.Ready>> woken = CompletableFuture.supplyAsync(() -> {
                selecting.countDown();
                try {
                    return selector.select(PATIENCE);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            selecting.await();
            c.send("wake".getBytes());
            assertThat(woken.get()).singleElement().satisfies(r -> assertThat(r.isReadable()).isTrue());

            assertThat(s.receive(PATIENCE)).isEqualTo("wake".getBytes());
            CompletableFuture<List<TunnelSelector.Ready>> empty = CompletableFuture.supplyAsync(() -> {
                try {
                    return selector.select(PATIENCE);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            selector.wakeup();  // whether the select has begun or not, it returns
            assertThat(empty.get()).as("wakeup() ends a select with nothing ready").isEmpty();
        }
    }

    @Test
    void writeInterestIsReadyWhileTheSendBufferHasRoom() throws Exception {
        try (TunnelEndpoint server = TunnelEndpoint.server(TunnelFixture.keyPair(7)).bind(LOOPBACK).open();
             TunnelEndpoint client = TunnelEndpoint.client(new InMemoryKnownHosts()).bind(LOOPBACK).open()) {
            TunnelConnection c = client.connect(server.localAddress(), PATIENCE);
            TunnelSelector selector = new TunnelSelector().register(c, TunnelSelector.WRITE | TunnelSelector.READ);
            assertThat(selector.select(PATIENCE)).singleElement()
                .satisfies(r -> {
                    assertThat(r.isWritable()).isTrue();
                    assertThat(r.isReadable()).isFalse();
                });
        }
    }

    @Test
    void registeringTheWrongInterestIsRefused() throws Exception {
        try (TunnelEndpoint server = TunnelEndpoint.server(TunnelFixture.keyPair(8)).bind(LOOPBACK).open()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> new TunnelSelector().register(server, TunnelSelector.READ))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("an endpoint ACCEPT");
        }
    }
}
