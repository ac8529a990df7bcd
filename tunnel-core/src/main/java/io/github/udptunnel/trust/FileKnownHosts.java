package io.github.udptunnel.trust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.github.udptunnel.crypto.PublicKey;

/**
 * Known hosts in a file, one pin a line as SSH's known_hosts: {@code host base64-key}; blank lines and lines
 * starting with {@code #} are kept as they are. A pin is added by writing a new file beside the old one, forcing it
 * to disk and moving it into place atomically, under an exclusive lock on {@code <file>.lock} (other processes)
 * and a monitor per file (other threads), so concurrent writers never lose a pin and a crash never leaves half a
 * file. Both files are owner-only (rw-------) where the file system has POSIX permissions.
 */
public final class FileKnownHosts implements KnownHosts {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final java.util.concurrent.ConcurrentMap<Path, Object> MONITORS =
        new java.util.concurrent.ConcurrentHashMap<>();

    private final Path file;
    private final Path lockFile;
    private final boolean posix;

    public FileKnownHosts(Path file) {
        this.file = file.toAbsolutePath();
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
        this.posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    public Path file() {
        return file;
    }

    /** The last parse, with the file's identity when it was read: a look-up re-reads only a file that changed. */
    private volatile Snapshot snapshot;

    private record Snapshot(Object version, Map<String, PublicKey> pins) {
    }

    @Override
    public PublicKey lookup(String host) {
        Object version = version();
        Snapshot seen = snapshot;
        if (seen == null || version == null || !version.equals(seen.version())) {
            seen = new Snapshot(version, java.util.Collections.unmodifiableMap(read()));
            snapshot = seen;
        }
        return seen.pins().get(host);
    }

    /** What changes whenever the file is replaced or written: its inode (or path), size and modification time. */
    private Object version() {
        try {
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(file,
                java.nio.file.attribute.BasicFileAttributes.class);
            Object key = a.fileKey();
            return java.util.List.of(key == null ? file : key, a.size(), a.lastModifiedTime());
        } catch (java.nio.file.NoSuchFileException e) {
            return "absent";
        } catch (IOException e) {
            return null;  // read() will say what is wrong
        }
    }

    @Override
    public PublicKey pinIfAbsent(String host, PublicKey key) {
        requireValidHost(host);
        // A file lock guards against other processes only: threads of this one (with any instance) queue here.
        synchronized (MONITORS.computeIfAbsent(file, f -> new Object())) {
            return pinLocked(host, key);
        }
    }

    private PublicKey pinLocked(String host, PublicKey key) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = lock.lock()) {
                ownerOnly(lockFile);
                PublicKey earlier = read().get(host);
                if (earlier != null) {
                    return earlier;
                }
                String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
                String separator = existing.isEmpty() || existing.endsWith("\n") ? "" : "\n";
                writeAtomically(existing + separator + host + " " + key.toBase64() + "\n");
                return key;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not pin the key of " + host + " in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every pin in the file; a malformed line fails with the file and line number. */
    public Map<String, PublicKey> read() {
        Map<String, PublicKey> pins = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return pins;
        }
        try {
            int number = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                number++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] fields = trimmed.split("\\s+");
                if (fields.length != 2) {
                    throw new IllegalStateException(file + " line " + number + ": expected 'host base64-key'");
                }
                try {
                    pins.putIfAbsent(fields[0], PublicKey.fromBase64(fields[1]));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(file + " line " + number + ": " + e.getMessage(), e);
                }
            }
            return pins;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read known hosts " + file + ": " + e.getMessage(), e);
        }
    }

    private void writeAtomically(String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ownerOnly(temporary);
            out.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            out.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory();
    }

    /** The rename is only durable once the directory entry is on disk too. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // Some platforms cannot open a directory; the file itself was forced.
        }
    }

    private void ownerOnly(Path path) throws IOException {
        if (posix) {
            Files.setPosixFilePermissions(path, OWNER_ONLY);
        }
    }

    private static void requireValidHost(String host) {
        if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace) || host.startsWith("#")) {
            throw new IllegalArgumentException("a known-hosts name has no spaces and does not start with '#': '"
                + host + "'");
        }
    }

    @Override
    public String toString() {
        return "FileKnownHosts[" + file + "]";
    }
}
