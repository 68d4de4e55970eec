#!/usr/bin/env bash
# Runs the S3 end-to-end suite against a real evoke binary (see README.md):
#   1. every test under Debian's python3 (boto3 1.26, pytest 7.2, aws CLI v1 and v2 as
#      subprocesses);
#   2. the boto3 modules (test_boto3_*.py), the identity files (test_iam.py,
#      test_access_analyzer.py, test_s3_policy.py, test_s3_acl.py), test_s3_cors_tagging.py,
#      test_s3_post.py (forms from boto3's generate_presigned_post),
#      test_s3_attributes_encryption.py (checksums boto3 sends by default) and
#      test_s3_object_lock.py, test_cloudwatch.py, test_cloudwatch_alarms.py and
#      test_lambda_metrics.py (CloudWatch in
#      awsJson1.0 instead of awsQuery) again under the pyenv python
#      (a recent boto3), which has no pytest of its own: it gets Debian's through a generated
#      shim dir of symlinks that holds pytest and its dependencies only, never
#      boto3/botocore/urllib3.
# Fails if either run fails. Extra arguments (-x, -k EXPR, -v ...) go to both pytest runs.
# Environment: EVOKE_BIN, EVOKE_E2E_ENDPOINT (see conftest.py), EVOKE_E2E_DEBIAN_PYTHON,
# EVOKE_E2E_PYENV_PYTHON (interpreter overrides).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEBIAN_PY=${EVOKE_E2E_DEBIAN_PYTHON:-/usr/bin/python3}
PYENV_PY=${EVOKE_E2E_PYENV_PYTHON:-/root/.pyenv/versions/3.11.7/bin/python3}

for py in "$DEBIAN_PY" "$PYENV_PY"; do
  if [ ! -x "$py" ]; then
    echo "run.sh: interpreter $py not found" >&2
    exit 2
  fi
done

describe() {  # interpreter -> "python X, boto3 Y, botocore Z" as that interpreter sees them alone
  "$1" -I -c 'import sys, boto3, botocore
print("python %s (%s), boto3 %s, botocore %s" % (sys.version.split()[0], sys.executable,
      boto3.__version__, botocore.__version__))'
}
boto3_version() { "$1" -I -c 'import boto3; print(boto3.__version__)'; }

# --- the shim: Debian's pytest for the pyenv interpreter ------------------------------------
SHIM=$(mktemp -d -t evoke-e2e-pytest-shim.XXXXXX)
trap 'rm -rf "$SHIM"' EXIT
DIST=$("$DEBIAN_PY" -I -c 'import os, pytest; print(os.path.dirname(os.path.dirname(pytest.__file__)))')
# Always from Debian: pytest itself and the plugin machinery it was built with.
ALWAYS=(pytest _pytest pluggy iniconfig py py.py)
# From Debian only if the pyenv interpreter lacks them (pytest 7.2's other imports).
IF_MISSING=(packaging attr attrs exceptiongroup tomli)
for name in "${ALWAYS[@]}"; do
  [ -e "$DIST/$name" ] && ln -s "$DIST/$name" "$SHIM/$name"
done
for name in "${IF_MISSING[@]}"; do
  if ! "$PYENV_PY" -I -c "import $name" 2>/dev/null && [ -e "$DIST/$name" ]; then
    ln -s "$DIST/$name" "$SHIM/$name"
  fi
done
# cbor2 (Debian's python3-cbor2) for the RPCv2-CBOR requests of cw_wire.py, with its C
# extension (built for CPython 3.11, as the pyenv interpreter is; cbor2 falls back to pure Python).
if ! "$PYENV_PY" -I -c "import cbor2" 2>/dev/null && [ -e "$DIST/cbor2" ]; then
  ln -s "$DIST/cbor2" "$SHIM/cbor2"
  for so in "$DIST"/_cbor2.*.so; do
    [ -e "$so" ] && ln -s "$so" "$SHIM/"
  done
fi
for forbidden in boto3 botocore s3transfer urllib3 jmespath dateutil six awscrt; do
  if [ -e "$SHIM/$forbidden" ]; then
    echo "run.sh: shim must not contain $forbidden" >&2
    exit 2
  fi
done
if ! PYTHONPATH="$SHIM" "$PYENV_PY" -m pytest --version >/dev/null 2>&1; then
  echo "run.sh: pytest does not import under $PYENV_PY with the shim:" >&2
  PYTHONPATH="$SHIM" "$PYENV_PY" -m pytest --version >&2
  exit 2
fi

cd "$HERE"
declare -a NAMES RESULTS
overall=0

run() {  # label, python, extra env..., -- pytest args...
  local label=$1 py=$2
  shift 2
  local -a envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  echo
  echo "=== e2e run: $label — $(describe "$py")"
  env "${envs[@]}" EVOKE_E2E_EXPECT_BOTO3="$(boto3_version "$py")" "$py" -m pytest "$@"
  local rc=$?
  local verdict="PASSED"
  if [ $rc -eq 5 ]; then
    verdict="NO TESTS SELECTED"
  elif [ $rc -ne 0 ]; then
    verdict="FAILED (pytest rc=$rc)"
    overall=1
  fi
  NAMES+=("$label: $(describe "$py")")
  RESULTS+=("$verdict")
}

run "debian" "$DEBIAN_PY" PYTHONPATH= -- "$@"
# shellcheck disable=SC2046
run "pyenv" "$PYENV_PY" PYTHONPATH="$SHIM" -- $(ls test_boto3_*.py) test_iam.py \
  test_access_analyzer.py test_s3_policy.py test_s3_acl.py test_s3_cors_tagging.py \
  test_s3_post.py test_s3_attributes_encryption.py test_s3_object_lock.py test_s3_metrics.py \
  test_cloudwatch.py test_cloudwatch_alarms.py test_lambda_metrics.py "$@"

echo
echo "=== e2e summary"
for i in "${!NAMES[@]}"; do
  echo "  ${RESULTS[$i]}  ${NAMES[$i]}"
done
exit $overall
