package io.github.udptunnel.demo;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import io.github.udptunnel.autoconfigure.client.TunnelServerResolver;
import io.github.udptunnel.autoconfigure.client.TunnelServerTarget;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;

/**
 * For tests that bind the demo's server to port 0: every server the client names ("demo", the forwarder's
 * "gateway") is this service's own server, where it really is, reached on loopback (a server bound to every
 * address, ::, is not an address to send to).
 */
@TestConfiguration
class FindTheServerWhereItIs {

    @Bean
    TunnelServerResolver demoResolver(TunnelEndpoints endpoints) {
        return name -> new TunnelServerTarget(name, () -> loopback(endpoints.serverAddress()), name);
    }

    private static InetSocketAddress loopback(InetSocketAddress bound) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort());
    }
}
