package io.github.udptunnel.bench.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.udptunnel.bench.peer.SelfSignedCertificate;

/** A benchmark main run in a second JVM with this one's class path, talked to by lines. */
final class ChildJvm implements AutoCloseable {

    /** The same heap bounds for every child, so that their heaps and RSS compare. */
    static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx1g");

    private final Process process;
    private final BufferedReader out;
    private final PrintStream in;

    ChildJvm(Class<?> main, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        // This JVM's module and access options (--add-modules jdk.incubator.vector: the same Salsa20 as here).
        for (String option : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("--")) {
                command.add(option);
            }
        }
        command.add("-D" + SelfSignedCertificate.PROPERTY + "=" + SelfSignedCertificate.file());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** The next line the child prints; fails if it exited. */
    String readLine() throws IOException {
        String line = out.readLine();
        if (line == null) {
            throw new IOException("the child JVM exited (" + process.pid() + ")");
        }
        return line;
    }

    void send(String line) {
        in.println(line);
    }

    /** CPU time the child has used so far, in seconds. */
    double cpuSeconds() {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** Ends the child's standard input: the child finishes, and may print a last line. */
    void closeInput() {
        in.close();
    }

    @Override
    public void close() throws Exception {
        in.close();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
