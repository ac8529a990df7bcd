#!/usr/bin/env bash
# The port-forwarding rows of docs/BENCHMARKS.md in one run: pgbench TPS and bulk TCP throughput through the tunnel's
# forward (the demo-app's forward-server and forward-client profiles, two JVMs) beside the same direct on loopback and
# through `ssh -L` (Debian's openssh, a private sshd on 127.0.0.1:2222), then the forwarder's memory with a reader
# that stops reading. Needs the PostgreSQL of these machines (127.0.0.1:5432, trust) and root (apt-get installs
# openssh-server and postgresql-client when missing). Medians of ROUNDS rounds, the three ways alternating in each.
# About 6 minutes; keep the machine otherwise idle. Prints the rows; writes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-15}
BULK_BYTES=${BULK_BYTES:-1073741824}

command -v pgbench >/dev/null || apt-get install -y postgresql-client >/dev/null
[ -x /usr/sbin/sshd ] || DEBIAN_FRONTEND=noninteractive apt-get install -y openssh-server >/dev/null

T=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE IF EXISTS tunnel_bench WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT

wait_port() {  # a TCP port on 127.0.0.1 that accepts, within two minutes
  for _ in $(seq 240); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.5; done
  echo "nothing listens on 127.0.0.1:$1" >&2; exit 1
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
rss_kib() { awk '/VmRSS/{print $2}' /proc/"$1"/status; }

SINK=25501; STALL=25502; UDP=24433
FWD_PG=25432; FWD_SINK=25434; FWD_STALL=25437; SSH_PG=25435; SSH_SINK=25436

./mvnw -q -B -pl demo-app -am package -DskipTests
JAR=$(ls demo-app/target/demo-app-*.jar | grep -v original | head -1)
javac -d "$T/cls" benchmarks/forward/TcpBulk.java
java -cp "$T/cls" TcpBulk sink $SINK & PIDS+=($!)
java -cp "$T/cls" TcpBulk stall $STALL & PIDS+=($!)

# The tunnel's forward: two JVMs, as ssh and sshd are two processes.
java -jar "$JAR" --spring.profiles.active=forward-server --server.port=0 --logging.level.root=WARN \
  --tunnel.server.address=127.0.0.1 --tunnel.server.port=$UDP --tunnel.server.identity.key-file="$T/server.key" \
  --tunnel.server.services.sink=127.0.0.1:$SINK --tunnel.server.services.stall=127.0.0.1:$STALL \
  >"$T/server.log" 2>&1 & SERVER=$!; PIDS+=($SERVER)
DEMO_SERVER=127.0.0.1:$UDP FORWARD_PORT=$FWD_PG java -jar "$JAR" --spring.profiles.active=forward-client \
  --server.port=0 --logging.level.root=WARN --tunnel.client.known-hosts.file="$T/known_hosts" \
  --tunnel.client.forwards.sink.local-port=$FWD_SINK --tunnel.client.forwards.sink.server=gateway \
  --tunnel.client.forwards.stall.local-port=$FWD_STALL --tunnel.client.forwards.stall.server=gateway \
  >"$T/client.log" 2>&1 & CLIENT=$!; PIDS+=($CLIENT)

# ssh -L to a private sshd, key authentication, Debian's default ciphers.
mkdir -p "$T/ssh" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/user_key"
cp "$T/ssh/user_key.pub" "$T/ssh/authorized_keys"
cat >"$T/ssh/sshd_config" <<CONF
Port 2222
ListenAddress 127.0.0.1
HostKey $T/ssh/host_key
AuthorizedKeysFile $T/ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
StrictModes no
UsePAM no
PidFile $T/ssh/sshd.pid
CONF
/usr/sbin/sshd -D -f "$T/ssh/sshd_config" & PIDS+=($!)
wait_port 2222
ssh -N -p 2222 -i "$T/ssh/user_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
  -o ExitOnForwardFailure=yes -L $SSH_PG:127.0.0.1:5432 -L $SSH_SINK:127.0.0.1:$SINK root@127.0.0.1 & PIDS+=($!)

wait_port $FWD_PG; wait_port $FWD_SINK; wait_port $SSH_PG; wait_port $SSH_SINK
CIPHER=$(ssh -G -p 2222 root@127.0.0.1 2>/dev/null | awk '/^ciphers /{split($2,c,","); print c[1]}')

psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE IF EXISTS tunnel_bench WITH (FORCE)" -c "CREATE DATABASE tunnel_bench" >/dev/null
pgbench -q -i -s 10 -h 127.0.0.1 -p 5432 -U postgres tunnel_bench >/dev/null 2>&1

tps() {
  pgbench -h 127.0.0.1 -p "$1" -U postgres -c 8 -j 2 -T "$PGBENCH_SECONDS" tunnel_bench 2>&1 \
    | tee -a "$T/pgbench.log" | awk '/failed transactions: [1-9]/{print "FAILED" > "/dev/stderr"} /^tps = /{print $3}'
}
bulk() { java -cp "$T/cls" TcpBulk send "$1" "$BULK_BYTES"; }

: >"$T/pg.direct"; : >"$T/pg.forward"; : >"$T/pg.ssh"
: >"$T/bulk.direct"; : >"$T/bulk.forward"; : >"$T/bulk.ssh"
for r in $(seq "$ROUNDS"); do
  tps 5432 >>"$T/pg.direct"; tps $FWD_PG >>"$T/pg.forward"; tps $SSH_PG >>"$T/pg.ssh"
  bulk $SINK >>"$T/bulk.direct"; bulk $FWD_SINK >>"$T/bulk.forward"; bulk $SSH_SINK >>"$T/bulk.ssh"
  echo "round $r: pgbench tps direct $(tail -1 "$T/pg.direct") forward $(tail -1 "$T/pg.forward") ssh $(tail -1 "$T/pg.ssh");" \
    "bulk MB/s direct $(tail -1 "$T/bulk.direct") forward $(tail -1 "$T/bulk.forward") ssh $(tail -1 "$T/bulk.ssh")" >&2
done
if grep -q "failed transactions: [1-9]" "$T/pgbench.log"; then echo "pgbench had failed transactions" >&2; exit 1; fi

# Memory with a reader that stops reading: the forwarder's two JVMs before, and while a writer pushes at a service
# that reads nothing for 10 s (after a full GC in each, so the heap in use is what is held, not garbage).
heap_used_kib() { jcmd "$1" GC.run >/dev/null; jcmd "$1" GC.heap_info | awk '/used/{for(i=1;i<=NF;i++) if($i=="used"){gsub("K","",$(i+1)); print $(i+1); exit}}'; }
C_RSS0=$(rss_kib $CLIENT); S_RSS0=$(rss_kib $SERVER); C_H0=$(heap_used_kib $CLIENT); S_H0=$(heap_used_kib $SERVER)
java -cp "$T/cls" TcpBulk stallwrite $FWD_STALL 10 >"$T/stalled" &
WRITER=$!
sleep 8
C_RSS1=$(rss_kib $CLIENT); S_RSS1=$(rss_kib $SERVER); C_H1=$(heap_used_kib $CLIENT); S_H1=$(heap_used_kib $SERVER)
wait $WRITER
TAKEN=$(cat "$T/stalled")

PD=$(median <"$T/pg.direct"); PF=$(median <"$T/pg.forward"); PS=$(median <"$T/pg.ssh")
BD=$(median <"$T/bulk.direct"); BF=$(median <"$T/bulk.forward"); BS=$(median <"$T/bulk.ssh")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
echo
echo "Port forwarding, $(date -u +%F), $(java -version 2>&1 | head -1), ssh cipher $CIPHER, medians of $ROUNDS rounds:"
echo "| row | through the forward | direct | ssh -L | forward / direct | forward / ssh -L |"
echo "|---|---|---|---|---|---|"
echo "| pgbench TPS (scale 10, -c 8 -j 2 -T $PGBENCH_SECONDS) | $PF | $PD | $PS | $(ratio "$PF" "$PD") | $(ratio "$PF" "$PS") |"
echo "| bulk TCP, MB/s ($BULK_BYTES bytes) | $BF | $BD | $BS | $(ratio "$BF" "$BD") | $(ratio "$BF" "$BS") |"
echo
echo "Stalled reader: the writer got rid of $TAKEN bytes in 10 s, then was held back."
echo "| JVM | RSS before | RSS while stalled | heap in use after GC, before | while stalled |"
echo "|---|---|---|---|---|"
echo "| forward-client | $((C_RSS0 / 1024)) MiB | $((C_RSS1 / 1024)) MiB | $((C_H0 / 1024)) MiB | $((C_H1 / 1024)) MiB |"
echo "| forward-server | $((S_RSS0 / 1024)) MiB | $((S_RSS1 / 1024)) MiB | $((S_H0 / 1024)) MiB | $((S_H1 / 1024)) MiB |"
