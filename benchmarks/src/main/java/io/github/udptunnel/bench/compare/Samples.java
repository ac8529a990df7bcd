package io.github.udptunnel.bench.compare;

import java.util.Arrays;

/** The values of one measure over the runs: median, min and max. */
record Samples(double[] values) implements java.io.Serializable {

    static Samples of(double... values) {
        return new Samples(values.clone());
    }

    double median() {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    double min() {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    double max() {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** Nanosecond samples' 50th, 99th and 99.9th percentiles, in microseconds. */
    static double[] percentilesMicros(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3,
            sorted[(int) (sorted.length * 0.999)] / 1e3};
    }
}
