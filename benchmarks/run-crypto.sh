#!/usr/bin/env bash
# The crypto rows of docs/BENCHMARKS.md in one run: JMH (seal, open, X25519, with -prof gc) beside libsodium.
# Installs Debian's libsodium-dev and gcc when missing (needs root, as on the team's machines).
# Keep the machine otherwise idle while it runs (about 3 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! [ -f /usr/include/sodium.h ] || ! command -v gcc >/dev/null; then
  apt-get install -y libsodium-dev gcc >/dev/null
fi
mkdir -p benchmarks/target
gcc -O2 -o benchmarks/target/sodium_box_bench benchmarks/native/sodium_box_bench.c -lsodium
./mvnw -q -B -Pbench -pl benchmarks -am package -DskipTests
java -cp benchmarks/target/benchmarks.jar io.github.udptunnel.bench.CryptoReport benchmarks/target/sodium_box_bench \
  | grep -E '^(\||Crypto|libsodium)'
