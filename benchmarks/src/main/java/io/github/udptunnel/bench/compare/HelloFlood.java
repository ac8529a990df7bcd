package io.github.udptunnel.bench.compare;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.concurrent.locks.LockSupport;

import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.wire.HelloPacket;

/**
 * The attacker: valid HELLOs (each one a real client key, so the server must answer it with a COOKIE unless its rate
 * limit says no) at a steady rate from many source ports of one address, until standard input ends; then prints
 * {@code sent N bytesSent B received M bytesReceived R}. Runs in its own JVM.
 *
 * <p>Arguments: target address, target port, HELLOs per second, source ports, source address.
 */
public final class HelloFlood {

    private HelloFlood() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        int rate = Integer.parseInt(args[2]);
        DatagramChannel[] sockets = new DatagramChannel[Integer.parseInt(args[3])];
        InetSocketAddress source = new InetSocketAddress(InetAddress.getByName(args[4]), 0);
        for (int i = 0; i < sockets.length; i++) {
            sockets[i] = DatagramChannel.open().bind(source);
            sockets[i].configureBlocking(false);
        }
        ByteBuffer[] hellos = new ByteBuffer[16];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < hellos.length; i++) {
            byte[] hello = new byte[HelloPacket.SIZE];
            HelloPacket.encode(ByteBuffer.wrap(hello), 0, KeyPair.generate(random).publicKey().toBytes(), 0);
            hellos[i] = ByteBuffer.wrap(hello);
        }
        Thread stopper = new Thread(() -> {
            try {
                System.in.readAllBytes();
            } catch (Exception ignored) {
                // ends the flood either way
            }
        });
        stopper.start();
        System.out.println("flooding");
        System.out.flush();

        ByteBuffer sink = ByteBuffer.allocate(2048);
        long sent = 0;
        long bytesSent = 0;
        long received = 0;
        long bytesReceived = 0;
        long start = System.nanoTime();
        while (stopper.isAlive()) {
            long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
            for (; sent < due; sent++) {
                ByteBuffer hello = hellos[(int) (sent % hellos.length)];
                hello.clear();
                bytesSent += sockets[(int) (sent % sockets.length)].send(hello, target);
            }
            for (DatagramChannel s : sockets) {
                sink.clear();
                while (s.receive(sink) != null) {
                    received++;
                    bytesReceived += sink.position();
                    sink.clear();
                }
            }
            LockSupport.parkNanos(200_000);
        }
        System.out.println("sent " + sent + " bytesSent " + bytesSent + " received " + received + " bytesReceived "
            + bytesReceived);
        System.out.flush();
        System.exit(0);
    }
}
