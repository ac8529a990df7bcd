package io.github.udptunnel.autoconfigure.identity;

import java.security.SecureRandom;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.udptunnel.autoconfigure.TunnelProperties;
import io.github.udptunnel.crypto.KeyPair;

/** Where the server's long-term key comes from: the key property, else the key file (made on first start). */
public final class ServerIdentity {

    private static final Log log = LogFactory.getLog(ServerIdentity.class);

    private ServerIdentity() {
    }

    /** The key the properties give; fails naming the property at fault. Logs the fingerprint, never the key. */
    public static KeyPair load(TunnelProperties.Identity identity) {
        if (identity.getKey() != null) {
            KeyPair key;
            try {
                key = KeyPair.fromPrivateKeyBase64(identity.getKey());
            } catch (IllegalArgumentException e) {
                throw new InvalidServerKeyException("tunnel.server.identity.key is not a private key: "
                    + e.getMessage(), null);
            }
            log.info("Tunnel server key from tunnel.server.identity.key: " + key.publicKey().fingerprint());
            return key;
        }
        ServerKeyFile file = new ServerKeyFile(identity.getKeyFile());
        KeyPair key = file.loadOrCreate(new SecureRandom());
        log.info("Tunnel server key from " + file.path() + ": " + key.publicKey().fingerprint());
        return key;
    }
}
