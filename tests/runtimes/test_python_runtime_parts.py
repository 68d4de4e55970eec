"""Unit tests of the pure parts of the Python runtime: handler resolution, error shaping, JSON,
the context object and the logging format. Expected strings are awslambdaric's."""

import decimal
import io
import json
import logging
import sys
import time
import uuid

import pytest

import _evoke_errors
import _evoke_logging
import _evoke_runtime
from _evoke_runtime import Fault


@pytest.fixture
def task_root(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def unique(prefix):
    return prefix + uuid.uuid4().hex[:8]


def test_handler_in_module(task_root):
    name = unique("mod_")
    (task_root / f"{name}.py").write_text("def handler(e, c):\n    return 'hi'\n")
    assert _evoke_runtime.load_handler(f"{name}.handler")(None, None) == "hi"


def test_handler_in_subdirectory_with_slash(task_root):
    folder = unique("dir_")
    (task_root / folder).mkdir()
    (task_root / folder / "app.py").write_text("def run(e, c):\n    return 'nested'\n")
    assert _evoke_runtime.load_handler(f"{folder}/app.run")(None, None) == "nested"


def test_missing_module(task_root):
    name = unique("nomod_")
    with pytest.raises(Fault) as info:
        _evoke_runtime.load_handler(f"{name}.handler")
    assert info.value.error_type == "Runtime.ImportModuleError"
    assert info.value.message == f"Unable to import module '{name}': No module named '{name}'"


def test_missing_handler(task_root):
    name = unique("mod_")
    (task_root / f"{name}.py").write_text("x = 1\n")
    with pytest.raises(Fault) as info:
        _evoke_runtime.load_handler(f"{name}.nothere")
    assert info.value.error_type == "Runtime.HandlerNotFound"
    assert info.value.message == f"Handler 'nothere' missing on module '{name}'"


def test_malformed_handler():
    with pytest.raises(Fault) as info:
        _evoke_runtime.load_handler("nodot")
    assert info.value.error_type == "Runtime.MalformedHandlerName"
    assert info.value.message == "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)"


def test_builtin_module_conflict():
    with pytest.raises(Fault) as info:
        _evoke_runtime.load_handler("sys.handler")
    assert info.value.error_type == "Runtime.BuiltInModuleConflict"
    assert info.value.message == "Cannot use built-in module sys as a handler module"


def test_syntax_error(task_root):
    name = unique("syn_")
    (task_root / f"{name}.py").write_text("def handler(e, c):\n    return (\n")
    with pytest.raises(Fault) as info:
        _evoke_runtime.load_handler(f"{name}.handler")
    assert info.value.error_type == "Runtime.UserCodeSyntaxError"
    assert info.value.message.startswith(f"Syntax error in module '{name}': ")
    assert info.value.trace[0].startswith(f'  File "{task_root}/{name}.py" Line 2\n')


def test_sys_path_order(monkeypatch):
    monkeypatch.setattr(sys, "path", ["/somewhere", _evoke_runtime.os.path.dirname(_evoke_runtime.__file__), "/usr/lib/python3.11"])
    _evoke_runtime.set_sys_path("/var/task", "/var/runtime")
    major_minor = "%d.%d" % sys.version_info[:2]
    own = _evoke_runtime.os.path.dirname(_evoke_runtime.__file__)
    assert sys.path[:4] == ["/var/task", f"/opt/python/lib/python{major_minor}/site-packages", "/opt/python", own]
    assert sys.path[4:] == ["/somewhere", "/usr/lib/python3.11"]


def raise_inside_user_code():
    raise ValueError("boom")


def test_invocation_error_shape():
    try:
        raise_inside_user_code()
    except ValueError:
        error = _evoke_errors.invocation_error(sys.exc_info(), "req-1")
    assert list(error) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert error["errorMessage"] == "boom"
    assert error["errorType"] == "ValueError"
    assert error["requestId"] == "req-1"
    assert error["stackTrace"][-1].endswith('in raise_inside_user_code\n    raise ValueError("boom")\n')
    assert "^" not in "".join(error["stackTrace"])  # plain tuples: no column carets


def test_fault_error_shape_and_log_text():
    fault = Fault("Runtime.ImportModuleError", "Unable to import module 'x': No module named 'x'")
    try:
        raise fault
    except Fault:
        error = _evoke_errors.init_error(sys.exc_info())
    assert error == {
        "errorMessage": "Unable to import module 'x': No module named 'x'",
        "errorType": "Runtime.ImportModuleError",
        "requestId": "",
        "stackTrace": [],
    }
    assert _evoke_errors.error_log_text(error) == (
        "[ERROR] Runtime.ImportModuleError: Unable to import module 'x': No module named 'x'\r"
        "Traceback (most recent call last):\n"
    )


def test_log_text_keeps_one_event_with_no_break_indent():
    error = _evoke_errors.make_error("boom", "ValueError", ['  File "/var/task/a.py", line 3, in h\n    raise ValueError("boom")\n'])
    text = _evoke_errors.error_log_text(error)
    assert text == (
        "[ERROR] ValueError: boom\rTraceback (most recent call last):\r"
        "\u00a0\u00a0File \"/var/task/a.py\", line 3, in h\r"
        "\u00a0\u00a0\u00a0\u00a0raise ValueError(\"boom\")\n"
    )
    assert text.count("\n") == 1


@pytest.mark.parametrize("value", [
    {"a": [1, 2.5, None, True, False, "é", {"b": "c\n\"q\""}]},
    [], "text", 3, -0.1, None, {"nested": {"x": [{}]}}, 1e300,
])
def test_json_matches_stdlib(value):
    assert _evoke_runtime.json_dumps(value) == json.dumps(value)
    encoded = json.dumps(value).encode()
    assert _evoke_runtime.json_loads(encoded) == json.loads(encoded)
    assert _evoke_runtime.json_loads(b"  " + encoded + b"\n") == json.loads(encoded)


def test_json_load_errors_are_jsons():
    with pytest.raises(json.JSONDecodeError) as info:
        _evoke_runtime.json_loads(b"not json")
    assert str(info.value) == "Expecting value: line 1 column 1 (char 0)"
    with pytest.raises(json.JSONDecodeError):
        _evoke_runtime.json_loads(b"{} trailing")


def test_marshal_response():
    assert _evoke_runtime.marshal_response({"a": decimal.Decimal("2")}) == (b'{"a": 2}', b"application/json")
    assert _evoke_runtime.marshal_response(decimal.Decimal("1.5")) == (b"1.5", b"application/json")
    assert _evoke_runtime.marshal_response(b"\x00raw") == (b"\x00raw", b"application/unknown")
    with pytest.raises(Fault) as info:
        _evoke_runtime.marshal_response({"s": {1}})
    assert info.value.error_type == "Runtime.MarshalError"
    assert info.value.message == "Unable to marshal response: Object of type set is not JSON serializable"


def test_context(monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
    monkeypatch.setenv("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/fn")
    monkeypatch.setenv("AWS_LAMBDA_LOG_STREAM_NAME", "2024/01/01/[$LATEST]abc")
    deadline = int(time.time() * 1000) + 5000
    context = _evoke_runtime.LambdaContext(
        "rid", {"custom": {"k": "v"}, "client": {"app_title": "t"}},
        {"cognitoIdentityId": "id", "cognitoIdentityPoolId": "pool"}, deadline, "arn:x",
    )
    assert context.aws_request_id == "rid"
    assert context.function_name == "fn"
    assert context.memory_limit_in_mb == "256"  # a string, as in awslambdaric
    assert context.function_version == "$LATEST"
    assert context.log_group_name == "/aws/lambda/fn"
    assert context.log_stream_name == "2024/01/01/[$LATEST]abc"
    assert context.invoked_function_arn == "arn:x"
    assert context.client_context.custom == {"k": "v"}
    assert context.client_context.env is None
    assert context.client_context.client.app_title == "t"
    assert context.identity.cognito_identity_id == "id"
    assert context.identity.cognito_identity_pool_id == "pool"
    assert 4000 < context.get_remaining_time_in_millis() <= 5000
    bare = _evoke_runtime.LambdaContext("rid", None, None, 0, None)
    assert bare.client_context is None
    assert bare.identity.cognito_identity_id is None
    assert bare.get_remaining_time_in_millis() == 0


def test_logging_line_format(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(_evoke_runtime, "current_request_id", "req-9")
    monkeypatch.setattr(logging.Formatter, "converter", time.gmtime)
    logger = logging.getLogger(unique("test_"))
    logger.propagate = False
    logger.addHandler(_evoke_logging.make_handler())
    logger.warning("hello %s", "world")
    line = out.getvalue()
    level, stamp, request_id, message = line.split("\t")
    assert level == "[WARNING]"
    assert len(stamp) == len("2024-01-01T00:00:00.000Z") and stamp.endswith("Z") and stamp[10] == "T"
    assert request_id == "req-9"
    assert message == "hello world\n"
