/**
 * Spring Boot auto-configuration of the tunnel: {@link io.github.udptunnel.autoconfigure.TunnelProperties},
 * {@link io.github.udptunnel.autoconfigure.TunnelAutoConfiguration} and the customizer hook. The parts live in
 * sub-packages by concern: {@code endpoint} (lifecycle), {@code identity} (the server's key), {@code client} (named
 * servers, pinned keys), {@code message} (conversion and framing), {@code template}, {@code listener}.
 */
package io.github.udptunnel.autoconfigure;
