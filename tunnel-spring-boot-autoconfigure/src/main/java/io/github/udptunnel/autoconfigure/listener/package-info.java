/** Receiving: {@code @TunnelListener} methods, found by a bean post-processor and fed by the listener container. */
package io.github.udptunnel.autoconfigure.listener;
