"""sitecustomize points botocore clients at AWS_ENDPOINT_URL (with path-style S3) for both the
machine's boto3 (1.26, no AWS_ENDPOINT_URL support) and a newer one, and costs nothing when
botocore is never imported."""

import json
import os
import subprocess

import pytest

from conftest import PYTHON_RUNTIME

PYTHONS = [p for p in ("/usr/bin/python3", "/root/.pyenv/versions/3.11.7/bin/python3") if os.path.exists(p)]

PROBE = """
import json, boto3
from botocore.config import Config
s3 = boto3.client("s3")
lam = boto3.client("lambda")
own = boto3.client("s3", endpoint_url="http://elsewhere:1", config=Config(s3={"addressing_style": "virtual"}))
print(json.dumps({
    "s3": s3.meta.endpoint_url, "s3_style": (s3.meta.config.s3 or {}).get("addressing_style"),
    "lambda": lam.meta.endpoint_url,
    "own": own.meta.endpoint_url, "own_style": own.meta.config.s3.get("addressing_style"),
}))
"""


def run(python, code, **env):
    full = dict(os.environ, PYTHONPATH=PYTHON_RUNTIME, AWS_ACCESS_KEY_ID="k", AWS_SECRET_ACCESS_KEY="s",
                AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    full.pop("AWS_ENDPOINT_URL", None)
    full.update(env)
    return subprocess.run([python, "-c", code], env=full, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("python", PYTHONS)
def test_clients_reach_endpoint(python):
    if run(python, "import boto3").returncode != 0:
        pytest.fail(f"{python} has no boto3")
    out = run(python, PROBE, AWS_ENDPOINT_URL="http://127.0.0.1:4567")
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    assert seen["s3"] == "http://127.0.0.1:4567"
    assert seen["s3_style"] == "path"
    assert seen["lambda"] == "http://127.0.0.1:4567"
    assert seen["own"] == "http://elsewhere:1"  # an explicit endpoint and style win
    assert seen["own_style"] == "virtual"


@pytest.mark.parametrize("python", PYTHONS)
def test_nothing_happens_without_endpoint(python):
    out = run(python, "import sys; print(sorted(m for m in sys.modules if m.startswith(('_evoke', 'botocore'))))")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    out = run(python, "import sys; print(sorted(m for m in sys.modules if m.startswith(('_evoke', 'botocore'))))",
              AWS_ENDPOINT_URL="http://127.0.0.1:4567")
    assert out.stdout.strip() == "['_evoke_import_hooks']"
