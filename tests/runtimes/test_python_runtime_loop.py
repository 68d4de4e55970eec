"""The Python bootstrap run as a process against a small Runtime API written here (not evoke:
the end-to-end tests drive the real server)."""

import json
import os
import subprocess
import sys

import pytest

from conftest import PYTHON_RUNTIME
from fake_runtime_api import FakeRuntimeApi

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

HANDLERS = '''
import logging, os
logging.getLogger().setLevel(logging.INFO)
def ok(event, context):
    print("plain print", event["n"])
    logging.info("logged")
    return {"n": event["n"], "id": context.aws_request_id, "arn": context.invoked_function_arn,
            "trace": os.environ.get("_X_AMZN_TRACE_ID"), "mem": context.memory_limit_in_mb,
            "left": context.get_remaining_time_in_millis() > 0}
def fails(event, context):
    raise KeyError("nope")
def unserializable(event, context):
    return {1, 2}
'''


@pytest.fixture
def runtime(tmp_path):
    (tmp_path / "app.py").write_text(HANDLERS)
    started = []

    def start(handler):
        api = FakeRuntimeApi()
        env = dict(
            os.environ, AWS_LAMBDA_RUNTIME_API=api.address, _HANDLER=handler,
            LAMBDA_TASK_ROOT=str(tmp_path), PYTHONPATH=PYTHON_RUNTIME, PYTHONUNBUFFERED="1",
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
        )
        env.pop("AWS_LAMBDA_LOG_LEVEL", None)
        proc = subprocess.Popen(
            [PYTHON, "-u", os.path.join(PYTHON_RUNTIME, "bootstrap.py")], cwd=str(tmp_path), env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        started.append((api, proc))
        return api, proc

    yield start
    for api, proc in started:
        proc.kill()
        proc.wait()
        api.stop()


def test_response_and_logs(runtime):
    api, proc = runtime("app.ok")
    path, headers, body = api.invoke("req-1", {"n": 7})
    assert path == "/2018-06-01/runtime/invocation/req-1/response"
    assert headers["Content-Type"] == "application/json"
    result = json.loads(body)
    assert result == {"n": 7, "id": "req-1", "arn": "arn:aws:lambda:us-east-1:000000000000:function:fn",
                      "trace": "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=0", "mem": "128", "left": True}
    path, _, body = api.invoke("req-2", {"n": 8})
    assert path.endswith("/req-2/response") and json.loads(body)["n"] == 8
    api.stop()
    out, _ = proc.communicate(timeout=10)
    lines = out.decode().splitlines()
    assert lines[0] == "plain print 7"
    assert lines[1].startswith("[INFO]\t") and lines[1].endswith("\treq-1\tlogged")
    assert lines[2] == "plain print 8"
    # One keep-alive connection: every request arrived with the same Host and no reconnect noise.
    assert [r[0] for r in api.requests] == ["GET", "POST", "GET", "POST", "GET"]


def test_handler_exception(runtime):
    api, proc = runtime("app.fails")
    path, headers, body = api.invoke("req-3", {})
    assert path == "/2018-06-01/runtime/invocation/req-3/error"
    assert headers["Lambda-Runtime-Function-Error-Type"] == "KeyError"
    error = json.loads(body)
    assert error["errorType"] == "KeyError"
    assert error["errorMessage"] == "'nope'"
    assert error["requestId"] == "req-3"
    assert error["stackTrace"][0].startswith('  File "') and "app.py" in error["stackTrace"][0]
    assert all("_evoke_runtime" not in frame for frame in error["stackTrace"])
    api.stop()
    out, _ = proc.communicate(timeout=10)
    assert out.decode().startswith("[ERROR] KeyError: 'nope'\rTraceback (most recent call last):\r")


def test_marshal_error(runtime):
    api, _ = runtime("app.unserializable")
    path, headers, body = api.invoke("req-4", {})
    assert path.endswith("/req-4/error")
    assert headers["Lambda-Runtime-Function-Error-Type"] == "Runtime.MarshalError"
    assert json.loads(body)["errorMessage"] == "Unable to marshal response: Object of type set is not JSON serializable"


def test_init_error_posts_and_exits(runtime):
    api, proc = runtime("missing_module.handler")
    path, headers, body = api.wait_post()
    assert path == "/2018-06-01/runtime/init/error"
    assert headers["Lambda-Runtime-Function-Error-Type"] == "Runtime.ImportModuleError"
    assert json.loads(body) == {
        "errorMessage": "Unable to import module 'missing_module': No module named 'missing_module'",
        "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": [],
    }
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 1
    lines = out.decode().split("\n")  # not splitlines: the error report is one line with \r in it
    assert lines[0].startswith("[WARNING]\t") and "\t\tLAMBDA_WARNING: Unhandled exception." in lines[0]
    assert lines[1] == ("[ERROR] Runtime.ImportModuleError: Unable to import module 'missing_module': "
                        "No module named 'missing_module'\rTraceback (most recent call last):")
    assert not any(r[1].endswith("/next") for r in api.requests)


def test_startup_imports_stay_small(tmp_path):
    """The cold-start budget: no json, re, logging, http or traceback before the first /next."""
    (tmp_path / "app.py").write_text("def h(e, c):\n    return None\n")
    probe = (
        "import sys, runpy; sys.argv = [sys.argv[0]];\n"
        "import _evoke_runtime\n"
        "def stop(self):\n"
        "    print(sorted(m for m in sys.modules if m in ('json','re','logging','http','http.client','traceback','email','socket')))\n"
        "    raise SystemExit(0)\n"
        "_evoke_runtime.RuntimeApi.next_invocation = stop\n"
        "_evoke_runtime.main()\n"
    )
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API="127.0.0.1:9", _HANDLER="app.h", LAMBDA_TASK_ROOT=str(tmp_path),
               PYTHONPATH=PYTHON_RUNTIME)
    out = subprocess.run([PYTHON, "-c", probe], cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "[]", out.stderr
