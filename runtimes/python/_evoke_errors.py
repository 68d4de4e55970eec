"""Error shaping for the Python runtime, imported only when something failed.

The JSON posted to the Runtime API and the lines written to the log are awslambdaric's:
{"errorMessage", "errorType", "requestId", "stackTrace"}, and one log event
"[ERROR] Type: message\rTraceback (most recent call last):\r..." (carriage returns keep the
whole report in one log event; leading spaces of trace lines become no-break spaces, as AWS
writes them).
"""

import os
import sys
import traceback

import _evoke_runtime

_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_LINE_SEPARATOR = "\r"
_INDENT = "\u00a0"

LAMBDA_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, "
    "or can be applied automatically. To determine if the runtime has been updated, check the "
    "runtime version in the INIT_START log entry. If this error correlates with a change in the "
    "runtime version, you may be able to mitigate this error by temporarily rolling back to the "
    "previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message if message else "",
        "errorType": error_type if error_type else "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def user_frames(tb):
    """The traceback's frames from the first one outside the runtime on (awslambdaric drops its
    own leading bootstrap frames the same way)."""
    frames = traceback.extract_tb(tb)
    for i, frame in enumerate(frames):
        if not frame.filename.startswith(_RUNTIME_DIR):
            return frames[i:]
    return frames


def _fault_or_exception(exc_info, request_id):
    error_type, value, tb = exc_info
    if isinstance(value, _evoke_runtime.Fault):
        return make_error(value.message, value.error_type, value.trace, request_id)
    # Plain (file, line, name, text) tuples, as awslambdaric formats them: no column carets.
    frames = [(f.filename, f.lineno, f.name, f.line) for f in user_frames(tb)]
    return make_error(str(value), error_type.__name__, traceback.format_list(frames), request_id)


def invocation_error(exc_info, request_id):
    return _fault_or_exception(exc_info, request_id)


def init_error(exc_info):
    return _fault_or_exception(exc_info, None)


def _with_indent(line):
    stripped = line.lstrip(" ")
    return _INDENT * (len(line) - len(stripped)) + stripped


def error_log_text(error):
    """The log event awslambdaric writes for an error, newline-terminated."""
    description = "[ERROR]"
    if error.get("errorType"):
        description += " " + error["errorType"]
    if error.get("errorMessage"):
        if error.get("errorType"):
            description += ":"
        description += " " + error["errorMessage"]
    lines = [description]
    stack_trace = error.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                lines.extend(_with_indent(line) for line in element.splitlines())
    return _LINE_SEPARATOR.join(lines) + "\n"


def log_error(error):
    sys.stdout.write(error_log_text(error))
    sys.stdout.flush()


def log_init_warning():
    import logging

    logging.warning(LAMBDA_WARNING)
