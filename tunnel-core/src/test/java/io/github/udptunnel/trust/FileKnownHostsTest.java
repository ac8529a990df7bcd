package io.github.udptunnel.trust;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.engine.TunnelFixture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileKnownHostsTest {

    @TempDir
    Path dir;

    private static PublicKey key(long seed) {
        return TunnelFixture.keyPair(seed).publicKey();
    }

    @Test
    void aPinOutlivesTheObjectThatMadeIt() {
        Path file = dir.resolve("known_hosts");
        assertThat(new FileKnownHosts(file).pinIfAbsent("a.example:4433", key(1))).isEqualTo(key(1));
        assertThat(new FileKnownHosts(file).lookup("a.example:4433")).isEqualTo(key(1));
        assertThat(new FileKnownHosts(file).lookup("b.example:4433")).isNull();
    }

    @Test
    void aLookUpSeesWhatAnotherWriterPinnedAndWhatAPersonEdited() throws Exception {
        Path file = dir.resolve("known_hosts");
        FileKnownHosts reader = new FileKnownHosts(file);
        assertThat(reader.lookup("a")).isNull();
        new FileKnownHosts(file).pinIfAbsent("a", key(1));
        assertThat(reader.lookup("a")).as("the parse is kept only while the file is unchanged").isEqualTo(key(1));
        Files.writeString(file, "b " + key(2).toBase64() + "\n");  // edited in place, as a person would
        assertThat(reader.lookup("a")).isNull();
        assertThat(reader.lookup("b")).isEqualTo(key(2));
    }

    @Test
    void aPinIsNeverOverwritten() throws Exception {
        Path file = dir.resolve("known_hosts");
        FileKnownHosts hosts = new FileKnownHosts(file);
        hosts.pinIfAbsent("a", key(1));
        String before = Files.readString(file);
        assertThat(hosts.pinIfAbsent("a", key(2))).as("the earlier pin wins").isEqualTo(key(1));
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void theFileAndItsLockAreOwnerOnly() throws Exception {
        Path file = dir.resolve("sub").resolve("known_hosts");
        new FileKnownHosts(file).pinIfAbsent("a", key(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.resolveSibling("known_hosts.lock"))))
            .isEqualTo("rw-------");
    }

    @Test
    void commentsAndOrderAreKept() throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, "# pinned by hand\nb " + key(2).toBase64());
        new FileKnownHosts(file).pinIfAbsent("a", key(1));
        assertThat(Files.readAllLines(file)).containsExactly("# pinned by hand", "b " + key(2).toBase64(),
            "a " + key(1).toBase64());
    }

    @Test
    void aMalformedLineNamesTheFileAndTheLine() throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, "a " + key(1).toBase64() + "\nb not-a-key\n");
        assertThatThrownBy(() -> new FileKnownHosts(file).lookup("a"))
            .hasMessageContaining(file.toString()).hasMessageContaining("line 2");
        assertThatThrownBy(() -> new FileKnownHosts(file).pinIfAbsent("bad name", key(1)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentThreadsLoseNoPin() throws Exception {
        Path file = dir.resolve("known_hosts");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            writers.add(pool.submit(() -> {
                FileKnownHosts mine = new FileKnownHosts(file);  // an instance each: the monitor is per file
                for (int i = 0; i < 25; i++) {
                    mine.pinIfAbsent("host-" + thread + "-" + i, key(thread * 100L + i));
                }
            }));
        }
        for (Future<?> w : writers) {
            w.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(new FileKnownHosts(file).read()).hasSize(200);
    }

    @Test
    void concurrentProcessesLoseNoPin() throws Exception {
        Path file = dir.resolve("known_hosts");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> others = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            others.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), PinMany.class.getName(),
                file.toString(), "process-" + p, "40").redirectErrorStream(true)
                .redirectOutput(new File(dir.toFile(), "process-" + p + ".log")).start());
        }
        PinMany.main(new String[] {file.toString(), "here", "40"});
        for (Process p : others) {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        assertThat(new FileKnownHosts(file).read()).hasSize(120);
    }

    /** Pins {@code count} hosts named after {@code prefix}: a second process for the concurrency test. */
    public static final class PinMany {
        public static void main(String[] args) {
            FileKnownHosts hosts = new FileKnownHosts(Path.of(args[0]));
            int count = Integer.parseInt(args[2]);
            for (int i = 0; i < count; i++) {
                hosts.pinIfAbsent(args[1] + "-" + i, key(args[1].hashCode() * 1000L + i));
            }
        }
    }
}
