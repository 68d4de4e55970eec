#!/usr/bin/env bash
# run_events.sh: the events benchmark (issue 4). Measures, in one run, the evoke build before a
# change (evoke-base) and the build under test (evoke) on loopback, with the same client
# (bench/s3load) and the same Python no-op handler that reports its start by UDP:
#   - S3 PUT -> handler start latency with a warm, idle function: from the PUT's first byte and
#     from its response; and the same PUTs into a bucket without notifications, the reference
#     the event's latency is a ratio of;
#   - asynchronous throughput: N Invoke (InvocationType Event) calls and N PUTs into a notifying
#     bucket from CONNS clients, events/s until the last handler start, and events lost.
# Prints a table of every figure with its ratio (to the plain PUT, and after / before) and
# evoke's targets, and appends it to bench/RESULTS.md. The peer serverless-offline +
# serverless-s3-local can be added. See bench/README.md for what each number means.
#
# usage: EVOKE_BASE_BIN=/path/to/old/evoke bench/run_events.sh [SYSTEM...]
#   SYSTEM: evoke-base | evoke | serverless-offline   (default: evoke-base evoke)
# env:
#   EVOKE_BIN          evoke binary under test (default build/release/evoke)
#   EVOKE_BASE_BIN     evoke binary before the change (system evoke-base; required for it)
#   ORDER              interleave (default): evoke-base and evoke are both started, then each
#                      measurement runs on each in turn; sequential: one after the other.
#                      serverless-offline always runs alone, after those.
#   SAMPLES            latency samples (default 200), after WARMUP events (default 20)
#   PAUSE_MS           pause between the latency PUTs (default 20)
#   N                  events per throughput run (default 4000), CONNS clients (default 16),
#                      after TPUT_WARMUP unmeasured events (default 1000)
#   WAIT_S             how long the bench waits for events once none arrive (default 30)
#   ASYNC_CONCURRENCY  evoke's --async-concurrency (default: the server's, 64)
#   BENCH_OUT          work directory (default bench/out; the npm install of the peer is shared
#                      with run_lambda.sh in BENCH_OUT/serverless-offline)
#   RESULTS            markdown file the table is appended to (default bench/RESULTS.md; - = none)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
EVOKE_BIN=${EVOKE_BIN:-$REPO/build/release/evoke}
EVOKE_BASE_BIN=${EVOKE_BASE_BIN:-}
ORDER=${ORDER:-interleave}
SAMPLES=${SAMPLES:-200}
WARMUP=${WARMUP:-20}
PAUSE_MS=${PAUSE_MS:-20}
N=${N:-4000}
CONNS=${CONNS:-16}
TPUT_WARMUP=${TPUT_WARMUP:-1000}
WAIT_S=${WAIT_S:-30}
ASYNC_CONCURRENCY=${ASYNC_CONCURRENCY:-}
BENCH_OUT=${BENCH_OUT:-$HERE/out}
RESULTS=${RESULTS:-$HERE/RESULTS.md}
SYSTEMS=("$@")
[ ${#SYSTEMS[@]} -eq 0 ] && SYSTEMS=(evoke-base evoke)

PY=/usr/bin/python3   # Debian's: boto3 (set-up only)
HELPER=$HERE/events_bench.py
SLS_DIR=$BENCH_OUT/serverless-offline
PEER_SRC=/work/shared/peers/serverless-offline
PEER_S3_PORT=43569    # serverless-s3-local's port in the peer's configuration
BUCKET=evbench
FUNCTION="udp-start"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN=$BENCH_OUT/events-$STAMP
mkdir -p "$RUN"
RUN=$(cd "$RUN" && pwd)
RAW=$RUN/results.jsonl
META=$RUN/meta.json
: > "$RAW"
S3LOAD=$BENCH_OUT/bin/s3load
LOG_TAG=run_events
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
case $ORDER in interleave|sequential) ;; *) log "ORDER is interleave or sequential"; exit 2 ;; esac
T0=$(date +%s)
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

ENDPOINT=""
LOAD_EVOKE=""
LOAD_PEER="?"
helper() { timeout 900 "$PY" "$HELPER" "$@"; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# Synchronous 4 KiB writes per second on the work directory's disk: an acknowledged PUT (and
# with it its event) waits for one, so this bounds the latency from below.
dsync_baseline() {
  local out secs
  out=$(dd if=/dev/zero of="$RUN/ddsync" bs=4k count=1000 oflag=dsync 2>&1 | tail -1)
  rm -f "$RUN/ddsync"
  secs=$(echo "$out" | sed -n 's/.* copied, \([0-9.]*\) s.*/\1/p')
  awk -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", 1000 / s; else print "?" }'
}

# Runs one measurement (events_bench.py latency | throughput ...) and records its JSON line.
measure() {  # SYSTEM KEY events_bench-args...
  local sys=$1 key=$2 out rc; shift 2
  out=$(AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK helper "$@" 2> "$RUN/$sys.$key.py.err")
  rc=$?
  if [ -n "$out" ]; then
    record "$sys" "$key" "\"result\":$out"
  else
    record "$sys" "$key" "\"failed\":\"events_bench.py exit $rc\""
  fi
  [ -s "$RUN/$sys.$key.py.err" ] && sed 's/^/    /' "$RUN/$sys.$key.py.err" | tail -5 >&2
  [ -s "$RUN/$sys.$key.py.err" ] || rm -f "$RUN/$sys.$key.py.err"
  log "$sys $key: $(summary "$out")"
}

summary() {
  [ -n "$1" ] || { echo FAILED; return; }
  "$PY" -c '
import json, sys
x = json.loads(sys.argv[1])
if "from_put_start" in x:
    a, b = x["from_put_start"] or {}, x["from_put_response"] or {}
    print("(a) p50 %s p99 %s ms, (b) p50 %s p99 %s ms, %d missing, put errors %d" % (
        a.get("p50"), a.get("p99"), b.get("p50"), b.get("p99"), x["missing"], x["put_errors"]))
elif "accepted" in x:
    print("%d accepted, %d heard, %d lost, %s events/s, accepted %s/s" % (
        x["accepted"], x["heard"], x["lost"], x["events_per_s"], x["accept_per_s"]))
else:
    print(x)' "$1"
}

# One measurement on one evoke system.
measure_one() {  # SYSTEM latency | tput_invoke | tput_put
  local sys=$1 what=$2
  use_system "$sys"
  local udp=${S_UDP[$sys]}
  case $what in
    latency)
      measure "$sys" latency latency "$S3LOAD" "$ENDPOINT" "$BUCKET" "$udp" "$SAMPLES" "$WARMUP" \
        "$PAUSE_MS" "$sys/latency" "$RUN" ;;
    tput_invoke)
      measure "$sys" tput_invoke throughput "$S3LOAD" "$ENDPOINT" invoke "$FUNCTION" \
        "$udp" "$N" "$CONNS" "$TPUT_WARMUP" "$WAIT_S" "$sys/tput_invoke" "$RUN" ;;
    tput_put)
      measure "$sys" tput_put throughput "$S3LOAD" "$ENDPOINT" put "$BUCKET" "$udp" "$N" "$CONNS" \
        "$TPUT_WARMUP" "$WAIT_S" "$sys/tput_put" "$RUN" ;;
  esac
}

# ---- evoke-base and evoke -----------------------------------------------------------------------
# Each system's server (process group), endpoint and UDP port; use_system makes one current.
declare -A S_PID S_EP S_UDP
use_system() {  # SYSTEM
  SERVER_PID=${S_PID[$1]:-}; ENDPOINT=${S_EP[$1]:-}
  AK=benchkey; SK=benchsecret0000000000000000000000000000
}

# Starts one evoke and sets up its notifying bucket and function (a UDP port of its own, so that
# a late handler start of one system never lands in the other's measurement).
start_evoke_sys() {  # SYSTEM (evoke | evoke-base)
  local sys=$1 dir=$RUN/$1 bin udp extra=()
  bin=$(evoke_bin_of "$sys")
  mkdir -p "$dir"
  [ -n "$ASYNC_CONCURRENCY" ] && extra=(--async-concurrency "$ASYNC_CONCURRENCY")
  AK=benchkey; SK=benchsecret0000000000000000000000000000
  if ! start_evoke_server "$bin" "$dir/data" "$dir/server.log" --access-log off "${extra[@]}"; then
    record "$sys" start '"failed":"did not start"'; stop_server; return 1
  fi
  log "$sys on $ENDPOINT, pid $SERVER_PID"
  record "$sys" info "\"detail\":\"$bin ($(describe_bin "$bin"))\""
  udp=$(free_port)
  if ! AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK helper setup "$ENDPOINT" "$BUCKET" "$FUNCTION" "$udp"; then
    record "$sys" start '"failed":"set-up (CreateFunction, AddPermission, notification) failed"'
    stop_server; return 1
  fi
  S_PID[$sys]=$SERVER_PID; S_EP[$sys]=$ENDPOINT; S_UDP[$sys]=$udp
}

stop_evoke_sys() {  # SYSTEM: peak RSS, stop, delete its data
  local sys=$1 hwm
  use_system "$sys"
  hwm=$(awk '/^VmHWM:/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status" 2>/dev/null)
  record "$sys" rss "\"detail\":\"server peak RSS ${hwm:-?} MiB\""
  stop_server
  S_PID[$sys]=""
  rm -rf "${RUN:?}/$sys/data"
}

# Systems started together; every measurement runs on each of them in turn, so that a drift of
# the machine touches all alike (ORDER=sequential: called with one system at a time).
bench_group() {  # SYSTEM...
  local s what ready=()
  for s in "$@"; do
    log "=== $s"
    start_evoke_sys "$s" && ready+=("$s")
  done
  [ ${#ready[@]} -gt 1 ] && log "interleaved: ${ready[*]}, each measurement on each in turn"
  [ ${#ready[@]} -gt 0 ] && LOAD_EVOKE="$LOAD_EVOKE${LOAD_EVOKE:+, }$(load1) (${ready[*]})"
  for what in latency tput_invoke tput_put; do
    for s in "${ready[@]}"; do measure_one "$s" "$what"; done
  done
  for s in "${ready[@]}"; do stop_evoke_sys "$s"; done
}

# ---- serverless-offline + serverless-s3-local ---------------------------------------------------
install_sls() {
  [ -x "$SLS_DIR/node_modules/.bin/serverless" ] && [ -d "$SLS_DIR/node_modules/serverless-offline" ] &&
    [ -d "$SLS_DIR/node_modules/serverless-s3-local" ] && return 0
  log "installing serverless@3 serverless-offline@13 serverless-s3-local into $SLS_DIR (npm, ~2 min)"
  mkdir -p "$SLS_DIR"
  cp "$PEER_SRC"/*.js "$PEER_SRC"/*.py "$SLS_DIR"/
  (cd "$SLS_DIR" && timeout 900 npm i --no-audit --no-fund serverless@3 serverless-offline@13 \
      serverless-s3-local > npm.log 2>&1) || { log "npm install failed, see $SLS_DIR/npm.log"; return 1; }
}

bench_sls() {
  local sys=serverless-offline dir=$RUN/serverless-offline port hp wp udp i
  install_sls || { record "$sys" start '"failed":"npm install failed"'; return; }
  mkdir -p "$dir/s3"
  if port_open "$PEER_S3_PORT"; then
    log "$sys: port $PEER_S3_PORT is taken"; record "$sys" start "\"failed\":\"port $PEER_S3_PORT taken\""; return
  fi
  port=$(free_port); hp=$(free_port); wp=$(free_port); udp=$(free_port)
  # The same handler as evoke's; the peer's configuration with only this function, notified by
  # serverless-s3-local for objects created in the bucket (no schedule firing meanwhile). Its
  # timeout is evoke's (30 s): with the default 6 s, an asynchronous invocation that waits that
  # long for a Python runner during a burst times out, and that kills serverless-offline.
  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x "$PY" -c \
    'import sys; sys.path.insert(0, sys.argv[1]); import events_bench; open(sys.argv[2], "w").write(events_bench.HANDLER)' \
    "$HERE" "$SLS_DIR/udp_start.py"
  cat > "$SLS_DIR/serverless.yml" <<EOF
service: peerbench
frameworkVersion: '3'
provider:
  name: aws
  region: us-east-1
  runtime: python3.11
functions:
  udpStart:
    handler: udp_start.handler
    timeout: 30
    environment:
      BENCH_UDP_PORT: '$udp'
    events:
      - s3: $BUCKET
        event: s3:ObjectCreated:*
plugins:
  - serverless-s3-local
  - serverless-offline
custom:
  serverless-offline:
    host: 127.0.0.1
    httpPort: $hp
    lambdaPort: $port
    websocketPort: $wp
  s3:
    host: 127.0.0.1
    address: 127.0.0.1
    port: $PEER_S3_PORT
    directory: $dir/s3
EOF
  # serverless-s3-local's S3 (s3rver) checks SigV4 signatures against these keys.
  AK=S3RVER; SK=S3RVER
  cd "$SLS_DIR" || return
  PATH=/usr/bin:/bin SLS_TELEMETRY_DISABLED=1 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x \
    start_group "$dir/server.log" node_modules/.bin/serverless offline start --noSponsor
  cd "$REPO" || return
  ENDPOINT=""
  for i in $(seq 1 900); do
    if grep -q "listening on http://127.0.0.1:$port" "$dir/server.log" 2>/dev/null && port_open "$PEER_S3_PORT"; then
      ENDPOINT=http://127.0.0.1:$PEER_S3_PORT; break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ENDPOINT" ]; then
    log "$sys did not start:"; tail -5 "$dir/server.log" >&2
    record "$sys" start '"failed":"did not start"'; stop_server; return
  fi
  log "$sys: S3 on $ENDPOINT, Lambda on 127.0.0.1:$port, pid $SERVER_PID"
  # The plugin made the notifying bucket; the one without notifications is made here.
  "$S3LOAD" mkbucket --endpoint "$ENDPOINT" --bucket "$BUCKET-plain" --access-key "$AK" \
    --secret-key "$SK" > "$dir/mkbucket.log" 2>&1 || log "$sys: CreateBucket $BUCKET-plain failed"
  LOAD_PEER=$(load1)
  measure "$sys" latency latency "$S3LOAD" "$ENDPOINT" "$BUCKET" "$udp" "$SAMPLES" "$WARMUP" \
    "$PAUSE_MS" "$sys/latency" "$RUN"
  peer_alive latency || return
  measure "$sys" tput_put throughput "$S3LOAD" "$ENDPOINT" put "$BUCKET" "$udp" "$N" "$CONNS" \
    "$TPUT_WARMUP" "$WAIT_S" "$sys/tput_put" "$RUN"
  peer_alive tput_put || return
  # Its Invoke API takes InvocationType Event too (202), so the same run applies. Last: it
  # starts a Python runner per invocation in flight, without a cap, and a burst can kill it.
  AK=x SK=x measure "$sys" tput_invoke throughput "$S3LOAD" "http://127.0.0.1:$port" invoke \
    peerbench-dev-udpStart "$udp" "$N" "$CONNS" "$TPUT_WARMUP" "$WAIT_S" "$sys/tput_invoke" "$RUN"
  peer_alive tput_invoke || return
  stop_server
  rm -rf "$dir/s3"
}

# serverless-offline exits on an unhandled invocation timeout: say so in the results rather than
# report the refused connections that follow as the peer's figures.
peer_alive() {  # KEY (the measurement just done)
  local state
  state=$(ps -o stat= -p "$SERVER_PID" 2>/dev/null)
  [ -n "$state" ] && [ "${state:0:1}" != Z ] && return 0   # a zombie is an exited process
  local why
  why=$(grep -m1 -E 'Error: |Error:$' -A1 "$RUN/serverless-offline/server.log" | grep -v '^Error:$' | head -1 | tr -d '"\\')
  log "serverless-offline exited during $1: $why"
  record serverless-offline "died_$1" "\"detail\":\"serverless-offline exited during $1 (${why:-see its log}); the measurements after it were not made\""
  stop_server
  rm -rf "$RUN/serverless-offline/s3"
  return 1
}

# ---- main ---------------------------------------------------------------------------------------
check_evoke_bins "${SYSTEMS[@]}"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
build_s3load
describe_machine
log "machine: $MACHINE_MODEL, $MACHINE_CORES cores, $MACHINE_MEM, kernel $MACHINE_KERNEL; load $LOAD_AT_START"
DSYNC=$(dsync_baseline)
log "dd 4 KiB oflag=dsync: $DSYNC writes/s"
TOGETHER=()   # started together, each measurement on each in turn
ALONE=()      # one after the other, after those
for s in "${SYSTEMS[@]}"; do
  case $s in
    evoke|evoke-base) if [ "$ORDER" = interleave ]; then TOGETHER+=("$s"); else ALONE+=("$s"); fi ;;
    serverless-offline|sls) ALONE+=(serverless-offline) ;;
    *) log "unknown system $s" ;;
  esac
done
[ ${#TOGETHER[@]} -gt 0 ] && bench_group "${TOGETHER[@]}"
for s in "${ALONE[@]}"; do
  case $s in
    serverless-offline) log "=== $s"; bench_sls ;;
    *) bench_group "$s" ;;
  esac
done
"$PY" - "$META" "$MACHINE_MODEL" "$MACHINE_CORES" "$MACHINE_MEM" "$MACHINE_KERNEL" "$STAMP" \
  "$LOAD_AT_START" "${LOAD_EVOKE:-?}" "$LOAD_PEER" "$RUN" "$SAMPLES" "$WARMUP" "$PAUSE_MS" "$N" \
  "$CONNS" "$TPUT_WARMUP" "${ASYNC_CONCURRENCY:-64 (default)}" "$DSYNC" "$(( $(date +%s) - T0 ))" \
  "$ORDER" <<'PY'
import json, sys
k = ["model", "cores", "mem", "kernel", "stamp", "load_at_start", "load_evoke", "load_peer",
     "run_dir", "samples", "warmup", "pause_ms", "n", "conns", "tput_warmup", "async_concurrency",
     "dsync_4k_ops_s", "elapsed_s", "order"]
json.dump(dict(zip(k, sys.argv[2:])), open(sys.argv[1], "w"))
PY
"$PY" "$HELPER" report "$RAW" "$META" > "$RUN/report.md"
cat "$RUN/report.md"
append_report "$RUN/report.md"
