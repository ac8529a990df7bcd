package io.github.udptunnel.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.udptunnel.autoconfigure.client.TunnelServerResolver;
import io.github.udptunnel.autoconfigure.endpoint.ManagedTunnelEndpoint;
import io.github.udptunnel.autoconfigure.endpoint.TunnelEndpoints;
import io.github.udptunnel.autoconfigure.listener.TunnelListener;
import io.github.udptunnel.autoconfigure.listener.TunnelListenerContainer;
import io.github.udptunnel.autoconfigure.listener.TunnelMessage;
import io.github.udptunnel.autoconfigure.template.TunnelRemoteException;
import io.github.udptunnel.autoconfigure.template.TunnelReplyTimeoutException;
import io.github.udptunnel.autoconfigure.template.TunnelTemplate;

/**
 * A server and a client in one context over real UDP on 127.0.0.1: the server binds port 0 and the client finds the
 * actual port through the {@link TunnelEndpoints} bean, by a resolver that names it "self".
 */
class TunnelRoundTripTests {

    private static final Duration SAFETY = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    record QuoteRequest(String symbol, int quantity) {
    }

    record Quote(String symbol, int price, boolean sawPeer) {
    }

    static class Listeners {
        final BlockingQueue<String> notes = new LinkedBlockingQueue<>();
        final CountDownLatch releaseSlow = new CountDownLatch(1);

        @TunnelListener
        String echo(String request) {
            return "echo:" + request;
        }

        @TunnelListener("fail")
        String fail(String request) {
            throw new IllegalStateException("refused " + request);
        }

        @TunnelListener("quote")
        Quote quote(QuoteRequest request, TunnelMessage message) {
            return new Quote(request.symbol(), request.quantity() * 2, message.peer() != null);
        }

        @TunnelListener("note")
        void note(String line) {
            notes.add(line);
        }

        @TunnelListener(route = "reverse")
        byte[] reverse(byte[] bytes) {
            byte[] out = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                out[i] = bytes[bytes.length - 1 - i];
            }
            return out;
        }

        @TunnelListener("slow")
        String slow(String request) throws InterruptedException {
            releaseSlow.await(SAFETY.toSeconds(), TimeUnit.SECONDS);
            return request;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class App {
        @Bean
        Listeners listeners() {
            return new Listeners();
        }

        /** "self" is this context's own server, at the port it really bound. */
        @Bean
        TunnelServerResolver selfResolver(TunnelEndpoints endpoints) {
            return SelfServer.resolver(endpoints);
        }
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TunnelAutoConfiguration.class))
            .withUserConfiguration(App.class)
            .withPropertyValues("tunnel.server.port=0", "tunnel.server.address=127.0.0.1",
                "tunnel.server.identity.key-file=" + dir.resolve("server.key"),
                "tunnel.client.enabled=true", "tunnel.client.known-hosts.store=memory",
                "tunnel.client.reply-timeout=60s", "tunnel.listener.concurrency=4",
                // The client's FIN after the server finished can miss the server, already gone: it then waits out
                // the drain on context close. Short here, to keep the suite quick.
                "tunnel.client.close-drain=300ms");
    }

    @Test
    void aThousandRequestsFromEightThreadsEachGetTheirOwnReply() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            ExecutorService callers = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<String>>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    results.add(callers.submit(() -> {
                        List<String> wrong = new ArrayList<>();
                        for (int i = 0; i < 125; i++) {
                            String request = "t" + thread + "-" + i;
                            String reply = template.sendAndReceive("self", request, String.class);
                            if (!("echo:" + request).equals(reply)) {
                                wrong.add(request + " -> " + reply);
                            }
                        }
                        return wrong;
                    }));
                }
                List<String> wrong = new ArrayList<>();
                for (Future<List<String>> r : results) {
                    wrong.addAll(r.get(SAFETY.toSeconds(), TimeUnit.SECONDS));
                }
                assertThat(wrong).isEmpty();
            } finally {
                callers.shutdownNow();
            }
            TunnelListenerContainer container = context.getBean(TunnelListenerContainer.class);
            assertThat(container.stats().handled()).isEqualTo(1000);
            // A reply is counted once its send returned, which can be after the caller has it: wait for the count.
            Awaitility.await().atMost(SAFETY).until(() -> container.stats().replies() == 1000);
            assertThat(container.stats().connections()).as("one shared connection for every thread").isEqualTo(1);
            assertThat(template.pendingRequests("self")).isZero();
        });
    }

    @Test
    void aListenerThatThrowsAnswersWithAnErrorAndTheServerCarriesOn() {
        runner().run(context -> {
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            assertThatThrownBy(() -> template.sendAndReceive("self", "fail", "order-7", String.class, SAFETY))
                .isInstanceOfSatisfying(TunnelRemoteException.class, e -> {
                    assertThat(e.getRemoteType()).isEqualTo(IllegalStateException.class.getName());
                    assertThat(e.getRemoteMessage()).isEqualTo("refused order-7");
                });
            assertThat(template.sendAndReceive("self", "after", String.class)).isEqualTo("echo:after");
            TunnelListenerContainer container = context.getBean(TunnelListenerContainer.class);
            assertThat(container.stats().failed()).isEqualTo(1);
            assertThat(container.stats().errorReplies()).isEqualTo(1);
            assertThat(context.getBean(TunnelEndpoints.class).serverEndpoint().isOpen()).isTrue();
        });
    }

    @Test
    void anUnknownRouteIsAnErrorReply() {
        runner().run(context -> {
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            assertThatThrownBy(() -> template.sendAndReceive("self", "nobody", "x", String.class, SAFETY))
                .isInstanceOf(TunnelRemoteException.class).hasMessageContaining("nobody");
        });
    }

    @Test
    void jsonBytesAndOneWayMessages() {
        runner().run(context -> {
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            Quote quote = template.sendAndReceive("self", "quote", new QuoteRequest("ACME", 21), Quote.class, SAFETY);
            assertThat(quote).isEqualTo(new Quote("ACME", 42, true));

            byte[] reversed = template.sendAndReceive("self", "reverse", "abc".getBytes(StandardCharsets.UTF_8),
                byte[].class, SAFETY);
            assertThat(new String(reversed, StandardCharsets.UTF_8)).isEqualTo("cba");

            template.send("self", "note", "first");
            template.sendAsync("self", "note", "second").get(SAFETY.toSeconds(), TimeUnit.SECONDS);
            Listeners listeners = context.getBean(Listeners.class);
            List<String> notes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                notes.add(listeners.notes.poll(SAFETY.toSeconds(), TimeUnit.SECONDS));
            }
            assertThat(notes).containsExactlyInAnyOrder("first", "second");
        });
    }

    @Test
    void asyncRequestsCompleteWithTheirOwnReplies() {
        runner().run(context -> {
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            List<CompletableFuture<String>> replies = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                replies.add(template.sendAndReceiveAsync("self", "a" + i, String.class));
            }
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(SAFETY.toSeconds(), TimeUnit.SECONDS);
            for (int i = 0; i < 200; i++) {
                assertThat(replies.get(i).join()).isEqualTo("echo:a" + i);
            }
        });
    }

    @Test
    void aReplyTimeoutFailsThatRequestOnly() {
        runner().run(context -> {
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            Listeners listeners = context.getBean(Listeners.class);
            assertThatThrownBy(() -> template.sendAndReceive("self", "slow", "late", String.class, Duration.ofMillis(200)))
                .isInstanceOf(TunnelReplyTimeoutException.class);
            listeners.releaseSlow.countDown();
            assertThat(template.sendAndReceive("self", "on time", String.class)).isEqualTo("echo:on time");
            assertThat(template.pendingRequests("self")).isZero();
        });
    }

    @Test
    void executeGivesAConnectionOfItsOwn() {
        runner().run(context -> {
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            String fingerprint = template.execute("self", connection -> connection.serverFingerprint());
            assertThat(fingerprint).isEqualTo(context.getBean(io.github.udptunnel.crypto.KeyPair.class).publicKey()
                .fingerprint());
        });
    }

    @Test
    void theSharedConnectionIsOpenedAgainAfterTheServerRestarts() {
        runner().run(context -> {
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            assertThat(template.sendAndReceive("self", "before", String.class)).isEqualTo("echo:before");
            assertThat(template.isConnected("self")).isTrue();

            TunnelListenerContainer container = context.getBean(TunnelListenerContainer.class);
            ManagedTunnelEndpoint server = context.getBean("tunnelServerEndpoint", ManagedTunnelEndpoint.class);
            container.stop();
            server.stop();  // drains: the client sees the server finish its connection
            Awaitility.await().atMost(SAFETY).until(() -> !template.isConnected("self"));
            server.start();  // a new socket, on a new port
            container.start();

            assertThat(template.sendAndReceive("self", "after", String.class)).isEqualTo("echo:after");
            assertThat(template.isConnected("self")).isTrue();
        });
    }

    @Test
    void anUnknownServerNameSaysWhichPropertyToSet() {
        runner().run(context -> {
            TunnelTemplate template = context.getBean(TunnelTemplate.class);
            assertThatThrownBy(() -> template.send("billing", "x"))
                .hasMessageContaining("tunnel.client.servers.billing.address");
        });
    }
}
