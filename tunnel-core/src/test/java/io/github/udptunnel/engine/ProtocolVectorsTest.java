package io.github.udptunnel.engine;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.HexFormat;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import io.github.udptunnel.crypto.SecretBox;
import io.github.udptunnel.wire.Cookie;
import io.github.udptunnel.wire.CookiePacket;
import io.github.udptunnel.wire.DataPacket;
import io.github.udptunnel.wire.HelloPacket;
import io.github.udptunnel.wire.InitPacket;
import io.github.udptunnel.wire.Message;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/test-vectors/protocol-v1.json is reproduced byte for byte, and each packet opens as the spec says. */
class ProtocolVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    private final JsonNode file = read();

    private static JsonNode read() {
        try {
            File f = Paths.get(System.getProperty("tunnel.root", ".."), "docs", "test-vectors", "protocol-v1.json").toFile();
            return new ObjectMapper().readTree(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyPacketIsReproducedByteForByte() {
        Map<String, String> inputs = new ObjectMapper().convertValue(file.get("inputs"), new TypeReference<>() { });
        Map<String, String> packets = ProtocolVectors.packets(inputs);
        assertThat(packets).containsOnlyKeys("hello", "cookie", "init", "data_server_to_client",
            "data_client_to_server_fin");
        packets.forEach((name, hex) -> assertThat(hex).as(name).isEqualTo(file.get("packets").get(name).asText()));
    }

    @Test
    void theHandshakeOpensFromTheFileAlone() {
        JsonNode in = file.get("inputs");
        JsonNode packets = file.get("packets");
        byte[] cPrime = HEX.parseHex(in.get("client_connection_secret").asText());
        byte[] sPrime = HEX.parseHex(in.get("server_connection_secret").asText());
        PacketCrypto crypto = new PacketCrypto();

        ByteBuffer hello = packet(packets, "hello");
        assertThat(new HelloPacket().wrap(hello, 0, hello.limit())).isNull();

        ByteBuffer cookieDatagram = packet(packets, "cookie");
        CookiePacket cookie = new CookiePacket();
        assertThat(cookie.wrap(cookieDatagram, 0, cookieDatagram.limit())).isNull();
        assertThat(crypto.openCookie(cookie, cPrime)).isTrue();
        byte[] serverConnectionPublic = slice(cookieDatagram, cookie.boxIndex() + 16, 32);
        assertThat(serverConnectionPublic).isEqualTo(ProtocolVectors.publicKey(sPrime));

        ByteBuffer initDatagram = packet(packets, "init");
        InitPacket init = new InitPacket();
        assertThat(init.wrap(initDatagram, 0, initDatagram.limit())).isNull();
        byte[] cookieContents = new byte[Cookie.PLAINTEXT_SIZE];
        SecretBox minuteKey = new SecretBox(HEX.parseHex(in.get("minute_key").asText()));
        assertThat(crypto.openCookie(init, minuteKey, cookieContents)).isEqualTo(7);
        assertThat(slice(cookieContents, 0, 32)).isEqualTo(slice(initDatagram, init.clientKeyIndex(), 32));
        assertThat(slice(cookieContents, 32, 32)).isEqualTo(sPrime);
        SecretBox server = new SecretBox();
        assertThat(crypto.connectionKey(initDatagram.array(), init.clientKeyIndex(), sPrime, server)).isTrue();
        assertThat(crypto.openInit(init, server)).isTrue();
        assertThat(text(initDatagram, init.boxIndex() + 16, init.boxLength() - 16)).isEqualTo("hello, server");

        SecretBox client = new SecretBox();
        assertThat(crypto.connectionKey(serverConnectionPublic, 0, cPrime, client)).isTrue();
        ByteBuffer fromServer = packet(packets, "data_server_to_client");
        DataPacket data = new DataPacket();
        assertThat(data.wrap(fromServer, 0, fromServer.limit())).isNull();
        assertThat(crypto.openData(data, true, client)).as("a server packet never opens as a client one").isFalse();
        fromServer = packet(packets, "data_server_to_client");
        data.wrap(fromServer, 0, fromServer.limit());
        assertThat(crypto.openData(data, false, client)).isTrue();
        assertThat(text(fromServer, data.boxIndex() + 16, data.boxLength() - 16)).isEqualTo("hello, client");

        ByteBuffer fin = packet(packets, "data_client_to_server_fin");
        assertThat(data.wrap(fin, 0, fin.limit())).isNull();
        assertThat(data.counter()).isEqualTo(1);
        assertThat(crypto.openData(data, true, server)).isTrue();
        Message m = new Message();
        assertThat(m.wrap(fin, data.boxIndex() + 16, data.boxLength() - 16)).isNull();
        assertThat(m.hasFlag(Message.FLAG_FIN)).isTrue();
        assertThat(m.sequence()).isEqualTo(1);
    }

    private static String text(ByteBuffer buf, int at, int length) {
        Message m = new Message();
        assertThat(m.wrap(buf, at, length)).isNull();
        return new String(slice(buf, m.dataIndex(), m.dataLength()), StandardCharsets.UTF_8);
    }

    private static ByteBuffer packet(JsonNode packets, String name) {
        return ByteBuffer.wrap(HEX.parseHex(packets.get(name).asText()));
    }

    private static byte[] slice(ByteBuffer buf, int at, int length) {
        byte[] out = new byte[length];
        buf.get(at, out);
        return out;
    }

    private static byte[] slice(byte[] a, int at, int length) {
        return java.util.Arrays.copyOfRange(a, at, at + length);
    }
}
