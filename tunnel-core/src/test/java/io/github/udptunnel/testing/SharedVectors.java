package io.github.udptunnel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The team's shared test vectors in {@code ../shared/vectors}, beside the project. CI has that folder; a user's
 * clone does not, so tests that read it call {@link #load} and are reported as skipped, saying why, without it.
 */
public final class SharedVectors {

    private SharedVectors() {
    }

    public static JsonNode load(String fileName) {
        Path root = Paths.get(System.getProperty("tunnel.root", ".")).toAbsolutePath();
        Path file = root.resolveSibling("shared").resolve("vectors").resolve(fileName);
        assumeTrue(Files.isRegularFile(file),
            () -> "../shared/vectors/" + fileName + " is not beside this clone (" + file + "): not run");
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] hex(JsonNode node, String field) {
        return java.util.HexFormat.of().parseHex(node.get(field).asText());
    }
}
