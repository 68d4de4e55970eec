#!/usr/bin/env bash
# The two commands of evoke's README.
#   ./dev.sh serve [server options]   install dependencies, build, start evoke (./evoke-data)
#   ./dev.sh test                     install dependencies, build, run every test
set -euo pipefail
cd "$(dirname "$0")"

jobs=$(nproc)

build() {  # build DIR [cmake args...]
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  ninja -C "$dir" -j "$jobs"
}

case "${1:-}" in
  serve)
    shift
    scripts/install-deps
    build build/release -DCMAKE_BUILD_TYPE=Release -DEVOKE_TESTS=OFF
    exec build/release/evoke server --data-dir ./evoke-data "$@"
    ;;
  test)
    scripts/install-deps --test
    # Everything is tested under AddressSanitizer and UndefinedBehaviorSanitizer.
    echo "== module boundaries (docs/architecture.md)"
    scripts/check-includes
    build build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVOKE_SANITIZE=ON
    echo "== unit tests"
    build/asan/tests/evoke_unit_tests --gtest_brief=1
    build/asan/tests/evoke_lambda_runtime_tests --gtest_brief=1
    echo "== integration tests (the server in-process, over a socket)"
    build/asan/tests/evoke_integration_tests --gtest_brief=1
    echo "== runtime bootstrap tests"
    /usr/bin/python3 -m pytest -q tests/runtimes
    timeout 300 node --test tests/runtimes/
    echo "== protocol codecs against botocore's own serializers and parsers"
    /root/.pyenv/versions/3.11.7/bin/python3 tests/codecs/test_codec_golden.py
    echo "== end-to-end tests"
    EVOKE_BIN="$PWD/build/asan/evoke" tests/e2e/run.sh
    echo "== request fuzzer (tests/fuzz): the corpus, then 30 s of random requests"
    EVOKE_BIN="$PWD/build/asan/evoke" EVOKE_FUZZ_SECONDS=30 EVOKE_FUZZ_SEED=7 tests/fuzz/run.sh
    echo "== libFuzzer targets of the XML, form-upload and metric parsers (tests/fuzz/libfuzzer): 20 s each"
    EVOKE_LIBFUZZER_SECONDS=20 tests/fuzz/libfuzzer/run.sh
    echo "== all tests passed"
    ;;
  *)
    echo "usage: $0 serve [server options] | test" >&2
    exit 2
    ;;
esac
