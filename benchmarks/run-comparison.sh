#!/usr/bin/env bash
# The side-by-side rows of docs/BENCHMARKS.md in one run: the tunnel beside raw UDP, JDK TLS 1.3 and Netty QUIC
# (CUBIC and BBR) on loopback, 1,000 connections, three lossy relay paths and a HELLO flood from a second JVM.
# Rewrites the tables between the comparison markers of docs/BENCHMARKS.md and docs/benchmarks/comparison.json.
# About 12 minutes with the build; keep the machine otherwise idle while it runs.
# Pass --only loopback|connections|lossy|flood|worker to run one section and print its rows, writing nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench -pl benchmarks -am package -DskipTests
java -cp benchmarks/target/benchmarks.jar io.github.udptunnel.bench.compare.ComparisonBenchmark "$@"
