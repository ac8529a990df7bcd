#!/usr/bin/env bash
# End-to-end check of docs/grafana and docs/prometheus against a REAL Prometheus (docs/OBSERVABILITY.md, "The check"):
#   1. installs Prometheus (Debian package: prometheus, promtool) with apt-get when either is missing;
#   2. builds the demo jar and starts it on free ports (HTTP, the tunnel's UDP port) in a temporary directory;
#   3. starts prometheus on a free localhost port, scraping the demo every second, with tunnel-alerts.yml loaded
#      and a temporary storage directory;
#   4. waits (4 minutes at most) until Prometheus has scraped a few times and the demo has traffic;
#   5. runs every query of every panel of both dashboard forms through the HTTP query API (fails naming the panel
#      when one returns no series), and checks Prometheus evaluated every rule without error;
#   6. promtool: check metrics on the tunnel_ part of the exposition, check rules, test rules, check config;
#      generate.py --check (the dashboard JSON is what its generator makes).
# Stops everything it started on exit; exits non-zero on any failure.
# Environment: SKIP_BUILD=1 uses the demo jar already built; KEEP=1 keeps the temporary directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
T0=$(date +%s)
say() { printf '[check] %s\n' "$*"; }
fail() { printf '[check] FAILED: %s\n' "$*" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tunnel-obs-check.XXXXXX")
DEMO_PID=
PROM_PID=
TRAFFIC_PID=
cleanup() {
  local rc=$?
  for pid in $TRAFFIC_PID $PROM_PID $DEMO_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $PROM_PID $DEMO_PID; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ]; then
    for log in demo.log prometheus.log; do
      if [ -s "$WORK/$log" ]; then
        echo "----- last lines of $log -----" >&2
        tail -n 25 "$WORK/$log" >&2
      fi
    done
  fi
  if [ "${KEEP:-}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
  if [ "$rc" -eq 0 ]; then say "PASSED in $(( $(date +%s) - T0 )) s"; else say "FAILED (exit $rc) after $(( $(date +%s) - T0 )) s"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Prometheus and promtool ----------------------------------------------------------------------------------------
if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  say "installing prometheus with apt-get"
  SUDO=
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y -q --no-install-recommends prometheus >"$WORK/apt.log" 2>&1; then
    $SUDO apt-get update -q >>"$WORK/apt.log" 2>&1
    $SUDO apt-get install -y -q --no-install-recommends prometheus >>"$WORK/apt.log" 2>&1 \
      || { tail -n 20 "$WORK/apt.log" >&2; fail "apt-get install prometheus"; }
  fi
fi
command -v python3 >/dev/null || fail "python3 is needed (it reads the dashboards and talks to Prometheus)"
command -v curl >/dev/null || fail "curl is needed"
say "$(prometheus --version 2>&1 | head -n 1)"

# The files themselves first: cheap, and they need nothing running.
python3 docs/grafana/generate.py --check || fail "docs/grafana: the dashboard JSON is not what generate.py makes"
promtool check rules docs/prometheus/tunnel-alerts.yml || fail "promtool check rules"
promtool test rules docs/prometheus/tunnel-alerts.test.yml || fail "promtool test rules"
promtool check config docs/prometheus/prometheus.yml || fail "promtool check config docs/prometheus/prometheus.yml"

# 2. The demo -------------------------------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-}" != 1 ]; then
  say "building the demo (./mvnw -q -pl demo-app -am package -DskipTests)"
  ./mvnw -q -B -pl demo-app -am package -DskipTests || fail "the demo's build"
fi
JAR=$(ls demo-app/target/demo-app-*.jar 2>/dev/null | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' | head -n 1 || true)
[ -n "$JAR" ] || fail "no demo-app/target/demo-app-*.jar"
JAR="$ROOT/$JAR"
T_BUILT=$(date +%s)

# Free ports: three TCP (the demo's HTTP, Prometheus, a port forward), one UDP (the tunnel server).
read -r HTTP_PORT PROM_PORT FORWARD_PORT TUNNEL_PORT < <(python3 - <<'PY'
import socket
socks = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(3)] + [socket.socket(socket.AF_INET, socket.SOCK_DGRAM)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
PY
)
mkdir -p "$WORK/demo"
say "starting the demo: http 127.0.0.1:$HTTP_PORT, tunnel udp $TUNNEL_PORT ($(basename "$JAR"))"
(cd "$WORK/demo" && exec java -Xmx256m -jar "$JAR" --server.address=127.0.0.1 --server.port="$HTTP_PORT" \
    --tunnel.server.port="$TUNNEL_PORT" --tunnel.client.servers.demo.address="127.0.0.1:$TUNNEL_PORT" \
    --tunnel.server.services.actuator="127.0.0.1:$HTTP_PORT" --tunnel.client.forwards.actuator.server=demo \
    --tunnel.client.forwards.actuator.local-port="$FORWARD_PORT" \
    >"$WORK/demo.log" 2>&1) &
DEMO_PID=$!
# The demo also forwards a port to its own HTTP server (docs/FORWARDING.md): requests through it feed the
# dashboard's port-forwarding row.

# 3. Prometheus -----------------------------------------------------------------------------------------------------
cat >"$WORK/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $ROOT/docs/prometheus/tunnel-alerts.yml
scrape_configs:
  - job_name: udp-tunnel
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ["127.0.0.1:$HTTP_PORT"]
YML
promtool check config "$WORK/prometheus.yml" >/dev/null || fail "promtool check config (generated)"
PROM="http://127.0.0.1:$PROM_PORT"
say "starting prometheus on $PROM (scrape every 1s)"
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus-data" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!

# 4. Wait for the demo, then for a few scrapes and traffic ----------------------------------------------------------
DEADLINE=$(( $(date +%s) + 240 ))
until curl -sf "http://127.0.0.1:$HTTP_PORT/actuator/health" >/dev/null; do
  kill -0 "$DEMO_PID" 2>/dev/null || fail "the demo exited"
  [ "$(date +%s)" -lt "$DEADLINE" ] || fail "the demo did not answer /actuator/health within 240 s"
  sleep 1
done
say "demo up after $(( $(date +%s) - T_BUILT )) s"
(while kill -0 "$DEMO_PID" 2>/dev/null; do
   curl -sf "http://127.0.0.1:$FORWARD_PORT/actuator/health" >/dev/null || true
   sleep 0.5
 done) &
TRAFFIC_PID=$!
kill -0 "$PROM_PID" 2>/dev/null || fail "prometheus exited"
python3 tools/observability/promcheck.py wait "$PROM" udp-tunnel $(( DEADLINE - $(date +%s) )) \
  || fail "Prometheus did not see the demo's traffic"

# 5. Every dashboard query, and the rules as Prometheus evaluates them ----------------------------------------------
FAILED=
say "running every dashboard panel's queries through $PROM/api/v1/query"
python3 tools/observability/promcheck.py dashboards "$PROM" docs/grafana/tunnel-dashboard.json \
  docs/grafana/provisioning/dashboards/tunnel-dashboard.json || FAILED="$FAILED dashboards"
python3 tools/observability/promcheck.py rules "$PROM" || FAILED="$FAILED rules"

# 6. promtool check metrics on our part of the exposition -----------------------------------------------------------
curl -sf "http://127.0.0.1:$HTTP_PORT/actuator/prometheus" >"$WORK/exposition.txt" || fail "GET /actuator/prometheus"
awk '/^# (HELP|TYPE) tunnel_/ || /^tunnel_/' "$WORK/exposition.txt" >"$WORK/tunnel-exposition.txt"
LINES=$(grep -c '^tunnel_' "$WORK/tunnel-exposition.txt" || true)
NAMES=$(grep -c '^# TYPE tunnel_' "$WORK/tunnel-exposition.txt" || true)
[ "$LINES" -gt 0 ] || fail "no tunnel_ series in /actuator/prometheus"
if promtool check metrics <"$WORK/tunnel-exposition.txt"; then
  say "promtool check metrics: $NAMES tunnel_ metric families, $LINES series, no problem"
else
  FAILED="$FAILED check-metrics"
fi

[ -z "$FAILED" ] || fail "failed:$FAILED"
say "all checks passed ($(( $(date +%s) - T_BUILT )) s after the build)"
