package io.github.udptunnel.sim;

import java.time.Duration;

/**
 * What one direction of a simulated path does to the datagrams it carries. Immutable; change one property with a
 * {@code with...} method. {@link #IDEAL} delivers every datagram at once, intact, exactly once and in order.
 *
 * <p>The order in which a link applies them: the transmit queue (drop-tail at {@code queueLimitPackets}, only when
 * {@code bandwidthBitsPerSecond} is set), serialization at the bandwidth, loss, duplication; then for each copy
 * corruption (one flipped bit), the base delay, jitter and reordering. A lost datagram has still used its share of the
 * bandwidth, as on a real bottleneck whose loss happens further along the path.
 *
 * @param delayNanos             one-way base delay
 * @param jitterNanos            extra delay, uniform in [0, jitterNanos]; never reorders by itself: a datagram that is
 *                               not picked for reordering is delivered no earlier than the one before it
 * @param lossProbability        chance that a datagram is lost
 * @param duplicateProbability   chance that a datagram arrives twice
 * @param corruptProbability     chance that a copy arrives with one random bit flipped
 * @param reorderProbability     chance that a copy is held back by an extra delay and may be overtaken
 * @param reorderExtraDelayNanos that extra delay's upper bound, uniform in [0, reorderExtraDelayNanos]
 * @param bandwidthBitsPerSecond serialization rate; 0 for infinite (no transmit queue at all)
 * @param queueLimitPackets      datagrams the transmit queue holds, counting the one being serialized
 */
public record LinkConditions(
    long delayNanos,
    long jitterNanos,
    double lossProbability,
    double duplicateProbability,
    double corruptProbability,
    double reorderProbability,
    long reorderExtraDelayNanos,
    long bandwidthBitsPerSecond,
    int queueLimitPackets) {

    /** Instant, lossless, unbounded. */
    public static final LinkConditions IDEAL = new LinkConditions(0, 0, 0, 0, 0, 0, 0, 0, Integer.MAX_VALUE);

    public LinkConditions {
        requireNonNegative("delayNanos", delayNanos);
        requireNonNegative("jitterNanos", jitterNanos);
        requireNonNegative("reorderExtraDelayNanos", reorderExtraDelayNanos);
        requireNonNegative("bandwidthBitsPerSecond", bandwidthBitsPerSecond);
        requireProbability("lossProbability", lossProbability);
        requireProbability("duplicateProbability", duplicateProbability);
        requireProbability("corruptProbability", corruptProbability);
        requireProbability("reorderProbability", reorderProbability);
        if (queueLimitPackets < 1) {
            throw new IllegalArgumentException("queueLimitPackets must be at least 1: " + queueLimitPackets);
        }
    }

    public LinkConditions withDelay(Duration delay) {
        return new LinkConditions(delay.toNanos(), jitterNanos, lossProbability, duplicateProbability,
            corruptProbability, reorderProbability, reorderExtraDelayNanos, bandwidthBitsPerSecond, queueLimitPackets);
    }

    public LinkConditions withJitter(Duration jitter) {
        return new LinkConditions(delayNanos, jitter.toNanos(), lossProbability, duplicateProbability,
            corruptProbability, reorderProbability, reorderExtraDelayNanos, bandwidthBitsPerSecond, queueLimitPackets);
    }

    public LinkConditions withLoss(double probability) {
        return new LinkConditions(delayNanos, jitterNanos, probability, duplicateProbability,
            corruptProbability, reorderProbability, reorderExtraDelayNanos, bandwidthBitsPerSecond, queueLimitPackets);
    }

    public LinkConditions withDuplication(double probability) {
        return new LinkConditions(delayNanos, jitterNanos, lossProbability, probability,
            corruptProbability, reorderProbability, reorderExtraDelayNanos, bandwidthBitsPerSecond, queueLimitPackets);
    }

    public LinkConditions withCorruption(double probability) {
        return new LinkConditions(delayNanos, jitterNanos, lossProbability, duplicateProbability,
            probability, reorderProbability, reorderExtraDelayNanos, bandwidthBitsPerSecond, queueLimitPackets);
    }

    /** Each copy, with {@code probability}, is held back by an extra delay uniform in [0, maxExtraDelay]. */
    public LinkConditions withReordering(double probability, Duration maxExtraDelay) {
        return new LinkConditions(delayNanos, jitterNanos, lossProbability, duplicateProbability,
            corruptProbability, probability, maxExtraDelay.toNanos(), bandwidthBitsPerSecond, queueLimitPackets);
    }

    /** 0 for infinite. */
    public LinkConditions withBandwidthBitsPerSecond(long bitsPerSecond) {
        return new LinkConditions(delayNanos, jitterNanos, lossProbability, duplicateProbability,
            corruptProbability, reorderProbability, reorderExtraDelayNanos, bitsPerSecond, queueLimitPackets);
    }

    /** Only matters with a bandwidth: without one nothing ever waits to be serialized. */
    public LinkConditions withQueueLimitPackets(int packets) {
        return new LinkConditions(delayNanos, jitterNanos, lossProbability, duplicateProbability,
            corruptProbability, reorderProbability, reorderExtraDelayNanos, bandwidthBitsPerSecond, packets);
    }

    /** How long {@code bytes} take to serialize; rounded up so that the link never beats its bandwidth. */
    long serializationNanos(int bytes) {
        if (bandwidthBitsPerSecond == 0) {
            return 0;
        }
        long bitNanos = bytes * 8L * 1_000_000_000L;
        return (bitNanos + bandwidthBitsPerSecond - 1) / bandwidthBitsPerSecond;
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }

    private static void requireProbability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1]: " + p);
        }
    }
}
