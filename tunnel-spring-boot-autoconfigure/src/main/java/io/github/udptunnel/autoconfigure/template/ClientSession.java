package io.github.udptunnel.autoconfigure.template;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.udptunnel.api.ConnectionClosedException;
import io.github.udptunnel.api.TunnelConnection;
import io.github.udptunnel.autoconfigure.TunnelThreads;
import io.github.udptunnel.autoconfigure.message.FrameKind;
import io.github.udptunnel.autoconfigure.message.MalformedFrameException;
import io.github.udptunnel.autoconfigure.message.TunnelFrame;
import io.github.udptunnel.engine.CloseReason;

/**
 * One connection to a named server, shared by every caller: requests take a correlation id each, and one reader
 * thread hands each REPLY or ERROR to the future waiting for its id. When the connection ends, every request still
 * waiting fails, and the next call opens a new session.
 */
final class ClientSession {

    private static final Log log = LogFactory.getLog(ClientSession.class);

    private final String server;
    private final TunnelConnection connection;
    private final Map<Long, CompletableFuture<TunnelFrame>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Throwable ended;
    private final long openedNanos = System.nanoTime();

    ClientSession(String server, TunnelConnection connection) {
        this.server = server;
        this.connection = connection;
    }

    ClientSession start() {
        TunnelThreads.daemonThread("tunnel-client-" + server, this::readReplies).start();
        return this;
    }

    long openedNanos() {
        return openedNanos;
    }

    TunnelConnection connection() {
        return connection;
    }

    /** True while requests can go out on this session. */
    boolean usable() {
        return ended == null && connection.isOpen();
    }

    long nextId() {
        long id;
        do {
            id = ids.incrementAndGet();
        } while (id == 0);
        return id;
    }

    /** A future for the answer to request {@code id}; it fails after {@code timeout}, or when the session ends. */
    CompletableFuture<TunnelFrame> expect(long id, Duration timeout) {
        CompletableFuture<TunnelFrame> answer = new CompletableFuture<>();
        pending.put(id, answer);
        answer.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((frame, failure) -> pending.remove(id));
        Throwable cause = ended;
        if (cause != null && pending.remove(id) != null) {  // the reader ended before it could see this id
            answer.completeExceptionally(lost(cause));
        }
        return answer;
    }

    /** Request {@code id} could not be sent: nobody will answer it. */
    void abandon(long id, Throwable failure) {
        CompletableFuture<TunnelFrame> answer = pending.remove(id);
        if (answer != null) {
            answer.completeExceptionally(failure);
        }
    }

    int pendingCount() {
        return pending.size();
    }

    void close() {
        connection.close();
    }

    private void readReplies() {
        Throwable cause;
        try {
            while (true) {
                byte[] message = connection.receive();
                if (message == null) {
                    cause = new ConnectionClosedException("the server finished the connection", CloseReason.CLOSED);
                    break;
                }
                dispatch(message);
            }
        } catch (IOException e) {
            cause = e;
        } catch (InterruptedException e) {
            cause = e;
        }
        end(cause);
    }

    private void dispatch(byte[] message) {
        TunnelFrame frame;
        try {
            frame = TunnelFrame.decode(message);
        } catch (MalformedFrameException e) {
            log.warn("Dropped a message from tunnel server '" + server + "' that is not a frame: " + e.getMessage());
            return;
        }
        if (frame.kind() != FrameKind.REPLY && frame.kind() != FrameKind.ERROR) {
            log.debug("Dropped a " + frame.kind() + " from tunnel server '" + server + "': clients take only replies");
            return;
        }
        CompletableFuture<TunnelFrame> answer = pending.remove(frame.correlationId());
        if (answer == null) {
            log.debug("Dropped a late answer to request " + frame.correlationId() + " from tunnel server '" + server + "'");
            return;
        }
        answer.complete(frame);
    }

    private void end(Throwable cause) {
        ended = cause;
        boolean quiet = cause instanceof ConnectionClosedException c
            && (c.reason() == CloseReason.IDLE_TIMEOUT || c.reason() == CloseReason.CLOSED);
        if (quiet || pending.isEmpty()) {
            log.debug("Connection to tunnel server '" + server + "' ended: " + cause.getMessage());
        } else {
            log.warn("Connection to tunnel server '" + server + "' ended with " + pending.size()
                + " requests unanswered: " + cause.getMessage());
        }
        for (Long id : pending.keySet()) {
            abandon(id, lost(cause));
        }
        connection.close();
    }

    private TunnelClientException lost(Throwable cause) {
        return new TunnelClientException("the connection to tunnel server '" + server + "' ended before the reply: "
            + cause.getMessage(), cause);
    }
}
