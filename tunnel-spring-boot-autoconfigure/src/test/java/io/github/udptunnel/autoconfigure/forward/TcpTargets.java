package io.github.udptunnel.autoconfigure.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/** Real TCP services on 127.0.0.1 for the forwarding tests. */
final class TcpTargets {

    private TcpTargets() {
    }

    /**
     * An echo service: each connection gets back what it sends, then a FIN after the client's. Counts accepts. With a
     * banner, it speaks first, as SMTP and MySQL servers do.
     */
    static final class Echo implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger accepted = new AtomicInteger();
        private final byte[] banner;

        Echo() throws IOException {
            this(new byte[0]);
        }

        Echo(byte[] banner) throws IOException {
            this.banner = banner;
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::acceptLoop, "echo-target");
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        private void acceptLoop() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.incrementAndGet();
                    Thread t = new Thread(() -> echo(s, banner), "echo-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void echo(Socket s, byte[] banner) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                out.write(banner);
                in.transferTo(out);
                s.shutdownOutput();
            } catch (IOException e) {
                // the test ended the connection
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * A service that reads each connection to its end (the client's FIN), and only then answers how many bytes it
     * read and closes: its answer crosses the forward after the upstream direction has ended.
     */
    static final class CountThenAnswer implements AutoCloseable {
        final ServerSocket socket;

        CountThenAnswer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::serve, "count-target");
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    long n = s.getInputStream().transferTo(OutputStream.nullOutputStream());
                    s.getOutputStream().write(("read " + n).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // closed, or the client went away
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A port on 127.0.0.1 with nothing listening: connects to it are refused. */
    static String closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    static Socket connect(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.connect(to);
        s.setSoTimeout(120_000);  // a safety net: a hung forward fails the test instead of hanging the build
        return s;
    }
}
