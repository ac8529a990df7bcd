package io.github.udptunnel.bench.peer;

import java.util.ArrayList;
import java.util.List;

/**
 * What every peer's server does with a connection, chosen by the first byte the client sends, so that one server
 * serves every measure and every peer serves them alike.
 */
public final class Service {

    /** Writes {@link Pattern} bytes flat out until the client goes away. */
    public static final byte SOURCE = 'S';
    /** Echoes each {@link #MESSAGE_BYTES}-byte request until the client finishes. */
    public static final byte ECHO = 'E';
    /** Reads one {@link #MESSAGE_BYTES}-byte first message (the mode byte is its first byte), then closes. */
    public static final byte FIRST_MESSAGE = 'F';
    /** Echoes one message and keeps the connection open, without a thread, until the server closes. */
    public static final byte ECHO_ONCE_AND_HOLD = 'H';

    public static final int MESSAGE_BYTES = 64;

    private final List<StreamConnection> held = new ArrayList<>();

    /** Serves one accepted connection on the calling thread. */
    public void serve(StreamConnection c) {
        boolean keep = false;
        try {
            byte[] message = new byte[MESSAGE_BYTES];
            if (!c.readFully(message, 0, 1)) {
                return;
            }
            switch (message[0]) {
                case SOURCE -> {
                    Pattern pattern = Pattern.shared();
                    for (long at = 0; ; at += Pattern.CHUNK) {
                        pattern.write(c, at, Pattern.CHUNK);
                    }
                }
                case ECHO -> {
                    while (c.readFully(message, 0, MESSAGE_BYTES)) {
                        c.write(message, 0, MESSAGE_BYTES);
                    }
                }
                case FIRST_MESSAGE -> c.readFully(message, 1, MESSAGE_BYTES - 1);
                case ECHO_ONCE_AND_HOLD -> {
                    if (c.readFully(message, 0, MESSAGE_BYTES)) {
                        c.write(message, 0, MESSAGE_BYTES);
                        synchronized (held) {
                            held.add(c);
                        }
                        keep = true;
                    }
                }
                default -> { }
            }
        } catch (Exception clientWentAway) {
            // the normal end of SOURCE, and of any run that was cut
        } finally {
            if (!keep) {
                closeQuietly(c);
            }
        }
    }

    /** How many connections {@link #ECHO_ONCE_AND_HOLD} holds open. */
    public int held() {
        synchronized (held) {
            return held.size();
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing after a failure
        }
    }
}
