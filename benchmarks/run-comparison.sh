#!/usr/bin/env bash
# The side-by-side rows of docs/BENCHMARKS.md in one run: the tunnel beside raw UDP, JDK TLS 1.3 and Netty QUIC
# (CUBIC and BBR) on loopback, 1,000 connections, three lossy relay paths and a HELLO flood from a second JVM.
# Rewrites the tables between the comparison markers of docs/BENCHMARKS.md and docs/benchmarks/comparison.json.
# About 12 minutes with the build; keep the machine otherwise idle while it runs.
# Pass --only loopback|connections|lossy|flood|worker to run one section and print its rows, writing nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench -pl benchmarks -am package -DskipTests
# With the Vector API the tunnel's Salsa20 runs several blocks at once (docs/ARCHITECTURE.md): a JVM flag any user
# can set, so the tunnel is measured with it; the peers are not affected. JAVA_OPTS= measures without it.
java ${JAVA_OPTS---add-modules jdk.incubator.vector} -cp benchmarks/target/benchmarks.jar \
  io.github.udptunnel.bench.compare.ComparisonBenchmark "$@"
