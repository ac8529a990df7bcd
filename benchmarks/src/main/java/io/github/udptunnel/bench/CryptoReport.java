package io.github.udptunnel.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One command for the crypto rows of docs/BENCHMARKS.md: runs {@link SecretBoxBenchmark}, {@link Poly1305Benchmark}
 * and {@link X25519Benchmark} with the GC profiler, then the libsodium program of benchmarks/native when it is built
 * (benchmarks/run-crypto.sh builds it), and prints medians (min..max over the measured iterations), bytes per
 * operation, and each row's ratio to libsodium measured in the same run.
 */
public final class CryptoReport {

    private CryptoReport() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Double> sodium = runLibsodium(args.length > 0 ? Path.of(args[0]) : Path.of("/nonexistent"));

        Collection<RunResult> results = new Runner(new OptionsBuilder()
            .include(SecretBoxBenchmark.class.getName())
            .include(Poly1305Benchmark.class.getName())
            .include(X25519Benchmark.class.getName())
            .addProfiler(GCProfiler.class)
            .build()).run();

        Map<String, String> rows = new TreeMap<>();
        for (RunResult run : results) {
            BenchmarkParams params = run.getParams();
            String name = params.getBenchmark().replaceAll(".*\\.bench\\.", "");
            // SecretBox's Salsa20 (scalar or vector) is a parameter: one row each (BouncyCastle's row does not use it).
            String label = params.getParamsKeys().contains("salsa20") && !name.endsWith("AsIs")
                ? name + " [" + params.getParam("salsa20") + "]" : name;
            List<Double> scores = new ArrayList<>();
            List<Double> bytes = new ArrayList<>();
            for (BenchmarkResult b : run.getBenchmarkResults()) {
                for (IterationResult it : b.getIterationResults()) {
                    scores.add(it.getPrimaryResult().getScore());
                    Result<?> alloc = it.getSecondaryResults().get("gc.alloc.rate.norm");
                    if (alloc != null) {
                        bytes.add(alloc.getScore());
                    }
                }
            }
            double median = median(scores);
            String unit = run.getPrimaryResult().getScoreUnit();
            String ratio = ratio(name, median, unit, sodium);
            rows.put(label, String.format("| %s | %.2f %s (%.2f..%.2f) | %.0f B/op | %s |", label, median, unit,
                min(scores), max(scores), median(bytes), ratio));
        }
        System.out.println();
        System.out.println("Crypto, " + LocalDate.now() + ", JDK " + System.getProperty("java.version")
            + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
        System.out.println("| benchmark | median (min..max) | allocated | vs libsodium, same run |");
        System.out.println("|---|---|---|---|");
        rows.values().forEach(System.out::println);
        sodium.forEach((k, v) -> System.out.printf("| libsodium %s | %.2f %s | | 1.00x |%n", k, v,
            k.endsWith("_us") ? "us/op" : "ns/op"));
    }

    /** Our time over libsodium's for the same operation, or why there is none. */
    private static String ratio(String name, double median, String unit, Map<String, Double> sodium) {
        String key = name.endsWith(".seal") || name.endsWith("AsIs") ? "seal_ns"
            : name.endsWith(".open") ? "open_ns"
            : name.endsWith(".agreement") || name.endsWith(".agreementBouncyCastle") ? "x25519_us" : null;
        Double theirs = key == null ? null : sodium.get(key);
        if (theirs == null) {
            return "-";
        }
        double ours = unit.startsWith("us") && key.endsWith("_ns") ? median * 1000 : median;
        return String.format("%.2fx", ours / theirs);
    }

    private static Map<String, Double> runLibsodium(Path binary) throws Exception {
        Map<String, Double> out = new TreeMap<>();
        if (!Files.isExecutable(binary)) {
            System.out.println("libsodium baseline not built (" + binary + "): run benchmarks/run-crypto.sh");
            return out;
        }
        Process p = new ProcessBuilder(binary.toString()).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            System.out.println(line);
            String[] f = line == null ? new String[0] : line.trim().split("\\s+");
            for (int i = 2; i + 1 < f.length; i += 2) {
                out.put(f[i], Double.parseDouble(f[i + 1]));
            }
        }
        p.waitFor();
        return out;
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
