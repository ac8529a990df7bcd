package io.github.udptunnel.engine;

/** Which congestion control a connection's sender runs; docs/CONGESTION.md describes each. */
public enum CongestionAlgorithm {
    /** Vegas's queue estimate, probing for bandwidth while the queue is empty (the default). */
    PROBING_VEGAS,
    /** TCP Vegas as Linux runs it, with loss discrimination. */
    VEGAS,
    /** A Reno-style window: the yardstick the benchmarks compare against. */
    RENO;

    CongestionControl create(int maxWindow) {
        return switch (this) {
            case PROBING_VEGAS -> new ProbingVegas(maxWindow);
            case VEGAS -> new Vegas(maxWindow);
            case RENO -> new Reno(maxWindow);
        };
    }
}
