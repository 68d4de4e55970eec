#!/usr/bin/env bash
# run_cloudwatch.sh: the CloudWatch metrics benchmark (issue 12). Measures, in one run, the
# build under test (evoke, started with --test-clock) and the physical reference (nginx
# answering the same requests with `{}`), with the same client (bench/cloudwatch_bench.py):
#   - GetMetricStatistics over 15 days of one-minute data for one function: the series is
#     written first with PutMetricData while the test clock moves a day at a time, then queried
#     QUERIES times (Period 3600, the basic statistics and p99), each warm-up answer checked;
#   - PutMetricData with 1,000 values per request, requests/s, in awsJson 1.0 from 1 and 4
#     callers and in awsQuery from 4, and the same JSON bodies to nginx from 4.
# The on/off cost of recording metrics on the invoke and PUT paths is measured by run_lambda.sh
# and run_s3.sh (system evoke-nometrics). Prints a table and appends it to bench/RESULTS.md.
#
# usage: bench/run_cloudwatch.sh
# env:
#   EVOKE_BIN   evoke binary under test (default build/release/evoke)
#   QUERIES     GetMetricStatistics calls measured (default 200, after 5 checked ones)
#   DURATION    seconds of each PutMetricData run (default 5), after WARMUP seconds (default 2)
#   BENCH_OUT   work directory (default bench/out)
#   RESULTS     markdown file the table is appended to (default bench/RESULTS.md; - = none)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
EVOKE_BIN=${EVOKE_BIN:-$REPO/build/release/evoke}
QUERIES=${QUERIES:-200}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-2}
BENCH_OUT=${BENCH_OUT:-$HERE/out}
RESULTS=${RESULTS:-$HERE/RESULTS.md}

PY=/usr/bin/python3   # Debian's: botocore for the signatures
HELPER=$HERE/cloudwatch_bench.py
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN=$BENCH_OUT/cloudwatch-$STAMP
mkdir -p "$RUN"
RUN=$(cd "$RUN" && pwd)
RAW=$RUN/results.jsonl
META=$RUN/meta.json
: > "$RAW"
LOG_TAG=run_cloudwatch
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
T0=$(date +%s)
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

measure() {  # SYSTEM KEY helper-args...: one helper run, its JSON recorded
  local sys=$1 key=$2 out=$RUN/$1.$2.json; shift 2
  if AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK timeout 900 "$PY" "$HELPER" "$@" "$out" \
       2> "$RUN/$sys.$key.err" && [ -s "$out" ]; then
    record "$sys" "$key" "\"result\":$(cat "$out")"
    log "$sys $key: $(cat "$out")"
  else
    record "$sys" "$key" "\"failed\":\"$(tail -c 300 "$RUN/$sys.$key.err" | tr '"\n' "' ")\""
    log "$sys $key failed:"; tail -n 5 "$RUN/$sys.$key.err" >&2
  fi
}

describe_machine
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "machine: $MACHINE_MODEL, $MACHINE_CORES cores, $MACHINE_MEM, kernel $MACHINE_KERNEL; load $LOAD_AT_START"

# ---- evoke --------------------------------------------------------------------------------------
AK=benchkey; SK=benchsecret0000000000000000000000000000
if start_evoke_server "$EVOKE_BIN" "$RUN/evoke/data" "$RUN/evoke/server.log" --access-log off \
     --test-clock; then
  record evoke info "\"detail\":\"$EVOKE_BIN ($(describe_bin "$EVOKE_BIN")), --test-clock\""
  log "evoke on $ENDPOINT, pid $SERVER_PID"
  log "writing 15 days of one-minute data (the test clock moves a day at a time)"
  if AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK timeout 900 "$PY" "$HELPER" fill \
       "$ENDPOINT" "$RUN/fill.json" 2> "$RUN/fill.err"; then
    measure evoke query15d query "$ENDPOINT" "$RUN/fill.json" "$QUERIES"
  else
    record evoke query15d '"failed":"fill failed"'
    tail -n 5 "$RUN/fill.err" >&2
  fi
  measure evoke put_json_c1 put "$ENDPOINT" json 1 "$DURATION" "$WARMUP"
  measure evoke put_json_c4 put "$ENDPOINT" json 4 "$DURATION" "$WARMUP"
  measure evoke put_query_c4 put "$ENDPOINT" query 4 "$DURATION" "$WARMUP"
  stop_server
else
  record evoke start '"failed":"did not start"'
  stop_server
fi

# ---- nginx, the reference -----------------------------------------------------------------------
AK=x; SK=x; SERVER_PID=""
if start_nginx "$RUN/nginx"; then
  record nginx info "\"detail\":\"$NGINX_VERSION, worker_processes $NGINX_WORKERS, the same signed bodies POSTed to a location answered by return 200 '{}'\""
  measure nginx put_json_c4 put "$NGINX_ENDPOINT" json 4 "$DURATION" "$WARMUP" nginx
  stop_server
else
  record nginx start '"failed":"did not start"'
fi

"$PY" - "$META" "$MACHINE_MODEL" "$MACHINE_CORES" "$MACHINE_MEM" "$MACHINE_KERNEL" "$STAMP" \
  "$LOAD_AT_START" "$DURATION" "$WARMUP" "$(( $(date +%s) - T0 ))" <<'PY'
import json, sys
k = ["model", "cores", "mem", "kernel", "stamp", "load_at_start", "duration", "warmup", "elapsed_s"]
json.dump(dict(zip(k, sys.argv[2:])), open(sys.argv[1], "w"))
PY
"$PY" "$HELPER" report "$RAW" "$META" > "$RUN/report.md"
cat "$RUN/report.md"
append_report "$RUN/report.md"
