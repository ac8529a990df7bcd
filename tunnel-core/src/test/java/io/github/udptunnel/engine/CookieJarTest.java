package io.github.udptunnel.engine;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.udptunnel.crypto.KeystreamRandom;
import io.github.udptunnel.crypto.SecretBox;
import io.github.udptunnel.testing.Seeds;
import io.github.udptunnel.wire.Cookie;
import io.github.udptunnel.wire.CookiePacket;
import io.github.udptunnel.wire.InitPacket;
import io.github.udptunnel.wire.Message;
import io.github.udptunnel.wire.Packet;

import static io.github.udptunnel.engine.CookieJar.CURRENT;
import static io.github.udptunnel.engine.CookieJar.NONE;
import static io.github.udptunnel.engine.CookieJar.PREVIOUS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CookieJar}: rotation of the minute keys, the cookie counter budget, the used bitmaps of the current and
 * previous key, and opening real cookies (sealed by {@link PacketCrypto#sealCookie}, carried in a sealed INIT).
 */
class CookieJarTest {

    private static final long BASE = 0xC00C_0000L;
    private static final int COUNT = 100;
    private static final long MINUTE = 60_000_000_000L;

    static long[] seeds() {
        return Seeds.of(BASE, COUNT);
    }

    /** An INIT around a cookie made under {@code minuteKey}, and the (C', s') the cookie holds. */
    private record Init(InitPacket view, byte[] clientKeyAndSecret) {
    }

    private static Init init(PacketCrypto crypto, SecretBox minuteKey, long counter, SplittableRandom r) {
        byte[] serverSecret = bytes(r, 32);
        byte[] clientSecret = bytes(r, 32);
        byte[] serverConnectionSecret = bytes(r, 32);
        byte[] serverPublic = ProtocolVectors.publicKey(serverSecret);
        byte[] clientPublic = ProtocolVectors.publicKey(clientSecret);
        byte[] serverConnectionPublic = ProtocolVectors.publicKey(serverConnectionSecret);

        ByteBuffer buf = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE);
        assertThat(crypto.sealCookie(buf, 0, clientPublic, 0, serverSecret, serverPublic, serverConnectionSecret,
            serverConnectionPublic, minuteKey, counter, bytes(r, CookiePacket.NONCE_SUFFIX_SIZE))).isTrue();
        // The client opens the COOKIE and takes the cookie from it, as a real client does.
        CookiePacket cookieView = new CookiePacket();
        assertThat(cookieView.wrap(buf, 0, CookiePacket.SIZE)).isNull();
        assertThat(crypto.openCookie(cookieView, clientSecret)).isTrue();
        int cookieAt = cookieView.boxIndex() + 16 + 32;
        byte[] cookie = Arrays.copyOfRange(buf.array(), cookieAt, cookieAt + Cookie.SIZE);
        SecretBox clientSide = new SecretBox();
        assertThat(crypto.connectionKey(serverConnectionPublic, 0, clientSecret, clientSide)).isTrue();

        ByteBuffer out = ByteBuffer.allocate(Packet.MAX_DATAGRAM_SIZE);
        int len = ProtocolVectors.writeMessage(out, InitPacket.BOX_OFFSET + 16,
            Message.FLAG_RELIABLE | Message.FLAG_MESSAGE_END, 0, 0, 1_000_000, 0, "hello");
        int n = crypto.sealInit(out, 0, clientPublic, 0, cookie, 0, clientSide, len);
        InitPacket view = new InitPacket();
        assertThat(view.wrap(out, 0, n)).isNull();
        byte[] expected = new byte[64];
        System.arraycopy(clientPublic, 0, expected, 0, 32);
        System.arraycopy(serverConnectionSecret, 0, expected, 32, 32);
        return new Init(view, expected);
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    @Test
    void theFirstRotationDrawsAKeyAndLaterOnesWaitForThePeriod() {
        CookieJar jar = new CookieJar(KeystreamRandom.seeded(1), MINUTE, 64);
        assertThat(jar.rotateIfDue(1000)).as("the first draws a key and is not a rotation").isFalse();
        assertThat(jar.nextRotation()).isEqualTo(1000 + MINUTE);
        assertThat(jar.rotateIfDue(1000)).isFalse();
        assertThat(jar.rotateIfDue(1000 + MINUTE - 1)).isFalse();
        assertThat(jar.nextRotation()).isEqualTo(1000 + MINUTE);
        assertThat(jar.rotateIfDue(1000 + MINUTE)).as("once the period has passed").isTrue();
        assertThat(jar.nextRotation()).isEqualTo(1000 + 2 * MINUTE);
        assertThat(jar.rotateIfDue(1000 + 2 * MINUTE - 1)).isFalse();
        long late = 1000 + 5 * MINUTE + 17;
        assertThat(jar.rotateIfDue(late)).as("a late rotation").isTrue();
        assertThat(jar.nextRotation()).as("counts the period from when it ran").isEqualTo(late + MINUTE);
        assertThat(jar.rotateIfDue(late + 1)).isFalse();
    }

    @Test
    void countersCountFromZeroUntilTheBudgetIsSpentAndRestartOnRotation() {
        CookieJar jar = new CookieJar(KeystreamRandom.seeded(2), MINUTE, 70);
        jar.rotateIfDue(0);
        for (long i = 0; i < 70; i++) {
            assertThat(jar.nextCounter()).isEqualTo(i);
        }
        assertThat(jar.nextCounter()).as("budget spent").isEqualTo(-1);
        assertThat(jar.nextCounter()).isEqualTo(-1);
        assertThat(jar.rotateIfDue(MINUTE - 1)).isFalse();
        assertThat(jar.nextCounter()).as("still spent before the rotation").isEqualTo(-1);
        assertThat(jar.rotateIfDue(MINUTE)).isTrue();
        assertThat(jar.nextCounter()).isEqualTo(0);
        assertThat(jar.nextCounter()).isEqualTo(1);
    }

    @Test
    void usedBitmapsFollowTheirKeyAndAreForgottenTwoRotationsLater() {
        CookieJar jar = new CookieJar(KeystreamRandom.seeded(3), MINUTE, 100);
        jar.rotateIfDue(0);
        assertThat(jar.isUsed(CURRENT, 5)).isFalse();
        jar.markUsed(CURRENT, 5);
        jar.markUsed(CURRENT, 64);
        jar.markUsed(CURRENT, 99);
        assertThat(jar.isUsed(CURRENT, 5)).isTrue();
        assertThat(jar.isUsed(CURRENT, 64)).isTrue();
        assertThat(jar.isUsed(CURRENT, 99)).isTrue();
        assertThat(jar.isUsed(CURRENT, 6)).isFalse();
        assertThat(jar.isUsed(CURRENT, 0)).isFalse();
        assertThat(jar.isUsed(CURRENT, 69)).as("64 + 5: another word").isFalse();
        assertThat(jar.isUsed(PREVIOUS, 5)).as("per key").isFalse();

        assertThat(jar.rotateIfDue(MINUTE)).isTrue();
        assertThat(jar.isUsed(PREVIOUS, 5)).as("the old key's bitmap moved along").isTrue();
        assertThat(jar.isUsed(PREVIOUS, 64)).isTrue();
        assertThat(jar.isUsed(PREVIOUS, 99)).isTrue();
        assertThat(jar.isUsed(CURRENT, 5)).as("the new key's bitmap is empty").isFalse();
        jar.markUsed(CURRENT, 7);
        jar.markUsed(PREVIOUS, 8);
        assertThat(jar.isUsed(PREVIOUS, 8)).isTrue();

        assertThat(jar.rotateIfDue(2 * MINUTE)).isTrue();
        assertThat(jar.isUsed(PREVIOUS, 5)).as("forgotten two rotations later").isFalse();
        assertThat(jar.isUsed(PREVIOUS, 8)).isFalse();
        assertThat(jar.isUsed(PREVIOUS, 7)).isTrue();
        assertThat(jar.isUsed(CURRENT, 5)).isFalse();
        assertThat(jar.isUsed(CURRENT, 7)).isFalse();
        assertThat(jar.isUsed(CURRENT, 99)).isFalse();
    }

    @Test
    void countersThatWereNeverIssuedCountAsUsed() {
        CookieJar jar = new CookieJar(KeystreamRandom.seeded(4), MINUTE, 100);
        jar.rotateIfDue(0);
        long[] outside = {-1, -64, 100, 101, 127, 128, 1 << 20, Long.MAX_VALUE, Long.MIN_VALUE};
        for (long c : outside) {
            assertThat(jar.isUsed(CURRENT, c)).as("current %d", c).isTrue();
            assertThat(jar.isUsed(PREVIOUS, c)).as("previous %d", c).isTrue();
        }
        assertThat(jar.isUsed(CURRENT, 99)).isFalse();
        assertThat(jar.isUsed(CURRENT, 0)).isFalse();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void rotationsCountersAndBitmapsAgreeWithAModel(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = 1 + r.nextInt(r.nextBoolean() ? 70 : 300);
        long period = 1 + r.nextLong(MINUTE);
        CookieJar jar = new CookieJar(KeystreamRandom.seeded(seed), period, capacity);
        long now = r.nextLong() >> 2;
        assertThat(jar.rotateIfDue(now)).isFalse();
        long rotateAt = now + period;
        long issued = 0;
        Set<Long> usedCurrent = new HashSet<>();
        Set<Long> usedPrevious = new HashSet<>();
        for (int op = 0; op < 3000; op++) {
            String what = "seed " + seed + " op " + op;
            switch (r.nextInt(6)) {
                case 0 -> {
                    long step = switch (r.nextInt(4)) {
                        case 0 -> r.nextLong(period);
                        case 1 -> period;
                        case 2 -> rotateAt - now;                   // exactly due
                        default -> r.nextLong(3 * period + 1);
                    };
                    now += Math.max(0, step);
                    boolean due = now >= rotateAt;
                    assertThat(jar.rotateIfDue(now)).as(what + ": rotate").isEqualTo(due);
                    if (due) {
                        rotateAt = now + period;
                        issued = 0;
                        usedPrevious = usedCurrent;
                        usedCurrent = new HashSet<>();
                    }
                    assertThat(jar.nextRotation()).as(what).isEqualTo(rotateAt);
                }
                case 1 -> {
                    long expected = issued < capacity ? issued++ : -1;
                    assertThat(jar.nextCounter()).as(what + ": counter").isEqualTo(expected);
                }
                case 2 -> {
                    long c = r.nextInt(capacity);
                    if (r.nextBoolean()) {
                        jar.markUsed(CURRENT, c);
                        usedCurrent.add(c);
                    } else {
                        jar.markUsed(PREVIOUS, c);
                        usedPrevious.add(c);
                    }
                }
                case 3 -> {
                    long c = switch (r.nextInt(5)) {
                        case 0 -> -1 - r.nextInt(1000);
                        case 1 -> capacity + r.nextInt(1000);
                        case 2 -> r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
                        default -> r.nextLong();
                    };
                    if (c >= 0 && c < capacity) {
                        c = -1;
                    }
                    assertThat(jar.isUsed(r.nextBoolean() ? CURRENT : PREVIOUS, c)).as(what + ": " + c).isTrue();
                }
                default -> {
                    long c = r.nextInt(capacity);
                    assertThat(jar.isUsed(CURRENT, c)).as(what + ": current " + c)
                        .isEqualTo(usedCurrent.contains(c));
                    assertThat(jar.isUsed(PREVIOUS, c)).as(what + ": previous " + c)
                        .isEqualTo(usedPrevious.contains(c));
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aCookieOpensUnderTheCurrentKeyThenThePreviousThenNotAtAll(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        PacketCrypto crypto = new PacketCrypto();
        int capacity = 64 + r.nextInt(200);
        CookieJar jar = new CookieJar(KeystreamRandom.seeded(seed), MINUTE, capacity);
        long now = r.nextLong(1L << 50);
        jar.rotateIfDue(now);
        for (int i = r.nextInt(capacity - 1); i > 0; i--) {
            jar.nextCounter();
        }
        long counter = jar.nextCounter();
        assertThat(counter).isNotEqualTo(-1);
        Init first = init(crypto, jar.currentKey(), counter, r);
        byte[] out = new byte[64];

        assertThat(jar.open(crypto, first.view(), out)).isEqualTo(CURRENT);
        assertThat(out).isEqualTo(first.clientKeyAndSecret());
        assertThat(jar.openedCounter()).isEqualTo(counter);

        // A cookie of the next key, to check that openedCounter follows the last open.
        now += MINUTE + r.nextLong(MINUTE);
        assertThat(jar.rotateIfDue(now)).isTrue();
        long second = jar.nextCounter();
        assertThat(second).isZero();
        Init next = init(crypto, jar.currentKey(), second, r);

        Arrays.fill(out, (byte) 0);
        assertThat(jar.open(crypto, first.view(), out)).isEqualTo(PREVIOUS);
        assertThat(out).isEqualTo(first.clientKeyAndSecret());
        assertThat(jar.openedCounter()).isEqualTo(counter);
        assertThat(jar.open(crypto, next.view(), out)).isEqualTo(CURRENT);
        assertThat(out).isEqualTo(next.clientKeyAndSecret());
        assertThat(jar.openedCounter()).isEqualTo(second);

        now += MINUTE;
        assertThat(jar.rotateIfDue(now)).isTrue();
        assertThat(jar.open(crypto, first.view(), out)).as("two rotations later").isEqualTo(NONE);
        assertThat(jar.open(crypto, next.view(), out)).isEqualTo(PREVIOUS);
        assertThat(jar.openedCounter()).isEqualTo(second);
        now += MINUTE;
        assertThat(jar.rotateIfDue(now)).isTrue();
        assertThat(jar.open(crypto, next.view(), out)).isEqualTo(NONE);
    }

    @Test
    void beforeTheFirstRotationThereIsNoPreviousKeyToTry() {
        // The previous box of a new jar has never been given a key, so it holds zeros: a cookie sealed under an
        // all-zero key must not open in the first period.
        PacketCrypto crypto = new PacketCrypto();
        CookieJar jar = new CookieJar(KeystreamRandom.seeded(5), MINUTE, 64);
        assertThat(jar.rotateIfDue(0)).isFalse();
        Init forged = init(crypto, new SecretBox(), 0, new SplittableRandom(5));
        byte[] out = new byte[64];
        assertThat(jar.open(crypto, forged.view(), out)).isEqualTo(NONE);
        assertThat(jar.rotateIfDue(MINUTE)).isTrue();
        assertThat(jar.open(crypto, forged.view(), out)).isEqualTo(NONE);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aDamagedCookieOrAnotherJarsCookieDoesNotOpen(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        PacketCrypto crypto = new PacketCrypto();
        CookieJar jar = new CookieJar(KeystreamRandom.seeded(seed), MINUTE, 64);
        CookieJar other = new CookieJar(KeystreamRandom.seeded(seed + 1_000_000), MINUTE, 64);
        CookieJar twin = new CookieJar(KeystreamRandom.seeded(seed), MINUTE, 64);
        jar.rotateIfDue(0);
        other.rotateIfDue(0);
        twin.rotateIfDue(0);
        byte[] out = new byte[64];

        long counter = jar.nextCounter();
        Init good = init(crypto, jar.currentKey(), counter, r);
        assertThat(other.open(crypto, good.view(), out)).as("another server's key").isEqualTo(NONE);
        assertThat(twin.open(crypto, good.view(), out)).as("the same seed draws the same key").isEqualTo(CURRENT);

        byte[] a = good.view().buffer().array();
        int cookie = good.view().cookieIndex();
        // Any byte of the cookie (its counter included, which is the cookie box's nonce) breaks it.
        int at = cookie + r.nextInt(Cookie.SIZE);
        byte flip = (byte) (1 + r.nextInt(255));
        a[at] ^= flip;
        assertThat(jar.open(crypto, good.view(), out)).as("byte %d of the cookie changed", at - cookie)
            .isEqualTo(NONE);
        a[at] ^= flip;
        assertThat(jar.open(crypto, good.view(), out)).isEqualTo(CURRENT);
        jar.rotateIfDue(MINUTE);
        a[at] ^= flip;
        assertThat(jar.open(crypto, good.view(), out)).as("nor under the previous key").isEqualTo(NONE);
    }
}
