package io.github.udptunnel.bench.compare;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import io.github.udptunnel.api.TunnelEndpoint;
import io.github.udptunnel.autoconfigure.actuate.TunnelMeterBinder;
import io.github.udptunnel.autoconfigure.actuate.TunnelMetricsAutoConfiguration;
import io.github.udptunnel.autoconfigure.client.TunnelServerResolver;
import io.github.udptunnel.autoconfigure.client.TunnelServerTarget;
import io.github.udptunnel.autoconfigure.client.UnknownTunnelServerException;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.autoconfigure.listener.TunnelListener;
import io.github.udptunnel.autoconfigure.template.TunnelOperations;
import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.engine.Counter;

/**
 * What the starter's meter binder costs the tunnel's worker threads: bytes the two workers ({@code tunnel-server}
 * and {@code tunnel-client}) allocate per DATA packet in a Spring Boot application context with the starter's server
 * and client, a {@code @TunnelListener} echo and {@code TunnelTemplate} request/response traffic (the demo's setup,
 * with {@link #CALLERS} callers and {@value #PAYLOAD_BYTES}-byte payloads), measured with
 * {@code ThreadMXBean.getThreadAllocatedBytes}.
 *
 * <p>Two contexts side by side, interleaved run by run: (a) Micrometer's {@link PrometheusMeterRegistry} with the
 * {@link TunnelMeterBinder} bound; (b) the same registry with {@link TunnelMetricsAutoConfiguration} excluded, so no
 * {@code tunnel.*} meter. In both, another thread calls {@code registry.scrape()} every 10 ms, so that the binder is
 * the only difference. Each context is warmed for {@link #WARMUP} before the measured {@link #MEASURED}; one
 * unmeasured pair of contexts first warms the JIT.
 *
 * <p>Run by {@code benchmarks/run-meter-binder.sh}; prints the rows of docs/BENCHMARKS.md's meter binder table.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class MeterBinderCost {

    static final String COMMAND = "benchmarks/run-meter-binder.sh";
    static final String SERVER_THREAD = "tunnel-server";
    static final String CLIENT_THREAD = "tunnel-client";
    static final int RUNS = 3;
    static final Duration WARMUP = Duration.ofSeconds(3);
    static final Duration MEASURED = Duration.ofSeconds(5);
    static final Duration SCRAPE_EVERY = Duration.ofMillis(10);
    static final int CALLERS = 4;
    static final int PAYLOAD_BYTES = 1000;

    private static final KeyPair SERVER_KEY = KeyPair.generate(new SecureRandom());

    /** The server's {@code @TunnelListener}: answers each request with its own bytes. */
    static class Echo {
        @TunnelListener
        byte[] echo(byte[] body) {
            return body;
        }
    }

    @Bean
    Echo echo() {
        return new Echo();
    }

    @Bean
    KeyPair tunnelServerKey() {
        return SERVER_KEY;
    }

    /** The client's server "bench" is this context's own server, on loopback at the port it bound. */
    @Bean
    TunnelServerResolver benchResolver(TunnelEndpoints endpoints) {
        return name -> {
            if (!name.equals("bench")) {
                throw new UnknownTunnelServerException(name);
            }
            return new TunnelServerTarget("bench", () -> new InetSocketAddress(InetAddress.getLoopbackAddress(),
                endpoints.serverAddress().getPort()), "bench");
        };
    }

    /** One measured context. */
    record Outcome(double bytesPerPacket, double bytesPerSecond, long bytes, long packets, long scrapes,
                   long requests, boolean tunnelMeters, double bytesPerConnectionsCall) {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("warm-up: one context of each kind, not counted");
        run(true);
        run(false);
        double[] with = new double[RUNS];
        double[] without = new double[RUNS];
        double[] added = new double[RUNS];
        double[] withPerSecond = new double[RUNS];
        double[] withoutPerSecond = new double[RUNS];
        double[] perCall = new double[RUNS];
        for (int r = 0; r < RUNS; r++) {
            Outcome a = run(true);
            Outcome b = run(false);
            if (!a.tunnelMeters() || b.tunnelMeters()) {
                throw new IllegalStateException("the scrape with the binder must have tunnel_ series, and only it");
            }
            with[r] = a.bytesPerPacket();
            without[r] = b.bytesPerPacket();
            added[r] = with[r] - without[r];
            withPerSecond[r] = a.bytesPerSecond();
            withoutPerSecond[r] = b.bytesPerSecond();
            perCall[r] = b.bytesPerConnectionsCall();
        }
        Results results = new Results(COMMAND);
        String section = "The meter binder on the packet path: a Spring Boot context with the starter's server and"
            + " client, " + CALLERS + " TunnelTemplate callers of a @TunnelListener echo, " + PAYLOAD_BYTES
            + "-byte payloads, PrometheusMeterRegistry scraped every " + SCRAPE_EVERY.toMillis() + " ms";
        results.add(new Row(section, "bytes both workers allocate per DATA packet, tunnel meter binder bound", "B",
            Samples.of(with), "the same, TunnelMetricsAutoConfiguration excluded", Samples.of(without), Goal.NONE));
        results.add(new Row(section, "bytes per DATA packet the binder adds (bound minus excluded)", "B",
            Samples.of(added), null, null, Goal.atMost(0.5, "0 (≤ 0.5)")));
        results.add(new Row(section, "bytes both workers allocate per second, tunnel meter binder bound", "B",
            Samples.of(withPerSecond), "the same, TunnelMetricsAutoConfiguration excluded",
            Samples.of(withoutPerSecond), Goal.NONE));
        results.add(new Row(section, "bytes the server worker allocates per TunnelEndpoint.connections() call (the"
            + " binder's RTT gauges make one per endpoint per second at most), one connection open", "B",
            Samples.of(perCall), null, null, Goal.NONE));
        System.out.println();
        System.out.println(Results.markdown(List.of(results)));
        System.out.printf("medians: bound %.4f B, excluded %.4f B, ratio %s%n", Samples.of(with).median(),
            Samples.of(without).median(), Samples.of(without).median() == 0 ? "n/a (excluded is 0)"
                : String.format("%.3f", Samples.of(with).median() / Samples.of(without).median()));
        System.exit(0);
    }

    static Outcome run(boolean withBinder) throws Exception {
        SpringApplication app = new SpringApplication(MeterBinderCost.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
        app.setLogStartupInfo(false);
        List<String> props = new ArrayList<>(List.of(
            "--logging.level.root=warn",
            "--tunnel.server.address=127.0.0.1",
            "--tunnel.server.port=0",
            "--tunnel.client.enabled=true",
            "--tunnel.client.known-hosts.store=memory"));
        if (!withBinder) {
            props.add("--spring.autoconfigure.exclude=" + TunnelMetricsAutoConfiguration.class.getName());
        }
        try (ConfigurableApplicationContext context = app.run(props.toArray(String[]::new))) {
            if (withBinder != !context.getBeansOfType(TunnelMeterBinder.class).isEmpty()) {
                throw new IllegalStateException("binder bean present: " + !withBinder);
            }
            PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
            TunnelOperations tunnel = context.getBean(TunnelOperations.class);
            TunnelEndpoints endpoints = context.getBean(TunnelEndpoints.class);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong scrapes = new AtomicLong();
            AtomicLong requests = new AtomicLong();
            boolean[] tunnelMeters = {false};
            Thread scraper = new Thread(() -> {
                while (!stop.get()) {
                    String text = registry.scrape();
                    if (scrapes.incrementAndGet() == 1) {
                        tunnelMeters[0] = text.contains("tunnel_packets_total");
                    }
                    try {
                        Thread.sleep(SCRAPE_EVERY.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-scraper");
            List<Thread> callers = new ArrayList<>();
            byte[] payload = new byte[PAYLOAD_BYTES];
            Arrays.fill(payload, (byte) 'x');
            for (int i = 0; i < CALLERS; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        byte[] reply = tunnel.sendAndReceive("bench", payload, byte[].class);
                        if (reply.length != PAYLOAD_BYTES) {
                            throw new IllegalStateException("echo of " + reply.length + " bytes");
                        }
                        requests.incrementAndGet();
                    }
                }, "bench-caller-" + i);
                callers.add(t);
            }
            scraper.start();
            callers.forEach(Thread::start);
            long server = WorkerThreads.id(SERVER_THREAD);
            long client = WorkerThreads.id(CLIENT_THREAD);
            Thread.sleep(WARMUP.toMillis());
            long packets = packets(endpoints.serverEndpoint()) + packets(endpoints.clientEndpoint());
            long allocated = WorkerThreads.allocatedBytes(server) + WorkerThreads.allocatedBytes(client);
            long scraped = scrapes.get();
            long requested = requests.get();
            Thread.sleep(MEASURED.toMillis());
            allocated = WorkerThreads.allocatedBytes(server) + WorkerThreads.allocatedBytes(client) - allocated;
            packets = packets(endpoints.serverEndpoint()) + packets(endpoints.clientEndpoint()) - packets;
            scraped = scrapes.get() - scraped;
            requested = requests.get() - requested;
            stop.set(true);
            for (Thread t : callers) {
                t.join();
            }
            scraper.join();
            // What one connections() call, the RTT gauges' snapshot, costs the worker that answers it.
            int calls = 100;
            long before = WorkerThreads.allocatedBytes(server);
            for (int i = 0; i < calls; i++) {
                endpoints.serverEndpoint().connections();
            }
            double perCall = (double) (WorkerThreads.allocatedBytes(server) - before) / calls;
            Outcome o = new Outcome((double) allocated / packets, allocated / (MEASURED.toMillis() / 1e3), allocated,
                packets, scraped, requested, tunnelMeters[0], perCall);
            System.out.printf("%-8s %,d bytes / %,d DATA packets = %.4f B per packet; %,d requests, %,d scrapes,"
                    + " tunnel_ series in the scrape: %s; %.0f B per connections() call%n", withBinder ? "bound" : "excluded",
                allocated, packets, o.bytesPerPacket(), requested, scraped, tunnelMeters[0], perCall);
            return o;
        } finally {
            awaitGone(SERVER_THREAD);
            awaitGone(CLIENT_THREAD);
        }
    }

    private static long packets(TunnelEndpoint e) {
        return e.stats().get(Counter.DATA_SENT) + e.stats().get(Counter.DATA_RECEIVED);
    }

    /** The next context's worker has the same name: wait until this one's has ended. */
    private static void awaitGone(String name) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name))) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the worker " + name + " outlived its context");
            }
            Thread.sleep(20);
        }
    }
}
