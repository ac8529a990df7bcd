package io.github.udptunnel.bench.peer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * JDK TLS 1.3 over TCP with SSLSocket: a thread per connection on the server, the client verifying the server's
 * self-signed certificate. No session cache on either side, so every connection is a full handshake.
 */
public final class TlsPeer implements Peer {

    private final SSLContext context;
    private final SSLServerSocket listener;
    private final ExecutorService handlers = Executors.newCachedThreadPool(Threads.daemon("tls-service"));

    public TlsPeer(Service service) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.get();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(cert.store, SelfSignedCertificate.PASSWORD);
        context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), cert.trustManagers().getTrustManagers(), null);
        context.getClientSessionContext().setSessionCacheSize(1);
        context.getClientSessionContext().setSessionTimeout(1);
        context.getServerSessionContext().setSessionCacheSize(1);
        listener = (SSLServerSocket) context.getServerSocketFactory()
            .createServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        listener.setEnabledProtocols(new String[] {"TLSv1.3"});
        handlers.submit(() -> {
            while (!listener.isClosed()) {
                try {
                    SSLSocket s = (SSLSocket) listener.accept();
                    s.setTcpNoDelay(true);
                    Stream stream = new Stream(s);
                    handlers.submit(() -> service.serve(stream));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    @Override
    public String name() {
        return "JDK TLS 1.3";
    }

    @Override
    public InetSocketAddress serverAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    @Override
    public StreamConnection connect(InetSocketAddress to) throws Exception {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        s.setTcpNoDelay(true);
        s.connect(to);
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.startHandshake();
        return new Stream(s);
    }

    @Override
    public boolean overUdp() {
        return false;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        handlers.shutdownNow();
    }

    private static final class Stream implements StreamConnection {
        private final SSLSocket s;
        private final InputStream in;
        private final OutputStream out;

        Stream(SSLSocket s) throws IOException {
            this.s = s;
            this.in = new DataInputStream(s.getInputStream());
            this.out = s.getOutputStream();
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            out.write(bytes, off, len);
            out.flush();
        }

        @Override
        public int read(byte[] bytes, int off, int len) throws IOException {
            return in.read(bytes, off, len);
        }

        @Override
        public void shutdownOutput() throws IOException {
            s.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            s.getSession().invalidate();
            s.close();
        }
    }
}
