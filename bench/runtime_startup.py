#!/usr/bin/env python3
"""Start-up and warm-invoke cost of the runtime bootstraps, measured against a bare Runtime API.

Start-up: from spawning the runtime to its first GET /next arriving (what evoke reports as Init
Duration), compared with `python3 -c pass` / `node -e 0` run to completion. Warm: one event
handed out on /next until its /response arrives, over a kept-alive connection, no-op handler.

usage: bench/runtime_startup.py [runs]   (run from the repository root)
"""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
RIC = os.path.expanduser(
    os.environ.get("XDG_CACHE_HOME", "~/.cache") + "/evoke/aws-lambda-ric-3.3.0/node_modules/aws-lambda-ric/bin/index.mjs"
)


def read_request(conn, buf):
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        rest += conn.recv(65536)
    return head, rest[length:]


def event_response(request_id):
    body = b"{}"
    return (
        b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: %s\r\nLambda-Runtime-Deadline-Ms: %d\r\n"
        b"Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:f\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
        % (request_id, int(time.time() * 1000) + 60000, len(body), body)
    )


def run_runtime(argv, task_root, handler, warm_invokes):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    env = dict(
        os.environ,
        AWS_LAMBDA_RUNTIME_API="127.0.0.1:%d" % listener.getsockname()[1],
        _HANDLER=handler,
        LAMBDA_TASK_ROOT=task_root,
        LAMBDA_RUNTIME_DIR=os.path.join(ROOT, "runtimes"),
        PYTHONPATH=os.path.join(ROOT, "runtimes", "python"),
        PYTHONUNBUFFERED="1",
    )
    start = time.perf_counter()
    proc = subprocess.Popen(argv + ([handler] if "index.mjs" in argv[-1] else []), cwd=task_root, env=env,
                            stdout=subprocess.DEVNULL)
    conn, _ = listener.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    _, buf = read_request(conn, b"")
    init_ms = (time.perf_counter() - start) * 1000
    warm = []
    for i in range(warm_invokes):
        t = time.perf_counter()
        conn.sendall(event_response(b"r%d" % i))
        _, buf = read_request(conn, buf)  # POST response
        conn.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}")
        _, buf = read_request(conn, buf)  # next GET
        warm.append((time.perf_counter() - t) * 1000)
    proc.kill()
    proc.wait()
    conn.close()
    listener.close()
    return init_ms, warm


def bare(argv):
    start = time.perf_counter()
    subprocess.run(argv)
    return (time.perf_counter() - start) * 1000


def p50(values):
    return statistics.median(values)


def main():
    task = tempfile.mkdtemp()
    with open(os.path.join(task, "app.py"), "w") as f:
        f.write("def handler(event, context):\n    return None\n")
    with open(os.path.join(task, "index.js"), "w") as f:
        f.write("exports.handler = async () => null;\n")
    cases = [
        ("python3 -c pass", lambda: bare(["/usr/bin/python3", "-c", "pass"])),
        ("python bootstrap to first /next", lambda: run_runtime(
            ["/usr/bin/python3", "-u", os.path.join(ROOT, "runtimes/python/bootstrap.py")], task, "app.handler", 0)[0]),
        ("node -e 0", lambda: bare(["node", "-e", "0"])),
        ("node bootstrap to first /next", lambda: run_runtime(
            ["node", os.path.join(ROOT, "runtimes/node/bootstrap.js")], task, "index.handler", 0)[0]),
    ]
    if os.path.exists(RIC):
        cases.append(("aws-lambda-ric 3.3.0 to first /next", lambda: run_runtime(["node", RIC], task, "index.handler", 0)[0]))
    for name, fn in cases:
        fn()  # warm the page cache and bytecode caches
        times = [fn() for _ in range(RUNS)]
        print(f"{name:40s} p50 {p50(times):7.1f} ms  min {min(times):7.1f} ms")
    for name, argv, handler in [
        ("python warm invoke", ["/usr/bin/python3", "-u", os.path.join(ROOT, "runtimes/python/bootstrap.py")], "app.handler"),
        ("node warm invoke", ["node", os.path.join(ROOT, "runtimes/node/bootstrap.js")], "index.handler"),
    ] + ([("aws-lambda-ric warm invoke", ["node", RIC], "index.handler")] if os.path.exists(RIC) else []):
        _, warm = run_runtime(argv, task, handler, 1000)
        warm = warm[100:]
        print(f"{name:40s} p50 {p50(warm) * 1000:7.0f} us  p99 {sorted(warm)[int(len(warm) * 0.99)] * 1000:7.0f} us")


if __name__ == "__main__":
    main()
