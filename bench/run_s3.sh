#!/usr/bin/env bash
# run_s3.sh: the S3 benchmark. Measures, in one run and with the same load generator
# (bench/s3load.cc), the evoke build before a change (evoke-base), the build under test (evoke),
# the same build driven by an IAM user instead of the root keys (evoke-user: every request goes
# through the policy decision), the same build with versioning enabled on the benchmark's bucket
# (evoke-versioned: every PUT keeps the version it replaces), the same build with
# --record-metrics off (evoke-nometrics: evoke and evoke-nometrics both have a request-metrics
# configuration on the benchmark's bucket, so the pair is the cost of recording metrics) and the
# physical reference (nginx serving the same GETs as static 4 KiB files), each fresh on
# loopback; prints a table of every figure with its ratio to the reference and the after/before
# ratio, the machine's baselines and evoke's targets, and appends it to bench/RESULTS.md.
# The peers (moto_server, Ceph RGW) can be added to the list. See bench/README.md.
#
# usage: EVOKE_BASE_BIN=/path/to/old/evoke bench/run_s3.sh [SYSTEM...]
#   SYSTEM: evoke-base | evoke | evoke-user | evoke-versioned | evoke-nometrics | nginx | moto |
#           rgw-bluestore | rgw-memstore
#           (default: evoke-base evoke evoke-user nginx)
# env:
#   EVOKE_BIN       evoke binary under test (default build/release/evoke)
#   EVOKE_BASE_BIN  evoke binary before the change (system evoke-base; required for it)
#   ORDER       interleave (default): evoke-base, evoke and nginx are all started, then each
#               scenario runs on each of them in turn; sequential: one system after the other.
#               The peers always run one after the other, after those.
#   NGINX_WORKERS  nginx's worker_processes (default auto: one per core)
#   DURATION    seconds per 4 KiB scenario (default 5)
#   BIG_ITERS   64 MiB objects written, then read, per system (default 3)
#   BENCH_OUT   work directory for data dirs, logs and raw results (default bench/out; it must
#               be on the disk under test: the dd baseline is measured there)
#   RESULTS     markdown file the table is appended to (default bench/RESULTS.md; - = none)
#   KEEP_DATA   1 keeps each system's data directory after its run
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
EVOKE_BIN=${EVOKE_BIN:-$REPO/build/release/evoke}
EVOKE_BASE_BIN=${EVOKE_BASE_BIN:-}
ORDER=${ORDER:-interleave}
DURATION=${DURATION:-5}
BIG_ITERS=${BIG_ITERS:-3}
BENCH_OUT=${BENCH_OUT:-$HERE/out}
RESULTS=${RESULTS:-$HERE/RESULTS.md}
KEEP_DATA=${KEEP_DATA:-0}
SYSTEMS=("$@")
[ ${#SYSTEMS[@]} -eq 0 ] && SYSTEMS=(evoke-base evoke evoke-user nginx)

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN=$BENCH_OUT/s3-$STAMP
mkdir -p "$RUN"
RUN=$(cd "$RUN" && pwd)
RAW=$RUN/results.jsonl
META=$RUN/meta.json
: > "$RAW"
S3LOAD=$BENCH_OUT/bin/s3load
LOG_TAG=run_s3
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
case $ORDER in interleave|sequential) ;; *) log "ORDER is interleave or sequential"; exit 2 ;; esac

# ---- machine and baselines --------------------------------------------------------------------
machine_info() {
  local fs
  describe_machine
  local model=$MACHINE_MODEL cores=$MACHINE_CORES mem=$MACHINE_MEM kernel=$MACHINE_KERNEL
  fs=$(findmnt -rno SOURCE,FSTYPE,OPTIONS -T "$RUN" | head -1)
  # dd with fsync: 256 MiB buffered then flushed, three times; the median counts.
  local i out bytes secs speeds=()
  for i in 1 2 3; do
    out=$(dd if=/dev/zero of="$RUN/ddtest" bs=1M count=256 conv=fsync 2>&1 | tail -1)
    bytes=$(awk '{print $1}' <<<"$out")
    secs=$(sed -n 's/.* copied, \([0-9.]*\) s.*/\1/p' <<<"$out")
    speeds+=("$(awk -v b="$bytes" -v s="$secs" 'BEGIN {printf "%.0f", b/1e6/s}')")
    rm -f "$RUN/ddtest"
  done
  local dd_mb
  dd_mb=$(printf '%s\n' "${speeds[@]}" | sort -n | sed -n 2p)
  # Synchronous 4 KiB writes: the ceiling of a store that fsyncs each small PUT on its own.
  out=$(dd if=/dev/zero of="$RUN/ddsync" bs=4k count=2000 oflag=dsync 2>&1 | tail -1)
  secs=$(sed -n 's/.* copied, \([0-9.]*\) s.*/\1/p' <<<"$out")
  local dsync_ops
  dsync_ops=$(awk -v s="$secs" 'BEGIN {printf "%.0f", 2000/s}')
  rm -f "$RUN/ddsync"
  python3 - "$META" "$model" "$cores" "$mem" "$kernel" "$fs" "$dd_mb" "${speeds[*]}" "$dsync_ops" \
    "$STAMP" "$DURATION" "$BIG_ITERS" "$RUN" "$LOAD_AT_START" "$ORDER" <<'PY'
import json, sys
k = ["model", "cores", "mem", "kernel", "fs", "dd_mb_s", "dd_runs", "dsync_4k_ops_s", "stamp",
     "duration", "big_iters", "run_dir", "load_at_start", "order"]
json.dump(dict(zip(k, sys.argv[2:])), open(sys.argv[1], "w"))
PY
  log "machine: $model, $cores cores, $mem, kernel $kernel, fs $fs"
  log "dd 256 MiB conv=fsync: ${speeds[*]} MB/s (median $dd_mb); dd 4 KiB oflag=dsync: $dsync_ops writes/s"
}

# ---- systems ----------------------------------------------------------------------------------
# Each start_* sets PIDS (all server processes), ENDPOINT, AK, SK, and GROUP (the process group
# of a server started with start_group, empty for the others), or returns non-zero.
# save_system / use_system keep them per system: with ORDER=interleave several run at once.
PIDS=()
ENDPOINT=""
AK=""
SK=""
GROUP=""
declare -A S_PIDS S_EP S_AK S_SK S_GROUP

save_system() {  # SYSTEM
  S_PIDS[$1]="${PIDS[*]}"; S_EP[$1]=$ENDPOINT; S_AK[$1]=$AK; S_SK[$1]=$SK; S_GROUP[$1]=$GROUP
}
use_system() {  # SYSTEM
  # shellcheck disable=SC2206
  PIDS=(${S_PIDS[$1]:-}); ENDPOINT=${S_EP[$1]:-}; AK=${S_AK[$1]:-}; SK=${S_SK[$1]:-}
  GROUP=${S_GROUP[$1]:-}
}

start_evoke() {  # SYSTEM (evoke | evoke-base | evoke-user | evoke-versioned | evoke-nometrics)
  local sys=$1 dir=$RUN/$1 extra=()
  mkdir -p "$dir"
  AK=benchkey; SK=benchsecret
  [ "$sys" = evoke-nometrics ] && extra=(--record-metrics off)
  # Its stdout, the access log (on, as by default), goes to server.log.
  start_evoke_server "$(evoke_bin_of "$sys")" "$dir/data" "$dir/server.log" "${extra[@]}"
  local rc=$?
  GROUP=$SERVER_PID   # also when it failed: stop_system stops what did start
  PIDS=("$SERVER_PID")
  [ $rc -eq 0 ] || return 1
  if [ "$sys" = evoke-user ]; then
    # An IAM user with AmazonS3FullAccess signs the load instead of the root keys.
    local keys
    keys=$(AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK python3 "$HERE/bench_role.py" user \
           "$ENDPOINT" arn:aws:iam::aws:policy/AmazonS3FullAccess) || return 1
    read -r AK SK <<<"$keys"
  fi
  if [ "$sys" = evoke-versioned ]; then
    AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK python3 "$HERE/bench_role.py" versioned \
      "$ENDPOINT" bench || return 1
  fi
  local how=""
  [ "$sys" = evoke-nometrics ] && how=", --record-metrics off"
  record "$sys" info "\"detail\":\"$(evoke_bin_of "$sys") ($(describe_bin "$(evoke_bin_of "$sys")"))$how\""
}

start_nginx_ref() {
  AK=benchkey; SK=benchsecret
  start_nginx "$RUN/nginx"
  local rc=$?
  GROUP=$SERVER_PID   # empty when nginx was not even started
  [ $rc -eq 0 ] || return 1
  PIDS=("${NGINX_PIDS[@]}")
  ENDPOINT=$NGINX_ENDPOINT
  record nginx info "\"detail\":\"$NGINX_VERSION, worker_processes $NGINX_WORKERS (${#NGINX_PIDS[@]} processes with the master), static files, access log off, keep-alive\""
  # The objects the GET scenarios read, as files with the same bytes at the same paths.
  "$S3LOAD" mkfiles --dir "$RUN/nginx/root" --bucket bench --prefix g- --keys 1000 --size 4k >&2
}

start_moto() {
  local dir=$RUN/moto port
  mkdir -p "$dir"
  port=$(free_port)
  AK=benchkey; SK=benchsecret
  moto_server -H 127.0.0.1 -p "$port" > "$dir/stdout.log" 2>&1 &
  PIDS=($!)
  ENDPOINT=http://127.0.0.1:$port
  local i
  for i in $(seq 1 300); do
    port_open "$port" && return 0
    kill -0 "${PIDS[0]}" 2>/dev/null || { log "moto_server exited at start-up"; return 1; }
    sleep 0.1
  done
  log "moto_server not listening after 30 s"
  return 1
}

start_rgw() {  # STORE
  local store=$1 dir=$RUN/rgw-$1 mp rp
  ensure_debs radosgw ceph-mon ceph-osd || return 1
  mp=$(free_port); rp=$(free_port)
  AK=benchkey; SK=benchsecret
  ENDPOINT=http://127.0.0.1:$rp
  log "starting Ceph RGW ($store), ~20 s"
  timeout 180 bash /work/shared/peers/rgw-single-node.sh "$dir" "$store" "$mp" "$rp" \
    > "$RUN/rgw-$store.start.log" 2>&1
  local rc=$?
  PIDS=()
  local f
  for f in rgw osd mon; do [ -f "$dir/$f.pid" ] && PIDS+=("$(cat "$dir/$f.pid")"); done
  if [ $rc -ne 0 ]; then log "rgw-single-node.sh failed ($rc), see $RUN/rgw-$store.start.log"; return 1; fi
  port_open "$rp" || { log "RGW not listening"; return 1; }
}

stop_system() {
  if [ -n "$GROUP" ]; then
    stop_server_pid "$GROUP"
  else
    stop_pids "${PIDS[@]}"
  fi
  PIDS=()
  GROUP=""
}

# On exit (also on errors and Ctrl-C): whatever still runs is stopped.
on_exit() {
  local s
  for s in "${!S_PIDS[@]}"; do
    [ -n "${S_PIDS[$s]}" ] && [ -z "${S_GROUP[$s]:-}" ] && { use_system "$s"; stop_pids "${PIDS[@]}"; }
  done
  cleanup
}
trap on_exit EXIT
trap 'log "interrupted"; exit 130' INT TERM

peak_rss() {  # "total_kb detail"
  local p total=0 detail="" kb name
  for p in "${PIDS[@]}"; do
    kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null)
    name=$(cat "/proc/$p/comm" 2>/dev/null)
    [ -n "$kb" ] || continue
    total=$((total + kb))
    detail+="${detail:+ + }$name $((kb / 1024)) MiB"
  done
  echo "$total $detail"
}

# ---- scenarios --------------------------------------------------------------------------------
run_case() {  # SYSTEM SCENARIO s3load-args...
  local sys=$1 sc=$2; shift 2
  local out rc pids
  pids=$(IFS=,; echo "${PIDS[*]}")
  out=$("$S3LOAD" "$@" --endpoint "$ENDPOINT" --access-key "$AK" --secret-key "$SK" \
        --bucket bench --json --label "$sys/$sc" --watch-pids "$pids" 2> "$RUN/$sys.$sc.err")
  rc=$?
  if [ -n "$out" ]; then
    record "$sys" "$sc" "\"result\":$out"
  else
    record "$sys" "$sc" "\"failed\":\"s3load exit $rc\""
  fi
  if [ -s "$RUN/$sys.$sc.err" ]; then sed 's/^/    /' "$RUN/$sys.$sc.err" | head -12 >&2; fi
  log "$sys $sc: ${out:-FAILED (s3load exit $rc)}"
}

SCENARIOS=(put4k_c1 put4k_c16 get4k_c16 get4k_c1 put64m get64m)

run_scenario() {  # SYSTEM SCENARIO
  local sys=$1 sc=$2 setup=()
  if [ "$sys" = nginx ]; then  # GETs only, of the files written at its start
    case $sc in get4k_*) setup=(--skip-setup) ;; *) return 0 ;; esac
  fi
  use_system "$sys"
  case $sc in
    put4k_c1)  run_case "$sys" "$sc" put --size 4k --conns 1  --duration "$DURATION" --prefix p1- ;;
    put4k_c16) run_case "$sys" "$sc" put --size 4k --conns 16 --duration "$DURATION" --prefix p16- ;;
    get4k_c16) run_case "$sys" "$sc" get --size 4k --conns 16 --duration "$DURATION" --prefix g- \
                 --keys 1000 "${setup[@]}" ;;
    get4k_c1)  run_case "$sys" "$sc" get --size 4k --conns 1  --duration "$DURATION" --prefix g- \
                 --keys 1000 --skip-setup ;;
    put64m) run_case "$sys" "$sc" put --size 64m --conns 1 --ops "$BIG_ITERS" --keys "$BIG_ITERS" --prefix big- ;;
    get64m) run_case "$sys" "$sc" get --size 64m --conns 1 --ops "$BIG_ITERS" --keys "$BIG_ITERS" --prefix big- \
              --skip-setup ;;
  esac
}

# Starts a system and prepares it (CreateBucket and a warm-up, or nginx's files). Returns
# non-zero, with the failure recorded and the system stopped, when it cannot be measured.
prepare_system() {  # SYSTEM
  local sys=$1 ok=0
  log "=== $sys"
  PIDS=(); ENDPOINT=""; AK=""; SK=""; GROUP=""; SERVER_PID=""
  case $sys in
    evoke|evoke-base|evoke-user|evoke-versioned|evoke-nometrics) start_evoke "$sys" && ok=1 ;;
    nginx) start_nginx_ref && ok=1 ;;
    moto) start_moto && ok=1 ;;
    rgw-bluestore) start_rgw bluestore && ok=1 ;;
    rgw-memstore) start_rgw memstore && ok=1 ;;
    *) log "unknown system $sys"; return 1 ;;
  esac
  save_system "$sys"
  if [ $ok -eq 0 ]; then
    record "$sys" start "\"failed\":\"did not start\""
    stop_system; save_system "$sys"
    return 1
  fi
  [ "$sys" = nginx ] && return 0   # start_nginx said where it listens
  log "$sys on $ENDPOINT, pids ${PIDS[*]}"
  if ! "$S3LOAD" mkbucket --endpoint "$ENDPOINT" --access-key "$AK" --secret-key "$SK" \
       --bucket bench >&2; then
    record "$sys" start "\"failed\":\"CreateBucket failed\""
    stop_system; save_system "$sys"
    return 1
  fi
  if [ "$sys" = evoke ] || [ "$sys" = evoke-nometrics ]; then
    # Request metrics for the whole bucket: with metrics on, every request records them.
    if ! AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK python3 "$HERE/bench_role.py" metrics \
         "$ENDPOINT" bench; then
      record "$sys" start "\"failed\":\"PutBucketMetricsConfiguration failed\""
      stop_system; save_system "$sys"
      return 1
    fi
  fi
  # Unmeasured warm-up (first writes allocate pools, files, caches).
  "$S3LOAD" put --endpoint "$ENDPOINT" --access-key "$AK" --secret-key "$SK" --bucket bench \
    --prefix warm- --conns 16 --duration 1 >&2
}

finish_system() {  # SYSTEM: peak RSS, stop, delete its data
  local sys=$1 rss
  use_system "$sys"
  rss=$(peak_rss)
  record "$sys" rss "\"peak_rss_kb\":${rss%% *}" "\"detail\":\"${rss#* }\""
  log "$sys peak RSS: ${rss#* }"
  stop_system; save_system "$sys"
  if [ "$KEEP_DATA" != 1 ]; then
    case $sys in
      evoke|evoke-base|evoke-user|evoke-versioned|evoke-nometrics) rm -rf "${RUN:?}/$sys/data" ;;
      nginx) rm -rf "$RUN/nginx/root" "$RUN/nginx/tmp" ;;
      rgw-*) rm -rf "$RUN/$sys/osd" "$RUN/$sys/mon" "$RUN/$sys"/block-* ;;
    esac
  fi
}

# ---- report -----------------------------------------------------------------------------------
report() {
  python3 - "$RAW" "$META" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
meta = json.load(open(sys.argv[2]))
systems = []
by = {}
for r in rows:
    if r["system"] not in systems:
        systems.append(r["system"])
    by[(r["system"], r["key"])] = r

def res(sys_, key):
    r = by.get((sys_, key))
    return r.get("result") if r else None

def fmt(sys_, key, field):
    r = by.get((sys_, key))
    if r is None:
        return "-"
    if "failed" in r:
        return "failed"
    x = r["result"]
    v = x[field]
    s = f"{v:,.0f}"
    if x["errors"]:
        s += f" ({x['errors']} err)"
    return s

def val(sys_, key, field):
    x = res(sys_, key)
    if not x or x["ok"] == 0:
        return None
    return x[field]

out = []
p = out.append
p(f"## S3 benchmark {meta['stamp']}")
p("")
p(f"Machine: {meta['model']}, {meta['cores']} cores, {meta['mem']} RAM, kernel {meta['kernel']}; "
  f"data on {meta['fs']}.")
p(f"Baselines: dd 256 MiB conv=fsync {meta['dd_mb_s']} MB/s (median of {meta['dd_runs']}); "
  f"dd 4 KiB oflag=dsync {meta['dsync_4k_ops_s']} writes/s. Client: bench/s3load, "
  f"{meta['duration']} s per 4 KiB scenario, {meta['big_iters']} × 64 MiB per direction. "
  f"MB = 10^6 bytes. Load average at start: {meta['load_at_start']}.")
TOGETHER = ("evoke-base", "evoke", "evoke-user", "evoke-versioned", "evoke-nometrics", "nginx")
if meta.get("order") == "interleave" and sum(1 for s in TOGETHER if s in systems) > 1:
    p("Order: " + ", ".join(s for s in TOGETHER if s in systems) +
      " were started together and each scenario ran on each of them in turn (the idle ones "
      "wait meanwhile); any other system ran alone afterwards.")
for s in systems:
    info = by.get((s, "info"))
    if info:
        p(f"- {s}: {info['detail']}")
p("")
p("| system | PUT 4 KiB c=1 ops/s | PUT 4 KiB c=16 ops/s | GET 4 KiB c=1 ops/s | "
  "GET 4 KiB c=16 ops/s | PUT 64 MiB MB/s | GET 64 MiB MB/s | peak RSS MiB |")
p("|---|---:|---:|---:|---:|---:|---:|---:|")
for s in systems:
    if by.get((s, "start"), {}).get("failed"):
        p(f"| {s} | {by[(s, 'start')]['failed']} | | | | | | |")
        continue
    rss = by.get((s, "rss"))
    rss_s = f"{rss['peak_rss_kb'] / 1024:,.0f}" if rss and rss["peak_rss_kb"] else "-"
    p(f"| {s} | {fmt(s, 'put4k_c1', 'ops_per_s')} | {fmt(s, 'put4k_c16', 'ops_per_s')} | "
      f"{fmt(s, 'get4k_c1', 'ops_per_s')} | {fmt(s, 'get4k_c16', 'ops_per_s')} | "
      f"{fmt(s, 'put64m', 'mb_per_s')} | {fmt(s, 'get64m', 'mb_per_s')} | {rss_s} |")

# ---- before / after, and the physical reference ----
def failed(s):
    return s not in systems or bool(by.get((s, "start"), {}).get("failed"))

evokes = [s for s in ("evoke-base", "evoke", "evoke-user", "evoke-versioned", "evoke-nometrics")
          if not failed(s)]
if evokes:
    dsync = float(meta["dsync_4k_ops_s"]) if meta.get("dsync_4k_ops_s") else None
    ddmb = float(meta["dd_mb_s"]) if meta.get("dd_mb_s") else None

    def from_nginx(key, field):
        return (lambda: val("nginx", key, field) if not failed("nginx") else None, "nginx")

    rows_spec = [
        # label, key, field, format, (reference getter, its name)
        ("GET 4 KiB c=16, ops/s", "get4k_c16", "ops_per_s", "{:,.0f}", from_nginx("get4k_c16", "ops_per_s")),
        ("GET 4 KiB c=16, p50 ms", "get4k_c16", "p50_ms", "{:.3f}", from_nginx("get4k_c16", "p50_ms")),
        ("GET 4 KiB c=1, ops/s", "get4k_c1", "ops_per_s", "{:,.0f}", from_nginx("get4k_c1", "ops_per_s")),
        ("GET 4 KiB c=1, p50 ms", "get4k_c1", "p50_ms", "{:.3f}", from_nginx("get4k_c1", "p50_ms")),
        ("PUT 4 KiB c=1, ops/s", "put4k_c1", "ops_per_s", "{:,.0f}", (lambda: dsync, "dd dsync")),
        ("PUT 4 KiB c=16, ops/s", "put4k_c16", "ops_per_s", "{:,.0f}", (lambda: dsync, "dd dsync")),
        ("PUT 64 MiB, MB/s", "put64m", "mb_per_s", "{:,.0f}", (lambda: ddmb, "dd fsync")),
        ("GET 64 MiB, MB/s", "get64m", "mb_per_s", "{:,.0f}", (lambda: None, None)),
    ]

    def ratio(r):
        return f"{r:.3f}×" if r < 0.1 else f"{r:.2f}×"

    def errs(s, key):
        x = res(s, key)
        return f" ({x['errors']} err)" if x and x["errors"] else ""

    p("")
    p("Before / after and the physical reference: each evoke figure with its ratio to the "
      "reference measured in this run (nginx serving the same GETs as static files with the "
      "same client; `dd` on the same disk for PUTs: 4 KiB `oflag=dsync` writes/s, 256 MiB "
      "`conv=fsync` MB/s), and evoke / evoke-base. For ops/s and MB/s a ratio above 1 is "
      "better, for latency and memory below 1.")
    p("")
    head = "| figure | physical reference | " + " | ".join(evokes) + " |"
    line = "|---|---:|" + "---:|" * len(evokes)
    # Ratio columns: (after, before) pairs of systems both measured in this run.
    pairs = [(a, b) for a, b in (("evoke", "evoke-base"), ("evoke-user", "evoke"),
                                 ("evoke-versioned", "evoke"), ("evoke", "evoke-nometrics"))
             if a in evokes and b in evokes]
    for a, b in pairs:
        head += f" {a} / {b} |"
        line += "---:|"
    p(head)
    p(line)
    for label, key, field, f, (refget, refname) in rows_spec:
        ref = refget()
        ref_s = f"{refname} {f.format(ref)}{errs('nginx', key) if refname == 'nginx' else ''}" if ref else "–"
        cells = []
        for s in evokes:
            v = val(s, key, field)
            if v is None:
                cells.append("failed" if by.get((s, key), {}).get("failed") else "–")
                continue
            c = f.format(v) + errs(s, key)
            if ref:
                c += f" ({ratio(v / ref)} {refname})"
            cells.append(c)
        row = f"| {label} | {ref_s} | " + " | ".join(cells) + " |"
        for after, before in pairs:
            b, a = val(before, key, field), val(after, key, field)
            row += f" {ratio(a / b)} |" if a is not None and b else " – |"
        p(row)
    rss = {s: by.get((s, "rss"), {}).get("peak_rss_kb") for s in evokes}
    nrss = by.get(("nginx", "rss"), {}).get("peak_rss_kb") if not failed("nginx") else None
    cells = []
    for s in evokes:
        v = rss.get(s)
        cells.append("–" if not v else f"{v / 1024:,.0f}" + (f" ({ratio(v / nrss)} nginx)" if nrss else ""))
    row = (f"| peak RSS, MiB | {'nginx ' + format(nrss / 1024, ',.0f') if nrss else '–'} | "
           + " | ".join(cells) + " |")
    for after, before in pairs:
        b, a = rss.get(before), rss.get(after)
        row += f" {ratio(a / b)} |" if a and b else " – |"
    p(row)

p("")
p("Details (latency in ms; cpu = % of one core while measuring: the client, the server's "
  "processes, and everything else on the machine; conns = connections the client opened "
  "while measuring):")
p("")
p("| system | scenario | ok | errors | p50 | p99 | max | client cpu | server cpu | other cpu | conns |")
p("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
busy = []
for s in systems:
    for k in ["put4k_c1", "put4k_c16", "get4k_c1", "get4k_c16", "put64m", "get64m"]:
        r = by.get((s, k))
        if not r:
            continue
        if "failed" in r:
            p(f"| {s} | {k} | {r['failed']} | | | | | | | | |")
            continue
        x = r["result"]
        p(f"| {s} | {k} | {x['ok']} | {x['errors']} | {x['p50_ms']:.2f} | {x['p99_ms']:.2f} | "
          f"{x['max_ms']:.2f} | {x['client_cpu_pct']:.0f} | {x['server_cpu_pct']} | "
          f"{x['other_cpu_pct']} | {x['connects']} |")
        if (x.get("other_cpu_pct") or 0) > 25:
            busy.append(f"{s} {k} ({x['other_cpu_pct']}%)")
    rss = by.get((s, "rss"))
    if rss and rss.get("detail") and "+" in rss["detail"]:
        p(f"| {s} | peak RSS | {rss['detail']} | | | | | | | | |")
if busy:
    p("")
    p("**WARNING: the machine was not quiet**: other processes used more than a quarter of a "
      "core during " + ", ".join(busy) + f" (load average at start: {meta['load_at_start']}). "
      "Those figures understate the systems; rerun on an idle machine.")
errs = [(s, k, r["result"]["error_kinds"]) for (s, k), r in by.items()
        if r.get("result") and r["result"]["errors"]]
if errs:
    p("")
    p("Errors (every non-2xx or short response counts; see the run directory for samples):")
    for s, k, e in errs:
        p(f"- {s} {k}: " + ", ".join(f"{n}× {what}" for what, n in e.items()))

if "evoke" in systems and not by.get(("evoke", "start"), {}).get("failed"):
    p("")
    p("evoke against its targets:")
    p("")
    p("| target | evoke | goal | verdict |")
    p("|---|---:|---:|---|")
    def clean(key):
        x = res("evoke", key)
        return x is not None and x["errors"] == 0 and x["ok"] > 0
    def line(name, have, goal, ok, unit=""):
        if have is None or goal is None:
            p(f"| {name} | {'-' if have is None else f'{have:,.0f}{unit}'} | "
              f"{'-' if goal is None else f'{goal:,.0f}{unit}'} | n/a |")
            return
        p(f"| {name} | {have:,.0f}{unit} | {goal:,.0f}{unit} | "
          f"{'PASS' if ok and have >= goal else 'FAIL'} |")
    line("GET 4 KiB, 16 clients, ops/s", val("evoke", "get4k_c16", "ops_per_s"), 20000,
         clean("get4k_c16"))
    line("PUT 4 KiB, 16 clients, durable, ops/s", val("evoke", "put4k_c16", "ops_per_s"), 5000,
         clean("put4k_c16"))
    rgw = next((s for s in ["rgw-bluestore", "rgw-memstore"] if s in systems
                and not by.get((s, "start"), {}).get("failed")), None)
    if rgw is None:
        p("| ≥ 5× Ceph RGW on small objects | - | 5.0× | n/a (no RGW in this run: add rgw-bluestore) |")
    for k, name in [("put4k_c1", "PUT 4 KiB c=1"), ("put4k_c16", "PUT 4 KiB c=16"),
                    ("get4k_c1", "GET 4 KiB c=1"), ("get4k_c16", "GET 4 KiB c=16")] if rgw else []:
        e = val("evoke", k, "ops_per_s")
        g = val(rgw, k, "ops_per_s") if rgw else None
        if e is not None and g:
            p(f"| {name} vs {rgw}, ratio | {e / g:.1f}× | 5.0× | "
              f"{'PASS' if clean(k) and e / g >= 5 else 'FAIL'} |")
        else:
            p(f"| {name} vs {rgw or 'RGW'}, ratio | - | 5.0× | n/a |")
    dd = float(meta["dd_mb_s"]) if meta.get("dd_mb_s") else None
    half = dd / 2 if dd else None
    line("PUT 64 MiB, MB/s (≥ ½ dd fsync)", val("evoke", "put64m", "mb_per_s"), half,
         clean("put64m"))
    line("GET 64 MiB, MB/s (≥ ½ dd fsync)", val("evoke", "get64m", "mb_per_s"), half,
         clean("get64m"))
p("")
p(f"Raw results: {meta['run_dir']}/results.jsonl")
print("\n".join(out))
PY
}

# ---- main -------------------------------------------------------------------------------------
check_evoke_bins "${SYSTEMS[@]}"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
build_s3load
machine_info
TOGETHER=()   # started together, each scenario on each in turn
ALONE=()      # one after the other, after those
for s in "${SYSTEMS[@]}"; do
  case $s in
    evoke|evoke-base|evoke-user|evoke-versioned|evoke-nometrics|nginx) if [ "$ORDER" = interleave ]; then TOGETHER+=("$s"); else ALONE+=("$s"); fi ;;
    *) ALONE+=("$s") ;;
  esac
done
if [ ${#TOGETHER[@]} -gt 0 ]; then
  log "interleaved: ${TOGETHER[*]} run at once, each scenario on each in turn"
  READY=()
  for s in "${TOGETHER[@]}"; do prepare_system "$s" && READY+=("$s"); done
  for sc in "${SCENARIOS[@]}"; do
    for s in "${READY[@]}"; do run_scenario "$s" "$sc"; done
  done
  for s in "${READY[@]}"; do finish_system "$s"; done
fi
for s in "${ALONE[@]}"; do
  prepare_system "$s" || continue
  for sc in "${SCENARIOS[@]}"; do run_scenario "$s" "$sc"; done
  finish_system "$s"
done
report > "$RUN/report.md"
cat "$RUN/report.md"
append_report "$RUN/report.md"
