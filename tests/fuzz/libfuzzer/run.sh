#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, into build/libfuzzer) and runs each for SECONDS (default
# $EVOKE_LIBFUZZER_SECONDS or 60) from its seed corpus in corpus/<target>/. New inputs it finds go
# to a scratch directory, not into the checked-in seeds; a crash, leak, hang or failed check
# leaves its input in $EVOKE_LIBFUZZER_OUT (default a temp dir) and fails the run.
#   tests/fuzz/libfuzzer/run.sh            # 60 s per target
#   tests/fuzz/libfuzzer/run.sh 3600       # an hour per target
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
SECONDS_EACH=${1:-${EVOKE_LIBFUZZER_SECONDS:-60}}
BUILD=$ROOT/build/libfuzzer
OUT=${EVOKE_LIBFUZZER_OUT:-$(mktemp -d -t evoke-libfuzzer.XXXXXX)}
mkdir -p "$OUT"

cmake -S "$HERE" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$BUILD" -j "$(nproc)"

status=0
for target in fuzz_s3_xml fuzz_post_form fuzz_post_policy fuzz_metric_sketch fuzz_metric_math; do
  scratch=$(mktemp -d -t "evoke-$target.XXXXXX")
  echo "=== libfuzzer: $target for ${SECONDS_EACH}s"
  if ! "$BUILD/$target" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$OUT/$target-" \
      "$scratch" "$HERE/corpus/$target" 2>"$OUT/$target.log"; then
    echo "FAILED: $target; its input and log are in $OUT"
    tail -40 "$OUT/$target.log"
    status=1
  else
    grep -E "^stat::number_of_executed_units|^Done" "$OUT/$target.log" || true
  fi
  rm -rf "$scratch"
done
exit $status
