package io.github.udptunnel.engine;

import java.net.InetAddress;

/**
 * Limits handshake work (a HELLO, an INIT that needs a new connection): each costs the server an X25519, so a flood
 * of them must not starve the DATA of live connections (docs/PROTOCOL.md section 7).
 *
 * <p>Two token buckets, as wireguard-go's ratelimiter does it, with time passed in and tokens kept as fixed-point
 * nanoseconds: a token costs {@code 1e9 / rate} nanos (rounded down) and a bucket holds {@code burst} tokens. A
 * bucket refills by the nanos that passed, so there is no floating point and no clock in here.
 * <ul>
 * <li>A global bucket (rate and burst from the constructor) bounds the handshake work of the endpoint.</li>
 * <li>A bucket per source address (default {@value #DEFAULT_PER_SOURCE_RATE_PER_SECOND} per second, burst
 * {@value #DEFAULT_PER_SOURCE_BURST}, as WireGuard) is enforced only while the endpoint is under load. Load is
 * demand, not work done: a third bucket, of the global one's size and rate, is debited by every handshake asked for,
 * allowed or not, and the endpoint is under load from the moment it holds less than half until
 * {@value #LOAD_HOLD_NANOS} ns (a second) after it last did, as WireGuard holds its load flag for a second. So a
 * flood from one address gets its per-source share for as long as it lasts (a refusal leaves the global bucket to
 * refill, but not the demand), other sources share the rest, and without load nobody pays for the table.</li>
 * </ul>
 *
 * <p>Memory is fixed at construction. Per-source buckets live in an open-addressing table of parallel arrays keyed
 * by the {@link InetAddress} itself ({@code hashCode} and {@code equals} read its bytes without allocating; its
 * {@code getAddress} would copy them). A lookup probes at most {@value #MAX_PROBES} consecutive slots. A new source
 * takes the first empty slot in its probe sequence, else the first idle one (unused for longer than a bucket needs to
 * refill, and at least a second: reusing it loses nothing), else the one used least recently. That eviction hands
 * the evicted source a fresh burst the next time, the price of bounded memory; it can only loosen the limit for
 * sources that collide, never lock anyone out.
 *
 * <p>Not thread-safe: the worker thread owns it.
 */
public final class HandshakeRateLimiter {

    public static final long NANOS_PER_SECOND = 1_000_000_000L;
    public static final int DEFAULT_PER_SOURCE_RATE_PER_SECOND = 20;
    public static final int DEFAULT_PER_SOURCE_BURST = 5;
    /** Slots looked at per lookup: bounds the work per packet whatever the table holds. */
    public static final int MAX_PROBES = 8;
    /** An entry unused this long is free for another source, as wireguard-go collects its table each second. */
    public static final long MIN_IDLE_BEFORE_REUSE_NANOS = NANOS_PER_SECOND;

    /** How long the endpoint stays under load after the global bucket was last below half. */
    public static final long LOAD_HOLD_NANOS = NANOS_PER_SECOND;

    /** Fibonacci hashing spreads neighbouring addresses (whose IPv4 hash codes differ in the low bits). */
    private static final int HASH_MULTIPLIER = 0x9E3779B9;

    private final long globalCost;
    private final long globalMax;
    private long globalTokens;
    private long globalLastNanos;
    private boolean globalStarted;
    /** Debited by every request, allowed or not: whether the endpoint is under load. */
    private long demandTokens;
    private boolean loadSeen;
    private boolean lastAllowUnderLoad;
    private long lastLoadNanos;

    private final long sourceCost;
    private final long sourceMax;
    private final long idleBeforeReuseNanos;
    private final int probes;
    private final InetAddress[] sources;
    private final long[] sourceTokens;
    private final long[] sourceLastNanos;

    /** Per-source limits of WireGuard: 20 per second, burst 5. */
    public HandshakeRateLimiter(long globalRatePerSecond, long globalBurst, int tableCapacity) {
        this(globalRatePerSecond, globalBurst, DEFAULT_PER_SOURCE_RATE_PER_SECOND, DEFAULT_PER_SOURCE_BURST,
                tableCapacity);
    }

    public HandshakeRateLimiter(long globalRatePerSecond, long globalBurst,
                                long perSourceRatePerSecond, long perSourceBurst, int tableCapacity) {
        if (tableCapacity < 1) {
            throw new IllegalArgumentException("table capacity must be at least 1: " + tableCapacity);
        }
        globalCost = cost(globalRatePerSecond);
        globalMax = capacity(globalCost, globalBurst);
        globalTokens = globalMax;
        demandTokens = globalMax;
        sourceCost = cost(perSourceRatePerSecond);
        sourceMax = capacity(sourceCost, perSourceBurst);
        idleBeforeReuseNanos = Math.max(MIN_IDLE_BEFORE_REUSE_NANOS, sourceMax);
        probes = Math.min(MAX_PROBES, tableCapacity);
        sources = new InetAddress[tableCapacity];
        sourceTokens = new long[tableCapacity];
        sourceLastNanos = new long[tableCapacity];
    }

    private static long cost(long ratePerSecond) {
        if (ratePerSecond < 1 || ratePerSecond > NANOS_PER_SECOND) {
            throw new IllegalArgumentException("rate must be 1 to 1e9 per second: " + ratePerSecond);
        }
        return NANOS_PER_SECOND / ratePerSecond;
    }

    private static long capacity(long cost, long burst) {
        if (burst < 1 || burst > Long.MAX_VALUE / cost) {
            throw new IllegalArgumentException("burst out of range: " + burst);
        }
        return burst * cost;
    }

    /**
     * True if a handshake from {@code source} may proceed now; it then takes one global token and, under load, one
     * of the source's. A refusal takes nothing.
     */
    public boolean allow(long nowNanos, InetAddress source) {
        refillGlobal(nowNanos);
        boolean underLoad = isUnderLoad(nowNanos);
        lastAllowUnderLoad = underLoad;
        demandTokens = Math.max(0, demandTokens - globalCost);
        if (globalTokens < globalCost) {
            return false;
        }
        if (underLoad) {
            int slot = slotFor(nowNanos, source);
            refillSource(slot, nowNanos);
            if (sourceTokens[slot] < sourceCost) {
                return false;
            }
            sourceTokens[slot] -= sourceCost;
        }
        globalTokens -= globalCost;
        return true;
    }

    /** Whether the last {@link #allow} found the server under load (so per-source limits applied to it). */
    public boolean lastAllowUnderLoad() {
        return lastAllowUnderLoad;
    }

    /** The caller sees load by other means (its input is backlogged): per-source limits apply for a second. */
    public void markLoad(long nowNanos) {
        loadSeen = true;
        lastLoadNanos = nowNanos;
    }

    /** True while per-source limits apply: the demand bucket is below half, or was within the last second. */
    public boolean underLoad(long nowNanos) {
        refillGlobal(nowNanos);
        return isUnderLoad(nowNanos);
    }

    private boolean isUnderLoad(long nowNanos) {
        if (demandTokens < globalMax - demandTokens) {
            loadSeen = true;
            lastLoadNanos = nowNanos;
            return true;
        }
        return loadSeen && nowNanos - lastLoadNanos < LOAD_HOLD_NANOS;
    }

    private void refillGlobal(long nowNanos) {
        if (!globalStarted) {
            // The bucket starts full; time counts from the first call, since the origin of nowNanos is arbitrary.
            globalStarted = true;
            globalLastNanos = nowNanos;
            return;
        }
        long elapsed = nowNanos - globalLastNanos;
        if (elapsed > 0) {
            globalTokens = refilled(globalTokens, elapsed, globalMax);
            demandTokens = refilled(demandTokens, elapsed, globalMax);
            globalLastNanos = nowNanos;
        }
    }

    private void refillSource(int slot, long nowNanos) {
        long elapsed = nowNanos - sourceLastNanos[slot];
        if (elapsed > 0) {
            sourceTokens[slot] = refilled(sourceTokens[slot], elapsed, sourceMax);
            sourceLastNanos[slot] = nowNanos;
        }
    }

    /** Time that goes backwards adds nothing (callers skip it); the sum is capped without overflowing. */
    private static long refilled(long tokens, long elapsedNanos, long max) {
        return elapsedNanos >= max - tokens ? max : tokens + elapsedNanos;
    }

    /** The slot holding {@code source}'s bucket, taking one (with a full bucket) if it has none. */
    private int slotFor(long nowNanos, InetAddress source) {
        int capacity = sources.length;
        int home = (int) (((source.hashCode() * HASH_MULTIPLIER) & 0xFFFF_FFFFL) * capacity >>> 32);
        int reusable = -1;
        int oldest = home;
        long oldestAge = Long.MIN_VALUE;
        for (int i = 0, slot = home; i < probes; i++, slot = slot + 1 == capacity ? 0 : slot + 1) {
            InetAddress held = sources[slot];
            if (held == null) {
                // Slots are never emptied, so a source placed earlier never sits beyond an empty slot.
                if (reusable < 0) {
                    reusable = slot;
                }
                break;
            }
            if (held.equals(source)) {
                return slot;
            }
            long age = nowNanos - sourceLastNanos[slot];
            if (reusable < 0 && age > idleBeforeReuseNanos) {
                reusable = slot;
            }
            if (age > oldestAge) {
                oldestAge = age;
                oldest = slot;
            }
        }
        int slot = reusable >= 0 ? reusable : oldest;
        sources[slot] = source;
        sourceTokens[slot] = sourceMax;
        sourceLastNanos[slot] = nowNanos;
        return slot;
    }
}
