"""evoke's Python Lambda runtime: the Runtime API loop, handler loading and the context object.

Behaviour follows AWS's runtime interface client (awslambdaric): the same error types and
messages, context attributes, JSON marshalling and log formats. Start-up cost is what this file
is written around: it imports only C modules (_socket, _json) and builtins on the way to the
first /next; error shaping (traceback) and logging setup are imported only when needed.
"""

import os
import sys
import time

import _json
import _socket

FAULT_MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
FAULT_IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
FAULT_BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
FAULT_USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
FAULT_HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
FAULT_MARSHAL_ERROR = "Runtime.MarshalError"
FAULT_UNMARSHAL_ERROR = "Runtime.UnmarshalError"
FAULT_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

API_PREFIX = "/2018-06-01/runtime/"

# The request id of the invoke in progress; the logging filter reads it.
current_request_id = None


class Fault(Exception):
    """An error the runtime itself diagnoses, reported with a Runtime.* type."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


# --- JSON -------------------------------------------------------------------------------------
# The json package imports re (several ms); the C accelerator it wraps does the real work, so the
# runtime drives _json directly and falls back to json only to produce its exact error messages.


class _ScanOptions:
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__
    memo = None


_scan = _json.make_scanner(_ScanOptions())
_WHITESPACE = " \t\n\r"


def json_loads(data):
    """json.loads for the event and context headers, without importing json."""
    try:
        text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
        start = len(text) - len(text.lstrip(_WHITESPACE))
        value, end = _scan(text, start)
        if text[end:].strip(_WHITESPACE):
            raise ValueError
        return value
    except Exception:
        import json

        return json.loads(data)  # raises the error json would


def _json_default(value):
    # awslambdaric (simplejson) writes Decimals as numbers; keep them numbers.
    if type(value).__name__ == "Decimal":
        if value.is_nan():
            return float("nan")
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def json_dumps(value):
    """json.dumps with awslambdaric's settings: ', ' and ': ' separators, ASCII escapes."""
    encode = _json.make_encoder(
        {}, _json_default, _json.encode_basestring_ascii, None, ": ", ", ", False, False, True
    )
    return "".join(encode(value, 0))


# --- Runtime API client -----------------------------------------------------------------------


class RuntimeApiError(Exception):
    pass


class RuntimeApi:
    """A minimal HTTP/1.1 client on one keep-alive connection to the sandbox's Runtime API.

    http.client would pull in email.* and more at start-up; the Runtime API needs only
    Content-Length bodies (chunked is understood in case a server sends it).
    """

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.host = host.strip("[]")
        self.port = int(port)
        self.host_header = address.encode("latin-1")
        self.sock = None
        self.buf = bytearray()

    def _connect(self):
        # A bytes host keeps getaddrinfo from loading the idna codec (~1 ms at start-up).
        family, socktype, proto, _, addr = _socket.getaddrinfo(
            self.host.encode("ascii"), self.port, 0, _socket.SOCK_STREAM
        )[0]
        sock = _socket.socket(family, socktype, proto)
        sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
        sock.connect(addr)
        self.sock = sock
        self.buf = bytearray()

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def request(self, method, path, body=None, headers=b""):
        """Returns (status, headers with lower-case names, body bytes)."""
        head = b"%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: evoke-lambda-python/%d.%d\r\n%s" % (
            method, path, self.host_header, sys.version_info[0], sys.version_info[1], headers
        )
        if body is not None:
            head += b"Content-Length: %d\r\n" % len(body)
        message = head + b"\r\n" + body if body is not None and len(body) < 65536 else head + b"\r\n"
        for attempt in (0, 1):
            reused = self.sock is not None
            if not reused:
                self._connect()
            try:
                self.sock.sendall(message)
                if body is not None and len(body) >= 65536:
                    self.sock.sendall(body)
                return self._read_response(method)
            except (OSError, _StaleConnection):
                self.close()
                # A kept-alive connection the server had already closed: try once on a new one.
                if not reused or attempt:
                    raise
        raise AssertionError("unreachable")

    def _fill(self):
        chunk = self.sock.recv(262144)
        if not chunk:
            raise _StaleConnection if not self.buf else ConnectionError("Runtime API closed the connection")
        self.buf += chunk

    def _read_response(self, method):
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                break
            if self.buf and len(self.buf) > 1048576:
                raise RuntimeApiError("response head too large")
            self._fill()
        lines = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        del self.buf[: end + 4]
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if method == b"HEAD" or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "content-length" in headers:
            body = self._read_exactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            while True:
                try:
                    self._fill()
                except (_StaleConnection, ConnectionError):
                    break
            body = bytes(self.buf)
            self.buf = bytearray()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def _read_exactly(self, n):
        if len(self.buf) >= n:
            body = bytes(self.buf[:n])
            del self.buf[:n]
            return body
        body = bytearray(n)
        view = memoryview(body)
        have = len(self.buf)
        view[:have] = self.buf
        self.buf = bytearray()
        while have < n:
            got = self.sock.recv_into(view[have:])
            if not got:
                raise ConnectionError("Runtime API closed the connection mid-body")
            have += got
        return bytes(body)

    def _read_chunked(self):
        parts = []
        while True:
            while b"\r\n" not in self.buf:
                self._fill()
            line, _, rest = bytes(self.buf).partition(b"\r\n")
            self.buf = bytearray(rest)
            size = int(line.split(b";")[0], 16)
            if size == 0:
                while b"\r\n\r\n" not in b"\r\n" + self.buf:  # trailers, then the blank line
                    self._fill()
                at = (b"\r\n" + self.buf).find(b"\r\n\r\n")
                del self.buf[:at + 2]
                return b"".join(parts)
            parts.append(self._read_exactly(size))
            self._read_exactly(2)

    # Runtime API operations (aws-wire §1.1).

    def next_invocation(self):
        status, headers, body = self.request(b"GET", b"/2018-06-01/runtime/invocation/next")
        if status != 200:
            raise RuntimeApiError(
                f"Request to Lambda Runtime 'next' endpoint failed. Reason: '{status}'. "
                f"Response body: '{body.decode('utf-8', 'replace')}'"
            )
        return headers, body

    def post_response(self, request_id, body, content_type):
        path = b"%sinvocation/%s/response" % (API_PREFIX.encode(), request_id.encode("latin-1"))
        extra = b"Content-Type: %s\r\n" % content_type
        return self._post(path, body, extra, "response")

    def post_error(self, request_id, error_json, error_type):
        path = b"%sinvocation/%s/error" % (API_PREFIX.encode(), request_id.encode("latin-1"))
        return self._post(path, error_json, _error_headers(error_type), "error")

    def post_init_error(self, error_json, error_type):
        return self._post(API_PREFIX.encode() + b"init/error", error_json, _error_headers(error_type), "init/error")

    def _post(self, path, body, headers, what):
        status, _, answer = self.request(b"POST", path, body, headers)
        if status != 202:
            # awslambdaric lets this surface; keep the runtime alive and say why in the log.
            sys.stderr.write(
                f"Request to Lambda Runtime '{what}' endpoint failed. Reason: '{status}'. "
                f"Response body: '{answer.decode('utf-8', 'replace')}'\n"
            )
        return status


class _StaleConnection(Exception):
    pass


def _error_headers(error_type):
    safe = error_type.encode("ascii", "replace").replace(b"\r", b"").replace(b"\n", b"")
    return (
        b"Content-Type: application/vnd.aws.lambda.error+json\r\n"
        b"Lambda-Runtime-Function-Error-Type: %s\r\n" % safe
    )


# --- Handler loading --------------------------------------------------------------------------


def load_handler(handler):
    """Resolves `module.function` (module may be `dir/file` or dotted) as awslambdaric does."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault(FAULT_MALFORMED_HANDLER_NAME, f"Bad handler '{handler}': {e}")
    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise Fault(
                FAULT_BUILT_IN_MODULE_CONFLICT,
                f"Cannot use built-in module {module_name} as a handler module",
            )
        dotted = module_name.replace("/", ".")
        __import__(dotted)
        module = sys.modules[dotted]
    except ImportError as e:
        raise Fault(FAULT_IMPORT_MODULE_ERROR, f"Unable to import module '{module_name}': {e}")
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault(
            FAULT_USER_CODE_SYNTAX_ERROR, f"Syntax error in module '{module_name}': {e}", trace
        )
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise Fault(
            FAULT_HANDLER_NOT_FOUND, f"Handler '{function_name}' missing on module '{module_name}'"
        )


def set_sys_path(task_root, runtime_dir):
    """Task root first, then the layer directories, then the runtime's own directory (AWS's
    order: LAMBDA_TASK_ROOT -> /opt/python/lib/pythonX.Y/site-packages -> /opt/python)."""
    own = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if p and os.path.abspath(p) != own]
    opt_site = "/opt/python/lib/python%d.%d/site-packages" % sys.version_info[:2]
    front = [task_root, opt_site, "/opt/python", own]
    sys.path[:] = front + [p for p in rest if p not in front]


# --- Context ----------------------------------------------------------------------------------


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext:
    __slots__ = ["custom", "env", "client"]


def _object_from_dict(cls, values):
    if values is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, values.get(field))
    return obj


_environ = os.environ


class LambdaContext:
    """The `context` argument, with awslambdaric's attribute names and types (strings from the
    environment, memory_limit_in_mb included; the deadline as an int of epoch milliseconds)."""

    def __init__(self, request_id, client_context, cognito_identity, deadline_ms, invoked_function_arn, tenant_id=None):
        self.aws_request_id = request_id
        self.log_group_name = _environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = _environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = _environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = _environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = _environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self.client_context = _object_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _object_from_dict(Client, self.client_context.client)
        self.identity = _object_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._epoch_deadline_time_in_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        remaining = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            f"{self.__class__.__name__}([aws_request_id={self.aws_request_id},"
            f"log_group_name={self.log_group_name},log_stream_name={self.log_stream_name},"
            f"function_name={self.function_name},memory_limit_in_mb={self.memory_limit_in_mb},"
            f"function_version={self.function_version},invoked_function_arn={self.invoked_function_arn},"
            f"client_context={self.client_context},identity={self.identity},tenant_id={self.tenant_id}])"
        )


def _parse_json_header(value, name):
    try:
        return json_loads(value)
    except Exception as e:
        raise Fault(FAULT_CONTEXT_UNMARSHAL_ERROR, f"Unable to parse {name} JSON: {e}")


# --- The loop ---------------------------------------------------------------------------------


def marshal_response(response):
    if isinstance(response, bytes):
        return response, b"application/unknown"
    try:
        return json_dumps(response).encode("utf-8"), b"application/json"
    except Exception as e:
        raise Fault(FAULT_MARSHAL_ERROR, f"Unable to marshal response: {e}")


def handle_invocation(api, handler, headers, body):
    global current_request_id
    request_id = headers.get("lambda-runtime-aws-request-id", "")
    current_request_id = request_id
    trace_id = headers.get("lambda-runtime-trace-id")
    if trace_id is not None:
        _environ["_X_AMZN_TRACE_ID"] = trace_id
    elif "_X_AMZN_TRACE_ID" in _environ:
        del _environ["_X_AMZN_TRACE_ID"]
    try:
        client_context = headers.get("lambda-runtime-client-context")
        identity = headers.get("lambda-runtime-cognito-identity")
        context = LambdaContext(
            request_id,
            _parse_json_header(client_context, "Client Context") if client_context else None,
            _parse_json_header(identity, "Cognito Identity") if identity else None,
            int(headers.get("lambda-runtime-deadline-ms") or 0),
            headers.get("lambda-runtime-invoked-function-arn"),
            headers.get("lambda-runtime-aws-tenant-id"),
        )
        content_type = headers.get("content-type", "application/json")
        if content_type == "application/json":
            try:
                event = json_loads(body)
            except Exception as e:
                raise Fault(FAULT_UNMARSHAL_ERROR, f"Unable to unmarshal input: {e}")
        else:
            event = body
        result, result_type = marshal_response(handler(event, context))
    except Exception:
        import _evoke_errors

        error = _evoke_errors.invocation_error(sys.exc_info(), request_id)
        _evoke_errors.log_error(error)
        api.post_error(request_id, json_dumps(error).encode("utf-8"), error["errorType"])
        return
    api.post_response(request_id, result, result_type)


def _configure_logging(_module=None):
    import _evoke_logging

    _evoke_logging.configure()


def main():
    import _evoke_import_hooks

    # AWS's root logger handler, installed when the function (or a library) imports logging.
    _evoke_import_hooks.after_import("logging", _configure_logging)

    api = RuntimeApi(_environ["AWS_LAMBDA_RUNTIME_API"])
    task_root = _environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    set_sys_path(task_root, _environ.get("LAMBDA_RUNTIME_DIR", ""))
    try:
        handler = load_handler(_environ.get("_HANDLER", ""))
    except Exception:
        import _evoke_errors

        error = _evoke_errors.init_error(sys.exc_info())
        _evoke_errors.log_init_warning()
        _evoke_errors.log_error(error)
        api.post_init_error(json_dumps(error).encode("utf-8"), error["errorType"])
        sys.exit(1)

    while True:
        try:
            headers, body = api.next_invocation()
        except (RuntimeApiError, OSError) as e:
            # The platform is gone or refuses us (500 means: exit, aws-wire §1.1).
            sys.stderr.write(f"LAMBDA_RUNTIME Failed to get next invocation: {e}\n")
            sys.exit(1)
        handle_invocation(api, handler, headers, body)
