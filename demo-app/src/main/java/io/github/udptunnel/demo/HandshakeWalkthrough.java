package io.github.udptunnel.demo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.CommandLineRunner;
import org.springframework.stereotype.Component;

import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.crypto.SecretBox;
import io.github.udptunnel.engine.PacketCrypto;
import io.github.udptunnel.wire.Cookie;
import io.github.udptunnel.wire.CookiePacket;
import io.github.udptunnel.wire.DataPacket;
import io.github.udptunnel.wire.HelloPacket;
import io.github.udptunnel.wire.InitPacket;
import io.github.udptunnel.wire.Message;
import io.github.udptunnel.wire.Packet;

/**
 * Builds and opens each packet of one handshake and a DATA reply with fresh keys, the way client and server will,
 * and logs what crosses the wire. It stands in for the real demo (two endpoints over UDP, Prometheus, Grafana)
 * until the engine and the socket API exist.
 */
@Component
class HandshakeWalkthrough implements CommandLineRunner {

    private static final Logger log = LoggerFactory.getLogger(HandshakeWalkthrough.class);

    @Override
    public void run(String... args) {
        SecureRandom random = new SecureRandom();
        KeyPair server = KeyPair.generate(random);
        KeyPair client = KeyPair.generate(random);
        KeyPair serverConnection = KeyPair.generate(random);
        byte[] minuteKey = new byte[32];
        byte[] suffix = new byte[16];
        random.nextBytes(minuteKey);
        random.nextBytes(suffix);
        byte[] s = secret(server);
        byte[] cPrime = secret(client);
        byte[] sPrime = secret(serverConnection);
        PacketCrypto crypto = new PacketCrypto();
        ByteBuffer wire = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE);

        log.info("server identity {} (fingerprint {})", server.publicKey(), server.publicKey().fingerprint());

        int helloSize = HelloPacket.encode(wire, 0, client.publicKey().toBytes(), 0);
        log.info("client -> server  HELLO  {} bytes: C' {}", helloSize, client.publicKey());

        crypto.sealCookie(wire, 0, client.publicKey().toBytes(), 0, s, server.publicKey().toBytes(), sPrime,
            serverConnection.publicKey().toBytes(), new SecretBox(minuteKey), 0, suffix);
        log.info("server -> client  COOKIE {} bytes: no state kept at the server", CookiePacket.SIZE);

        CookiePacket cookie = new CookiePacket();
        cookie.wrap(wire, 0, CookiePacket.SIZE);
        check(crypto.openCookie(cookie, cPrime), "the client opens the COOKIE");
        log.info("client pins the server key {} on first use", server.publicKey().fingerprint());
        int cookieAt = cookie.boxIndex() + 16 + 32;
        byte[] cookieBytes = Arrays.copyOfRange(wire.array(), cookieAt, cookieAt + Cookie.SIZE);

        SecretBox clientKey = new SecretBox();
        crypto.connectionKey(serverConnection.publicKey().toBytes(), 0, cPrime, clientKey);
        int length = message(wire, InitPacket.BOX_OFFSET + 16, "hello, server");
        int initSize = crypto.sealInit(wire, 0, client.publicKey().toBytes(), 0, cookieBytes, 0, clientKey, length);
        log.info("client -> server  INIT   {} bytes: cookie and the first message", initSize);

        InitPacket init = new InitPacket();
        init.wrap(wire, 0, initSize);
        byte[] cookieContents = new byte[Cookie.PLAINTEXT_SIZE];
        check(crypto.openCookie(init, new SecretBox(minuteKey), cookieContents) == 0, "the server opens its cookie");
        SecretBox serverKey = new SecretBox();
        crypto.connectionKey(client.publicKey().toBytes(), 0, Arrays.copyOfRange(cookieContents, 32, 64), serverKey);
        check(crypto.openInit(init, serverKey), "the server opens the INIT");
        log.info("server reads \"{}\"", text(wire, init.boxIndex() + 16, init.boxLength() - 16));

        length = message(wire, DataPacket.BOX_OFFSET + 16, "hello, client");
        int dataSize = crypto.sealData(wire, 0, client.publicKey().toBytes(), 0, false, 0, serverKey, length);
        log.info("server -> client  DATA   {} bytes", dataSize);
        DataPacket data = new DataPacket();
        data.wrap(wire, 0, dataSize);
        check(crypto.openData(data, false, clientKey), "the client opens the DATA");
        log.info("client reads \"{}\": handshake complete", text(wire, data.boxIndex() + 16, data.boxLength() - 16));
    }

    private static int message(ByteBuffer wire, int at, String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        Message m = new Message().wrapForWrite(wire, at).flags(Message.FLAG_RELIABLE | Message.FLAG_MESSAGE_END)
            .sackCount(0).dataLength(data.length).window(1 << 20).sequence(0).ack(0).timestamp(0).echo(0).ackDelay(0);
        wire.put(m.dataIndex(), data);
        return m.encodedLength();
    }

    private static String text(ByteBuffer wire, int at, int length) {
        Message m = new Message();
        check(m.wrap(wire, at, length) == null, "the message is well formed");
        byte[] data = new byte[m.dataLength()];
        wire.get(m.dataIndex(), data);
        return new String(data, StandardCharsets.UTF_8);
    }

    private static byte[] secret(KeyPair pair) {
        byte[] out = new byte[32];
        pair.copyPrivateKey(out, 0);
        return out;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("failed: " + what);
        }
    }
}
