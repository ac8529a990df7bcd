package io.github.udptunnel.bench.peer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;

/**
 * Netty QUIC (quiche, through netty-codec-native-quic) over NIO: one event-loop thread for the server and one for
 * the client, as the tunnel has one worker per endpoint. Datagrams are at most 1232 bytes, the tunnel's packet
 * size; the client verifies the server's self-signed certificate; no session cache, so every connection is a full
 * handshake. The congestion controller is the one asked for.
 */
public final class QuicPeer implements Peer {

    static final String ALPN = "bench";
    static final int DATAGRAM_BYTES = 1232;
    /** Connection and stream flow-control windows: large enough never to limit a 100 MB/s, 100 ms path. */
    static final long WINDOW_BYTES = 16L << 20;

    /** For the connections themselves (only their streams carry anything) and for streams the server never opens. */
    private static final ChannelHandler IGNORE = new Ignore();

    private final QuicCongestionControlAlgorithm congestion;
    private final EventLoopGroup serverLoop = new MultiThreadIoEventLoopGroup(1, Threads.daemon("quic-server"),
        NioIoHandler.newFactory());
    private final EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, Threads.daemon("quic-client"),
        NioIoHandler.newFactory());
    private final ExecutorService handlers = Executors.newCachedThreadPool(Threads.daemon("quic-service"));
    private final Channel server;
    private final Channel client;

    public QuicPeer(QuicCongestionControlAlgorithm congestion, Service service) throws Exception {
        this(congestion, service, true);
    }

    /** @param withClient false for a server alone, whose process then holds nothing of a client */
    public QuicPeer(QuicCongestionControlAlgorithm congestion, Service service, boolean withClient) throws Exception {
        this.congestion = congestion;
        SelfSignedCertificate cert = SelfSignedCertificate.get();
        QuicSslContext serverTls = QuicSslContextBuilder.forServer(cert.key, null, cert.certificate)
            .applicationProtocols(ALPN).sessionCacheSize(0).earlyData(false).build();
        ChannelHandler serverCodec = configure(new QuicServerCodecBuilder())
            .sslContext(serverTls)
            .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
            .handler(IGNORE)
            .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                @Override
                protected void initChannel(QuicStreamChannel stream) {
                    QuicStream s = new QuicStream(stream, null);
                    stream.pipeline().addLast(s);
                    handlers.submit(() -> service.serve(s));
                }
            })
            .build();
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = new Bootstrap().group(serverLoop).channel(NioDatagramChannel.class).handler(serverCodec)
            .bind(loopback).sync().channel();

        // The chain is verified against the certificate; no host name check, as with the TLS peer's SSLSocket.
        if (!withClient) {
            client = null;
            return;
        }
        QuicSslContext clientTls = QuicSslContextBuilder.forClient().trustManager(cert.trustManagers()).endpointIdentificationAlgorithm(null)
            .applicationProtocols(ALPN).sessionCacheSize(0).earlyData(false).build();
        ChannelHandler clientCodec = configure(new QuicClientCodecBuilder()).sslContext(clientTls).build();
        client = new Bootstrap().group(clientLoop).channel(NioDatagramChannel.class).handler(clientCodec)
            .bind(loopback).sync().channel();
    }

    private <B extends QuicCodecBuilder<B>> B configure(B builder) {
        return builder
            .congestionControlAlgorithm(congestion)
            .maxIdleTimeout(30, TimeUnit.SECONDS)
            .maxSendUdpPayloadSize(DATAGRAM_BYTES)
            .maxRecvUdpPayloadSize(DATAGRAM_BYTES)
            .initialMaxData(WINDOW_BYTES)
            .initialMaxStreamDataBidirectionalLocal(WINDOW_BYTES)
            .initialMaxStreamDataBidirectionalRemote(WINDOW_BYTES)
            .initialMaxStreamsBidirectional(16);
    }

    @Override
    public String name() {
        return "Netty QUIC " + congestion;
    }

    @Override
    public InetSocketAddress serverAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public StreamConnection connect(InetSocketAddress to) throws Exception {
        if (client == null) {
            throw new IllegalStateException("a server alone");
        }
        QuicChannel connection = QuicChannel.newBootstrap(client)
            .handler(IGNORE)
            .streamHandler(IGNORE)
            .remoteAddress(to)
            .connect().get(30, TimeUnit.SECONDS);
        QuicStream[] made = new QuicStream[1];
        connection.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel stream) {
                made[0] = new QuicStream(stream, connection);
                stream.pipeline().addLast(made[0]);
            }
        }).get(30, TimeUnit.SECONDS);
        return made[0];
    }

    @Override
    public boolean overUdp() {
        return true;
    }

    @Override
    public void close() throws Exception {
        if (client != null) {
            client.close().sync();
        }
        server.close().sync();
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        handlers.shutdownNow();
    }

    @ChannelHandler.Sharable
    private static final class Ignore extends ChannelInboundHandlerAdapter {
    }
}
