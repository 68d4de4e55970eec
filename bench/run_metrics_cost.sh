#!/usr/bin/env bash
# run_metrics_cost.sh: what recording metrics costs (issue 12's target: ≤ 3% of warm invoke
# throughput and of 4 KiB PUT throughput). One build, started twice side by side: evoke (metrics
# recorded, as by default; its benchmark bucket has a whole-bucket request-metrics
# configuration, so every PUT also records AWS/S3 request metrics) and evoke-nometrics
# (--record-metrics off, the same bucket configuration). ROUNDS rounds, each
# measuring on both, in the order A B in odd rounds and B A in even ones, so that a drift of the
# machine touches both alike: warm invokes of the C++ echo from 16 callers, and 4 KiB PUTs from
# 16 connections, each for DURATION s. A single 5 s figure moves by 10–25 % on this VM
# (bench/README.md), and an A/A run (CONTROL=1: both instances with metrics off) shows how far
# two identical instances differ: read the real run against it. The report gives every round's
# on / off ratio and their median and mean with its standard error, and appends the table to
# bench/RESULTS.md.
#
# usage: bench/run_metrics_cost.sh
# env:
#   EVOKE_BIN  evoke binary (default build/release/evoke); the C++ echo beside it
#              (ninja lambda_example_echo)
#   ROUNDS     rounds (default 8); DURATION seconds per measurement (default 5)
#   CONTROL    1: evoke also runs with --record-metrics off (an A/A run: the spread and any bias
#              of the method itself, to read the real run against)
#   BENCH_OUT  work directory (default bench/out)
#   RESULTS    markdown file the table is appended to (default bench/RESULTS.md; - = none)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
EVOKE_BIN=${EVOKE_BIN:-$REPO/build/release/evoke}
ROUNDS=${ROUNDS:-8}
CONTROL=${CONTROL:-0}
DURATION=${DURATION:-5}
BENCH_OUT=${BENCH_OUT:-$HERE/out}
RESULTS=${RESULTS:-$HERE/RESULTS.md}

PY=/usr/bin/python3
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN=$BENCH_OUT/metrics-cost-$STAMP
mkdir -p "$RUN"
RUN=$(cd "$RUN" && pwd)
RAW=$RUN/results.jsonl
: > "$RAW"
S3LOAD=$BENCH_OUT/bin/s3load
LOG_TAG=run_metrics_cost
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM
T0=$(date +%s)

CPP_ECHO=$(dirname "$EVOKE_BIN")/runtimes/cpp/examples/echo
[ -x "$CPP_ECHO" ] || { log "no C++ echo at $CPP_ECHO (ninja lambda_example_echo)"; exit 2; }
build_s3load
# What one invocation records, timed alone (metrics_record_bench.cc), against the libraries of
# the build under test: the median of three runs, µs per invocation.
LIBS=$(dirname "$EVOKE_BIN")/src
g++ -std=c++20 -O2 -I"$REPO/src" -o "$RUN/metrics_record_bench" "$HERE/metrics_record_bench.cc" \
  "$LIBS/libevoke_lambda.a" "$LIBS/libevoke_observe.a" "$LIBS/libevoke_base.a" ||
  { log "cannot build metrics_record_bench against $LIBS"; exit 1; }
RECORD_US=$(for _ in 1 2 3; do "$RUN/metrics_record_bench"; done | sort -n | sed -n 2p)
log "one invocation's metrics, recorded alone: $RECORD_US µs"
describe_machine
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "machine: $MACHINE_MODEL, $MACHINE_CORES cores, $MACHINE_MEM, kernel $MACHINE_KERNEL; load $LOAD_AT_START"

AK=benchkey; SK=benchsecret0000000000000000000000000000
declare -A EP PID
for sys in evoke evoke-nometrics; do
  extra=()
  { [ "$sys" = evoke-nometrics ] || [ "$CONTROL" = 1 ]; } && extra=(--record-metrics off)
  start_evoke_server "$EVOKE_BIN" "$RUN/$sys/data" "$RUN/$sys/server.log" --access-log off \
    "${extra[@]}" || exit 1
  EP[$sys]=$ENDPOINT; PID[$sys]=$SERVER_PID
  export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK
  timeout 120 "$PY" "$HERE/lambda_bench.py" create "$ENDPOINT" echo-cpp cpp "$CPP_ECHO" >&2 || exit 1
  "$S3LOAD" mkbucket --endpoint "$ENDPOINT" --access-key "$AK" --secret-key "$SK" --bucket bench >&2 || exit 1
  timeout 60 "$PY" "$HERE/bench_role.py" metrics "$ENDPOINT" bench || exit 1
  # Warm-up, unmeasured: the function's sandboxes for 16 callers, the first writes.
  "$S3LOAD" invoke --endpoint "$ENDPOINT" --access-key "$AK" --secret-key "$SK" --function echo-cpp \
    --payload '{"key":"value"}' --conns 16 --duration 2 --json > /dev/null
  "$S3LOAD" put --endpoint "$ENDPOINT" --access-key "$AK" --secret-key "$SK" --bucket bench \
    --prefix warm- --conns 16 --duration 1 --json > /dev/null
  log "$sys on $ENDPOINT, pid $SERVER_PID${extra[*]:+, ${extra[*]}}"
done

measure() {  # SYSTEM ROUND
  local sys=$1 round=$2 out
  out=$("$S3LOAD" invoke --endpoint "${EP[$sys]}" --access-key "$AK" --secret-key "$SK" \
        --function echo-cpp --payload '{"key":"value"}' --conns 16 --duration "$DURATION" \
        --warmup 1 --json --watch-pids "${PID[$sys]}" --watch-children 2>> "$RUN/$sys.err")
  [ -n "$out" ] && record "$sys" "invoke_$round" "\"result\":$out"
  log "$sys round $round invoke: $(echo "$out" | "$PY" -c 'import json,sys; print("%.0f/s" % json.load(sys.stdin)["ops_per_s"])' 2>/dev/null)"
  out=$("$S3LOAD" put --endpoint "${EP[$sys]}" --access-key "$AK" --secret-key "$SK" \
        --bucket bench --size 4k --conns 16 --duration "$DURATION" --prefix "r$round-" --json \
        --watch-pids "${PID[$sys]}" 2>> "$RUN/$sys.err")
  [ -n "$out" ] && record "$sys" "put_$round" "\"result\":$out"
  log "$sys round $round put: $(echo "$out" | "$PY" -c 'import json,sys; print("%.0f/s" % json.load(sys.stdin)["ops_per_s"])' 2>/dev/null)"
}

for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order=(evoke evoke-nometrics); else order=(evoke-nometrics evoke); fi
  for sys in "${order[@]}"; do measure "$sys" "$round"; done
done
for sys in evoke evoke-nometrics; do stop_server_pid "${PID[$sys]}"; done

"$PY" - "$RAW" "$STAMP" "$MACHINE_MODEL" "$MACHINE_CORES" "$MACHINE_MEM" "$MACHINE_KERNEL" \
  "$LOAD_AT_START" "$ROUNDS" "$DURATION" "$EVOKE_BIN ($(describe_bin "$EVOKE_BIN"))" \
  "$(( $(date +%s) - T0 ))" "$CONTROL" "$RECORD_US" > "$RUN/report.md" <<'PY'
import json, statistics, sys
(raw, stamp, model, cores, mem, kernel, load, rounds, duration, binary, elapsed,
 control, record_us) = sys.argv[1:]
rows = [json.loads(l) for l in open(raw) if l.strip()]
by = {(r["system"], r["key"]): r["result"] for r in rows}
print("## Metrics on / off benchmark %s%s" % (stamp, " (control: both off)" if control == "1" else ""))
print()
if control == "1":
    print("Control run (CONTROL=1): \"evoke\" was also started with `--record-metrics off`, so "
          "the ratios below show the method's own spread and bias, not a cost.")
    print()
print("Machine: %s, %s cores, %s RAM, kernel %s. Load average at start: %s. One build, %s, "
      "started twice side by side: evoke (metrics recorded) and evoke-nometrics "
      "(`--record-metrics off`); both benchmark buckets have a whole-bucket request-metrics "
      "configuration. %s rounds of %s s per measurement (bench/s3load, 16 connections: Invoke of "
      "the C++ echo, PutObject of 4 KiB), A B then B A. Took %s s." % (
          model, cores, mem, kernel, load, binary, rounds, duration, elapsed))
print()
print("| round | invokes/s on | invokes/s off | on / off | PUT 4 KiB/s on | PUT 4 KiB/s off | on / off |")
print("|---:|---:|---:|---:|---:|---:|---:|")
ratios = {"invoke": [], "put": []}
for r in range(1, int(rounds) + 1):
    cells = []
    for kind in ("invoke", "put"):
        on = by.get(("evoke", "%s_%d" % (kind, r)))
        off = by.get(("evoke-nometrics", "%s_%d" % (kind, r)))
        if on and off and off["ops_per_s"]:
            ratio = on["ops_per_s"] / off["ops_per_s"]
            ratios[kind].append(ratio)
            cells += ["{:,.0f}".format(on["ops_per_s"]), "{:,.0f}".format(off["ops_per_s"]),
                      "%.3f" % ratio]
        else:
            cells += ["failed", "failed", "–"]
    print("| %d | %s |" % (r, " | ".join(cells)))
print()
for kind, label in (("invoke", "warm invokes/s, 16 callers"), ("put", "4 KiB PUTs/s, 16 connections")):
    x = ratios[kind]
    if len(x) >= 2:
        mean = statistics.mean(x)
        se = statistics.stdev(x) / len(x) ** 0.5
        print("- %s, on / off: median **%.3f**, mean %.3f ± %.3f (standard error), range "
              "%.3f–%.3f over %d rounds." % (
                  label, statistics.median(x), mean, se, min(x), max(x), len(x)))
# The machine's CPU time per invocation with metrics off (server, sandboxes, client, the rest),
# against which what an invocation records, timed alone, is a share.
machine = [x["machine_cpu_pct"] / 100 * x["secs"] * 1e6 / x["ok"]
           for (s, k), x in by.items() if s == "evoke-nometrics" and k.startswith("invoke_") and x["ok"]]
if machine:
    per_invoke = statistics.median(machine)
    print("- One invocation's metrics (`lambda::RecordInvocation`: 17 values into the "
          "accumulator, bench/metrics_record_bench.cc) take **%s µs** of CPU timed alone; an "
          "invocation at 16 callers takes %.0f µs of the machine's CPU with metrics off (median "
          "over the rounds: server, sandbox, client), so recording is **%.1f %%** of it." % (
              record_us, per_invoke, 100 * float(record_us) / per_invoke))
PY
cat "$RUN/report.md"
append_report "$RUN/report.md"
