#!/usr/bin/env bash
# The meter binder row of docs/BENCHMARKS.md: bytes the tunnel's worker threads allocate per DATA packet in a Spring
# Boot context with the starter's server and client, with the tunnel meter binder bound to a PrometheusMeterRegistry
# scraped every 10 ms, beside the same context with TunnelMetricsAutoConfiguration excluded (bench.compare.MeterBinderCost).
# Prints the rows; writes nothing. About 2 minutes with the build. Allocation counts do not depend on the machine's load.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench -pl benchmarks -am package -DskipTests
java -cp benchmarks/target/benchmarks.jar io.github.udptunnel.bench.compare.MeterBinderCost "$@"
