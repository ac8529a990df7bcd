package io.github.udptunnel.autoconfigure.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;


/**
 * Port forwarding end to end in one context over real UDP and real TCP on 127.0.0.1: the client's forward listens
 * on a free port, its tunnel server is the context's own ("self"), and the services are TCP servers of the test.
 */
class ForwardingTests {

    private static final Duration SAFETY = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    public static class WithListener {
        @io.github.udptunnel.autoconfigure.listener.TunnelListener
        String echo(String request) {
            return "echo:" + request;
        }
    }

    private ApplicationContextRunner runner(String... more) {
        return ForwardContexts.runner(dir).withPropertyValues(more);
    }

    static InetSocketAddress local(TunnelForwarder forwarder, String name) {
        return forwarder.forward(name).localAddress();
    }

    static ForwardStats serverStats(ServiceForwarder forwarder, String service) {
        return forwarder.stats().stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow();
    }

    @Test
    void bytesGoThroughBothWaysAndTheEndOfEachStreamIsPassedOn() throws Exception {
        try (TcpTargets.Echo echo = new TcpTargets.Echo()) {
            runner(ForwardContexts.forwardTo("echo", echo.address()))
                .run(context -> {
                    TunnelForwarder forwarder = context.getBean(TunnelForwarder.class);
                    try (Socket s = TcpTargets.connect(local(forwarder, "echo"))) {
                        s.getOutputStream().write("hello through the tunnel".getBytes(StandardCharsets.UTF_8));
                        s.shutdownOutput();  // the echo service answers the FIN with its own, after the echo
                        assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                            .isEqualTo("hello through the tunnel");
                    }
                    ForwardStats client = forwarder.forward("echo").stats();
                    ForwardStats server = serverStats(context.getBean(ServiceForwarder.class), "echo");
                    Awaitility.await().atMost(SAFETY).until(() -> client.active() == 0 && server.active() == 0);
                    for (ForwardStats st : new ForwardStats[] {client, server}) {
                        assertThat(st.opened()).as(st.side() + " opened").isEqualTo(1);
                        assertThat(st.upstreamBytes()).as(st.side() + " upstream").isEqualTo(24);
                        assertThat(st.downstreamBytes()).as(st.side() + " downstream").isEqualTo(24);
                        assertThat(st.failuresByCode().values()).as(st.side() + " failures").containsOnly(0L);
                    }
                    assertThat(echo.accepted).hasValue(1);
                });
        }
    }

    @Test
    void aServiceThatSpeaksFirstIsHeardBeforeTheClientSaysAnything() throws Exception {
        byte[] banner = "220 ready\r\n".getBytes(StandardCharsets.US_ASCII);
        try (TcpTargets.Echo smtpLike = new TcpTargets.Echo(banner)) {
            runner(ForwardContexts.forwardTo("smtp", smtpLike.address())).run(context -> {
                try (Socket s = TcpTargets.connect(local(context.getBean(TunnelForwarder.class), "smtp"))) {
                    // The banner may reach the client right behind the server's answer to the forward request.
                    assertThat(s.getInputStream().readNBytes(banner.length)).isEqualTo(banner);
                    s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("QUIT\r\n");
                }
            });
        }
    }

    @Test
    void aHalfClosedClientStillGetsTheServicesAnswer() throws Exception {
        try (TcpTargets.CountThenAnswer target = new TcpTargets.CountThenAnswer()) {
            runner(ForwardContexts.forwardTo("count", target.address())).run(context -> {
                try (Socket s = TcpTargets.connect(local(context.getBean(TunnelForwarder.class), "count"))) {
                    s.getOutputStream().write(new byte[100_000]);
                    s.shutdownOutput();  // the service answers only after it has read this end
                    assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("read 100000");
                }
            });
        }
    }

    @Test
    void aTunnelThatFailsMidStreamResetsTheClientsSocket() throws Exception {
        try (TcpTargets.Echo echo = new TcpTargets.Echo()) {
            runner(ForwardContexts.forwardTo("echo", echo.address())).run(context -> {
                TunnelForwarder forwarder = context.getBean(TunnelForwarder.class);
                try (Socket s = TcpTargets.connect(local(forwarder, "echo"))) {
                    s.getOutputStream().write(new byte[] {1});
                    assertThat(s.getInputStream().read()).isEqualTo(1);
                    // The server's end goes away: it aborts its tunnel connections, the client sees the reset.
                    context.getBean(ServiceForwarder.class).close();
                    assertThatThrownBy(() -> readToEnd(s.getInputStream())).isInstanceOf(SocketException.class);
                }
                ForwardStats client = forwarder.forward("echo").stats();
                Awaitility.await().atMost(SAFETY).until(() -> client.active() == 0);
                assertThat(client.failures(ForwardFailure.RESET)).isEqualTo(1);
            });
        }
    }

    @Test
    void manyConnectionsAtOnceEachGetTheirOwnBytes() throws Exception {
        try (TcpTargets.Echo echo = new TcpTargets.Echo()) {
            runner(ForwardContexts.forwardTo("echo", echo.address()))
                .run(context -> {
                    InetSocketAddress at = local(context.getBean(TunnelForwarder.class), "echo");
                    Socket[] sockets = new Socket[16];
                    for (int i = 0; i < sockets.length; i++) {
                        sockets[i] = TcpTargets.connect(at);
                        sockets[i].getOutputStream().write(("connection " + i).getBytes(StandardCharsets.UTF_8));
                        sockets[i].shutdownOutput();
                    }
                    for (int i = 0; i < sockets.length; i++) {
                        try (Socket s = sockets[i]) {
                            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                                .isEqualTo("connection " + i);
                        }
                    }
                    assertThat(echo.accepted).hasValue(16);
                });
        }
    }

    @Test
    void aServiceNotOnTheAllowListIsRefusedAndNothingIsConnected() throws Exception {
        try (TcpTargets.Echo allowed = new TcpTargets.Echo(); TcpTargets.Echo secret = new TcpTargets.Echo()) {
            runner("tunnel.server.services.echo=" + allowed.address(),
                "tunnel.client.forwards.secret.local-port=0", "tunnel.client.forwards.secret.server=self")
                .run(context -> {
                    TunnelForwarder forwarder = context.getBean(TunnelForwarder.class);
                    // The client asks for "secret" by name; the server has no such service and connects nowhere.
                    try (Socket s = TcpTargets.connect(local(forwarder, "secret"))) {
                        s.getOutputStream().write("let me in".getBytes(StandardCharsets.UTF_8));
                        assertThatThrownBy(() -> readToEnd(s.getInputStream())).isInstanceOf(SocketException.class);
                    }
                    assertThat(forwarder.forward("secret").stats().failures(ForwardFailure.UNKNOWN_SERVICE)).isEqualTo(1);
                    ServiceForwarder server = context.getBean(ServiceForwarder.class);
                    assertThat(serverStats(server, ServiceForwarder.UNKNOWN).failures(ForwardFailure.UNKNOWN_SERVICE))
                        .isEqualTo(1);
                    assertThat(serverStats(server, "echo").opened()).isZero();
                    assertThat(allowed.accepted).hasValue(0);
                    assertThat(secret.accepted).hasValue(0);
                });
        }
    }

    @Test
    void aTargetThatRefusesResetsTheClientsSocketAndIsCounted() throws Exception {
        runner(ForwardContexts.forwardTo("down", TcpTargets.closedPort()))
            .run(context -> {
                TunnelForwarder forwarder = context.getBean(TunnelForwarder.class);
                try (Socket s = TcpTargets.connect(local(forwarder, "down"))) {
                    assertThatThrownBy(() -> readToEnd(s.getInputStream())).isInstanceOf(SocketException.class);
                }
                assertThat(forwarder.forward("down").stats().failures(ForwardFailure.CONNECT_REFUSED)).isEqualTo(1);
                assertThat(serverStats(context.getBean(ServiceForwarder.class), "down")
                    .failures(ForwardFailure.CONNECT_REFUSED)).isEqualTo(1);
            });
    }

    @Test
    void aForwardOpenedThroughTheJavaApiWorksAndCloses() throws Exception {
        try (TcpTargets.Echo echo = new TcpTargets.Echo()) {
            runner("tunnel.server.services.echo=" + echo.address()).run(context -> {
                TunnelForwarder forwarder = context.getBean(TunnelForwarder.class);
                LocalForward forward = forwarder.open(new TunnelForwarder.Spec("api",
                    new InetSocketAddress("127.0.0.1", 0), "self", "echo"));
                try (Socket s = TcpTargets.connect(forward.localAddress())) {
                    s.getOutputStream().write(new byte[] {1, 2, 3});
                    s.shutdownOutput();
                    assertThat(s.getInputStream().readAllBytes()).containsExactly(1, 2, 3);
                }
                assertThatThrownBy(() -> forwarder.open(new TunnelForwarder.Spec("api",
                    new InetSocketAddress("127.0.0.1", 0), "self", "echo")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'api' is open already");
                assertThat(forwarder.close("api")).isTrue();
                assertThat(forward.isOpen()).isFalse();
                assertThatThrownBy(() -> TcpTargets.connect(forward.localAddress())).isInstanceOf(IOException.class);
            });
        }
    }

    @Test
    void listenersAndForwardsShareTheServerAndAForwardIsOnlyEverAConnectionsFirstMessage() throws Exception {
        try (TcpTargets.Echo echo = new TcpTargets.Echo()) {
            runner(ForwardContexts.forwardTo("echo", echo.address()))
                .withBean(WithListener.class)
                .run(context -> {
                    var template = context.getBean(io.github.udptunnel.autoconfigure.template.TunnelTemplate.class);
                    assertThat(template.sendAndReceive("self", "hi", String.class)).isEqualTo("echo:hi");
                    try (Socket s = TcpTargets.connect(local(context.getBean(TunnelForwarder.class), "echo"))) {
                        s.getOutputStream().write(new byte[] {9});
                        assertThat(s.getInputStream().read()).isEqualTo(9);
                    }
                    // A FORWARD frame after another frame is not a forward: the listeners drop it as malformed.
                    var stats = context.getBean(io.github.udptunnel.autoconfigure.listener.TunnelListenerContainer.class)
                        .stats();
                    long malformedBefore = stats.malformed();
                    template.execute("self", c -> {
                        c.send(new io.github.udptunnel.autoconfigure.message.TunnelFrame(
                            io.github.udptunnel.autoconfigure.message.FrameKind.ONE_WAY, 0, "",
                            io.github.udptunnel.autoconfigure.message.TunnelPayload.NULL).encode());
                        c.send(ForwardProtocol.request("echo"));
                        return null;
                    });
                    Awaitility.await().atMost(SAFETY).until(() -> stats.malformed() == malformedBefore + 1);
                    assertThat(echo.accepted).hasValue(1);
                });
        }
    }

    @Test
    void aClientWithForwardsPingsItsQuietConnectionsUnlessToldOtherwise() {
        java.util.function.Function<org.springframework.context.ApplicationContext, Duration> keepalive = context ->
            context.getBean(io.github.udptunnel.autoconfigure.TunnelProperties.class).getClient().effectiveKeepalive();
        String[] forward = ForwardContexts.forwardTo("echo", "127.0.0.1:9");
        runner(forward).run(context -> assertThat(keepalive.apply(context)).isEqualTo(Duration.ofSeconds(10)));
        runner(forward).withPropertyValues("tunnel.client.idle-timeout=90s")
            .run(context -> assertThat(keepalive.apply(context)).isEqualTo(Duration.ofSeconds(30)));
        runner(forward).withPropertyValues("tunnel.client.keepalive=4s")
            .run(context -> assertThat(keepalive.apply(context)).isEqualTo(Duration.ofSeconds(4)));
        runner().run(context -> assertThat(keepalive.apply(context)).isZero());
    }

    @Test
    void badForwardSettingsStopStartUpNamingTheProperty() {
        runner("tunnel.client.forwards.pg.server=self").run(context -> assertThat(context).getFailure()
            .rootCause().hasMessageContaining("tunnel.client.forwards.pg.local-port is required"));
        runner("tunnel.client.forwards.pg.local-port=0", "tunnel.client.forwards.pg.server=nowhere")
            .run(context -> assertThat(context).getFailure().hasMessageContaining("tunnel.client.forwards.pg.server"));
        runner("tunnel.server.services.pg=localhost").run(context -> assertThat(context).getFailure()
            .rootCause().hasMessageContaining("tunnel.server.services.pg 'localhost' is not host:port"));
    }

    @Test
    void aPortInUseStopsStartUpNamingTheForward() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            runner("tunnel.client.forwards.pg.local-port=" + taken.getLocalPort(),
                "tunnel.client.forwards.pg.server=self").run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("tunnel forward 'pg' cannot listen on")
                .hasStackTraceContaining("tunnel.client.forwards.pg.local-address and .local-port"));
        }
    }

    private static void readToEnd(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        while (in.read(buffer) >= 0) {
            // a refused forward sends nothing: the read ends in a reset
        }
        throw new AssertionError("the forward ended with a FIN, not a reset");
    }
}
