package io.github.udptunnel.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

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

    HandMadeClient(TunnelFixture f, InetSocketAddress address) {
        this.f = f;
        this.address = address;
        key.copyPrivateKey(secret, 0);
        f.sim.addTap((now, from, to, bytes) -> {
            if (to.equals(address) && bytes[3] == 2) {
                lastCookiePacket = bytes;
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
        byte[] c = cookie.clone();
        if (forgeCookie) {
            c[Cookie.BOX_OFFSET + 20] ^= 1;
        }
        ByteBuffer buf = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE);
        int at = InitPacket.BOX_OFFSET + 16;
        Message m = new Message().wrapForWrite(buf, at).flags(Message.FLAG_PING).sackCount(0).dataLength(0)
            .window(1 << 20).sequence(0).ack(0).timestamp(1).echo(0).ackDelay(0);
        int n = crypto.sealInit(buf, 0, key.publicKey().toBytes(), 0, c, counter++, connection, m.encodedLength());
        return Arrays.copyOf(buf.array(), n);
    }

    /** A DATA packet with the next counter and no data: {@code flags}, {@code sequence} and {@code ack}. */
    byte[] data(int flags, long sequence, long ack) {
        ByteBuffer buf = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE);
        Message m = new Message().wrapForWrite(buf, DataPacket.BOX_OFFSET + 16).flags(flags).sackCount(0)
            .dataLength(0).window(1 << 20).sequence(sequence).ack(ack).timestamp(2).echo(0).ackDelay(0);
        int n = crypto.sealData(buf, 0, key.publicKey().toBytes(), 0, true, counter++, connection, m.encodedLength());
        return Arrays.copyOf(buf.array(), n);
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
