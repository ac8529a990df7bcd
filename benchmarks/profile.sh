#!/usr/bin/env bash
# Where one row of the comparison spends its time: runs one measure of one peer under JFR (ProfileMeasure; the
# recording starts after the warm-up) and prints the hot methods, the threads' CPU and the number of thread parks
# (for request/response, divide by the round trips it prints: the hand-offs per round trip).
#   benchmarks/profile.sh goodput|rr|handshakes|handshakes8 [tunnel|tls|quic-cubic|quic-bbr] [seconds]
#   benchmarks/profile.sh flood [seconds]
# The recording stays in benchmarks/target/profile-<measure>.jfr. Reading it needs `jfr view` (JDK 21+): JDK25_HOME,
# or Temurin 25 under /usr/lib/jvm. Keep the machine otherwise idle.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n 3,5p "$0"; exit 2; }
./mvnw -q -B -Pbench -pl benchmarks -am package -DskipTests
jfr_file="benchmarks/target/profile-$1.jfr"
java --add-modules jdk.incubator.vector "-Dprofile.jfr=$jfr_file" \
  -cp benchmarks/target/benchmarks.jar io.github.udptunnel.bench.compare.ProfileMeasure "$@"
jdk25="${JDK25_HOME:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)}"
if [ -z "$jdk25" ] || ! [ -x "$jdk25/bin/jfr" ]; then
  echo "recorded $jfr_file; no jfr with 'view' (JDK 21+) to print it: set JDK25_HOME" >&2
  exit 0
fi
"$jdk25/bin/jfr" view --width 200 hot-methods "$jfr_file"
"$jdk25/bin/jfr" view --width 200 thread-cpu-load "$jfr_file" | head -20
"$jdk25/bin/jfr" summary "$jfr_file" | grep -E 'jdk.(ThreadPark|ExecutionSample) '
