package io.github.udptunnel.engine;

/** Which congestion control a connection's sender runs; docs/CONGESTION.md describes each. */
public enum CongestionAlgorithm {
    /** A queueing-delay target with bandwidth probing and a competitive mode (the default). */
    DELAY_TARGET,
    /** TCP Vegas as Linux runs it, with loss discrimination. */
    VEGAS,
    /** A Reno-style window: the yardstick the benchmarks compare against. */
    RENO;

    CongestionControl create(int maxWindow) {
        return switch (this) {
            case DELAY_TARGET -> new DelayTarget(maxWindow);
            case VEGAS -> new Vegas(maxWindow);
            case RENO -> new Reno(maxWindow);
        };
    }
}
