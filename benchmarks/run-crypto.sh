#!/usr/bin/env bash
# The crypto rows of docs/BENCHMARKS.md in one run: JMH (seal, open, X25519, with -prof gc) beside libsodium.
# Installs Debian's libsodium-dev and gcc when missing (needs root, as on the team's machines).
# SecretBoxBenchmark runs seal and open twice, with SecretBox's scalar Salsa20 and with the Vector API one (its JMH
# forks get --add-modules jdk.incubator.vector from the benchmark's @Fork).
# Runs once on JDK 17 and once on JDK 25. Keep the machine otherwise idle while it runs (about 8 minutes).
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
# The same on JDK 25 (JDK25_HOME, or Temurin 25 under /usr/lib/jvm), libsodium measured again beside it.
jdk25="${JDK25_HOME:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)}"
if [ -n "$jdk25" ] && [ -x "$jdk25/bin/java" ]; then
  "$jdk25/bin/java" -cp benchmarks/target/benchmarks.jar io.github.udptunnel.bench.CryptoReport \
    benchmarks/target/sodium_box_bench | grep -E '^(\||Crypto|libsodium)'
else
  echo "no JDK 25 (set JDK25_HOME): its table is left out"
fi
