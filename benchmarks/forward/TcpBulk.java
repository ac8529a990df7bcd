import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TCP ends of benchmarks/run-forward.sh, run as a single-file program (java TcpBulk.java ...):
 *
 * <pre>
 * sink PORT              accept connections on 127.0.0.1:PORT and read each to its end
 * stall PORT             accept connections and never read them
 * send PORT BYTES        write BYTES to 127.0.0.1:PORT, half-close, wait for the end; print MB/s (10^6 bytes)
 * stallwrite PORT SECS   write for SECS seconds to a service that does not read; print the bytes it took
 * echo PORT              accept connections and echo what each sends
 * rr PORT N              N round trips of 64 bytes through an echo; print the median and p99 in microseconds
 * </pre>
 */
public class TcpBulk {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "sink" -> serve(Integer.parseInt(args[1]), true);
            case "stall" -> serve(Integer.parseInt(args[1]), false);
            case "send" -> send(Integer.parseInt(args[1]), Long.parseLong(args[2]));
            case "stallwrite" -> stallWrite(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "echo" -> echo(Integer.parseInt(args[1]));
            case "rr" -> roundTrips(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void serve(int port, boolean read) throws Exception {
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            while (true) {
                Socket s = server.accept();
                Thread t = new Thread(() -> {
                    try (s) {
                        if (!read) {
                            Thread.sleep(Long.MAX_VALUE);
                        }
                        InputStream in = s.getInputStream();
                        byte[] buffer = new byte[256 * 1024];
                        while (in.read(buffer) >= 0) {
                            // count nothing: the sender measures
                        }
                    } catch (Exception e) {
                        // the sender went away
                    }
                });
                t.setDaemon(true);
                t.start();
            }
        }
    }

    static void send(int port, long bytes) throws Exception {
        byte[] chunk = new byte[256 * 1024];
        new SplittableRandom(1).nextBytes(chunk);  // incompressible, should anything compress
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            long start = System.nanoTime();
            OutputStream out = s.getOutputStream();
            for (long left = bytes; left > 0; ) {
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                left -= n;
            }
            s.shutdownOutput();
            s.getInputStream().read();  // the end: the sink read everything and closed
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%.1f%n", bytes / seconds / 1e6);
        }
    }

    static void echo(int port) throws Exception {
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            while (true) {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Thread t = new Thread(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (Exception e) {
                        // the client went away
                    }
                });
                t.setDaemon(true);
                t.start();
            }
        }
    }

    static void roundTrips(int port, int n) throws Exception {
        long[] nanos = new long[n];
        byte[] message = new byte[64];
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = -n / 10; i < n; i++) {  // the first tenth warms up
                long start = System.nanoTime();
                out.write(message);
                in.readNBytes(message, 0, message.length);
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - start;
                }
            }
        }
        java.util.Arrays.sort(nanos);
        System.out.printf("%d %d%n", nanos[n / 2] / 1000, nanos[n * 99 / 100] / 1000);
    }

    static void stallWrite(int port, int seconds) throws Exception {
        AtomicLong written = new AtomicLong();
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        Thread writer = new Thread(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                OutputStream out = s.getOutputStream();
                while (true) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (Exception e) {
                // closed at the end
            }
        });
        writer.setDaemon(true);
        writer.start();
        Thread.sleep(seconds * 1000L);
        System.out.println(written.get());
        s.close();
    }
}
