package io.github.udptunnel.bench.peer;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;

/**
 * A QUIC stream as a blocking {@link StreamConnection}: the buffers the event loop reads are queued for the reader,
 * which copies out of them and releases them (one copy, as a socket read makes); a
 * writer may have at most {@link #MAX_UNWRITTEN_BYTES} handed to the channel and not yet written, the same bound
 * a tunnel connection's send ring puts on its writer.
 */
final class QuicStream extends ChannelInboundHandlerAdapter implements StreamConnection {

    static final int MAX_UNWRITTEN_BYTES = 2 << 20;
    /** Queued after the last buffer: the other side finished, or the stream closed. */
    private static final ByteBuf END = Unpooled.unreleasableBuffer(Unpooled.buffer(0));

    private final QuicStreamChannel stream;
    private final QuicChannel ownedConnection;
    private final BlockingQueue<ByteBuf> inbound = new LinkedBlockingQueue<>();
    private final Semaphore writable = new Semaphore(MAX_UNWRITTEN_BYTES);
    private volatile Throwable writeFailure;
    private ByteBuf current = Unpooled.buffer(0);  // read out, and not the end
    /** Set by close(): buffers the event loop reads after it are released at once, not queued for no one. */
    private volatile boolean closed;

    /** @param ownedConnection the connection to close with the stream: a client's; null on the server */
    QuicStream(QuicStreamChannel stream, QuicChannel ownedConnection) {
        this.stream = stream;
        this.ownedConnection = ownedConnection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inbound.add((ByteBuf) msg);
        if (closed) {  // close() may have drained the queue before this add: drain again
            releaseUnread();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownReadComplete.INSTANCE) {
            inbound.add(END);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inbound.add(END);
        ctx.fireChannelInactive();
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws Exception {
        for (int sent = 0; sent < len; ) {
            int n = Math.min(len - sent, MAX_UNWRITTEN_BYTES);
            while (!writable.tryAcquire(n, 100, TimeUnit.MILLISECONDS)) {
                checkWritable();
            }
            checkWritable();
            stream.writeAndFlush(Unpooled.copiedBuffer(bytes, off + sent, n)).addListener(f -> {
                if (!f.isSuccess()) {
                    writeFailure = f.cause();
                }
                writable.release(n);
            });
            sent += n;
        }
    }

    private void checkWritable() throws IOException {
        if (writeFailure != null) {
            throw new IOException("QUIC stream write failed", writeFailure);
        }
        if (!stream.isActive()) {
            throw new IOException("QUIC stream closed");
        }
    }

    @Override
    public int read(byte[] bytes, int off, int len) throws Exception {
        while (!current.isReadable()) {
            if (current == END) {
                return -1;
            }
            current.release();
            current = inbound.take();
        }
        int n = Math.min(len, current.readableBytes());
        current.readBytes(bytes, off, n);
        return n;
    }

    /** Releases every queued buffer; each is taken once, so concurrent callers never release one twice. */
    private void releaseUnread() {
        for (ByteBuf unread; (unread = inbound.poll()) != null; ) {
            unread.release();
        }
    }

    @Override
    public void shutdownOutput() throws Exception {
        stream.shutdownOutput().sync();
    }

    @Override
    public void close() throws Exception {
        closed = true;
        stream.close().await(5, TimeUnit.SECONDS);
        releaseUnread();
        if (current != END && current.refCnt() > 0) {
            current.release();  // a buffer the reader had not finished
        }
        current = END;
        if (ownedConnection != null) {
            ownedConnection.close().await(5, TimeUnit.SECONDS);
        }
    }
}
