"""The server as a program: its command line, generated root credentials, the access log, a
region other than us-east-1, streaming a large object with bounded memory, and the answer of
services not built yet. Each test runs its own server (the binary is needed: skipped when
EVOKE_E2E_ENDPOINT is set)."""

import hashlib
import io
import json
import os
import re
import stat
import subprocess
import time
import zipfile

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aws_cli_runner import AwsCli
from conftest import LAMBDA_ROLE, EvokeServer, evoke_binary, external_endpoint, unique_name
from s3e2e import MIB, RawCapture, assert_client_error

pytestmark = pytest.mark.skipif(external_endpoint() is not None,
                                reason="needs the evoke binary, not an external endpoint")


@pytest.fixture
def own_server(tmp_path):
    """Starts servers on fresh data dirs under tmp_path; stops them (cleanly) afterwards."""
    servers = []

    def start(**kwargs):
        n = len(servers)
        server = EvokeServer(tmp_path / ("data%d" % n), tmp_path / ("logs%d" % n), **kwargs)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        rc = server.stop()
        assert rc == 0, "evoke did not stop cleanly (rc=%r)\n%s" % (rc, server.diagnostics())


def aws_v2(server, home, **kwargs):
    """The aws CLI v2 against one of this module's servers (up to 600 s a command: 512 MiB
    bodies)."""
    return AwsCli("v2", server.endpoint, home, timeout=600, **kwargs)


def test_help_version_and_usage_errors():
    binary = str(evoke_binary())
    p = subprocess.run([binary, "--help"], capture_output=True, timeout=30)
    assert p.returncode == 0 and b"evoke server" in p.stdout and b"--data-dir" in p.stdout
    p = subprocess.run([binary, "--version"], capture_output=True, timeout=30)
    assert p.returncode == 0 and re.match(rb"^evoke \S+\n$", p.stdout), p.stdout
    for bad in (["frobnicate"], ["server", "--listen", "no-port"], ["server", "--bogus", "1"],
                ["server", "--threads", "0"]):
        p = subprocess.run([binary] + bad, capture_output=True, timeout=30)
        assert p.returncode == 2 and p.stderr.startswith(b"evoke: "), (bad, p)


def read_credentials_file(path):
    values = {}
    for line in path.read_text().splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            values[k.strip()] = v.strip()
    return values["aws_access_key_id"], values["aws_secret_access_key"]


def test_generated_root_credentials(own_server, tmp_path):
    server = own_server(access_key=None)
    cred_file = server.data_dir / "credentials"
    assert stat.S_IMODE(cred_file.stat().st_mode) == 0o600
    key_id, secret = read_credentials_file(cred_file)
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", key_id) and len(secret) == 40
    printed = server.stdout_path.read_text()
    assert "generated root credentials" in printed
    assert key_id in printed and secret in printed

    # The file is in the aws CLI's format: pointing AWS_SHARED_CREDENTIALS_FILE at it works.
    env = {"AWS_SHARED_CREDENTIALS_FILE": str(cred_file)}  # and no keys in the environment
    aws = aws_v2(server, tmp_path / "home", env=env)
    bucket = unique_name("creds")
    aws.run("s3", "mb", "s3://" + bucket)
    assert bucket in aws.out("s3", "ls")

    # A restart keeps the same pair and does not print the secret again.
    assert server.stop() == 0
    server.start()
    assert read_credentials_file(cred_file) == (key_id, secret)
    assert secret not in server.stdout_path.read_text()
    aws = aws_v2(server, tmp_path / "home", env=env)  # the restarted server's endpoint
    assert bucket in aws.out("s3", "ls")


def wait_for_lines(path, count, deadline_s=10.0):
    deadline = time.monotonic() + deadline_s
    while True:
        lines = [json.loads(line) for line in path.read_text().splitlines()
                 if line.startswith("{")]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_access_log_has_one_line_per_request(own_server):
    server = own_server(suite_roles=False)  # only this test's requests in the log
    s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                      aws_access_key_id=server.access_key, aws_secret_access_key=server.secret,
                      config=Config(retries={"max_attempts": 1}))
    bucket = unique_name("log")
    ids = [s3.create_bucket(Bucket=bucket)["ResponseMetadata"]["RequestId"],
           s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ResponseMetadata"]["RequestId"]]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="missing")
    ids.append(e.value.response["ResponseMetadata"]["RequestId"])

    lines = wait_for_lines(server.stdout_path, 3)
    assert len(lines) == 3, lines
    by_id = {line["request_id"]: line for line in lines}
    assert sorted(by_id) == sorted(ids)
    create, put, get = (by_id[i] for i in ids)
    assert (create["method"], create["path"], create["status"], create["action"]) == (
        "PUT", "/" + bucket, 200, "CreateBucket")
    assert (put["action"], put["status"], put["bytes_in"]) == ("PutObject", 200, 1)
    assert (get["action"], get["status"], get["error"]) == ("GetObject", 404, "NoSuchKey")
    for line in lines:
        assert line["service"] == "s3" and line["principal"] == server.access_key
        assert line["remote"] == "127.0.0.1" and line["duration_us"] >= 0
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])


def test_region_other_than_us_east_1(own_server):
    server = own_server(extra_args=["--region", "eu-west-1"], suite_roles=False)
    s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="eu-west-1",
                      aws_access_key_id=server.access_key, aws_secret_access_key=server.secret)
    capture = RawCapture(s3)
    bucket = unique_name("eu")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] == "eu-west-1"
    # Outside us-east-1 there is no legacy 200 for re-creating one's own bucket.
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=bucket,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert_client_error(e.value, "BucketAlreadyOwnedByYou", 409, capture)
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=unique_name("eu"),
                         CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
    assert_client_error(e.value, "IllegalLocationConstraintException", 400, capture)


def peak_rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM for pid %d" % pid)


def test_large_object_streams_with_bounded_memory(own_server, tmp_path):
    """A 512 MiB single PUT and GET with the aws CLI: the server's peak RSS grows by far less
    than the object (bodies stream to and from disk)."""
    size = 512 * MIB
    src = tmp_path / "big.bin"
    md5 = hashlib.md5()
    block = os.urandom(MIB)
    with open(src, "wb") as f:
        for i in range(size // MIB):
            chunk = i.to_bytes(8, "big") + block[8:]
            md5.update(chunk)
            f.write(chunk)

    server = own_server()
    aws = aws_v2(server, tmp_path / "home", access_key=server.access_key, secret=server.secret)
    bucket = unique_name("big")
    aws.run("s3", "mb", "s3://" + bucket)
    before = peak_rss_mib(server.proc.pid)
    out = json.loads(aws.out("s3api", "put-object", "--bucket", bucket, "--key", "big.bin",
                             "--body", src))
    assert out["ETag"] == '"%s"' % md5.hexdigest()  # one PUT, not multipart
    dst = tmp_path / "back.bin"
    aws.run("s3api", "get-object", "--bucket", bucket, "--key", "big.bin", dst)
    assert dst.stat().st_size == size
    back = hashlib.md5()
    with open(dst, "rb") as f:
        while True:
            b = f.read(8 * MIB)
            if not b:
                break
            back.update(b)
    assert back.hexdigest() == md5.hexdigest()
    grown = peak_rss_mib(server.proc.pid) - before
    assert grown < 128, "peak RSS grew by %.0f MiB while moving a 512 MiB object" % grown


def test_services_not_built_yet_answer_in_their_own_protocol(own_server):
    server = own_server()
    sqs = boto3.client("sqs", endpoint_url=server.endpoint, region_name="us-east-1",
                       aws_access_key_id=server.access_key, aws_secret_access_key=server.secret,
                       config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as e:
        sqs.list_queues()
    # Debian's botocore speaks awsQuery to SQS, newer ones awsJson 1.0: each parses its own.
    expected = {"query": "InvalidAction", "json": "UnknownOperationException"}[
        sqs.meta.service_model.protocol]
    assert e.value.response["Error"]["Code"] == expected
    assert "'sqs'" in e.value.response["Error"]["Message"]
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # The endpoint keeps serving S3.
    s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                      aws_access_key_id=server.access_key, aws_secret_access_key=server.secret)
    assert s3.list_buckets()["Buckets"] == []


def test_function_packages_survive_a_restart(own_server):
    """The start-up orphan sweep keeps the blobs that function records name."""
    server = own_server()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("lambda_function.py", "def lambda_handler(event, context):\n    return 1\n")
    created = lam_for(server).create_function(FunctionName="kept", Runtime="python3.12",
                                  Role=LAMBDA_ROLE,
                                  Handler="lambda_function.lambda_handler",
                                  Code={"ZipFile": buf.getvalue()})

    def blob_files():
        return sorted(p.name for p in (server.data_dir / "blobs").rglob("*") if p.is_file())

    before = blob_files()
    assert len(before) == 1
    assert server.stop() == 0
    server.start()
    assert blob_files() == before
    got = lam_for(server).get_function_configuration(FunctionName="kept")
    assert (got["CodeSha256"], got["CodeSize"]) == (created["CodeSha256"], created["CodeSize"])
    # New code replaces the package: the old blob goes with the commit.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("lambda_function.py", "def lambda_handler(event, context):\n    return 2\n")
    lam_for(server).update_function_code(FunctionName="kept", ZipFile=buf.getvalue())
    after_update = blob_files()
    assert len(after_update) == 1 and after_update != before
    lam_for(server).delete_function(FunctionName="kept")
    assert blob_files() == []


def lam_for(server):
    return boto3.client("lambda", endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id=server.access_key, aws_secret_access_key=server.secret)
