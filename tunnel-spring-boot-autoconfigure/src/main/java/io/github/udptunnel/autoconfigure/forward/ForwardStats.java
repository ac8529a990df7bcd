package io.github.udptunnel.autoconfigure.forward;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one forward (client side) or one service (server side) has carried: for the meters and the actuator
 * endpoint. Upstream is the direction from the TCP client to the service, downstream the way back, on both sides.
 */
public final class ForwardStats {

    /** Which end of the tunnel counts. */
    public enum Side {
        /** The end that listens for TCP connections and opens tunnel connections (ssh -L's ssh). */
        CLIENT,
        /** The end that connects to the allow-listed services (ssh -L's sshd). */
        SERVER;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Side side;
    private final String name;
    private final String target;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder opened = new LongAdder();
    private final LongAdder upstreamBytes = new LongAdder();
    private final LongAdder downstreamBytes = new LongAdder();
    private final Map<ForwardFailure, LongAdder> failures = new EnumMap<>(ForwardFailure.class);

    /**
     * @param name   the forward's name (client) or the service's (server)
     * @param target what it leads to, for people: "server db, service postgres" or "127.0.0.1:5432"
     */
    public ForwardStats(Side side, String name, String target) {
        this.side = side;
        this.name = name;
        this.target = target;
        for (ForwardFailure f : ForwardFailure.values()) {
            failures.put(f, new LongAdder());
        }
    }

    public Side side() {
        return side;
    }

    public String name() {
        return name;
    }

    public String target() {
        return target;
    }

    /** Forwarded connections carrying bytes now. */
    public int active() {
        return active.get();
    }

    /** Forwarded connections that got through to their service, ever. */
    public long opened() {
        return opened.sum();
    }

    public long upstreamBytes() {
        return upstreamBytes.sum();
    }

    public long downstreamBytes() {
        return downstreamBytes.sum();
    }

    public long failures(ForwardFailure reason) {
        return failures.get(reason).sum();
    }

    /** Failures by reason, every reason present (zero included). */
    public Map<String, Long> failuresByCode() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        failures.forEach((reason, n) -> out.put(reason.code(), n.sum()));
        return out;
    }

    void started() {
        opened.increment();
        active.incrementAndGet();
    }

    void ended() {
        active.decrementAndGet();
    }

    void carried(boolean upstream, int bytes) {
        (upstream ? upstreamBytes : downstreamBytes).add(bytes);
    }

    void failed(ForwardFailure reason) {
        failures.get(reason).increment();
    }
}
