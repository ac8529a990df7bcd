/** {@code TunnelTemplate}: requests and one-way messages to named servers over shared, multiplexed connections. */
package io.github.udptunnel.autoconfigure.template;
