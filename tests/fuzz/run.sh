#!/usr/bin/env bash
# The request fuzzer as the test suite runs it (see README.md): replays the corpus of inputs that
# once broke evoke, then fuzzes for ${EVOKE_FUZZ_SECONDS:-60} seconds, both against $EVOKE_BIN.
# Fails if either fails. Environment: EVOKE_BIN (required), EVOKE_FUZZ_SECONDS,
# EVOKE_FUZZ_SEED (default: a new seed, printed), EVOKE_FUZZ_OUT (where failing inputs go;
# default a temp dir), EVOKE_FUZZ_PYTHON (default Debian's /usr/bin/python3).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=${EVOKE_FUZZ_PYTHON:-/usr/bin/python3}
if [ -z "${EVOKE_BIN:-}" ] || [ ! -x "$EVOKE_BIN" ]; then
  echo "run.sh: set EVOKE_BIN to an evoke binary (got '${EVOKE_BIN:-}')" >&2
  exit 2
fi
OUT=${EVOKE_FUZZ_OUT:-$(mktemp -d -t evoke-fuzz-out.XXXXXX)}
declare -a seed_args=()
if [ -n "${EVOKE_FUZZ_SEED:-}" ]; then seed_args=(--seed "$EVOKE_FUZZ_SEED"); fi

echo "=== fuzz: corpus replay"
"$PY" "$HERE/fuzz_requests.py" --bin "$EVOKE_BIN" --replay "$HERE/corpus" --out "$OUT/replay"
replay=$?
echo "=== fuzz: ${EVOKE_FUZZ_SECONDS:-60}s of random requests"
"$PY" "$HERE/fuzz_requests.py" --bin "$EVOKE_BIN" --seconds "${EVOKE_FUZZ_SECONDS:-60}" \
  "${seed_args[@]}" --out "$OUT/fuzz"
fuzz=$?

echo "=== fuzz summary: replay $([ $replay -eq 0 ] && echo PASSED || echo "FAILED (rc=$replay)"), \
random $([ $fuzz -eq 0 ] && echo PASSED || echo "FAILED (rc=$fuzz)"); failing inputs in $OUT"
[ $replay -eq 0 ] && [ $fuzz -eq 0 ]
