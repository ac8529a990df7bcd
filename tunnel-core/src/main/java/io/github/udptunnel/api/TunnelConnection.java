package io.github.udptunnel.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;

import io.github.udptunnel.engine.CloseReason;
import io.github.udptunnel.engine.ConnectionStats;
import io.github.udptunnel.io.ConnectionChannel;
import io.github.udptunnel.io.EndpointWorker;

/**
 * One tunnel connection: reliable, ordered, encrypted messages both ways, plus stream views. Sending copies the
 * message into the connection's ring buffer for the worker; receiving takes whole messages from the other ring.
 * Thread-safe: concurrent senders (and receivers) take turns.
 *
 * <p>Once {@link #close closed} or {@link #abort aborted}, every call but the facts ({@link #isOpen},
 * {@link #closeReason}, ...) throws {@link ConnectionClosedException}: a handle never reads or writes another
 * connection's data, even when its slot has been given to a new connection.
 */
public final class TunnelConnection implements AutoCloseable, TunnelSelectable {

    private static final int READER = -1;

    private final EndpointWorker worker;
    private final ConnectionChannel ch;
    private final long handle;
    private final int maxMessageBytes;
    private final String serverFingerprint;
    /** Senders take turns; trySend and tryReceive only try, so that they never wait behind a blocked thread. */
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final UnsafeBuffer sendView = new UnsafeBuffer(new byte[0]);
    private final Inbound inbound = new Inbound();
    private volatile boolean outputShut;

    TunnelConnection(EndpointWorker worker, ConnectionChannel ch, long handle, int maxMessageBytes,
                     String serverFingerprint) {
        this.worker = worker;
        this.ch = ch;
        this.handle = handle;
        this.maxMessageBytes = maxMessageBytes;
        this.serverFingerprint = serverFingerprint;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending

    public void send(byte[] message) throws IOException, InterruptedException {
        send(message, 0, message.length);
    }

    /** Sends one message, waiting as long as the send buffers are full. */
    public void send(byte[] message, int off, int len) throws IOException, InterruptedException {
        send(message, off, len, Long.MAX_VALUE);
    }

    /**
     * Sends one message if it can start within {@code timeout}; returns false, having sent nothing, otherwise.
     * Once a message has started it is sent whole.
     */
    public boolean send(byte[] message, Duration timeout) throws IOException, InterruptedException {
        return send(message, 0, message.length, timeout.toNanos());
    }

    /**
     * Sends one message if the send buffer takes all of it now; returns false, having sent nothing, otherwise.
     * Never waits: false too while another thread is in the middle of a send. A message larger than the buffer
     * ({@link #maxTrySendBytes}) is refused with an exception: it can only go through {@link #send(byte[])}.
     */
    public boolean trySend(byte[] message) throws IOException {
        int limit = maxTrySendBytes();
        if (message.length > limit) {
            throw new IllegalArgumentException("trySend takes at most " + limit + " bytes (what the send buffer holds),"
                + " not " + message.length + ": use send, which waits for room");
        }
        enter();
        try {
            if (!sendLock.tryLock()) {
                return false;
            }
            try {
                checkCanSend();
                if (!ch.outboundMakeRoom(message.length)) {
                    return false;
                }
                writeMessage(message, 0, message.length, Long.MAX_VALUE);
                return true;
            } finally {
                sendLock.unlock();
            }
        } catch (InterruptedException cannotHappen) {
            throw new IllegalStateException("trySend waited", cannotHappen);
        } finally {
            exit();
        }
    }

    /** The largest message {@link #trySend} takes: what the empty send buffer holds. */
    public int maxTrySendBytes() {
        return ch.maxOutboundMessage();
    }

    private boolean send(byte[] message, int off, int len, long timeoutNanos) throws IOException, InterruptedException {
        if (len > maxMessageBytes) {
            throw new IllegalArgumentException("a message of " + len + " bytes is larger than the maximum ("
                + maxMessageBytes + "); send it in parts, or through outputStream()");
        }
        enter();
        try {
            sendLock.lockInterruptibly();
            try {
                checkCanSend();
                return writeMessage(message, off, len, deadline(timeoutNanos));
            } finally {
                sendLock.unlock();
            }
        } finally {
            exit();
        }
    }

    /** Writes a message's records; false when its first part found no room by {@code deadline}. */
    private boolean writeMessage(byte[] message, int off, int len, long deadline)
        throws IOException, InterruptedException {
        // A ring too small for the message grows first, once the worker has emptied it, so that the message goes in
        // whole (or, larger than the full-size ring, in its largest parts); nothing is written before the deadline.
        while (!ch.outboundMakeRoom(len) && ch.outboundGrowing()) {
            worker.channelChanged(ch);
            checkCanSend();
            if (!park(deadline, 0)) {
                return false;
            }
        }
        int at = 0;
        do {
            int n = Math.min(len - at, ch.maxPart());
            int type = at + n == len ? ConnectionChannel.END : ConnectionChannel.PART;
            sendView.wrap(message, off + at, n);
            if (!writeRecord(type, n, at == 0 ? deadline : Long.MAX_VALUE, at == 0)) {
                return false;
            }
            at += n;
        } while (at < len);
        return true;
    }

    /**
     * Writes one outbound record, waiting for room until {@code deadline}; false on timeout. Before a message has
     * started, a close from another thread stops it; once started, the message is written whole.
     */
    private boolean writeRecord(int type, int length, long deadline, boolean first)
        throws IOException, InterruptedException {
        while (!ch.outbound().write(type, sendView, 0, length)) {
            worker.channelChanged(ch);
            if (first) {
                checkCanSend();
            } else {
                checkNotEnded();
            }
            if (!park(deadline, length)) {
                return false;
            }
        }
        worker.channelChanged(ch);
        return true;
    }

    /**
     * Half-close: the peer receives everything sent so far, then the end of the stream. Waits only for a message
     * another thread is in the middle of sending, never for the peer.
     */
    public void shutdownOutput() throws IOException {
        enter();
        sendLock.lock();
        try {
            if (outputShut) {
                return;
            }
            outputShut = true;
            ch.requestFinish();
            worker.channelChanged(ch);
        } finally {
            sendLock.unlock();
            exit();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Receiving

    /**
     * Waits for the next message; null at the end of the stream (the peer finished and every message was read).
     * Throws when the connection ended otherwise (reset, timeout, endpoint closed), once the messages that arrived
     * before have been read.
     */
    public byte[] receive() throws IOException, InterruptedException {
        return receive(Long.MAX_VALUE);
    }

    /**
     * As {@link #receive()}, waiting at most {@code timeout}: throws {@link SocketTimeoutException} when no message
     * came, so a timeout is never mistaken for the end of the stream (null).
     */
    public byte[] receive(Duration timeout) throws IOException, InterruptedException {
        byte[] message = receive(timeout.toNanos());
        if (message == null && !inbound.eof) {
            throw new SocketTimeoutException("no message within " + timeout);
        }
        return message;
    }

    /**
     * The next message if one is whole already, or null when none is (then {@link #isPeerFinished} tells whether
     * one ever will be). Never waits: null too while another thread is receiving.
     */
    public byte[] tryReceive() throws IOException {
        try {
            return receive(0);
        } catch (InterruptedException cannotHappen) {
            throw new IllegalStateException("tryReceive waited", cannotHappen);
        }
    }

    /**
     * Waits for the next message and copies it into {@code dst} from its position, straight from the connection's
     * ring: one copy, where {@link #receive()} makes two and a new array. Returns the message's length (the position
     * moves past it), or -1 at the end of the stream; throws as {@link #receive()} when the connection ended
     * otherwise.
     *
     * <p>A message larger than {@code dst.remaining()} is not taken: the call throws
     * {@link java.nio.BufferOverflowException} with the position unchanged (bytes after it may have been written),
     * and the message is the next one any receive returns, so it can be read with a larger buffer or
     * {@link #receive()}.
     */
    public int receive(ByteBuffer dst) throws IOException, InterruptedException {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        enter();
        try {
            receiveLock.lockInterruptibly();
            try {
                while (true) {
                    int n = inbound.nextMessageInto(dst);
                    if (n >= 0) {
                        return n;
                    }
                    if (inbound.eof) {
                        return -1;
                    }
                    checkReadable();
                    park(Long.MAX_VALUE, READER);
                }
            } finally {
                inbound.keepStarted();  // a message begun in dst and left (an exception) goes on in the buffer
                receiveLock.unlock();
            }
        } finally {
            exit();
        }
    }

    private byte[] receive(long timeoutNanos) throws IOException, InterruptedException {
        enter();
        try {
            if (timeoutNanos == 0) {
                if (!receiveLock.tryLock()) {
                    return null;
                }
            } else {
                receiveLock.lockInterruptibly();
            }
            try {
                long deadline = deadline(timeoutNanos);
                while (true) {
                    byte[] message = inbound.nextMessage();
                    if (message != null || inbound.eof) {
                        return message;
                    }
                    checkReadable();
                    if (!park(deadline, READER)) {
                        return null;
                    }
                }
            } finally {
                receiveLock.unlock();
            }
        } finally {
            exit();
        }
    }

    /** True once the peer finished and every message before its FIN was read. */
    public boolean isPeerFinished() {
        return inbound.eof;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Stream views

    /** The connection's bytes as a stream, message boundaries ignored; -1 at the end of the stream. */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return readBytes(b, off, len);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading");
                }
            }
        };
    }

    /** Bytes written here go out as messages of at most the maximum message size; close() half-closes. */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    for (int at = 0; at < len; ) {
                        int n = Math.min(len - at, maxMessageBytes);
                        send(b, off + at, n);
                        at += n;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while writing");
                }
            }

            @Override
            public void close() throws IOException {
                shutdownOutput();
            }
        };
    }

    private int readBytes(byte[] b, int off, int len) throws IOException, InterruptedException {
        if (len == 0) {
            return 0;
        }
        enter();
        try {
            receiveLock.lockInterruptibly();
            try {
                while (true) {
                    int n = inbound.readBytes(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                    if (inbound.eof) {
                        return -1;
                    }
                    checkReadable();
                    park(Long.MAX_VALUE, READER);
                }
            } finally {
                receiveLock.unlock();
            }
        } finally {
            exit();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Closing and facts

    /**
     * Done with the connection: everything sent before (and a message another thread is in the middle of sending)
     * is still delivered, then both sides close. Messages not yet received are dropped; if the peer sends more, the
     * connection is aborted (the peer sees it reset), as TCP answers data after close. Never waits; idempotent.
     */
    @Override
    public void close() {
        if (ch.release(handle, false)) {
            ch.wakeAll();
            worker.channelChanged(ch);
        }
    }

    /** Drops the connection at once, telling the peer with an authentic ABORT. Never waits; idempotent. */
    public void abort() {
        if (ch.release(handle, true)) {
            ch.wakeAll();
            worker.channelChanged(ch);
        }
    }

    /** True until the connection ends or this side closes it. */
    public boolean isOpen() {
        return ch.isCurrent(handle) && ch.isOpen();
    }

    /** Why the connection ended, or null while it is open. */
    public CloseReason closeReason() {
        if (!ch.holds(handle)) {
            return CloseReason.CLOSED;
        }
        CloseReason reason = ch.closeReason();
        return reason == null && !ch.isCurrent(handle) ? CloseReason.CLOSED : reason;
    }

    /** The peer's address as last seen (it changes when the peer roams); null once the handle is stale. */
    public InetSocketAddress peer() {
        InetSocketAddress peer = ch.peer();
        return ch.holds(handle) ? peer : null;
    }

    /** The server's key fingerprint (SHA256:...), on the client side; null on the server side. */
    public String serverFingerprint() {
        return serverFingerprint;
    }

    /** Peer, RTT, window, bytes and last activity, taken on the worker; null once the connection is gone. */
    public ConnectionStats stats() throws IOException, InterruptedException {
        return TunnelEndpoint.await(worker, worker.connectionStats(ch, handle));
    }

    /**
     * Ready for {@link TunnelSelector}: something arrived to be taken (a message or part of one, the end of the
     * stream, or the end of the connection), so a {@link #tryReceive} makes progress: it returns a message, or takes
     * the first parts of one larger than the ring and returns null until the rest is in. Never waits, even while
     * another thread is in {@link #receive}.
     */
    @Override
    public boolean isReady() {
        return ch.inbound().size() > 0 || inbound.complete || inbound.eof || inbound.ended || !ch.isCurrent(handle)
            || !worker.isOpen();
    }

    /** Ready for writing in {@link TunnelSelector}: the send buffer is at most half full. */
    public boolean isWritable() {
        return ch.outboundHasRoom(ch.outbound().capacity() / 4) || !isOpen();
    }

    @Override
    public void selectingThread(Thread thread) {
        ch.selector(thread);
    }

    @Override
    public String toString() {
        return "TunnelConnection[" + peer() + (isOpen() ? ", open" : ", " + closeReason()) + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Every ring access is between enter and exit: a handle that is closed or stale is refused here. */
    private void enter() throws IOException {
        if (!ch.enter(handle)) {
            throw closedByThisSide();
        }
    }

    private void exit() {
        ch.exit();
    }

    private ConnectionClosedException closedByThisSide() {
        return new ConnectionClosedException("the connection was closed by this side", CloseReason.CLOSED);
    }

    private void checkCanSend() throws IOException {
        if (!ch.isCurrent(handle)) {
            throw closedByThisSide();
        }
        if (outputShut) {
            throw new ConnectionClosedException("output was shut down: nothing more can be sent", CloseReason.CLOSED);
        }
        checkNotEnded();
    }

    /** Sending: the connection ended (the reason says how) or the endpoint closed. */
    private void checkNotEnded() throws IOException {
        CloseReason reason = ch.closeReason();
        if (reason != null) {
            throw ended(reason);
        }
        if (!worker.isOpen()) {
            throw TunnelEndpoint.closed(worker);
        }
    }

    /**
     * Receiving, with nothing in the ring: the end is reported only once the worker has written it after all the
     * data (the ENDED record), or when the endpoint is closed.
     */
    private void checkReadable() throws IOException {
        if (!ch.isCurrent(handle)) {
            throw closedByThisSide();
        }
        if (inbound.ended) {
            throw ended(ch.closeReason());
        }
        if (!worker.isOpen()) {
            throw TunnelEndpoint.closed(worker);
        }
    }

    private IOException ended(CloseReason reason) {
        if (reason == CloseReason.ENDPOINT_CLOSED) {
            return TunnelEndpoint.closed(worker);
        }
        return TunnelException.of(reason, "connection to " + ch.peer() + " " + ch.closeDescription());
    }

    /**
     * Parks until woken or the deadline; false when the deadline has passed. {@code writing} is the length of the
     * record a writer waits to write, or {@link #READER}.
     */
    private boolean park(long deadline, int writing) throws InterruptedException {
        boolean writer = writing != READER;
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        Thread me = Thread.currentThread();
        if (writer) {
            ch.writer(me);
        } else {
            ch.reader(me);
        }
        // Registered (with a fence) before this last look: a record or an end published after it wakes us.
        boolean ready = writer ? ch.outboundWritable(writing) : ch.inbound().size() > 0;
        if (!ready && ch.isCurrent(handle) && ch.closeReason() == null && worker.isOpen()) {
            LockSupport.parkNanos(this, deadline == Long.MAX_VALUE ? Long.MAX_VALUE : left);
        }
        if (writer) {
            ch.writer(null);
        } else {
            ch.reader(null);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return true;
    }

    private static long deadline(long timeoutNanos) {
        if (timeoutNanos == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long now = System.nanoTime();
        return timeoutNanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + timeoutNanos;
    }

    /** Reads inbound records: whole messages for receive(), bytes for the stream view. */
    private final class Inbound implements MessageHandler {
        /** Sized by the messages read (a connection of small messages keeps a small one). */
        private byte[] partial = new byte[0];
        private int partialLength;
        /** A message that came in one record, read straight into an array of its size (no second copy). */
        private byte[] whole;
        /** receive(ByteBuffer): where the current message goes, and how many of its bytes are there. */
        private ByteBuffer target;
        private int direct;
        volatile boolean complete;
        volatile boolean eof;
        /** The worker's last record: the connection is over, and every byte before it was read. */
        volatile boolean ended;
        /** Stream view: bytes of a record not yet read. */
        private byte[] pending = new byte[0];
        private int pendingAt;
        private int pendingLength;
        private boolean streamMode;

        /** The next whole message, or null when none is whole yet. */
        byte[] nextMessage() {
            streamMode = false;
            if (pendingAt < pendingLength) {
                // Bytes a stream read left behind start the message.
                append(pending, pendingAt, pendingLength - pendingAt);
                pendingAt = pendingLength;
            }
            while (!complete && !eof && !ended && readOne()) {
                worker.inboundRead(ch);
            }
            if (!complete) {
                return null;
            }
            byte[] message = whole != null ? whole : Arrays.copyOf(partial, partialLength);
            whole = null;
            partialLength = 0;
            complete = false;
            return message;
        }

        /**
         * The next whole message copied into {@code dst}: its length, or -1 when none is whole yet (what is in keeps
         * its place in {@code dst} while the same call waits). Throws BufferOverflowException, keeping the message,
         * when it does not fit.
         */
        int nextMessageInto(ByteBuffer dst) {
            streamMode = false;
            if (target == null) {
                if (pendingAt < pendingLength) {
                    append(pending, pendingAt, pendingLength - pendingAt);
                    pendingAt = pendingLength;
                }
                if (partialLength == 0 && !complete) {
                    target = dst;  // a message not begun: straight into dst
                    direct = 0;
                }
            }
            while (!complete && !eof && !ended && readOne()) {
                worker.inboundRead(ch);
            }
            if (!complete) {
                return -1;
            }
            if (target != null) {
                int n = direct;
                dst.position(dst.position() + n);
                target = null;
                direct = 0;
                complete = false;
                return n;
            }
            byte[] message = whole != null ? whole : partial;
            int length = whole != null ? whole.length : partialLength;
            if (length > dst.remaining()) {
                throw new BufferOverflowException();
            }
            dst.put(message, 0, length);
            whole = null;
            partialLength = 0;
            complete = false;
            return length;
        }

        /** A message begun in the caller's buffer and not finished there continues in {@link #partial}. */
        void keepStarted() {
            if (target != null) {
                spill();
            }
        }

        private void spill() {
            if (partial.length < partialLength + direct) {
                partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + direct));
            }
            target.get(target.position(), partial, partialLength, direct);
            partialLength += direct;
            target = null;
            direct = 0;
        }

        int readBytes(byte[] b, int off, int len) {
            streamMode = true;
            if (whole != null) {
                append(whole, 0, whole.length);
                whole = null;
            }
            if (partialLength > 0) {
                pending = Arrays.copyOf(partial, partialLength);
                pendingAt = 0;
                pendingLength = partialLength;
                partialLength = 0;
                complete = false;
            }
            while (pendingAt == pendingLength && !eof && !ended && readOne()) {
                worker.inboundRead(ch);
            }
            int n = Math.min(len, pendingLength - pendingAt);
            System.arraycopy(pending, pendingAt, b, off, n);
            pendingAt += n;
            return n;
        }

        /** Reads one record; a read that only stepped over the ring's end padding tries again. */
        private boolean readOne() {
            for (int attempt = 0; attempt < 2; attempt++) {
                if (ch.inbound().read(this, 1) > 0) {
                    return true;
                }
                if (ch.inbound().size() == 0) {
                    return false;
                }
            }
            return false;
        }

        @Override
        public void onMessage(int type, MutableDirectBuffer buffer, int index, int length) {
            if (type == ConnectionChannel.EOF) {
                eof = true;
                return;
            }
            if (type == ConnectionChannel.ENDED) {
                ended = true;
                return;
            }
            if (streamMode) {
                if (pending.length < length) {
                    pending = new byte[Math.max(length, Math.min(2 * pending.length, ConnectionChannel.MAX_PART))];
                }
                buffer.getBytes(index, pending, 0, length);
                pendingAt = 0;
                pendingLength = length;
                return;
            }
            complete = type == ConnectionChannel.END;
            if (target != null) {
                if (direct + length <= target.remaining()) {
                    buffer.getBytes(index, target, target.position() + direct, length);
                    direct += length;
                    return;
                }
                spill();  // does not fit: the message goes on in partial, and the caller is told
            } else if (complete && partialLength == 0) {
                whole = new byte[length];
                buffer.getBytes(index, whole, 0, length);
                return;
            }
            if (partial.length < partialLength + length) {
                partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + length));
            }
            buffer.getBytes(index, partial, partialLength, length);
            partialLength += length;
        }

        private void append(byte[] b, int off, int len) {
            if (partial.length < partialLength + len) {
                partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + len));
            }
            System.arraycopy(b, off, partial, partialLength, len);
            partialLength += len;
        }
    }
}
