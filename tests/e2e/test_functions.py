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

from conftest import LAMBDA_ROLE as ROLE  # noqa: E402


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


def test_runtime_exit_during_init_is_reported(lam, functions):
    # A bootstrap that exits before its first /next: the caller gets Runtime.ExitError and the
    # log says why, as after an exit mid-invocation.
    name = functions("provided.al2023", "x",
                     {"bootstrap": (b"#!/bin/sh\necho 'giving up'\nexit 5\n", 0o755)})
    r, body, log = invoke(lam, name, {}, tail=True)
    assert r["FunctionError"] == "Unhandled"
    request_id = r["ResponseMetadata"]["RequestId"]
    message = "RequestId: %s Error: Runtime exited with error: exit status 5" % request_id
    assert error_of(body) == ("Runtime.ExitError", message)
    lines = log.rstrip("\n").split("\n")
    assert "giving up" in lines
    assert lines[-2:] == [message, "Runtime.ExitError"], log
    report = [l for l in lines if l.startswith("REPORT")][0]
    assert "Status: error\tError Type: Runtime.ExitError" in report, report


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


def test_idle_sandboxes_are_stopped(tmp_path):
    server = EvokeServer(tmp_path / "data", tmp_path / "logs",
                         extra_args=["--sandbox-idle-seconds", "1"])
    server.start()
    try:
        lam = lambda_client(server.endpoint, server.access_key, server.secret)
        name = unique_name("idle")
        lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=ROLE, Handler="x",
                            Code={"ZipFile": make_zip({"bootstrap": (SHELL_RUNTIME, 0o755)})})
        _, _, log = invoke(lam, name, {"n": 1}, tail=True)
        assert "Init Duration" in log
        _, _, log = invoke(lam, name, {"n": 2}, tail=True)
        assert "Init Duration" not in log  # warm
        time.sleep(2.5)
        # The sandbox was stopped while idle: its process is gone, and this one starts cold.
        children = subprocess.run(["pgrep", "-P", str(server.proc.pid)], capture_output=True,
                                  text=True).stdout.split()
        assert children == []
        _, body, log = invoke(lam, name, {"n": 3}, tail=True)
        assert json.loads(body) == {"n": 3} and "Init Duration" in log
    finally:
        server.stop()


# ---- the aws CLI ----------------------------------------------------------------------------------

def test_aws_cli_invoke(aws, tmp_path, functions):
    name = functions("provided.al2023", "x", {"bootstrap": (cpp_example("echo"), 0o755)})
    out = tmp_path / "out.json"
    args = ["lambda", "invoke", "--function-name", name,
            "--payload", '{"from": "cli"}', "--log-type", "Tail"]
    if aws.name == "v2":
        args += ["--cli-binary-format", "raw-in-base64-out"]
    p = aws.run(*args, out, check=False, text=True)
    assert p.returncode == 0, p.stderr
    meta = json.loads(p.stdout)
    assert meta["StatusCode"] == 200
    assert "START RequestId:" in base64.b64decode(meta["LogResult"]).decode()
    assert json.loads(out.read_text()) == {"from": "cli"}
    # The function's log, read back with the CLI.
    group = "/aws/lambda/" + name
    deadline = time.time() + 10
    while True:
        p = aws.run("logs", "filter-log-events", "--log-group-name", group, "--filter-pattern",
                    "REPORT", check=False, text=True)
        if p.returncode == 0 and json.loads(p.stdout)["events"] or time.time() > deadline:
            break
        time.sleep(0.2)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["events"][0]["message"].startswith("REPORT RequestId: ")
    if aws.name == "v2":
        p = aws.run("logs", "tail", group, check=False, text=True)
        assert p.returncode == 0, p.stderr
        assert "START RequestId: " in p.stdout and "END RequestId: " in p.stdout


# ---- Python, on evoke's bootstrap -----------------------------------------------------------------

PY_CONTEXT = b"""import json, logging, os
logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("cold start of", os.environ["AWS_LAMBDA_FUNCTION_NAME"])

def lambda_handler(event, context):
    print("got", json.dumps(event))
    logger.info("via logging")
    return {
        "event": event,
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "arn": context.invoked_function_arn,
        "memory": context.memory_limit_in_mb,
        "group": context.log_group_name,
        "stream": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "env": {k: os.environ.get(k) for k in ("AWS_REGION", "AWS_EXECUTION_ENV", "LAMBDA_TASK_ROOT",
                                               "_HANDLER", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "TZ")},
        "cwd": os.getcwd(),
    }
"""

PY_FAILURES = b"""
class MyFailure(Exception):
    pass

def raises(event, context):
    raise MyFailure("it broke: " + event["why"])

def not_json(event, context):
    return {1, 2}
"""


@pytest.mark.parametrize("runtime", ["python3.7", "python3.13"])
def test_python_handler_context_and_logs(lam, functions, runtime):
    name = functions(runtime, "lambda_function.lambda_handler",
                     {"lambda_function.py": PY_CONTEXT}, MemorySize=256, Timeout=30)
    r, body, log = invoke(lam, name, {"k": "v"}, tail=True)
    assert "FunctionError" not in r, body
    doc = json.loads(body)
    request_id = r["ResponseMetadata"]["RequestId"]
    assert doc["event"] == {"k": "v"}
    assert doc["request_id"] == request_id
    assert doc["function_name"] == name
    assert doc["function_version"] == "$LATEST"
    assert doc["arn"].endswith(":function:" + name)
    assert str(doc["memory"]) == "256"
    assert doc["group"] == "/aws/lambda/" + name
    assert doc["stream"].split("/")[3].startswith("[$LATEST]")
    assert 25000 < doc["remaining"] <= 30000
    assert doc["env"] == {"AWS_REGION": "us-east-1", "AWS_EXECUTION_ENV": "AWS_Lambda_" + runtime,
                          "LAMBDA_TASK_ROOT": "/var/task", "_HANDLER": "lambda_function.lambda_handler",
                          "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "TZ": ":UTC"}
    assert doc["cwd"] == "/var/task"
    lines = log.split("\n")
    assert "cold start of " + name in lines
    assert 'got {"k": "v"}' in lines
    info = [l for l in lines if l.startswith("[INFO]")]
    assert len(info) == 1 and info[0].endswith("\t" + request_id + "\tvia logging")
    # The same through the CloudWatch Logs API: one stream for the sandbox.
    logs = boto3.client("logs", endpoint_url=lam.meta.endpoint_url, region_name="us-east-1",
                        aws_access_key_id=lam._request_signer._credentials.access_key,
                        aws_secret_access_key=lam._request_signer._credentials.secret_key)
    deadline = time.time() + 10
    while True:
        # Log delivery is asynchronous, as in CloudWatch: the group appears shortly.
        try:
            streams = logs.describe_log_streams(logGroupName="/aws/lambda/" + name)["logStreams"]
        except logs.exceptions.ResourceNotFoundException:
            streams = []
        events = []
        if streams:
            events = logs.get_log_events(logGroupName="/aws/lambda/" + name,
                                         logStreamName=streams[0]["logStreamName"],
                                         startFromHead=True)["events"]
        messages = [e["message"] for e in events]
        if any(m.startswith("REPORT RequestId: " + request_id) for m in messages) or time.time() > deadline:
            break
        time.sleep(0.2)
    assert [s["logStreamName"] for s in streams] == [doc["stream"]]
    assert "START RequestId: %s Version: $LATEST" % request_id in messages
    assert "END RequestId: %s" % request_id in messages
    report = [m for m in messages if m.startswith("REPORT RequestId: " + request_id)]
    assert len(report) == 1 and "Init Duration" in report[0]


def test_python_errors(lam, functions):
    name = functions("python3.12", "app.raises", {"app.py": PY_FAILURES})
    r, body, log = invoke(lam, name, {"why": "bad input"}, tail=True)
    assert r["FunctionError"] == "Unhandled"
    doc = json.loads(body)
    assert doc["errorType"] == "MyFailure"
    assert doc["errorMessage"] == "it broke: bad input"
    assert doc["requestId"] == r["ResponseMetadata"]["RequestId"]
    assert any("raise MyFailure" in frame for frame in doc["stackTrace"])
    assert "[ERROR] MyFailure: it broke: bad input" in log
    # A reported error keeps the sandbox.
    r, body, log = invoke(lam, name, {"why": "again"}, tail=True)
    assert "Init Duration" not in log

    lam.update_function_configuration(FunctionName=name, Handler="app.not_json")
    r, body, _ = invoke(lam, name, {})
    assert error_of(body)[0] == "Runtime.MarshalError"

    lam.update_function_configuration(FunctionName=name, Handler="app.missing")
    r, body, _ = invoke(lam, name, {})
    assert r["FunctionError"] == "Unhandled"
    assert error_of(body) == ("Runtime.HandlerNotFound", "Handler 'missing' missing on module 'app'")

    lam.update_function_configuration(FunctionName=name, Handler="nowhere.handler")
    r, body, log = invoke(lam, name, {}, tail=True)
    assert error_of(body) == ("Runtime.ImportModuleError",
                              "Unable to import module 'nowhere': No module named 'nowhere'")
    assert "Runtime.ImportModuleError" in log


def test_python_oom_and_exit(lam, functions):
    source = (b"import os\n"
              b"def grow(event, context):\n"
              b"    blocks = []\n"
              b"    while True:\n"
              b"        blocks.append(b'x' * (16 * 1024 * 1024))\n"
              b"def leave(event, context):\n"
              b"    os._exit(3)\n")
    name = functions("python3.11", "app.grow", {"app.py": source}, MemorySize=128, Timeout=30)
    r, body, log = invoke(lam, name, {}, tail=True)
    assert r["FunctionError"] == "Unhandled"
    kind, message = error_of(body)
    assert kind == "Runtime.OutOfMemory", body
    assert message.endswith("Error: Runtime exited with error: signal: killed")
    assert "Error Type: Runtime.OutOfMemory" in log
    lam.update_function_configuration(FunctionName=name, Handler="app.leave")
    r, body, _ = invoke(lam, name, {})
    assert error_of(body)[0] == "Runtime.ExitError"
    assert error_of(body)[1].endswith("Runtime exited with error: exit status 3")


def test_python_endless_loop_times_out(lam, functions):
    name = functions("python3.12", "app.spin",
                     {"app.py": b"def spin(event, context):\n    while True:\n        pass\n"},
                     Timeout=1)
    r, body, log = invoke(lam, name, {}, tail=True)
    assert error_of(body)[0] == "Sandbox.Timedout"
    assert error_of(body)[1].endswith("Task timed out after 1.00 seconds")
    # The server and other functions keep working.
    other = functions("python3.12", "app.ok", {"app.py": b"def ok(e, c):\n    return 'ok'\n"})
    _, body, _ = invoke(lam, other, {})
    assert json.loads(body) == "ok"


# ---- Node.js: evoke's bootstrap and AWS's runtime interface client ------------------------------------

NODE_HANDLERS = {
    "index.js": b"""
exports.handler = async (event, context) => {
  console.log("got", JSON.stringify(event));
  return {event, requestId: context.awsRequestId, name: context.functionName,
          remaining: context.getRemainingTimeInMillis(), memory: context.memoryLimitInMB};
};
exports.callback = (event, context, callback) => { callback(null, {cb: event.n * 2}); };
exports.fails = async () => { throw new TypeError("wrong type"); };
""",
    "esm.mjs": b"export const handler = async (event) => ({esm: true, event});\n",
}


def test_node_handlers(lam, functions):
    name = functions("nodejs20.x", "index.handler", NODE_HANDLERS)
    r, body, log = invoke(lam, name, {"n": 21}, tail=True)
    assert "FunctionError" not in r, body
    doc = json.loads(body)
    assert doc["event"] == {"n": 21} and doc["name"] == name
    assert doc["requestId"] == r["ResponseMetadata"]["RequestId"]
    assert 0 < doc["remaining"] <= 3000
    assert str(doc["memory"]) == "128"
    assert any(l.endswith('\tINFO\tgot {"n":21}') and doc["requestId"] in l for l in log.split("\n"))

    lam.update_function_configuration(FunctionName=name, Handler="index.callback")
    _, body, _ = invoke(lam, name, {"n": 21})
    assert json.loads(body) == {"cb": 42}
    lam.update_function_configuration(FunctionName=name, Handler="esm.handler")
    _, body, _ = invoke(lam, name, {"n": 1})
    assert json.loads(body) == {"esm": True, "event": {"n": 1}}
    lam.update_function_configuration(FunctionName=name, Handler="index.fails")
    r, body, _ = invoke(lam, name, {})
    assert r["FunctionError"] == "Unhandled"
    doc = json.loads(body)
    assert (doc["errorType"], doc["errorMessage"]) == ("TypeError", "wrong type")
    assert isinstance(doc["trace"], list)
    lam.update_function_configuration(FunctionName=name, Handler="missing.handler")
    r, body, _ = invoke(lam, name, {})
    assert error_of(body)[0] == "Runtime.ImportModuleError"


def ric_entry():
    base = pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache"))
    entry = base / "evoke" / "aws-lambda-ric-3.3.0" / "node_modules" / "aws-lambda-ric" / "bin" / "index.mjs"
    if not entry.exists():
        pytest.fail("aws-lambda-ric 3.3.0 is not installed (scripts/install-deps --test): %s" % entry)
    return entry


def test_aws_lambda_ric(lam, functions):
    """AWS's own, unmodified Node.js runtime interface client as a custom runtime."""
    bootstrap = ('#!/bin/sh\nexec /usr/bin/node %s "$_HANDLER"\n' % ric_entry()).encode()
    name = functions("provided.al2023", "index.handler",
                     {"bootstrap": (bootstrap, 0o755), "index.js": NODE_HANDLERS["index.js"]})
    r, body, log = invoke(lam, name, {"n": 2}, tail=True)
    assert "FunctionError" not in r, body
    doc = json.loads(body)
    assert doc["event"] == {"n": 2}
    assert doc["requestId"] == r["ResponseMetadata"]["RequestId"]
    # Warm, then a function error through the same client.
    r, body, log = invoke(lam, name, {"n": 3}, tail=True)
    assert json.loads(body)["event"] == {"n": 3} and "Init Duration" not in log
    lam.update_function_configuration(FunctionName=name, Handler="index.fails")
    r, body, _ = invoke(lam, name, {})
    assert r["FunctionError"] == "Unhandled"
    assert json.loads(body)["errorType"] == "TypeError"


# ---- layers, unpacked at /opt -------------------------------------------------------------------

def test_layers_at_opt(lam, functions):
    made = []
    try:
        first = lam.publish_layer_version(
            LayerName=unique_name("lib"), Content={"ZipFile": make_zip({
                "python/greeting.py": b"WORD = 'first'\n",
                "python/only_first.py": b"HERE = True\n"})})
        made.append(first)
        second = lam.publish_layer_version(
            LayerName=unique_name("lib"), Content={"ZipFile": make_zip({
                "python/greeting.py": b"WORD = 'second'\n"})})
        made.append(second)
        runtime = lam.publish_layer_version(
            LayerName=unique_name("runtime"),
            Content={"ZipFile": make_zip({"bootstrap": (cpp_example("echo"), 0o755)})})
        made.append(runtime)
        name = functions("python3.12", "app.handler", {"app.py": (
            b"import greeting, only_first\n"
            b"def handler(event, context):\n"
            b"    return {'word': greeting.WORD, 'first': only_first.HERE, 'file': greeting.__file__}\n")},
            Layers=[first["LayerVersionArn"], second["LayerVersionArn"]])
        r, body, _ = invoke(lam, name, {})
        assert "FunctionError" not in r, body
        # Later layers win, as Lambda extracts them in order into /opt.
        assert json.loads(body) == {"word": "second", "first": True, "file": "/opt/python/greeting.py"}
        # A custom runtime's bootstrap can come from a layer.
        name = functions("provided.al2023", "x", {"README": b"code without a bootstrap"},
                         Layers=[runtime["LayerVersionArn"]])
        r, body, _ = invoke(lam, name, {"via": "layer"})
        assert json.loads(body) == {"via": "layer"}
    finally:
        for layer in made:
            arn = layer["LayerArn"]
            lam.delete_layer_version(LayerName=arn, VersionNumber=layer["Version"])


def test_reserved_concurrency_zero_throttles(lam, functions):
    name = functions("provided.al2023", "x", {"bootstrap": (cpp_example("echo"), 0o755)})
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=name, Payload=b"{}")
    err = e.value.response
    assert err["Error"]["Code"] == "TooManyRequestsException"
    assert err["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    lam.delete_function_concurrency(FunctionName=name)
    r, body, _ = invoke(lam, name, {"ok": 1})
    assert json.loads(body) == {"ok": 1}
