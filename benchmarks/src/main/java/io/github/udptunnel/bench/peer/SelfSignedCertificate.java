package io.github.udptunnel.bench.peer;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed P-256 certificate for localhost, made at run time by the JDK's keytool for the TLS and QUIC peers,
 * once per benchmark: a child JVM is handed the same key store through {@value #PROPERTY}, so that a server in it is
 * trusted by a client in the parent. Nothing is stored in the repository; the file goes when the JVM that made it
 * exits.
 */
public final class SelfSignedCertificate {

    /** The system property naming a key store made by another JVM of this benchmark. */
    public static final String PROPERTY = "bench.certificate";
    static final String ALIAS = "server";
    static final char[] PASSWORD = "bench-only".toCharArray();
    private static SelfSignedCertificate made;

    final Path file;
    final KeyStore store;
    final PrivateKey key;
    final X509Certificate certificate;

    private SelfSignedCertificate(Path file) throws Exception {
        this.file = file;
        this.store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        this.key = (PrivateKey) store.getKey(ALIAS, PASSWORD);
        this.certificate = (X509Certificate) store.getCertificate(ALIAS);
    }

    static synchronized SelfSignedCertificate get() throws Exception {
        if (made == null) {
            String given = System.getProperty(PROPERTY);
            made = new SelfSignedCertificate(given != null ? Path.of(given) : keytool());
        }
        return made;
    }

    /** The key store's file, for {@value #PROPERTY} of a child JVM. */
    public static Path file() throws Exception {
        return get().file;
    }

    /** Trusts this certificate alone. */
    TrustManagerFactory trustManagers() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf;
    }

    private static Path keytool() throws Exception {
        Path dir = Files.createTempDirectory("bench-cert");
        Path file = dir.resolve("server.p12");
        dir.toFile().deleteOnExit();
        file.toFile().deleteOnExit();  // runs before the directory's: last registered, first deleted
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
            "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
            "-keystore", file.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
            .redirectErrorStream(true).start();
        byte[] output = keytool.getInputStream().readAllBytes();
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + new String(output));
        }
        return file;
    }
}
