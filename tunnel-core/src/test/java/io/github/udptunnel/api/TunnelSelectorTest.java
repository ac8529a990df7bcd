package io.github.udptunnel.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.udptunnel.engine.TunnelFixture;
import io.github.udptunnel.trust.InMemoryKnownHosts;

import static org.assertj.core.api.Assertions.assertThat;

class TunnelSelectorTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration PATIENCE = Duration.ofSeconds(10);

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
                assertThat(selector.select(PATIENCE)).containsExactly(server);
                TunnelConnection s;
                while ((s = server.tryAccept()) != null) {
                    servers.add(s);
                    selector.register(s);
                }
            }
            assertThat(selector.select(Duration.ofMillis(50))).as("nothing to read yet").isEmpty();

            clients.get(1).send("to the second".getBytes());
            List<TunnelSelectable> ready = selector.select(PATIENCE);
            TunnelConnection second = servers.stream()
                .filter(s -> s.peer().equals(client.localAddress())).findFirst().orElseThrow();
            assertThat(ready).hasSize(1);
            TunnelConnection got = (TunnelConnection) ready.get(0);
            assertThat(new String(got.receive(PATIENCE))).isEqualTo("to the second");
            assertThat(second).isNotNull();

            clients.get(2).close();
            assertThat(selector.select(PATIENCE)).as("the end of a stream is ready too").hasSize(1);
        }
    }
}
