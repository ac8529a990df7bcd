package io.github.udptunnel.bench.peer;

/**
 * One connection of a peer seen as a blocking byte stream, the same way for every peer, so the benchmark drives
 * them all with the same code. Not thread-safe: one reader and one writer.
 */
public interface StreamConnection extends AutoCloseable {

    /** Writes all of the bytes, blocking while the peer's buffers are full. */
    void write(byte[] bytes, int off, int len) throws Exception;

    /** Reads at least one byte, blocking; -1 once the other side finished and everything was read. */
    int read(byte[] bytes, int off, int len) throws Exception;

    /** Reads exactly {@code len} bytes; false if the stream ended first. */
    default boolean readFully(byte[] bytes, int off, int len) throws Exception {
        for (int at = 0; at < len; ) {
            int n = read(bytes, off + at, len - at);
            if (n < 0) {
                return false;
            }
            at += n;
        }
        return true;
    }

    /** Half-closes: the other side reads -1 after the bytes written so far. */
    void shutdownOutput() throws Exception;

    /** Releases the connection; a transfer still running is cut. */
    @Override
    void close() throws Exception;
}
