# shellcheck shell=bash
# lib.sh: shell functions shared by the benchmark scripts (sourced by run_s3.sh, run_lambda.sh and
# run_events.sh, never run). Expects HERE (bench/), S3LOAD (where to build s3load), RAW (the run's
# results.jsonl) and LOG_TAG (the prefix of log lines).

log() { echo "[$LOG_TAG $(date +%H:%M:%S)] $*" >&2; }

# Builds the load generator when missing or older than its source, and checks its signer.
build_s3load() {
  mkdir -p "$(dirname "$S3LOAD")"
  if [ ! -x "$S3LOAD" ] || [ "$HERE/s3load.cc" -nt "$S3LOAD" ]; then
    log "building s3load"
    g++ -std=c++20 -O2 -Wall -Wextra -o "$S3LOAD" "$HERE/s3load.cc" -lcrypto -lpthread || {
      log "cannot build s3load (needs g++ and libssl-dev)"; exit 1; }
  fi
  "$S3LOAD" selftest >&2 || { log "s3load selftest failed"; exit 1; }
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The machine, for the report: sets MACHINE_MODEL, MACHINE_CORES, MACHINE_MEM, MACHINE_KERNEL.
# shellcheck disable=SC2034  # read by the scripts that source this
describe_machine() {
  MACHINE_MODEL=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
  MACHINE_CORES=$(nproc)
  MACHINE_MEM=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
  MACHINE_KERNEL=$(uname -r)
}

# SIGTERM to the given processes, SIGKILL to whatever still lives 10 s later.
stop_pids() {
  local p alive
  for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
  for _ in $(seq 1 100); do
    alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  for p in "$@"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
}

# SYSTEM KEY JSON_FRAGMENTS...: one line of results.jsonl.
record() {
  local sys=$1 key=$2; shift 2
  local extra=""
  [ $# -gt 0 ] && extra=",$(IFS=,; echo "$*")"
  printf '{"system":"%s","key":"%s"%s}\n' "$sys" "$key" "$extra" >> "$RAW"
}

# Appends the run's report to RESULTS (unless it is -).
append_report() {  # REPORT_FILE
  if [ "$RESULTS" != - ]; then
    mkdir -p "$(dirname "$RESULTS")"
    { echo; cat "$1"; } >> "$RESULTS"
    log "appended to $RESULTS"
  fi
}

# ---- servers in their own sessions --------------------------------------------------------------
# The scripts set `trap cleanup EXIT` so that everything started is stopped on exit.
# Servers run in their own sessions (setsid): their process group holds every sandbox or runner
# they spawn, and is what the cleanup signals.
GROUPS_STARTED=()
SERVER_PID=""
stop_group() {  # PGID
  local g=$1 i
  kill -TERM -- "-$g" 2>/dev/null
  for i in $(seq 1 100); do
    kill -0 -- "-$g" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$g" 2>/dev/null
}
cleanup() {
  local g
  for g in "${GROUPS_STARTED[@]}"; do stop_group "$g"; done
  GROUPS_STARTED=()
}
start_group() {  # LOGFILE CMD...: sets SERVER_PID (= its process group)
  local logfile=$1; shift
  setsid "$@" > "$logfile" 2>&1 &
  SERVER_PID=$!
  GROUPS_STARTED+=("$SERVER_PID")
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  stop_group "$SERVER_PID"
  local g kept=()
  for g in "${GROUPS_STARTED[@]}"; do [ "$g" != "$SERVER_PID" ] && kept+=("$g"); done
  GROUPS_STARTED=("${kept[@]}")
  wait "$SERVER_PID" 2>/dev/null
  # Sandboxes that left the server's process group must not survive it.
  local left
  left=$(pgrep -s "$SERVER_PID" 2>/dev/null | tr '\n' ' ')
  [ -n "$left" ] && log "processes left in the session after stop: $left"
  SERVER_PID=""
}
