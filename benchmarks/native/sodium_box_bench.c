/* The libsodium ceiling for docs/BENCHMARKS.md: crypto_box seal and open of 1088 bytes with a precomputed key,
 * and one X25519, timed the same way as the JMH rows (10 measured rounds after warm-up; the median is printed).
 * Build and run: benchmarks/run-crypto.sh (needs Debian's libsodium-dev and gcc). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 10

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static double median(double *v) {
    qsort(v, ROUNDS, sizeof(double), cmp);
    return (v[ROUNDS / 2 - 1] + v[ROUNDS / 2]) / 2;
}

int main(void) {
    if (sodium_init() < 0) return 1;
    enum { SIZE = 1088 };
    unsigned char pk[32], sk[32], k[32], nonce[24], m[SIZE], c[SIZE + 16], out[SIZE], q[32];
    crypto_box_keypair(pk, sk);
    if (crypto_box_beforenm(k, pk, sk) != 0) return 1;
    randombytes_buf(nonce, sizeof nonce);
    randombytes_buf(m, sizeof m);
    double seal[ROUNDS], open[ROUNDS], x25519[ROUNDS];
    const long n = 200000, nx = 20000;
    for (int r = -3; r < ROUNDS; r++) {  /* three rounds of warm-up */
        double t0 = now_ns();
        for (long i = 0; i < n; i++) crypto_box_easy_afternm(c, m, SIZE, nonce, k);
        double t1 = now_ns();
        for (long i = 0; i < n; i++) if (crypto_box_open_easy_afternm(out, c, SIZE + 16, nonce, k) != 0) return 2;
        double t2 = now_ns();
        for (long i = 0; i < nx; i++) if (crypto_scalarmult(q, sk, pk) != 0) return 3;
        double t3 = now_ns();
        if (r >= 0) {
            seal[r] = (t1 - t0) / n;
            open[r] = (t2 - t1) / n;
            x25519[r] = (t3 - t2) / nx / 1000;
        }
    }
    printf("libsodium %s seal_ns %.0f open_ns %.0f x25519_us %.1f\n", sodium_version_string(),
           median(seal), median(open), median(x25519));
    return 0;
}
