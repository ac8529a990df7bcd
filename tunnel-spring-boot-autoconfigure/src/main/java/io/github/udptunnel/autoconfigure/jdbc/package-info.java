/**
 * The JDBC known-hosts store ({@link io.github.udptunnel.autoconfigure.jdbc.JdbcKnownHosts}) and its
 * auto-configuration: chosen when the application has a {@code DataSource}, with its schema created like Spring
 * Session JDBC's ({@code tunnel.client.known-hosts.jdbc.initialize-schema}: embedded, always or never).
 */
package io.github.udptunnel.autoconfigure.jdbc;
