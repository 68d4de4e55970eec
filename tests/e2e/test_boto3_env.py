"""Which boto3 runs this suite: run.sh runs the boto3 modules under two interpreters, and a mix-up
(an interpreter picking up the other's boto3 through the pytest shim) must fail loudly."""

import os
import subprocess
import sys

import boto3
import botocore


def test_boto3_is_the_interpreters_own():
    # The interpreter in isolated mode (-I: no PYTHONPATH, no shim) must import the same boto3.
    out = subprocess.run(
        [sys.executable, "-I", "-c",
         "import boto3, botocore; print(boto3.__version__, botocore.__version__, boto3.__file__)"],
        check=True, capture_output=True, text=True).stdout.split()
    assert (boto3.__version__, botocore.__version__, boto3.__file__) == tuple(out)


def test_boto3_version_is_the_expected_one():
    expected = os.environ.get("EVOKE_E2E_EXPECT_BOTO3")
    print("python %s, boto3 %s, botocore %s" % (sys.executable, boto3.__version__,
                                                botocore.__version__))
    if expected:
        assert boto3.__version__ == expected, (
            "run.sh expected boto3 %s under %s, got %s from %s"
            % (expected, sys.executable, boto3.__version__, boto3.__file__))
