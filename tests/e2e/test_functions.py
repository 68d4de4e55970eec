"""Functions running in sandboxes, invoked through the Lambda API with boto3 and the aws CLI:
C++ functions on a provided runtime (evoke's C++ runtime library), Python and Node.js functions
on evoke's bootstraps, AWS's own Node.js runtime interface client, and every way a function can
fail. Each failure must reach the caller as Lambda reports it and leave the server working."""

import base64
import io
import json
import os
import pathlib
import shutil
import subprocess
import threading
import time
import zipfile

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import EvokeServer, evoke_binary, unique_name

ROLE = "arn:aws:iam::123456789012:role/lambda-role"
CLI_V2 = os.environ.get("EVOKE_E2E_AWS_V2", "/usr/bin/aws")
CLI_V1 = os.environ.get("EVOKE_E2E_AWS_V1", "/root/.pyenv/versions/3.11.7/bin/aws")


def make_zip(entries):
    """entries: name -> bytes, or name -> (bytes, unix mode)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            mode = 0o644
            if isinstance(data, tuple):
                data, mode = data
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def cpp_example(name):
    path = evoke_binary().parent / "runtimes" / "cpp" / "examples" / name
    if not path.exists():
        pytest.fail("C++ example function %s is not built (ninja lambda_example_%s)" % (path, name))
    return path.read_bytes()


def lambda_client(endpoint, access_key, secret, timeout=120):
    return boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=access_key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}, read_timeout=timeout))


@pytest.fixture
def lam(target):
    return lambda_client(target.endpoint, target.access_key, target.secret)


@pytest.fixture
def functions(lam):
    """Creates functions with unique names; deletes them afterwards."""
    made = []

    def create(runtime, handler, files, client=None, **extra):
        client = client or lam
        name = unique_name("fn")
        client.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
                               Code={"ZipFile": make_zip(files)}, **extra)
        made.append((client, name))
        return name

    yield create
    for client, name in made:
        try:
            client.delete_function(FunctionName=name)
        except ClientError:
            pass


def invoke(lam, name, payload=None, tail=False, **extra):
    kwargs = dict(FunctionName=name, **extra)
    if payload is not None:
        kwargs["Payload"] = json.dumps(payload).encode()
    if tail:
        kwargs["LogType"] = "Tail"
    r = lam.invoke(**kwargs)
    body = r["Payload"].read()
    log = base64.b64decode(r["LogResult"]).decode() if "LogResult" in r else None
    return r, body, log


def error_of(body):
    doc = json.loads(body)
    return doc.get("errorType"), doc.get("errorMessage")


# ---- C++ functions (provided.al2023, evoke's C++ runtime library) -----------------------------

def test_cpp_echo_warm_and_cold(lam, functions):
    name = functions("provided.al2023", "echo.handler",
                     {"bootstrap": (cpp_example("echo"), 0o755)})
    r, body, log = invoke(lam, name, {"hello": "world"}, tail=True)
    assert r["StatusCode"] == 200
    assert "FunctionError" not in r
    assert r["ExecutedVersion"] == "$LATEST"
    assert json.loads(body) == {"hello": "world"}
    lines = log.strip().split("\n")
    request_id = r["ResponseMetadata"]["RequestId"]
    assert "START RequestId: %s Version: $LATEST" % request_id in lines
    assert "END RequestId: %s" % request_id in lines
    report = [l for l in lines if l.startswith("REPORT RequestId: " + request_id)]
    assert len(report) == 1
    assert "\tInit Duration: " in report[0]  # a cold start
    assert "\tMemory Size: 128 MB\t" in report[0]
    # Warm: the same sandbox, no Init Duration.
    r, body, log = invoke(lam, name, [1, 2, 3], tail=True)
    assert json.loads(body) == [1, 2, 3]
    assert "Init Duration" not in log
    # DryRun checks without running.
    r = lam.invoke(FunctionName=name, InvocationType="DryRun")
    assert r["StatusCode"] == 204


def test_cpp_failure_and_exception(lam, functions):
    fail = functions("provided.al2", "x", {"bootstrap": (cpp_example("fail"), 0o755)})
    r, body, _ = invoke(lam, fail, {})
    assert r["StatusCode"] == 200
    assert r["FunctionError"] == "Unhandled"
    assert error_of(body) == ("MyError", "this function always fails")
    throw = functions("provided", "x", {"bootstrap": (cpp_example("throw"), 0o755)})
    r, body, _ = invoke(lam, throw, {})
    assert r["FunctionError"] == "Unhandled"
    assert error_of(body) == ("std::runtime_error", "this function always throws")
    # The sandbox survives a reported error.
    r, body, log = invoke(lam, throw, {}, tail=True)
    assert "Init Duration" not in log


def test_provided_without_bootstrap(lam, functions):
    name = functions("provided.al2023", "x", {"README": b"no bootstrap here"})
    r, body, _ = invoke(lam, name, {})
    assert r["FunctionError"] == "Unhandled"
    kind, message = error_of(body)
    assert kind == "Runtime.InvalidEntrypoint"
    assert "Couldn't find valid bootstrap(s)" in message


# ---- platform failures, with a shell bootstrap speaking the Runtime API ---------------------------

SHELL_RUNTIME = b"""#!/bin/sh
# A custom runtime in shell: what the function does is chosen by the event.
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
echo "init: task root $LAMBDA_TASK_ROOT, cwd $(pwd)"
while true; do
  headers=$(mktemp)
  event=$(curl -sS -D "$headers" "$api/invocation/next") || exit 3
  id=$(grep -i '^lambda-runtime-aws-request-id:' "$headers" | cut -d' ' -f2 | tr -d '\\r')
  echo "event: $event"
  case "$event" in
    *exit*) exit 7 ;;
    *kill*) kill -SEGV $$ ;;
    *sleep*) sleep 30 ;;
    *memory*) exec python3 -c "b = b'x' * (400 * 1024 * 1024)" ;;
    *tmp*) touch /tmp/mine; ls /tmp > /dev/null; if touch /var/task/x 2>/dev/null; then ro=no; else ro=yes; fi
           curl -sS -X POST "$api/invocation/$id/response" -d "{\\"tmp\\": \\"$(ls /tmp | tr '\\n' ' ')\\", \\"task_readonly\\": \\"$ro\\"}" >/dev/null ;;
    *) curl -sS -X POST "$api/invocation/$id/response" -d "$event" >/dev/null ;;
  esac
done
"""


@pytest.fixture
def shell_function(functions):
    def make(**extra):
        return functions("provided.al2023", "x", {"bootstrap": (SHELL_RUNTIME, 0o755)}, **extra)
    return make


def test_runtime_exit_and_crash_are_reported_and_contained(lam, shell_function):
    name = shell_function()
    r, body, log = invoke(lam, name, {"do": "exit"}, tail=True)
    assert r["FunctionError"] == "Unhandled"
    kind, message = error_of(body)
    assert kind == "Runtime.ExitError"
    assert message == "RequestId: %s Error: Runtime exited with error: exit status 7" % (
        r["ResponseMetadata"]["RequestId"])
    assert "Runtime exited with error: exit status 7" in log
    # The next invocation gets a fresh sandbox.
    r, body, log = invoke(lam, name, {"do": "echo"}, tail=True)
    assert "FunctionError" not in r and json.loads(body) == {"do": "echo"}
    assert "Init Duration" in log
    r, body, _ = invoke(lam, name, {"do": "kill"})
    assert error_of(body) == ("Runtime.ExitError",
                              "RequestId: %s Error: Runtime exited with error: signal: segmentation fault"
                              % r["ResponseMetadata"]["RequestId"])


def test_timeout(lam, shell_function):
    name = shell_function(Timeout=1)
    started = time.monotonic()
    r, body, log = invoke(lam, name, {"do": "sleep"}, tail=True)
    elapsed = time.monotonic() - started
    assert r["FunctionError"] == "Unhandled"
    kind, message = error_of(body)
    assert kind == "Sandbox.Timedout"
    assert message.endswith("Task timed out after 1.00 seconds")
    assert "Task timed out after 1.00 seconds" in log
    assert "Status: timeout" in log
    assert elapsed < 10
    r, body, _ = invoke(lam, name, {"do": "echo"})
    assert json.loads(body) == {"do": "echo"}


def test_memory_limit(lam, shell_function):
    name = shell_function(MemorySize=128, Timeout=20)
    r, body, log = invoke(lam, name, {"do": "memory"}, tail=True)
    assert r["FunctionError"] == "Unhandled"
    kind, message = error_of(body)
    assert kind in ("Runtime.OutOfMemory", "Runtime.ExitError"), body
    assert "Runtime exited with error" in message
    report = [l for l in log.split("\n") if l.startswith("REPORT")][0]
    used = int(report.split("Max Memory Used: ")[1].split(" MB")[0])
    assert used >= 100, report  # measured, near the limit
    r, body, _ = invoke(lam, name, {"do": "echo"})
    assert json.loads(body) == {"do": "echo"}


def test_sandbox_view(lam, shell_function):
    marker = pathlib.Path("/tmp") / unique_name("evoke-host-marker")
    marker.write_text("the host's /tmp")
    try:
        name = shell_function()
        r, body, log = invoke(lam, name, {"do": "tmp"}, tail=True)
    finally:
        marker.unlink()
    doc = json.loads(body)
    listing = doc["tmp"].split()
    assert "mine" in listing  # a private /tmp, writable
    assert marker.name not in listing
    assert doc["task_readonly"] == "yes"
    assert "init: task root /var/task, cwd /var/task" in log or "Init Duration" in log


def test_payload_limits(lam, shell_function):
    name = shell_function()
    big = {"data": "x" * (6 * 1024 * 1024)}
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=name, Payload=json.dumps(big).encode())
    assert e.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=name, Payload=b"{not json")
    assert e.value.response["Error"]["Code"] == "InvalidRequestContentException"
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=unique_name("missing"), Payload=b"{}")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_update_retires_sandboxes(lam, functions):
    def source(version):
        return {"lambda_function.py": (
            "import os\n"
            "def lambda_handler(event, context):\n"
            "    return {'version': %d, 'color': os.environ.get('COLOR')}\n" % version).encode()}

    name = functions("python3.12", "lambda_function.lambda_handler", source(1),
                     Environment={"Variables": {"COLOR": "red"}})
    _, body, _ = invoke(lam, name, {})
    assert json.loads(body) == {"version": 1, "color": "red"}
    lam.update_function_code(FunctionName=name, ZipFile=make_zip(source(2)))
    _, body, _ = invoke(lam, name, {})
    assert json.loads(body) == {"version": 2, "color": "red"}
    lam.update_function_configuration(FunctionName=name,
                                      Environment={"Variables": {"COLOR": "blue"}})
    _, body, _ = invoke(lam, name, {})
    assert json.loads(body) == {"version": 2, "color": "blue"}


# ---- throttling, on a server of its own with a small concurrency limit ---------------------------

def test_throttling_at_the_account_limit(tmp_path):
    server = EvokeServer(tmp_path / "data", tmp_path / "logs",
                         extra_args=["--concurrency-limit", "1"])
    server.start()
    try:
        lam = lambda_client(server.endpoint, server.access_key, server.secret)
        name = unique_name("slow")
        lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=ROLE, Handler="x",
                            Code={"ZipFile": make_zip({"bootstrap": (SHELL_RUNTIME, 0o755)})},
                            Timeout=2)
        results = {}

        def slow():
            results["slow"] = invoke(lam, name, {"do": "sleep"})

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(1.0)
        with pytest.raises(ClientError) as e:
            lam.invoke(FunctionName=name, Payload=b"{}")
        t.join()
        err = e.value.response
        assert err["Error"]["Code"] == "TooManyRequestsException"
        assert err["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert err["Reason"] == "ConcurrentInvocationLimitExceeded"
        assert err["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "1"
        # Once the slow one is done, the next call is admitted.
        r, body, _ = invoke(lam, name, {"do": "echo"})
        assert json.loads(body) == {"do": "echo"}
    finally:
        server.stop()


# ---- the aws CLI ----------------------------------------------------------------------------------

@pytest.mark.parametrize("cli", ["v2", "v1"])
def test_aws_cli_invoke(target, tmp_path, functions, cli):
    exe = CLI_V2 if cli == "v2" else CLI_V1
    name = functions("provided.al2023", "x", {"bootstrap": (cpp_example("echo"), 0o755)})
    env = dict(os.environ, AWS_ACCESS_KEY_ID=target.access_key,
               AWS_SECRET_ACCESS_KEY=target.secret, AWS_DEFAULT_REGION="us-east-1",
               HOME=str(tmp_path))
    out = tmp_path / "out.json"
    args = [exe, "--endpoint-url", target.endpoint, "lambda", "invoke", "--function-name", name,
            "--payload", '{"from": "cli"}', "--log-type", "Tail"]
    if cli == "v2":
        args += ["--cli-binary-format", "raw-in-base64-out"]
    p = subprocess.run(args + [str(out)], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    meta = json.loads(p.stdout)
    assert meta["StatusCode"] == 200
    assert "START RequestId:" in base64.b64decode(meta["LogResult"]).decode()
    assert json.loads(out.read_text()) == {"from": "cli"}
