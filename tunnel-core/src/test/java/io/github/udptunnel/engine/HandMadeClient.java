package io.github.udptunnel.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.udptunnel.crypto.KeyPair;
import io.github.udptunnel.crypto.SecretBox;
import io.github.udptunnel.wire.Cookie;
import io.github.udptunnel.wire.CookiePacket;
import io.github.udptunnel.wire.DataPacket;
import io.github.udptunnel.wire.HelloPacket;
import io.github.udptunnel.wire.InitPacket;
import io.github.udptunnel.wire.Message;
import io.github.udptunnel.wire.Packet;

/**
 * A client made of the codecs and {@link PacketCrypto} alone, for tests that need packets a real client would
 * never send (a forged cookie, an INIT held back for minutes). It sends from an address with no host behind it,
 * and reads the server's answers off the wire with a tap.
 */
final class HandMadeClient {

    final InetSocketAddress address;
    private final TunnelFixture f;
    private final KeyPair key = TunnelFixture.keyPair(0xC11E);
    private final byte[] secret = new byte[32];
    private final PacketCrypto crypto = new PacketCrypto();
    private byte[] lastCookiePacket;
    private final byte[] cookie = new byte[Cookie.SIZE];
    private final SecretBox connection = new SecretBox();
    private long counter;
    /** Every DATA the server sent here, as it left the server. */
    final List<byte[]> fromServer = new ArrayList<>();

    HandMadeClient(TunnelFixture f, InetSocketAddress address) {
        this.f = f;
        this.address = address;
        key.copyPrivateKey(secret, 0);
        f.sim.addTap((now, from, to, bytes) -> {
            if (to.equals(address) && bytes[3] == 2) {
                lastCookiePacket = bytes;
            }
            if (to.equals(address) && bytes[3] == 4) {
                fromServer.add(bytes);
            }
        });
    }

    void hello() {
        byte[] hello = new byte[HelloPacket.SIZE];
        HelloPacket.encode(ByteBuffer.wrap(hello), 0, key.publicKey().toBytes(), 0);
        f.sim.inject(f.sim.now(), address, TunnelFixture.SERVER, hello);
    }

    /** Opens the last COOKIE the server sent here; keeps the cookie and derives the connection key. */
    boolean openCookie() {
        if (lastCookiePacket == null) {
            return false;
        }
        ByteBuffer buf = ByteBuffer.wrap(lastCookiePacket.clone());
        CookiePacket view = new CookiePacket();
        if (view.wrap(buf, 0, buf.limit()) != null || !crypto.openCookie(view, secret)) {
            return false;
        }
        int plain = view.boxIndex() + 16;
        System.arraycopy(buf.array(), plain + 32, cookie, 0, Cookie.SIZE);
        return crypto.connectionKey(buf.array(), plain, secret, connection);
    }

    /** An INIT with a PING, or with the cookie's box damaged when {@code forgeCookie}. */
    byte[] init(boolean forgeCookie) {
        return init(forgeCookie, Message.FLAG_PING, 0, new byte[0]);
    }

    /** An INIT whose message has {@code flags}, {@code sequence} and {@code data}, ack 0 and window 2^20. */
    byte[] init(boolean forgeCookie, int flags, long sequence, byte[] data) {
        byte[] c = cookie.clone();
        if (forgeCookie) {
            c[Cookie.BOX_OFFSET + 20] ^= 1;
        }
        ByteBuffer buf = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE);
        int length = message(buf, InitPacket.BOX_OFFSET + 16, flags, sequence, 0, data);
        int n = crypto.sealInit(buf, 0, key.publicKey().toBytes(), 0, c, counter++, connection, length);
        return Arrays.copyOf(buf.array(), n);
    }

    /** A DATA to the server, with the next client counter. */
    byte[] data(int flags, long sequence, long ack, byte[] data) {
        ByteBuffer buf = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE);
        int length = message(buf, DataPacket.BOX_OFFSET + 16, flags, sequence, ack, data);
        return Arrays.copyOf(buf.array(),
            crypto.sealData(buf, 0, key.publicKey().toBytes(), 0, true, counter++, connection, length));
    }

    private static int message(ByteBuffer buf, int at, int flags, long sequence, long ack, byte[] data) {
        Message m = new Message().wrapForWrite(buf, at).flags(flags).sackCount(0).dataLength(data.length)
            .window(1 << 20).sequence(sequence).ack(ack).timestamp(1).echo(0).ackDelay(0);
        buf.put(m.dataIndex(), data);
        return m.encodedLength();
    }

    void send(byte[] packet) {
        f.sim.inject(f.sim.now(), address, TunnelFixture.SERVER, packet);
    }

    /** The messages of the server's DATA packets to here that authenticate under the connection key, in order. */
    List<Message> authenticFromServer() {
        List<Message> messages = new ArrayList<>();
        for (byte[] packet : fromServer) {
            ByteBuffer buf = ByteBuffer.wrap(packet.clone());
            DataPacket view = new DataPacket();
            view.wrap(buf, 0, buf.limit());
            if (crypto.openData(view, false, connection)) {
                Message m = new Message();
                if (m.wrap(buf, view.boxIndex() + 16, view.boxLength() - 16) == null) {
                    messages.add(m);
                }
            }
        }
        return messages;
    }

    /** A DATA packet with the next counter and no data: {@code flags}, {@code sequence} and {@code ack}. */
    byte[] data(int flags, long sequence, long ack) {
        return data(flags, sequence, ack, new byte[0]);
    }

    /** Opens a DATA packet from the server in place; its message, or null when it does not authenticate. */
    Message openFromServer(byte[] packet) {
        ByteBuffer buf = ByteBuffer.wrap(packet);
        DataPacket view = new DataPacket();
        if (view.wrap(buf, 0, packet.length) != null || !crypto.openData(view, false, connection)) {
            return null;
        }
        Message m = new Message();
        return m.wrap(buf, view.boxIndex() + 16, view.boxLength() - 16) == null ? m : null;
    }
}
