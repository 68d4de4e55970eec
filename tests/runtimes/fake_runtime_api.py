"""A small Runtime API (aws-wire.md §1.1) for unit tests of the runtime bootstraps.

It hands out queued events on GET /next, records every request it receives, and answers
/response, /error and /init/error with 202 as Lambda does. Not evoke: the end-to-end tests
drive the real server.
"""

import http.server
import json
import queue
import threading
import time


class FakeRuntimeApi:
    def __init__(self):
        self.events = queue.Queue()
        self.requests = []  # (method, path, headers dict, body bytes)
        self.posted = queue.Queue()  # the POSTs, in order
        self.next_waiting = threading.Event()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                entry = (self.command, self.path, dict(self.headers.items()), body)
                api.requests.append(entry)
                return entry

            def do_GET(self):
                self._record()
                if self.path != "/2018-06-01/runtime/invocation/next":
                    self._answer(404, b'{"errorType":"NotFound"}')
                    return
                api.next_waiting.set()
                request_id, payload, headers = api.events.get()
                if request_id is None:  # shutdown: make the runtime exit
                    self._answer(500, b'{"errorType":"Shutdown"}')
                    return
                api.next_waiting.clear()
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
                self.send_header(
                    "Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:us-east-1:000000000000:function:fn",
                )
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=0")
                self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self):
                entry = self._record()
                api.posted.put(entry)
                self._answer(202, b'{"status":"OK"}')

            def _answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.address = "127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def invoke(self, request_id, event, headers=None, timeout=20):
        """Queues an event and returns the runtime's POST for it: (path, headers, body)."""
        payload = event if isinstance(event, bytes) else json.dumps(event).encode()
        self.events.put((request_id, payload, headers or {}))
        _, path, post_headers, body = self.posted.get(timeout=timeout)
        return path, post_headers, body

    def wait_post(self, timeout=20):
        _, path, headers, body = self.posted.get(timeout=timeout)
        return path, headers, body

    def stop(self):
        self.events.put((None, b"", {}))
        self.server.shutdown()
        self.server.server_close()
