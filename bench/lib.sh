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

# ---- Debian packages the benchmarks need ---------------------------------------------------------
# Installed by the scripts themselves when missing (scripts/install-deps is for building and
# testing evoke, which needs none of these). nginx is the physical reference of run_s3.sh and
# run_lambda.sh; Ceph RGW's packages (radosgw ceph-mon ceph-osd) are installed by run_s3.sh only
# when an rgw system is asked for.
BENCH_DEBS=(nginx)

ensure_debs() {  # PKG...: apt-get installs those that are not installed
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (apt-get)"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; }; then
    log "cannot install ${missing[*]}"
    return 1
  fi
}

# ---- nginx, the physical reference ---------------------------------------------------------------
# Debian's nginx on 127.0.0.1 (a free port) with its own configuration, pid file, error log and
# temp directories under DIR: a static file server on DIR/root (S3 GET's paths /BUCKET/KEY, the
# files written by `s3load mkfiles`; the SigV4 headers are ignored) that also answers Lambda
# Invoke's path, POST /2015-03-31/functions/NAME/invocations, with a fixed `{}`
# (application/json): what the same client gets from a server that does nothing but HTTP.
# Access log off; keep-alive on with no per-connection request limit (nginx closes a kept-alive
# connection after 1000 requests by default); NGINX_WORKERS worker processes (default auto: one
# per core, as evoke has one I/O thread per core). Run as root, its workers are nobody's.
# It runs in its own session (start_group: the cleanup on exit stops it).
# Sets SERVER_PID (the master, = its process group), NGINX_PIDS (master and workers),
# NGINX_ENDPOINT and NGINX_VERSION; returns non-zero when it did not start.
NGINX_WORKERS=${NGINX_WORKERS:-auto}
start_nginx() {  # DIR
  local dir=$1 port user_line="" want bin workers
  ensure_debs "${BENCH_DEBS[@]}" || return 1
  bin=$(command -v nginx || echo /usr/sbin/nginx)
  [ -x "$bin" ] || { log "nginx: no binary"; return 1; }
  mkdir -p "$dir/root" "$dir/tmp"
  port=$(free_port)
  [ "$(id -u)" = 0 ] && user_line="user nobody nogroup;"
  cat > "$dir/nginx.conf" <<NGINX_CONF
# The benchmarks' physical reference (bench/lib.sh start_nginx).
daemon off;
master_process on;
worker_processes $NGINX_WORKERS;
$user_line
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 75s;
  keepalive_requests 100000000;
  default_type application/octet-stream;
  client_body_temp_path $dir/tmp/client_body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $dir/root;
    location / { }
    location ~ ^/2015-03-31/functions/[^/]+/invocations\$ {
      default_type application/json;
      return 200 '{}';
    }
  }
}
NGINX_CONF
  start_group "$dir/stdout.log" "$bin" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log"
  want=$NGINX_WORKERS
  [ "$want" = auto ] && want=$(nproc)
  for _ in $(seq 1 100); do
    workers=$(pgrep -P "$SERVER_PID" | wc -l)
    port_open "$port" && [ "$workers" -ge "$want" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null ||
      { log "nginx exited at start-up:"; tail -n 5 "$dir/error.log" "$dir/stdout.log" >&2; return 1; }
    sleep 0.1
  done
  port_open "$port" || { log "nginx not listening after 10 s"; return 1; }
  # shellcheck disable=SC2207
  NGINX_PIDS=("$SERVER_PID" $(pgrep -P "$SERVER_PID"))
  NGINX_ENDPOINT=http://127.0.0.1:$port
  NGINX_VERSION=$("$bin" -v 2>&1 | sed 's/.*: //')
  log "nginx on $NGINX_ENDPOINT, pids ${NGINX_PIDS[*]} ($NGINX_VERSION)"
}

# ---- the two evoke builds --------------------------------------------------------------------------
# evoke = EVOKE_BIN, the build under test; evoke-base = EVOKE_BASE_BIN, the build before the
# change (the "before" of a before/after run).
evoke_bin_of() {  # SYSTEM
  case $1 in
    evoke-base) echo "${EVOKE_BASE_BIN:-}" ;;
    *) echo "$EVOKE_BIN" ;;
  esac
}

# Exits, before anything is measured, when evoke-base is asked for without EVOKE_BASE_BIN or an
# evoke binary is missing; logs what each binary is.
check_evoke_bins() {  # SYSTEM...
  local s b
  for s in "$@"; do
    case $s in
      evoke|evoke-base|evoke-user|evoke-nometrics)
        b=$(evoke_bin_of "$s")
        if [ -z "$b" ]; then
          log "$s needs EVOKE_BASE_BIN (the evoke binary built before the change; bench/README.md)"
          exit 2
        fi
        [ -x "$b" ] || { log "$s: no evoke binary at $b"; exit 2; }
        log "$s: $b ($(describe_bin "$b"))"
        ;;
    esac
  done
}

# What a binary is, for the report: the commit of the checkout whose build tree holds it, and
# whether that checkout's src/ had uncommitted changes (now: the binary may be older).
describe_bin() {  # BIN
  local d rev dirty
  d=$(cd "$(dirname "$1")" && git rev-parse --show-toplevel 2>/dev/null) || { echo "not in a git checkout"; return; }
  rev=$(git -C "$d" rev-parse --short HEAD 2>/dev/null)
  dirty=$(git -C "$d" status --porcelain --untracked-files=no -- src 2>/dev/null | head -1)
  echo "checkout at $rev${dirty:+ with uncommitted src/ changes}, binary built $(date -r "$1" '+%Y-%m-%d %H:%M')"
}

# Starts `BIN server` in its own session (start_group) with the keys in AK / SK and waits for its
# listening line. Sets SERVER_PID and ENDPOINT; returns non-zero when it did not start.
# shellcheck disable=SC2034  # ENDPOINT is read by the scripts that source this
start_evoke_server() {  # BIN DATA_DIR LOGFILE EXTRA_ARGS...
  local bin=$1 data=$2 logfile=$3 line; shift 3
  [ -x "$bin" ] || { log "no evoke binary at $bin"; return 1; }
  mkdir -p "$data"
  EVOKE_ACCESS_KEY_ID=$AK EVOKE_SECRET_ACCESS_KEY=$SK start_group "$logfile" \
    "$bin" server --data-dir "$data" --listen 127.0.0.1:0 "$@"
  ENDPOINT=""
  for _ in $(seq 1 300); do
    line=$(grep -m1 -o 'evoke listening on http://127.0.0.1:[0-9]*' "$logfile" 2>/dev/null)
    [ -n "$line" ] && { ENDPOINT=${line#evoke listening on }; return 0; }
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  log "evoke ($bin) did not start:"; tail -n 5 "$logfile" >&2
  return 1
}

# Stops one server started with start_group (SERVER_PID is set to it for stop_server).
stop_server_pid() {  # PGID
  SERVER_PID=$1
  stop_server
}
