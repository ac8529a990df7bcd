package io.github.udptunnel.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.github.udptunnel.autoconfigure.message.FrameKind;
import io.github.udptunnel.autoconfigure.message.MalformedFrameException;
import io.github.udptunnel.autoconfigure.message.TunnelFrame;
import io.github.udptunnel.autoconfigure.message.TunnelPayload;

/** The framing of docs/SPRING.md, byte by byte. */
class TunnelFrameTests {

    @Test
    void theLayoutIsAsDocumented() {
        TunnelFrame frame = new TunnelFrame(FrameKind.REQUEST, 0x0102030405060708L, "q",
            new TunnelPayload("text/plain", "hi".getBytes(StandardCharsets.UTF_8)));
        byte[] bytes = frame.encode();
        assertThat(bytes).containsExactly(2, 1, 2, 3, 4, 5, 6, 7, 8, 1, 'q', 10, 't', 'e', 'x', 't', '/', 'p', 'l', 'a',
            'i', 'n', 'h', 'i');
    }

    @Test
    void roundTrips() {
        for (FrameKind kind : FrameKind.values()) {
            TunnelFrame frame = new TunnelFrame(kind, -1L, "route é", new TunnelPayload(TunnelPayload.JSON, new byte[] {1, 2}));
            TunnelFrame back = TunnelFrame.decode(frame.encode());
            assertThat(back.kind()).isEqualTo(kind);
            assertThat(back.correlationId()).isEqualTo(-1L);
            assertThat(back.route()).isEqualTo("route é");
            assertThat(back.payload().contentType()).isEqualTo(TunnelPayload.JSON);
            assertThat(back.payload().body()).containsExactly(1, 2);
        }
    }

    @Test
    void nullIsTheEmptyPayload() {
        TunnelFrame back = TunnelFrame.decode(new TunnelFrame(FrameKind.REPLY, 9, "", TunnelPayload.NULL).encode());
        assertThat(back.payload().isNull()).isTrue();
        assertThat(back.encode()).hasSize(11);
    }

    @Test
    void malformedFramesAreRefusedSayingWhy() {
        byte[] good = new TunnelFrame(FrameKind.ONE_WAY, 0, "abc", new TunnelPayload("t", new byte[0])).encode();
        assertThatThrownBy(() -> TunnelFrame.decode(new byte[3])).isInstanceOf(MalformedFrameException.class);
        byte[] unknownKind = good.clone();
        unknownKind[0] = 9;
        assertThatThrownBy(() -> TunnelFrame.decode(unknownKind)).hasMessageContaining("kind 9");
        assertThatThrownBy(() -> TunnelFrame.decode(Arrays.copyOf(good, 12))).hasMessageContaining("route");
        byte[] longType = good.clone();
        longType[13] = 100;
        assertThatThrownBy(() -> TunnelFrame.decode(longType)).hasMessageContaining("content type");
    }
}
