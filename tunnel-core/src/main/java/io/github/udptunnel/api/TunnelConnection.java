package io.github.udptunnel.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

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
 */
public final class TunnelConnection implements AutoCloseable, TunnelSelectable {

    /** The longest a waiting thread parks before it looks again, should a wake-up be missed. */
    private static final long PARK_SLICE_NANOS = 1_000_000;

    private final EndpointWorker worker;
    private final ConnectionChannel ch;
    private final long handle;
    private final int maxMessageBytes;
    private final Object sendLock = new Object();
    private final Object receiveLock = new Object();
    private final UnsafeBuffer sendView = new UnsafeBuffer(new byte[0]);
    private final Inbound inbound = new Inbound();
    private volatile boolean outputShut;
    private volatile boolean released;

    TunnelConnection(EndpointWorker worker, ConnectionChannel ch, int maxMessageBytes) {
        this.worker = worker;
        this.ch = ch;
        this.handle = ch.handle();
        this.maxMessageBytes = maxMessageBytes;
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

    /** Sends one message if the buffers take it at once (or its first part); false otherwise. */
    public boolean trySend(byte[] message) throws IOException, InterruptedException {
        return send(message, 0, message.length, 0);
    }

    private boolean send(byte[] message, int off, int len, long timeoutNanos) throws IOException, InterruptedException {
        if (len > maxMessageBytes) {
            throw new IllegalArgumentException("a message of " + len + " bytes is larger than the maximum ("
                + maxMessageBytes + "); send it in parts, or through outputStream()");
        }
        synchronized (sendLock) {
            checkCanSend();
            long deadline = deadline(timeoutNanos);
            int at = 0;
            do {
                int n = Math.min(len - at, ch.maxPart());
                int type = at + n == len ? ConnectionChannel.END : ConnectionChannel.PART;
                sendView.wrap(message, off + at, n);
                if (!writeRecord(type, n, at == 0 ? deadline : Long.MAX_VALUE)) {
                    return false;
                }
                at += n;
            } while (at < len);
            return true;
        }
    }

    /** Writes one outbound record, waiting for room until {@code deadline}; false on timeout. */
    private boolean writeRecord(int type, int length, long deadline) throws IOException, InterruptedException {
        while (!ch.outbound.write(type, sendView, 0, length)) {
            worker.outboundWritten(ch);
            checkCanSend();
            if (!park(deadline, true)) {
                return false;
            }
        }
        worker.outboundWritten(ch);
        return true;
    }

    /** Half-close: the peer receives everything sent so far, then the end of the stream. */
    public void shutdownOutput() throws IOException, InterruptedException {
        synchronized (sendLock) {
            if (outputShut || !ch.isOpen()) {
                return;
            }
            outputShut = true;
            writeRecord(ConnectionChannel.FIN, 0, Long.MAX_VALUE);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Receiving

    /** Waits for the next message; null when the peer has finished and every message was read. */
    public byte[] receive() throws IOException, InterruptedException {
        return receive(Long.MAX_VALUE);
    }

    /** The next message within {@code timeout}; null on timeout, or at the end of the stream (see {@link #isPeerFinished}). */
    public byte[] receive(Duration timeout) throws IOException, InterruptedException {
        return receive(timeout.toNanos());
    }

    /** The next message if one is whole already, or null. */
    public byte[] tryReceive() throws IOException, InterruptedException {
        return receive(0);
    }

    private byte[] receive(long timeoutNanos) throws IOException, InterruptedException {
        synchronized (receiveLock) {
            long deadline = deadline(timeoutNanos);
            while (true) {
                byte[] message = inbound.nextMessage();
                if (message != null || inbound.eof) {
                    return message;
                }
                checkReadable();
                if (!park(deadline, false)) {
                    return null;
                }
            }
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
                try {
                    shutdownOutput();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while closing");
                }
            }
        };
    }

    private int readBytes(byte[] b, int off, int len) throws IOException, InterruptedException {
        if (len == 0) {
            return 0;
        }
        synchronized (receiveLock) {
            while (true) {
                int n = inbound.readBytes(b, off, len);
                if (n > 0) {
                    return n;
                }
                if (inbound.eof) {
                    return -1;
                }
                checkReadable();
                park(Long.MAX_VALUE, false);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Closing and facts

    /**
     * Done with the connection: everything sent before is still delivered, then both sides close. Messages not yet
     * received are dropped. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        if (!worker.isRunning()) {
            return;
        }
        synchronized (sendLock) {
            try {
                writeRecord(ConnectionChannel.CLOSE, 0, Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                worker.abort(ch, handle);
            } catch (TunnelException ended) {
                worker.abort(ch, handle);  // already closed by the peer or a timeout: free the slot
            }
        }
    }

    /** Drops the connection at once, telling the peer with an authentic ABORT. */
    public void abort() throws IOException {
        released = true;
        worker.abort(ch, handle);
    }

    public boolean isOpen() {
        return ch.handle() == handle && ch.isOpen();
    }

    /** Why the connection ended, or null while it is open. */
    public CloseReason closeReason() {
        return ch.handle() == handle ? ch.closeReason() : CloseReason.CLOSED;
    }

    public InetSocketAddress peer() {
        return ch.peer();
    }

    /** The server's key fingerprint (SHA256:...), on the client side; null on the server side. */
    public String serverFingerprint() {
        return ch.serverFingerprint();
    }

    /** Peer, RTT, window, bytes and last activity, taken on the worker; null once the connection is gone. */
    public ConnectionStats stats() throws IOException, InterruptedException {
        try {
            return worker.connectionStats(ch, handle).get();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    /** Ready for {@link TunnelSelector}: a whole message, the end of the stream, or the end of the connection. */
    @Override
    public boolean isReady() {
        synchronized (receiveLock) {
            return inbound.hasMessage() || inbound.eof || !isOpen();
        }
    }

    @Override
    public void selectingThread(Thread thread) {
        ch.selector = thread;
    }

    @Override
    public String toString() {
        return "TunnelConnection[" + ch.peer() + (isOpen() ? ", open" : ", " + closeReason()) + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    private void checkCanSend() throws IOException {
        if (released) {
            throw new ConnectionClosedException("the connection was closed by this side", CloseReason.CLOSED);
        }
        if (outputShut) {
            throw new ConnectionClosedException("output was shut down: nothing more can be sent", CloseReason.CLOSED);
        }
        checkEnded();
    }

    private void checkReadable() throws IOException {
        if (released) {
            throw new ConnectionClosedException("the connection was closed by this side", CloseReason.CLOSED);
        }
        checkEnded();
    }

    private void checkEnded() throws IOException {
        CloseReason reason = ch.handle() == handle ? ch.closeReason() : CloseReason.CLOSED;
        if (reason != null && inbound.isEmpty()) {
            if (reason == CloseReason.ENDPOINT_CLOSED || !worker.isRunning()) {
                throw endpointClosed();
            }
            String why = ch.handle() == handle ? ch.closeDescription() : "closed";
            throw TunnelException.of(reason, "connection to " + ch.peer() + " " + why);
        }
        if (!worker.isRunning()) {
            throw endpointClosed();
        }
    }

    private EndpointClosedException endpointClosed() {
        Throwable failure = worker.failure();
        EndpointClosedException e = new EndpointClosedException(failure == null ? "the endpoint was closed"
            : "the endpoint's worker failed: " + failure);
        if (failure != null) {
            e.initCause(failure);
        }
        return e;
    }

    /** Parks until woken, a slice passes, or the deadline; false when the deadline has passed. */
    private boolean park(long deadline, boolean writer) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        Thread me = Thread.currentThread();
        if (writer) {
            ch.writer = me;
        } else {
            ch.reader = me;
        }
        LockSupport.parkNanos(this, Math.min(left, PARK_SLICE_NANOS));
        if (writer) {
            ch.writer = null;
        } else {
            ch.reader = null;
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
        private byte[] partial = new byte[4096];
        private int partialLength;
        private boolean complete;
        boolean eof;
        /** Stream view: bytes of a record not yet read. */
        private byte[] pending = new byte[0];
        private int pendingAt;
        private int pendingLength;
        private boolean streamMode;

        /** Pulls records until a message is whole (kept for the next receive) or the ring is empty. */
        boolean hasMessage() {
            if (complete) {
                return true;
            }
            while (!complete && !eof && readOne()) {
                worker.inboundRead(ch);
            }
            return complete;
        }

        boolean isEmpty() {
            return ch.inbound.size() == 0 && pendingAt == pendingLength && partialLength == 0;
        }

        /** The next whole message, or null when none is whole yet. */
        byte[] nextMessage() {
            streamMode = false;
            if (pendingAt < pendingLength) {
                // Bytes a stream read left behind start the message.
                append(pending, pendingAt, pendingLength - pendingAt);
                pendingAt = pendingLength;
            }
            while (!complete && !eof && readOne()) {
                worker.inboundRead(ch);
            }
            if (!complete) {
                return null;
            }
            byte[] message = Arrays.copyOf(partial, partialLength);
            partialLength = 0;
            complete = false;
            return message;
        }

        int readBytes(byte[] b, int off, int len) {
            streamMode = true;
            if (partialLength > 0) {
                pending = Arrays.copyOf(partial, partialLength);
                pendingAt = 0;
                pendingLength = partialLength;
                partialLength = 0;
            }
            while (pendingAt == pendingLength && !eof && readOne()) {
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
                if (ch.inbound.read(this, 1) > 0) {
                    return true;
                }
                if (ch.inbound.size() == 0) {
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
            if (streamMode) {
                if (pending.length < length) {
                    pending = new byte[Math.max(length, 4096)];
                }
                buffer.getBytes(index, pending, 0, length);
                pendingAt = 0;
                pendingLength = length;
                return;
            }
            if (partial.length < partialLength + length) {
                partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + length));
            }
            buffer.getBytes(index, partial, partialLength, length);
            partialLength += length;
            complete = type == ConnectionChannel.END;
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
