package io.github.udptunnel.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.udptunnel.crypto.CryptoBox;
import io.github.udptunnel.crypto.SecretBox;
import io.github.udptunnel.wire.Cookie;
import io.github.udptunnel.wire.CookiePacket;
import io.github.udptunnel.wire.DataPacket;
import io.github.udptunnel.wire.HelloPacket;
import io.github.udptunnel.wire.InitPacket;
import io.github.udptunnel.wire.Message;
import io.github.udptunnel.wire.Packet;

/**
 * Builds the packets of docs/test-vectors/protocol-v1.json from its fixed inputs: a HELLO, the COOKIE that
 * answers it, an INIT carrying the first client message, then DATA from the server and from the client.
 * {@link #main} writes the file; {@code ProtocolVectorsTest} rebuilds every packet and compares byte for byte.
 */
public final class ProtocolVectors {

    private static final HexFormat HEX = HexFormat.of();

    /** The fixed inputs: every key and every byte of randomness the packets depend on. */
    public static Map<String, String> inputs() {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("server_long_term_secret", "a8abababababababababababababababababababababababababababababab6b");
        in.put("client_connection_secret", "c8c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c141");
        in.put("server_connection_secret", "58535353535353535353535353535353535353535353535353535353535353d3");
        in.put("minute_key", "6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d");
        in.put("cookie_counter", "7");
        in.put("cookie_box_nonce_suffix", "000102030405060708090a0b0c0d0e0f");
        return in;
    }

    /** The packets, in order, each as hex. */
    public static Map<String, String> packets(Map<String, String> in) {
        byte[] s = HEX.parseHex(in.get("server_long_term_secret"));
        byte[] cPrime = HEX.parseHex(in.get("client_connection_secret"));
        byte[] sPrime = HEX.parseHex(in.get("server_connection_secret"));
        byte[] serverPublic = publicKey(s);
        byte[] clientPublic = publicKey(cPrime);
        byte[] serverConnectionPublic = publicKey(sPrime);
        SecretBox minuteKey = new SecretBox(HEX.parseHex(in.get("minute_key")));
        long cookieCounter = Long.parseLong(in.get("cookie_counter"));
        byte[] suffix = HEX.parseHex(in.get("cookie_box_nonce_suffix"));

        PacketCrypto crypto = new PacketCrypto();
        ByteBuffer buf = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE);
        Map<String, String> out = new LinkedHashMap<>();

        out.put("hello", hex(buf, HelloPacket.encode(buf, 0, clientPublic, 0)));

        if (!crypto.sealCookie(buf, 0, clientPublic, 0, s, serverPublic, sPrime, serverConnectionPublic,
            minuteKey, cookieCounter, suffix)) {
            throw new IllegalStateException("fixed keys are not of small order");
        }
        out.put("cookie", hex(buf, CookiePacket.SIZE));
        // The client learns the cookie by opening the COOKIE, as a real client does.
        CookiePacket view = new CookiePacket();
        if (view.wrap(buf, 0, CookiePacket.SIZE) != null || !crypto.openCookie(view, cPrime)) {
            throw new IllegalStateException("the COOKIE just sealed does not open");
        }
        int cookieAt = view.boxIndex() + 16 + 32;
        byte[] cookie = Arrays.copyOfRange(buf.array(), cookieAt, cookieAt + Cookie.SIZE);

        SecretBox clientSide = new SecretBox();
        crypto.connectionKey(serverConnectionPublic, 0, cPrime, clientSide);
        SecretBox serverSide = new SecretBox();
        crypto.connectionKey(clientPublic, 0, sPrime, serverSide);

        int len = writeMessage(buf, InitPacket.BOX_OFFSET + 16, Message.FLAG_RELIABLE | Message.FLAG_MESSAGE_END,
            0, 0, 1_000_000, 0, "hello, server");
        out.put("init", hex(buf, crypto.sealInit(buf, 0, clientPublic, 0, cookie, 0, clientSide, len)));

        len = writeMessage(buf, DataPacket.BOX_OFFSET + 16, Message.FLAG_RELIABLE | Message.FLAG_MESSAGE_END,
            0, 1, 2_000_500, 1_000_000, "hello, client");
        out.put("data_server_to_client",
            hex(buf, crypto.sealData(buf, 0, clientPublic, 0, false, 0, serverSide, len)));

        len = writeMessage(buf, DataPacket.BOX_OFFSET + 16, Message.FLAG_RELIABLE | Message.FLAG_FIN,
            1, 1, 1_041_000, 2_000_500, "");
        out.put("data_client_to_server_fin",
            hex(buf, crypto.sealData(buf, 0, clientPublic, 0, true, 1, clientSide, len)));
        return out;
    }

    /** A message with no sack ranges, a 1 MiB window and an ack delay of 250 us. */
    static int writeMessage(ByteBuffer buf, int at, int flags, long sequence, long ack, long timestamp, long echo,
                            String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        Message m = new Message().wrapForWrite(buf, at)
            .flags(flags).sackCount(0).dataLength(data.length).window(1 << 20).sequence(sequence).ack(ack)
            .timestamp(timestamp).echo(echo).ackDelay(echo == 0 ? 0 : 250);
        buf.put(m.dataIndex(), data);
        return m.encodedLength();
    }

    static byte[] publicKey(byte[] secret) {
        byte[] pub = new byte[32];
        new CryptoBox().publicKey(secret, 0, pub, 0);
        return pub;
    }

    private static String hex(ByteBuffer buf, int length) {
        return HEX.formatHex(buf.array(), 0, length);
    }

    /** Writes the vectors file: {@code java -cp ... ProtocolVectors docs/test-vectors/protocol-v1.json}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> in = inputs();
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("description", "Protocol v1 test vectors: a complete handshake and DATA both ways, built from the"
            + " fixed inputs below. See docs/PROTOCOL.md, section 'Test vectors', for how each packet is made.");
        file.put("inputs", in);
        Map<String, String> derived = new LinkedHashMap<>();
        derived.put("server_long_term_public", HEX.formatHex(publicKey(HEX.parseHex(in.get("server_long_term_secret")))));
        derived.put("client_connection_public", HEX.formatHex(publicKey(HEX.parseHex(in.get("client_connection_secret")))));
        derived.put("server_connection_public", HEX.formatHex(publicKey(HEX.parseHex(in.get("server_connection_secret")))));
        file.put("public_keys", derived);
        file.put("packets", packets(in));
        new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
            .writeValue(new java.io.File(args[0]), file);
    }
}
