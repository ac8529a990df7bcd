package io.github.udptunnel.bench.peer;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed P-256 certificate for localhost, made once per process at run time by the JDK's keytool, for the TLS
 * and QUIC peers. Nothing is stored in the repository.
 */
public final class SelfSignedCertificate {

    static final String ALIAS = "server";
    static final char[] PASSWORD = "bench-only".toCharArray();
    private static SelfSignedCertificate made;

    final KeyStore store;
    final PrivateKey key;
    final X509Certificate certificate;

    private SelfSignedCertificate(KeyStore store) throws Exception {
        this.store = store;
        this.key = (PrivateKey) store.getKey(ALIAS, PASSWORD);
        this.certificate = (X509Certificate) store.getCertificate(ALIAS);
    }

    static synchronized SelfSignedCertificate get() throws Exception {
        if (made == null) {
            made = new SelfSignedCertificate(keytool());
        }
        return made;
    }

    /** Trusts this certificate alone. */
    TrustManagerFactory trustManagers() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf;
    }

    private static KeyStore keytool() throws Exception {
        Path dir = Files.createTempDirectory("bench-cert");
        Path file = dir.resolve("server.p12");
        try {
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
            byte[] output = keytool.getInputStream().readAllBytes();
            if (keytool.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + new String(output));
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, PASSWORD);
            }
            return store;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
