#!/usr/bin/env bash
# The side-by-side rows of docs/BENCHMARKS.md in one run: the tunnel beside raw UDP, JDK TLS 1.3 and Netty QUIC
# (CUBIC and BBR) on loopback, 1,000 and 10,000 connections, five lossy relay paths and a HELLO flood from a second
# JVM; every row once on JDK 17 (the `java` on the PATH) and once on JDK 25 (JDK25_HOME, or Temurin 25 under
# /usr/lib/jvm; the column is left out, and the script says so, when there is none).
# Both JVMs run with --add-modules jdk.incubator.vector, so the tunnel's Salsa20 is its Vector API one.
# Rewrites the tables between the comparison markers of docs/BENCHMARKS.md and docs/benchmarks/comparison.json.
# About 19 minutes with the build; keep the machine otherwise idle while it runs.
# Pass --only loopback|connections|lossy|flood|worker|bottleneck to run one section on JDK 17 and print its rows,
# writing nothing (bottleneck, issue 14's rows, runs only this way).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench -pl benchmarks -am package -DskipTests
JAR=benchmarks/target/benchmarks.jar
MAIN=io.github.udptunnel.bench.compare.ComparisonBenchmark
VECTOR=(--add-modules jdk.incubator.vector)
if [ $# -gt 0 ]; then
  exec java "${VECTOR[@]}" -cp "$JAR" "$MAIN" "$@"
fi
jdk25="${JDK25_HOME:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)}"
runs=(benchmarks/target/comparison-jdk17.rows)
java "${VECTOR[@]}" -cp "$JAR" "$MAIN" --save benchmarks/target/comparison-jdk17.rows
if [ -n "$jdk25" ] && [ -x "$jdk25/bin/java" ]; then
  # JDK 24+ warn about Netty's use of sun.misc.Unsafe and its native library unless these are given.
  "$jdk25/bin/java" "${VECTOR[@]}" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
    -cp "$JAR" "$MAIN" --save benchmarks/target/comparison-jdk25.rows
  runs+=(benchmarks/target/comparison-jdk25.rows)
else
  echo "no JDK 25 (set JDK25_HOME): the JDK 25 column is left out" >&2
fi
java -cp "$JAR" "$MAIN" --write docs/BENCHMARKS.md docs/benchmarks/comparison.json "${runs[@]}"
