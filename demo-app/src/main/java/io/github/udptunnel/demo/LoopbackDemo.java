package io.github.udptunnel.demo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.CommandLineRunner;
import org.springframework.stereotype.Component;

import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.engine.ConnectionStats;
import io.github.udptunnel.engine.Counter;
import io.github.udptunnel.trust.FileKnownHosts;

/**
 * A server and a client in one process, over real UDP on loopback, through the core API: the client pins the
 * server's key on first use (in a known-hosts file), exchanges a few messages, moves 16 MiB, and prints what each
 * side counted. It stands in for the full demo (Spring configuration, Prometheus, Grafana) until the Spring layer
 * exists.
 */
@Component
class LoopbackDemo implements CommandLineRunner {

    private static final Logger log = LoggerFactory.getLogger(LoopbackDemo.class);
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Override
    public void run(String... args) throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        KeyPair serverKey = KeyPair.generate(new SecureRandom());
        Path knownHosts = Files.createTempDirectory("tunnel-demo").resolve("known_hosts");
        try (TunnelEndpoint server = TunnelEndpoint.server(serverKey).bind(loopback).name("demo-server").open();
             TunnelEndpoint client = TunnelEndpoint.client(new FileKnownHosts(knownHosts)).bind(loopback)
                 .name("demo-client").open()) {
            log.info("server listening on {} with key {}", server.localAddress(), serverKey.publicKey().fingerprint());

            TunnelConnection c = client.connect(server.localAddress(), "demo-server", PATIENCE);
            TunnelConnection s = server.accept(PATIENCE);
            log.info("client connected; pinned {} in {}", c.serverFingerprint(), knownHosts);

            for (String text : new String[] {"hello", "over UDP", "encrypted"}) {
                c.send(text.getBytes(StandardCharsets.UTF_8));
                byte[] got = s.receive(PATIENCE);
                s.send(got);
                log.info("echoed \"{}\"", new String(c.receive(PATIENCE), StandardCharsets.UTF_8));
            }

            long total = 16L << 20;
            byte[] chunk = new byte[64 * 1024];
            long start = System.nanoTime();
            Thread sender = new Thread(() -> {
                try {
                    for (long at = 0; at < total; at += chunk.length) {
                        c.send(chunk);
                    }
                } catch (Exception e) {
                    log.error("sending failed", e);
                }
            });
            sender.start();
            long received = 0;
            while (received < total) {
                received += s.receive(PATIENCE).length;
            }
            sender.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            log.info("moved {} MiB in {} ms ({} MB/s)", total >> 20, Math.round(seconds * 1000),
                Math.round(total / seconds / 1e6));

            ConnectionStats stats = c.stats();
            log.info("client's view: peer {}, RTT {} us, window {} packets, {} bytes sent, {} retransmitted packets",
                stats.peer(), stats.smoothedRttNanos() / 1000, stats.window(), stats.bytesSent(), stats.retransmits());
            log.info("server counted {} HELLO, {} COOKIE, {} DATA packets in, {} dropped",
                server.stats().get(Counter.HELLO_RECEIVED), server.stats().get(Counter.COOKIE_SENT),
                server.stats().get(Counter.DATA_RECEIVED), server.stats().droppedTotal());
            c.close();
            log.info("closed; the demo is done");
        }
    }
}
