package io.github.udptunnel.autoconfigure.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.udptunnel.crypto.KeyPair;

/**
 * The server's private key in a file: one line of base64 (as WireGuard keeps its keys), lines starting with
 * {@code #} ignored. Made on first use with a fresh key, owner-only (rw-------) from the moment it exists, and put in
 * place whole by a hard link, so two servers starting at once end with the same key and nobody ever reads half a file.
 */
public final class ServerKeyFile {

    /** The property that names the file, for messages. */
    public static final String PROPERTY = "tunnel.server.identity.key-file";

    private static final Log log = LogFactory.getLog(ServerKeyFile.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;

    public ServerKeyFile(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    public Path path() {
        return file;
    }

    /** The key in the file, made first if the file does not exist. */
    public KeyPair loadOrCreate(SecureRandom random) {
        if (!Files.exists(file)) {
            KeyPair created = KeyPair.generate(random);
            if (create(created)) {
                log.info("Created the tunnel server's key file " + file + " (owner-only), key "
                    + created.publicKey().fingerprint());
                return created;
            }
            // Another process made it first: use theirs.
        }
        return load();
    }

    /** The key in the existing file; fails, naming {@link #PROPERTY}, when it is missing or not a key. */
    public KeyPair load() {
        List<String> lines = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    lines.add(t);
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidServerKeyException(PROPERTY + ": " + file + " is not a tunnel key file: it is not text",
                null);
        } catch (IOException | UncheckedIOException e) {
            throw new InvalidServerKeyException(PROPERTY + ": cannot read " + file + ": " + e, null);
        }
        if (lines.size() != 1) {
            throw new InvalidServerKeyException(PROPERTY + ": " + file + " is not a tunnel key file: expected one line,"
                + " the base64 of a 32-byte private key, and found " + lines.size() + " lines", null);
        }
        KeyPair key;
        try {
            key = KeyPair.fromPrivateKeyBase64(lines.get(0));
        } catch (IllegalArgumentException e) {
            throw new InvalidServerKeyException(PROPERTY + ": " + file + " is not a tunnel key file: "
                + e.getMessage(), null);
        }
        warnIfOthersCanRead();
        return key;
    }

    private boolean create(KeyPair key) {
        try {
            Path dir = file.getParent();
            Files.createDirectories(dir);
            Path temporary = Files.createTempFile(dir, file.getFileName() + ".", ".new", ownerOnly());
            try {
                try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    String text = "# tunnel server private key: keep it secret, keep it (clients pin its public key)\n"
                        + key.privateKeyBase64() + "\n";
                    out.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
                    out.force(true);
                }
                try {
                    Files.createLink(file, temporary);  // fails if the file exists: never replaces a key
                } catch (FileAlreadyExistsException e) {
                    return false;
                } catch (UnsupportedOperationException | IOException noHardLinks) {
                    if (Files.exists(file)) {
                        return false;
                    }
                    Files.move(temporary, file);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
            return true;
        } catch (IOException e) {
            throw new InvalidServerKeyException(PROPERTY + ": cannot create the key file " + file + ": " + e, null);
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
        }
        return new FileAttribute<?>[0];
    }

    private void warnIfOthersCanRead() {
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Set<PosixFilePermission> p = EnumSet.copyOf(Files.getPosixFilePermissions(file));
                p.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
                if (!p.isEmpty()) {
                    log.warn("The tunnel server's key file " + file + " can be read by others ("
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) + "): chmod 600 it");
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // Permissions are advice here; the key was read.
        }
    }
}
