package io.github.udptunnel.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.udptunnel.crypto.KeyPair;

/** The server's key file: made owner-only on first start, the same key on every start after, refused when corrupt. */
@ExtendWith(OutputCaptureExtension.class)
class ServerKeyFileTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner(Path keyFile) {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TunnelAutoConfiguration.class))
            .withPropertyValues("tunnel.server.port=0", "tunnel.server.address=127.0.0.1",
                "tunnel.server.identity.key-file=" + keyFile);
    }

    @Test
    void createdOwnerOnlyAndReusedOnRestart() throws Exception {
        Path keyFile = dir.resolve("keys").resolve("server.key");
        AtomicReference<String> first = new AtomicReference<>();
        runner(keyFile).run(context -> {
            assertThat(context).hasNotFailed();
            first.set(context.getBean(KeyPair.class).publicKey().fingerprint());
        });
        assertThat(keyFile).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(Files.readString(keyFile)).doesNotContain(first.get());  // the private key, not the fingerprint
        assertThat(dir.resolve("keys")).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".new"));

        runner(keyFile).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(KeyPair.class).publicKey().fingerprint()).isEqualTo(first.get());
        });
    }

    @Test
    void theFingerprintIsLoggedAndThePrivateKeyNever(CapturedOutput output) throws Exception {
        Path keyFile = dir.resolve("server.key");
        AtomicReference<KeyPair> key = new AtomicReference<>();
        runner(keyFile).run(context -> key.set(context.getBean(KeyPair.class)));
        assertThat(output).contains(key.get().publicKey().fingerprint()).doesNotContain(key.get().privateKeyBase64());
    }

    @Test
    void aCorruptFileFailsStartUpNamingTheProperty() throws Exception {
        Path keyFile = dir.resolve("server.key");
        Files.writeString(keyFile, "this is not a key\n");
        runner(keyFile).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("tunnel.server.identity.key-file").hasMessageContaining(keyFile.toString());
        });
        assertThat(Files.readString(keyFile)).isEqualTo("this is not a key\n");  // never replaced
    }

    @Test
    void aBinaryFileFailsStartUpNamingTheProperty() throws Exception {
        Path keyFile = dir.resolve("server.key");
        Files.write(keyFile, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3});
        runner(keyFile).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tunnel.server.identity.key-file");
        });
    }

    @Test
    void anEmptyFileFailsStartUp() throws Exception {
        Path keyFile = dir.resolve("server.key");
        Files.createFile(keyFile);
        runner(keyFile).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tunnel.server.identity.key-file");
        });
    }
}
