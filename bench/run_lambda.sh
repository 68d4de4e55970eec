#!/usr/bin/env bash
# run_lambda.sh: the functions benchmark. Measures, in one run, the evoke build before a change
# (evoke-base), the build under test (evoke) and the physical reference (nginx answering the
# same Invoke requests with a fixed `{}`: an HTTP server that does nothing), on loopback:
# cold starts, warm sequential invokes and 16-caller throughput of no-op Python, Node.js and
# C++ functions, and evoke's thumbnail function (boto3 + Pillow on an S3 event), all through the
# Lambda Invoke API with the same client (bench/s3load invoke); prints a table of every figure
# with its ratio to the reference and the after/before ratio, and evoke's targets, and appends
# it to bench/RESULTS.md. The peer serverless-offline can be added. See bench/README.md.
#
# usage: EVOKE_BASE_BIN=/path/to/old/evoke bench/run_lambda.sh [SYSTEM...]
#   SYSTEM: evoke-base | evoke | evoke-user | evoke-nometrics | nginx | serverless-offline
#           (default: evoke-base evoke evoke-user nginx; evoke-user is the build under test with
#           every Invoke signed by an IAM user allowed by AWSLambdaRole instead of the root keys,
#           evoke-nometrics the build under test with --record-metrics off)
# env:
#   EVOKE_BIN    evoke binary under test (default build/release/evoke); the C++ echo function
#                is runtimes/cpp/examples/echo beside it (ninja lambda_example_echo)
#   EVOKE_BASE_BIN  evoke binary before the change (system evoke-base), its C++ echo beside it
#   ORDER        interleave (default): evoke-base, evoke and nginx are all started, then each
#                measurement runs on each in turn; sequential: one system after the other.
#                serverless-offline always runs alone, after those.
#   NGINX_WORKERS  nginx's worker_processes (default auto: one per core)
#   DURATION     seconds of each 16-caller run (default 5)
#   WARMUP       unmeasured seconds before each 16-caller run (default 2)
#   SEQ_OPS      sequential warm invokes per function (default 3000)
#   COLD_RUNS    fresh functions per runtime for evoke's cold start median (default 5)
#   THUMB_RUNS   thumbnail cold starts (fresh functions; default 3), THUMB_OPS warm ones (20)
#   BENCH_OUT    work directory (default bench/out); serverless-offline is installed into
#                BENCH_OUT/serverless-offline from the npm registry on the first run
#   RESULTS      markdown file the table is appended to (default bench/RESULTS.md; - = none)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
EVOKE_BIN=${EVOKE_BIN:-$REPO/build/release/evoke}
EVOKE_BASE_BIN=${EVOKE_BASE_BIN:-}
ORDER=${ORDER:-interleave}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-2}
SEQ_OPS=${SEQ_OPS:-3000}
COLD_RUNS=${COLD_RUNS:-5}
THUMB_RUNS=${THUMB_RUNS:-3}
THUMB_OPS=${THUMB_OPS:-20}
BENCH_OUT=${BENCH_OUT:-$HERE/out}
RESULTS=${RESULTS:-$HERE/RESULTS.md}
SYSTEMS=("$@")
[ ${#SYSTEMS[@]} -eq 0 ] && SYSTEMS=(evoke-base evoke evoke-user nginx)

PY=/usr/bin/python3   # Debian's: boto3 and Pillow, the interpreter evoke's sandboxes run
HELPER=$HERE/lambda_bench.py
PAYLOAD='{"key":"value"}'
THUMB_IMAGE=/work/shared/testdata/happyface.jpg
SLS_DIR=$BENCH_OUT/serverless-offline
PEER_SRC=/work/shared/peers/serverless-offline

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN=$BENCH_OUT/lambda-$STAMP
mkdir -p "$RUN"
RUN=$(cd "$RUN" && pwd)
RAW=$RUN/results.jsonl
META=$RUN/meta.json
: > "$RAW"
S3LOAD=$BENCH_OUT/bin/s3load
LOG_TAG=run_lambda
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
case $ORDER in interleave|sequential) ;; *) log "ORDER is interleave or sequential"; exit 2 ;; esac
T0=$(date +%s)

# ---- everything started is stopped on exit (start_group / stop_server / cleanup: lib.sh) -------
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# Peak RSS of the server process and the current RSS of its descendants (sandboxes, runners).
memory_note() {  # SYSTEM
  local hwm tree
  hwm=$(awk '/^VmHWM:/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status" 2>/dev/null)
  tree=$(ps -eo pid=,ppid=,rss= | awk -v root="$SERVER_PID" '
    { parent[$1] = $2; rss[$1] = $3 }
    END {
      n = 0; total = 0
      for (p in parent) {
        q = parent[p]
        while (q != "" && q != root && q in parent && q != 1) q = parent[q]
        if (q == root && p != root) { n++; total += rss[p] }
      }
      printf "%d processes, %.0f MiB", n, total / 1024
    }')
  record "$1" rss "\"detail\":\"server peak RSS ${hwm:-?} MiB; its descendants now: $tree\""
  log "$1 memory: server peak RSS ${hwm:-?} MiB; descendants: $tree"
}

# ---- measuring ----------------------------------------------------------------------------------
ENDPOINT=""
AK=""
SK=""

invoke_case() {  # SYSTEM KEY FUNCTION s3load-args...
  local sys=$1 key=$2 fn=$3; shift 3
  local out rc
  # evoke-user invokes with its IAM user's keys; set-up (helper) keeps the root keys.
  out=$(timeout 300 "$S3LOAD" invoke --endpoint "$ENDPOINT" --access-key "${S_IAK[$sys]:-$AK}" \
        --secret-key "${S_ISK[$sys]:-$SK}" \
        --function "$fn" --payload "$PAYLOAD" --timeout 60 --json --label "$sys/$key" \
        --watch-pids "$SERVER_PID" --watch-children "$@" 2> "$RUN/$sys.$key.err")
  rc=$?
  if [ -n "$out" ]; then
    record "$sys" "$key" "\"result\":$out"
  else
    record "$sys" "$key" "\"failed\":\"s3load exit $rc\""
  fi
  [ -s "$RUN/$sys.$key.err" ] && sed 's/^/    /' "$RUN/$sys.$key.err" | head -8 >&2
  [ -s "$RUN/$sys.$key.err" ] || rm -f "$RUN/$sys.$key.err"
  log "$sys $key: $(summary "$out" "$rc")"
}

summary() {  # JSON RC: one readable line
  [ -n "$1" ] || { echo "FAILED (s3load exit $2)"; return; }
  "$PY" -c 'import json,sys; x=json.loads(sys.argv[1]); print("%d ok, %d err, p50 %.3f ms, p99 %.2f ms, %.0f/s, server cpu %s%%, other %s%%" % (x["ok"], x["errors"], x["p50_ms"], x["p99_ms"], x["ops_per_s"], x["server_cpu_pct"], x["other_cpu_pct"]))' "$1"
}

# Warm sequential, then 16 callers, on a function that has run once already.
warm_cases() {  # SYSTEM KIND FUNCTION
  invoke_case "$1" "seq_$2" "$3" --conns 1 --ops "$SEQ_OPS" --warmup 0.5
  invoke_case "$1" "c16_$2" "$3" --conns 16 --duration "$DURATION" --warmup "$WARMUP"
}

helper() { AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK timeout 120 "$PY" "$HELPER" "$@"; }
# An IAM user allowed to invoke every function (AWSLambdaRole): prints its key id and secret.
helper_user() {  # ENDPOINT
  AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK timeout 120 "$PY" "$HERE/bench_role.py" user \
    "$1" arn:aws:iam::aws:policy/service-role/AWSLambdaRole
}

# ---- evoke-base, evoke and nginx ---------------------------------------------------------------
# Each system's server (process group), endpoint, keys and C++ echo; use_system makes one current.
declare -A S_PID S_EP S_AK S_SK S_CPP S_IAK S_ISK
use_system() {  # SYSTEM
  SERVER_PID=${S_PID[$1]:-}; ENDPOINT=${S_EP[$1]:-}; AK=${S_AK[$1]:-}; SK=${S_SK[$1]:-}
}
save_system() {  # SYSTEM
  S_PID[$1]=$SERVER_PID; S_EP[$1]=$ENDPOINT; S_AK[$1]=$AK; S_SK[$1]=$SK
}

start_evoke_sys() {  # SYSTEM (evoke | evoke-base | evoke-user | evoke-nometrics)
  local sys=$1 dir=$RUN/$1 bin cpp_echo extra=() how=""
  [ "$sys" = evoke-nometrics ] && { extra=(--record-metrics off); how=", --record-metrics off"; }
  bin=$(evoke_bin_of "$sys")
  cpp_echo=$(dirname "$bin")/runtimes/cpp/examples/echo
  mkdir -p "$dir"
  if [ ! -x "$cpp_echo" ]; then
    log "$sys: no C++ echo at $cpp_echo (ninja lambda_example_echo in that build)"
    record "$sys" start '"failed":"no C++ echo function"'; return 1
  fi
  AK=benchkey; SK=benchsecret0000000000000000000000000000
  if ! start_evoke_server "$bin" "$dir/data" "$dir/server.log" --access-log off "${extra[@]}"; then
    record "$sys" start '"failed":"did not start"'; stop_server; return 1
  fi
  S_CPP[$sys]=$cpp_echo
  if [ "$sys" = evoke-user ]; then
    local keys
    if ! keys=$(helper_user "$ENDPOINT"); then
      record "$sys" start '"failed":"IAM user set-up failed"'; stop_server; return 1
    fi
    read -r S_IAK[$sys] S_ISK[$sys] <<<"$keys"
  fi
  save_system "$sys"
  record "$sys" info "\"detail\":\"$bin ($(describe_bin "$bin"))$how\""
  log "$sys on $ENDPOINT, pid $SERVER_PID"
}

start_nginx_sys() {
  AK=x; SK=x; SERVER_PID=""   # a failure before nginx started must not stop another server
  if ! start_nginx "$RUN/nginx"; then
    record nginx start '"failed":"did not start"'; stop_server; return 1
  fi
  ENDPOINT=$NGINX_ENDPOINT
  save_system nginx
  record nginx info "\"detail\":\"$NGINX_VERSION, worker_processes $NGINX_WORKERS (${#NGINX_PIDS[@]} processes with the master), POST /2015-03-31/functions/*/invocations answered by return 200 '{}' (application/json), access log off, keep-alive\""
}

stop_system() {  # SYSTEM
  use_system "$1"
  [ -n "$SERVER_PID" ] && stop_server
  S_PID[$1]=""
  case $1 in
    evoke|evoke-base|evoke-user|evoke-nometrics) rm -rf "${RUN:?}/$1/data" ;;
    nginx) rm -rf "$RUN/nginx/tmp" ;;
  esac
}

# COLD_RUNS fresh functions of a runtime, each invoked once: cold starts.
evoke_cold() {  # SYSTEM KIND
  local sys=$1 kind=$2 i name
  use_system "$sys"
  for i in $(seq 1 "$COLD_RUNS"); do
    name=echo-$kind-$i
    helper create "$ENDPOINT" "$name" "$kind" "${S_CPP[$sys]}" ||
      { record "$sys" "cold_${kind}_$i" "\"failed\":\"CreateFunction failed\""; continue; }
    invoke_case "$sys" "cold_${kind}_$i" "$name" --ops 1
  done
}

# Warm: sequential invokes on one connection, then 16 callers, of a function that has run once
# already (nginx: any name, it answers every Invoke path the same).
seq_case() {  # SYSTEM KIND FUNCTION
  use_system "$1"
  invoke_case "$1" "seq_$2" "$3" --conns 1 --ops "$SEQ_OPS" --warmup 0.5
}
c16_case() {  # SYSTEM KIND FUNCTION
  use_system "$1"
  invoke_case "$1" "c16_$2" "$3" --conns 16 --duration "$DURATION" --warmup "$WARMUP"
}

# The thumbnail function: an S3 put event for a JPEG in evoke's own S3.
evoke_thumb() {  # SYSTEM
  local sys=$1 key i name
  use_system "$sys"
  if key=$(helper thumb-setup "$ENDPOINT" thumbs "$THUMB_IMAGE" "$RUN/$sys/s3-event.json"); then
    for i in $(seq 1 "$THUMB_RUNS"); do
      name=thumb-$i
      helper create "$ENDPOINT" "$name" thumb ||
        { record "$sys" "cold_thumb_$i" "\"failed\":\"CreateFunction failed\""; continue; }
      PAYLOAD=$(cat "$RUN/$sys/s3-event.json") invoke_case "$sys" "cold_thumb_$i" "$name" --ops 1
    done
    PAYLOAD=$(cat "$RUN/$sys/s3-event.json") invoke_case "$sys" warm_thumb thumb-1 --ops "$THUMB_OPS"
    helper thumb-check "$ENDPOINT" thumbs "$key" >&2 ||
      record "$sys" thumb_check '"failed":"no thumbnail in thumbs-resized"'
  else
    record "$sys" cold_thumb_1 '"failed":"S3 set-up failed"'
  fi
}

# Systems started together; every measurement runs on each of them in turn, so that a drift of
# the machine touches all alike. nginx, the reference, has no runtimes: its warm runs are made
# once, beside the Python ones.
bench_group() {  # SYSTEM...
  local s kind ready=() evokes=() ref=""
  for s in "$@"; do
    log "=== $s"
    case $s in
      nginx) start_nginx_sys && { ready+=(nginx); ref=nginx; } ;;
      *) start_evoke_sys "$s" && { ready+=("$s"); evokes+=("$s"); } ;;
    esac
  done
  [ ${#ready[@]} -gt 1 ] && log "interleaved: ${ready[*]}, each measurement on each in turn"
  for kind in py node cpp; do
    for s in "${evokes[@]}"; do evoke_cold "$s" "$kind"; done
    for s in "${evokes[@]}"; do seq_case "$s" "$kind" "echo-$kind-1"; done
    [ "$kind" = py ] && [ -n "$ref" ] && seq_case nginx noop noop
    for s in "${evokes[@]}"; do c16_case "$s" "$kind" "echo-$kind-1"; done
    [ "$kind" = py ] && [ -n "$ref" ] && c16_case nginx noop noop
  done
  for s in "${ready[@]}"; do use_system "$s"; memory_note "$s"; done
  for s in "${evokes[@]}"; do evoke_thumb "$s"; done
  for s in "${ready[@]}"; do stop_system "$s"; done
}

# ---- serverless-offline -------------------------------------------------------------------------
install_sls() {
  [ -x "$SLS_DIR/node_modules/.bin/serverless" ] && [ -d "$SLS_DIR/node_modules/serverless-offline" ] && return 0
  log "installing serverless@3 serverless-offline@13 serverless-s3-local into $SLS_DIR (npm, ~2 min)"
  mkdir -p "$SLS_DIR"
  cp "$PEER_SRC"/*.js "$PEER_SRC"/*.py "$SLS_DIR"/
  (cd "$SLS_DIR" && timeout 900 npm i --no-audit --no-fund serverless@3 serverless-offline@13 \
      serverless-s3-local > npm.log 2>&1) || { log "npm install failed, see $SLS_DIR/npm.log"; return 1; }
}

bench_sls() {
  local sys=serverless-offline dir=$RUN/serverless-offline port hp wp i line kind
  install_sls || { record "$sys" start '"failed":"npm install failed"'; return; }
  mkdir -p "$dir"
  # The peer's configuration with only the two echo functions (no S3 emulator, no schedule
  # firing during the runs) on free ports, so that other users of the fixed ports do not matter.
  port=$(free_port); hp=$(free_port); wp=$(free_port)
  cp "$PEER_SRC"/index.js "$PEER_SRC"/handler.py "$SLS_DIR"/
  cat > "$SLS_DIR/serverless.yml" <<EOF
service: peerbench
frameworkVersion: '3'
provider:
  name: aws
  region: us-east-1
  runtime: nodejs20.x
functions:
  echoNode:
    handler: index.handler
  echoPy:
    handler: handler.handler
    runtime: python3.11
plugins:
  - serverless-offline
custom:
  serverless-offline:
    host: 127.0.0.1
    httpPort: $hp
    lambdaPort: $port
    websocketPort: $wp
EOF
  AK=x; SK=x
  # As the peer's README starts it: Debian's python3 and node first on PATH, dummy keys.
  cd "$SLS_DIR" || return
  PATH=/usr/bin:/bin SLS_TELEMETRY_DISABLED=1 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x \
    start_group "$dir/server.log" node_modules/.bin/serverless offline start --noSponsor
  cd "$REPO" || return
  ENDPOINT=""
  for i in $(seq 1 900); do
    if grep -q "listening on http://127.0.0.1:$port" "$dir/server.log" 2>/dev/null; then
      ENDPOINT=http://127.0.0.1:$port; break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ENDPOINT" ]; then
    log "serverless-offline did not start:"; tail -5 "$dir/server.log" >&2
    record "$sys" start '"failed":"did not start"'; stop_server; return
  fi
  log "$sys on $ENDPOINT, pid $SERVER_PID"
  invoke_case "$sys" cold_py_1 peerbench-dev-echoPy --ops 1
  invoke_case "$sys" cold_node_1 peerbench-dev-echoNode --ops 1
  warm_cases "$sys" py peerbench-dev-echoPy
  warm_cases "$sys" node peerbench-dev-echoNode
  memory_note "$sys"
  stop_server
}

# ---- main ---------------------------------------------------------------------------------------
check_evoke_bins "${SYSTEMS[@]}"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
build_s3load
describe_machine
log "machine: $MACHINE_MODEL, $MACHINE_CORES cores, $MACHINE_MEM, kernel $MACHINE_KERNEL; load $LOAD_AT_START"
BASELINE=$(timeout 120 "$PY" "$HELPER" baseline 20) || BASELINE=null
log "baselines: $BASELINE"
TOGETHER=()   # started together, each measurement on each in turn
ALONE=()      # one after the other, after those
for s in "${SYSTEMS[@]}"; do
  case $s in
    evoke|evoke-base|evoke-user|evoke-nometrics|nginx) if [ "$ORDER" = interleave ]; then TOGETHER+=("$s"); else ALONE+=("$s"); fi ;;
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
  "$LOAD_AT_START" "$RUN" "$DURATION" "$WARMUP" "$SEQ_OPS" "$COLD_RUNS" "$PAYLOAD" \
  "$(basename "$THUMB_IMAGE")" "$ORDER" "$BASELINE" "$(( $(date +%s) - T0 ))" <<'PY'
import json, sys
k = ["model", "cores", "mem", "kernel", "stamp", "load_at_start", "run_dir", "duration", "warmup",
     "seq_ops", "cold_runs", "payload", "thumb_image", "order"]
m = dict(zip(k, sys.argv[2:2 + len(k)]))
m["baseline"] = json.loads(sys.argv[2 + len(k)])
m["elapsed_s"] = sys.argv[3 + len(k)]
json.dump(m, open(sys.argv[1], "w"))
PY
"$PY" "$HELPER" report "$RAW" "$META" > "$RUN/report.md"
cat "$RUN/report.md"
append_report "$RUN/report.md"
