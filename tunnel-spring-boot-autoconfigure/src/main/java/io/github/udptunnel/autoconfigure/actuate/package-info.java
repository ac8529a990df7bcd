/**
 * Observability (docs/OBSERVABILITY.md): the actuator endpoint {@code tunnel}, health indicators and the
 * {@code tunnel.*} meters, each configured only when its optional module (actuator, spring-boot-health, Micrometer)
 * is on the classpath.
 */
package io.github.udptunnel.autoconfigure.actuate;
