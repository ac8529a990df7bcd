package io.github.udptunnel.crypto;

/** Computes several Salsa20 blocks at once (the Vector API one lives in {@code Salsa20Vector}). */
interface Salsa20Batch {

    /**
     * XORs as many whole batches of key-stream blocks as fit in {@code len} bytes, from {@code in} to {@code out},
     * advances the block counter {@code state[8..9]} past them and returns the number of bytes done (a multiple of
     * the batch size, possibly 0). Allocates nothing.
     */
    int xor(int[] state, byte[] in, int inOff, byte[] out, int outOff, int len);
}
