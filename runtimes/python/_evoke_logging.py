"""The root logger handler AWS's Python runtime installs, set up when `logging` is first imported.

Lines look like "[INFO]\t2024-05-01T12:00:00.123Z\t<request id>\t<message>". As on AWS the root
logger keeps Python's default level (WARNING) unless AWS_LAMBDA_LOG_LEVEL says otherwise, so
logger.info() needs logger.setLevel(logging.INFO) in the function, exactly as there.
"""

import logging
import sys
import time

import _evoke_runtime

FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


class LambdaLoggerHandler(logging.Handler):
    def emit(self, record):
        try:
            sys.stdout.write(self.format(record))
        except Exception:
            self.handleError(record)


class LambdaLoggerFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _evoke_runtime.current_request_id or ""
        return True


def make_handler():
    handler = LambdaLoggerHandler()
    handler.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT))
    handler.addFilter(LambdaLoggerFilter())
    return handler


def configure():
    logging.Formatter.converter = time.gmtime
    root = logging.getLogger()
    root.addHandler(make_handler())
    level = (_evoke_runtime._environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
    if level in logging._nameToLevel:
        root.setLevel(level)
