/**
 * Spring Boot auto-configuration for the tunnel: properties, {@code TunnelTemplate}, listeners, the {@code tunnel}
 * actuator endpoint, the Micrometer binder, the health indicator and the JDBC known-hosts store.
 *
 * <p>Still empty: these arrive once the engine and the socket API of {@code tunnel-core} exist (see README.md).
 */
package io.github.udptunnel.spring.autoconfigure;
