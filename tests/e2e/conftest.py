"""Fixtures for the evoke S3 end-to-end suite: one evoke server per session (fresh data dir,
port 0), boto3 clients at default settings, the aws CLI (aws_cli_runner.py), unique bucket names.

Environment:
  EVOKE_BIN              server binary (default /work/main/build/debug/evoke, i.e. the
                         build/debug/evoke of this checkout)
  EVOKE_E2E_ENDPOINT     use this running endpoint instead of starting the binary (e.g. a
                         moto_server while the server is being written); tests that need the
                         binary itself (crash tests) are skipped then
  EVOKE_E2E_ACCESS_KEY_ID / EVOKE_E2E_SECRET_ACCESS_KEY   credentials (defaults below)
  EVOKE_E2E_AWS_V2 / EVOKE_E2E_AWS_V1   aws CLI paths (see aws_cli_runner.py)
"""

import os
import pathlib
import re
import signal
import subprocess
import threading
import time
import uuid

import pytest

import s3e2e
from aws_cli_runner import AwsCli

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / "build" / "debug" / "evoke"
ACCESS_KEY = os.environ.get("EVOKE_E2E_ACCESS_KEY_ID", "AKIDEVOKETEST0000001")
SECRET_KEY = os.environ.get("EVOKE_E2E_SECRET_ACCESS_KEY",
                            "evokeTestSecretKey0000000000000000000000")
assert len(SECRET_KEY) == 40 or "EVOKE_E2E_SECRET_ACCESS_KEY" in os.environ
READY_RE = re.compile(r"^evoke listening on (http://127\.0\.0\.1:\d+)\s*$")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
# The execution role of the suite's functions: it trusts Lambda and may do everything, so
# functions can call back into evoke as they did with the root keys before roles existed.
LAMBDA_ROLE = "arn:aws:iam::000000000000:role/evoke-e2e-lambda"
# The role the suite's schedules invoke through: it trusts EventBridge Scheduler and may invoke
# any function.
SCHEDULER_ROLE = "arn:aws:iam::000000000000:role/evoke-e2e-scheduler"

# Keep the SDKs away from any configuration of the machine: only what the tests pass counts.
for _var in list(os.environ):
    if _var.startswith("AWS_") and _var != "AWS_CA_BUNDLE":
        del os.environ[_var]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost,.localhost"


def evoke_binary():
    return pathlib.Path(os.environ.get("EVOKE_BIN", str(DEFAULT_BIN)))


def external_endpoint():
    return os.environ.get("EVOKE_E2E_ENDPOINT") or None


class EvokeServer:
    """One evoke process on a data dir. start() waits for the ready line with a deadline; stdout
    (ready line, then the JSON access log) is drained by a thread into stdout.log."""

    def __init__(self, data_dir, log_dir, binary=None, access_key=ACCESS_KEY, secret=SECRET_KEY,
                 extra_args=(), suite_roles=True):
        """access_key=None starts the server without EVOKE_ACCESS_KEY_ID/SECRET: it uses (or
        generates) the credentials kept in its data directory. With keys given and suite_roles,
        the first start makes the suite's roles (LAMBDA_ROLE, SCHEDULER_ROLE)."""
        self.binary = pathlib.Path(binary or evoke_binary())
        self.extra_args = list(extra_args)
        self.data_dir = pathlib.Path(data_dir)
        self.log_dir = pathlib.Path(log_dir)
        self.access_key = access_key
        self.secret = secret
        self.proc = None
        self.endpoint = None
        self.starts = 0
        self.suite_roles = suite_roles

    def start(self, timeout=START_TIMEOUT):
        if not self.binary.exists():
            pytest.fail("evoke binary not found at %s (set EVOKE_BIN, or EVOKE_E2E_ENDPOINT to "
                        "test another endpoint)" % self.binary)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        env = dict(os.environ)
        env.pop("EVOKE_ACCESS_KEY_ID", None)
        env.pop("EVOKE_SECRET_ACCESS_KEY", None)
        if self.access_key is not None:
            env["EVOKE_ACCESS_KEY_ID"] = self.access_key
            env["EVOKE_SECRET_ACCESS_KEY"] = self.secret
        self.stderr_path = self.log_dir / ("stderr.%d.log" % self.starts)
        self.stdout_path = self.log_dir / ("stdout.%d.log" % self.starts)
        stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [str(self.binary), "server", "--data-dir", str(self.data_dir),
             "--listen", "127.0.0.1:0"] + self.extra_args,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, env=env,
            start_new_session=True)
        stderr.close()
        ready = threading.Event()
        found = {}
        proc = self.proc
        out_path = self.stdout_path

        def drain():
            with open(out_path, "wb") as out:
                for line in proc.stdout:
                    out.write(line)
                    out.flush()
                    if not ready.is_set():
                        m = READY_RE.match(line.decode("utf-8", "replace"))
                        if m:
                            found["endpoint"] = m.group(1)
                            ready.set()
            ready.set()  # EOF: the process is gone (or closed stdout)

        self.reader = threading.Thread(target=drain, name="evoke-stdout", daemon=True)
        self.reader.start()
        deadline = time.monotonic() + timeout
        while not ready.wait(0.05):
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail("evoke did not print its ready line within %.0fs\n%s"
                            % (timeout, self.diagnostics()))
        if "endpoint" not in found:
            self.proc.wait(timeout=5)
            pytest.fail("evoke exited (rc=%s) before it was ready\n%s"
                        % (self.proc.returncode, self.diagnostics()))
        self.endpoint = found["endpoint"]
        if self.suite_roles and self.access_key is not None and self.starts == 1:
            create_suite_roles(self.endpoint, self.access_key, self.secret)
        return self.endpoint

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, wait for a graceful exit; returns the exit code (SIGKILLs after timeout)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return "timeout"
        self._kill_group()  # leftovers (e.g. sandboxes) of a server that is gone
        self.reader.join(5)
        return self.proc.returncode

    def kill(self):
        """SIGKILL to the server and everything in its process group (it leads its own)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self._kill_group()
        self.reader.join(5)

    def _kill_group(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def diagnostics(self, lines=40):
        out = []
        for p in (getattr(self, "stderr_path", None), getattr(self, "stdout_path", None)):
            if p is not None and p.exists():
                tail = p.read_bytes().decode("utf-8", "replace").splitlines()[-lines:]
                out.append("--- %s (last %d lines)\n%s" % (p, lines, "\n".join(tail)))
        return "\n".join(out)


class Target:
    """What the tests talk to: an endpoint plus credentials (and the server, when we run it)."""

    def __init__(self, endpoint, access_key, secret, server=None):
        self.endpoint = endpoint
        self.access_key = access_key
        self.secret = secret
        self.server = server

    @property
    def is_evoke(self):
        return self.server is not None

    def boto3_client(self, **kwargs):
        import boto3
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=s3e2e.REGION,
                            aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret, **kwargs)

    def raw(self):
        return s3e2e.RawClient(self.endpoint, self.access_key, self.secret)


_session_server = {}


@pytest.fixture(scope="session")
def target(tmp_path_factory):
    ext = external_endpoint()
    if ext:
        yield Target(ext.rstrip("/"), ACCESS_KEY, SECRET_KEY)
        return
    base = tmp_path_factory.mktemp("evoke-session")
    server = EvokeServer(base / "data", base / "logs", extra_args=("--test-clock",))
    server.start()
    _session_server["server"] = server
    try:
        yield Target(server.endpoint, ACCESS_KEY, SECRET_KEY, server)
    finally:
        _session_server.pop("server", None)
        rc = server.stop()
        assert rc == 0, "evoke did not stop cleanly on SIGTERM (rc=%r)\n%s" % (
            rc, server.diagnostics())


def create_suite_roles(endpoint, access_key=ACCESS_KEY, secret=SECRET_KEY):
    """Makes LAMBDA_ROLE and SCHEDULER_ROLE on the server at `endpoint` (idempotent)."""
    import boto3
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id=access_key, aws_secret_access_key=secret)
    for arn, service, policy in (
            (LAMBDA_ROLE, "lambda.amazonaws.com",
             '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", '
             '"Resource": "*"}]}'),
            (SCHEDULER_ROLE, "scheduler.amazonaws.com",
             '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": '
             '"lambda:InvokeFunction", "Resource": "*"}]}')):
        name = arn.rsplit("/", 1)[1]
        try:
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=(
                '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": '
                '"sts:AssumeRole", "Principal": {"Service": "%s"}}]}' % service))
        except iam.exceptions.EntityAlreadyExistsException:
            pass
        iam.put_role_policy(RoleName=name, PolicyName="suite", PolicyDocument=policy)


@pytest.fixture(scope="session", autouse=True)
def _suite_roles(target):
    create_suite_roles(target.endpoint, target.access_key, target.secret)


@pytest.fixture(autouse=True)
def _server_still_alive(request):
    """After every test, the session server must still be running: a crash is pinned on the
    test that caused it."""
    yield
    server = _session_server.get("server")
    if server is not None and not server.alive():
        pytest.fail("evoke died during %s (rc=%s)\n%s" % (
            request.node.nodeid, server.proc.returncode, server.diagnostics()))


@pytest.fixture(scope="session")
def endpoint(target):
    return target.endpoint


@pytest.fixture
def s3(target):
    """A boto3 S3 client at its default settings (only endpoint, region and keys given)."""
    return target.boto3_client()


@pytest.fixture(params=["v2", "v1"])
def aws(request, target, tmp_path_factory):
    """The aws CLI against the target, once as v2 and once as v1 (test ids [v2], [v1]); a
    missing CLI fails the test."""
    return AwsCli.for_target(request.param, target,
                             tmp_path_factory.mktemp("aws-home-" + request.param))


@pytest.fixture
def aws_v2(target, tmp_path_factory):
    """The aws CLI v2 against the target, for tests that only use v2."""
    return AwsCli.for_target("v2", target, tmp_path_factory.mktemp("aws-home-v2"))


@pytest.fixture
def capture(s3):
    """Raw responses of the `s3` client, for checking error bodies."""
    return s3e2e.RawCapture(s3)


@pytest.fixture
def raw(target):
    return target.raw()


def unique_name(prefix="e2e"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:20])


@pytest.fixture
def bucket_name():
    return unique_name()


def empty_and_delete(client, name):
    from botocore.exceptions import ClientError
    try:
        for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=name):
            for u in page.get("Uploads", []):
                client.abort_multipart_upload(Bucket=name, Key=u["Key"], UploadId=u["UploadId"])
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                client.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
        try:
            delete_all_versions(client, name)
        except ClientError:
            pass  # still try the bucket: it may hold no versions at all
        client.delete_bucket(Bucket=name)
    except ClientError:
        pass


def delete_all_versions(client, name):
    """Removes every version and delete marker left in bucket `name` (a bucket that has had
    versioning keeps them after the objects are deleted). The listing is read in full before
    anything is deleted: S3 refuses a version-id-marker that no longer exists."""
    items = []
    for page in client.get_paginator("list_object_versions").paginate(Bucket=name):
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
            items.append({"Key": entry["Key"], "VersionId": entry["VersionId"]})
    for i in range(0, len(items), 1000):
        client.delete_objects(Bucket=name, Delete={"Objects": items[i:i + 1000], "Quiet": True})


@pytest.fixture
def bucket(target, bucket_name):
    """A fresh, empty bucket, removed with its content afterwards."""
    client = target.boto3_client()
    client.create_bucket(Bucket=bucket_name)
    yield bucket_name
    empty_and_delete(client, bucket_name)


@pytest.fixture
def bucket_factory(target):
    client = target.boto3_client()
    made = []

    def make(prefix="e2e"):
        name = unique_name(prefix)
        client.create_bucket(Bucket=name)
        made.append(name)
        return name

    yield make
    for name in made:
        empty_and_delete(client, name)


@pytest.fixture
def require_evoke(target):
    if not target.is_evoke:
        pytest.skip("needs the evoke binary (EVOKE_E2E_ENDPOINT is set)")
