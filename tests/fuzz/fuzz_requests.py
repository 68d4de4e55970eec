#!/usr/bin/env python3
"""Request fuzzer for evoke: starts its own evoke server (a copy of --bin, default $EVOKE_BIN)
and sends it random and mutated HTTP requests over raw sockets for every protocol it speaks (S3
rest-xml, Lambda and Scheduler rest-json, Logs and EventBridge awsJson1.1, awsQuery, RPCv2-CBOR,
/_evoke/), signed with SigV4 (botocore), badly signed, presigned and unsigned, with truncated
bodies, oversize Content-Length and malformed HTTP. Used by tests/fuzz/run.sh (the test suite)
and by hand; see tests/fuzz/README.md. The requests come from fuzz_inputs.py (seeds and
mutations); this file starts the server, sends, checks. Python 3 stdlib + botocore only.

Checked for every request: the server does not crash (the process exits, or an ASan/UBSan line
appears on its stderr), answers no 5xx except 501 (and ALLOWED_5XX), and answers or closes
within the socket timeout. After the run it must still answer signed ListBuckets and
ListFunctions with 200. Each failing input is saved in --out as the bytes sent (.raw), a
replayable request in the corpus format (.json) and why (.txt); a crash restarts the server.

--replay DIR sends every *.json of a corpus folder instead (signed at send time, so the date
never expires). Prints its seed; always ends with "fuzz: N passed, M failed"; exit 0 iff M == 0.
"""

import argparse
import base64
import hashlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fuzz_inputs import ACCESS_KEY, ROLE, SECRET_KEY, Req, generate
from urllib.parse import quote

REGION = "us-east-1"
READY_RE = re.compile(rb"^evoke listening on http://127\.0\.0\.1:(\d+)\s*$")
SANITIZER_RE = re.compile(rb"runtime error:|AddressSanitizer|LeakSanitizer|"
                          rb"UndefinedBehaviorSanitizer|ThreadSanitizer")
REQUEST_TIMEOUT = 10.0
# 5xx answers that are not the client's fault. 501 is NotImplemented (evoke does not serve that
# yet). Add (status, error code) pairs here only for truly internal errors, each with a comment.
ALLOWED_5XX = {(501, None)}
MAX_SAVED_PER_FAILURE = 3  # examples written to --out for each distinct failure (fuzzing)

# --- sending ----------------------------------------------------------------------------------


class _S3Signer(S3SigV4Auth):
    """S3's signer, but an x-amz-content-sha256 the request already carries is kept (so fuzzed
    values like UNSIGNED-PAYLOAD or STREAMING-... are signed as they are)."""

    def payload(self, request):
        return request.context.get("content_sha256") or super().payload(request)


def signed(req, host, headers, body):
    """req's headers and query string once signed for req.sign as req.auth says."""
    query = req.query
    url = "http://%s%s%s" % (host, req.path, "?" + query if query else "")
    # botocore's query signer would move the body into the query: it signs no body.
    aws = AWSRequest(method=req.method, url=url, data=b"" if req.auth == "presign" else body)
    for n, v in headers:
        if n.lower() == "x-amz-content-sha256" and req.sign == "s3":
            aws.context["content_sha256"] = v
        elif n.lower() not in ("content-length", "authorization"):
            aws.headers[n] = v
    aws.headers["Host"] = host
    secret = SECRET_KEY[::-1] if req.auth == "bad-secret" else SECRET_KEY
    creds = Credentials(ACCESS_KEY, secret)
    s3 = req.sign == "s3"
    if req.auth == "presign":
        (S3SigV4QueryAuth if s3 else SigV4QueryAuth)(creds, req.sign, REGION, 300).add_auth(aws)
        query = aws.url.partition("?")[2]
    else:
        (_S3Signer if s3 else SigV4Auth)(creds, req.sign, REGION).add_auth(aws)
    headers = [[n, v] for n, v in aws.headers.items() if n.lower() != "host"] + \
        [h for h in headers if h[0].lower() in ("content-length", "authorization")
         and not aws.headers.get(h[0])]
    spoil = {"bad-signature": ("authorization", lambda v: v[:-1] + "01"[v[-1] == "0"]),
             "bad-date": ("x-amz-date", lambda v: "20010101T000000Z"),
             "bad-header": ("authorization", lambda v: v[:len(v) // 2])}.get(req.auth)
    if spoil:
        headers = [[n, spoil[1](v) if n.lower() == spoil[0] else v] for n, v in headers]
    return headers, query


def wire(req, port):
    """The bytes req is sent as: signed now (so never stale), Content-Length as req.transport
    says (the true length, more than is sent, or absurdly large); req.raw as it is."""
    if req.raw is not None:
        return req.raw
    host = req.header("Host") or "127.0.0.1:%d" % port
    headers = [h for h in req.headers if h[0].lower() != "host"]
    body = req.body
    if req.md5:
        headers = [h for h in headers if h[0].lower() != "content-md5"]
        headers.append(["Content-MD5", base64.b64encode(hashlib.md5(body).digest()).decode()])
    query = req.query
    try:
        if req.sign != "none" and req.auth != "sigv2":
            headers, query = signed(req, host, headers, body)
    except (ValueError, TypeError, KeyError, UnicodeError):
        pass  # input botocore cannot sign (e.g. an odd URL) goes out unsigned
    if req.auth == "sigv2":
        headers.append(["Authorization", "AWS %s:%s" % (ACCESS_KEY, "c2lnbmF0dXJl")])
        headers.append(["Date", time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())])
    if req.header("Content-Length") is None:
        declared = len(body)
        if req.transport == "truncate":
            declared = len(body) + 1 + len(body) // 2
        elif req.transport == "oversize":
            declared = random.Random(len(body)).choice(
                [2**31, 2**32 + 5, 2**63 - 1, 10**30, 999_999_999_999])
        if declared or req.method in ("PUT", "POST") or req.transport != "normal":
            headers.append(["Content-Length", str(declared)])
    target = req.path + ("?" + query if query else "")
    lines = ["%s %s HTTP/1.1" % (req.method, target), "Host: " + host]
    lines += ["%s: %s" % (n, v) for n, v in headers]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape")
    return head + body


class Outcome:
    def __init__(self, kind, status=None, head=b"", body=b"", error=""):
        self.kind, self.status, self.head, self.body, self.error = kind, status, head, body, error

    def code(self):
        """The AWS error code of an error answer, if one is spelled out."""
        m = re.search(rb"(?im)^x-amzn-ErrorType:\s*([^\s:]+)", self.head) or \
            re.search(rb"<Code>([^<]+)</Code>", self.body) or \
            re.search(rb'"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"', self.body)
        return m.group(1).decode("utf-8", "replace") if m else None


def exchange(port, data, method, half_close, timeout=REQUEST_TIMEOUT):
    """Sends data to 127.0.0.1:port and reads one HTTP response. kind: answer | closed (no
    response, acceptable) | incomplete (part of a response, then close) | timeout | refused."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError as e:
        return Outcome("refused", error=str(e))
    buf = b""
    deadline = time.monotonic() + timeout
    try:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may answer (or close) before taking the whole body
        while True:
            while b"\r\n\r\n" not in buf:
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                chunk = sock.recv(65536)
                if not chunk:
                    return Outcome("incomplete" if buf else "closed", head=buf,
                                   error="closed within the response head")
                buf += chunk
            head, _, rest = buf.partition(b"\r\n\r\n")
            m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
            if not m:
                return Outcome("incomplete", head=head, error="not an HTTP status line")
            status = int(m.group(1))
            if status < 200:
                buf = rest  # 100 Continue: the real answer follows
                continue
            cl = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            chunked = re.search(rb"(?im)^transfer-encoding:\s*chunked", head)
            if method == "HEAD" or status in (204, 304):
                want = 0
            elif cl:
                want = int(cl.group(1))
            else:
                want = None
            while want is None or len(rest) < want:
                if chunked and (rest.startswith(b"0\r\n\r\n") or rest.endswith(b"\r\n0\r\n\r\n")):
                    break
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                chunk = sock.recv(1 << 20)
                if not chunk:
                    if want is not None or chunked:
                        return Outcome("incomplete", status, head, rest, "body cut short")
                    break
                rest += chunk
            return Outcome("answer", status, head, rest)
    except socket.timeout:
        return Outcome("timeout", head=buf, error="no complete answer within %.0fs" % timeout)
    except ConnectionResetError:
        return Outcome("incomplete" if buf else "closed", head=buf, error="reset")
    except OSError as e:
        return Outcome("closed", head=buf, error=str(e))
    finally:
        sock.close()


# --- the server -------------------------------------------------------------------------------


class StartError(Exception):
    pass


class Server:
    """One evoke process: a copy of the binary in workdir, data in workdir/data, stderr in a
    file scanned for sanitizer reports, stdout (ready line, access log) drained by a thread."""

    def __init__(self, binary, workdir):
        self.work = workdir
        self.bin = os.path.join(workdir, "evoke")
        shutil.copy2(binary, self.bin)
        self.proc, self.port, self.starts, self.err_pos = None, None, 0, 0

    def start(self, timeout=60.0):
        self.starts += 1
        self.stderr_path = os.path.join(self.work, "stderr.%d.log" % self.starts)
        env = dict(os.environ, EVOKE_ACCESS_KEY_ID=ACCESS_KEY, EVOKE_SECRET_ACCESS_KEY=SECRET_KEY)
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                [self.bin, "server", "--data-dir", os.path.join(self.work, "data"),
                 "--listen", "127.0.0.1:0", "--sandbox-idle-seconds", "5"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env,
                start_new_session=True)
        self.err_pos, ready, proc = 0, threading.Event(), self.proc
        out_path = os.path.join(self.work, "stdout.%d.log" % self.starts)

        def drain():
            with open(out_path, "wb") as out:
                for line in proc.stdout:
                    out.write(line)
                    m = READY_RE.match(line)
                    if m and not ready.is_set():
                        self.port = int(m.group(1))
                        ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(timeout) or proc.poll() is not None:
            self.stop()
            raise StartError("evoke did not start (see %s)\n%s" % (
                self.stderr_path, self.new_stderr().decode("utf-8", "replace")[-3000:]))

    def new_stderr(self):
        """stderr written since the last call."""
        with open(self.stderr_path, "rb") as f:
            f.seek(self.err_pos)
            data = f.read()
        self.err_pos += len(data)
        return data

    def dead(self):
        return self.proc.poll() is not None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its sandboxes, if any are left
            except (ProcessLookupError, PermissionError):
                pass


# --- running and checking ---------------------------------------------------------------------


class Fuzzer:
    def __init__(self, server, out_dir, save_all=False):
        self.server, self.out, self.save_all = server, out_dir, save_all
        self.passed = self.failed = 0
        self.failures = {}  # failure key -> [count, first .txt path]
        self.statuses = {}
        self.previous = None

    def run_one(self, req):
        """Sends req, checks the answer and the server; records a failure. True when it passed."""
        server = self.server
        data = wire(req, server.port)
        # EOF after the request when its body is incomplete or its length unknown: the server
        # must then answer or close, never wait for more.
        half_close = req.raw is not None or req.transport != "normal" or \
            req.header("Transfer-Encoding") is not None
        out = exchange(server.port, data, req.method, half_close)
        label = out.status or out.kind
        self.statuses[label] = self.statuses.get(label, 0) + 1
        problems = []
        if out.kind == "answer" and out.status >= 500 and (out.status, None) not in ALLOWED_5XX \
                and (out.status, out.code()) not in ALLOWED_5XX:
            problems.append(("5xx", "answered %d %s" % (out.status, out.code())))
        elif out.kind in ("timeout", "incomplete"):
            problems.append((out.kind, out.error or out.kind))
        if out.kind != "answer" and not server.dead():
            time.sleep(0.05)  # a crash right after the close shows up now
        err = server.new_stderr()
        sanitizer = [ln for ln in err.splitlines() if SANITIZER_RE.search(ln)]
        if server.dead() or out.kind == "refused" or sanitizer:
            try:
                server.proc.wait(15)  # the sanitizer is still writing its report
            except subprocess.TimeoutExpired:
                pass
            err += server.new_stderr()
            lines = err.splitlines()
            sanitizer = [ln for ln in lines if SANITIZER_RE.search(ln)]
            frames = [ln.strip() for ln in lines if re.match(rb"\s*#\d+ ", ln)]
            shown = frames[:3] + [f for f in frames[3:] if re.search(  # and evoke's own
                rb"/src/(?!libsanitizer)", f)][:5]
            shown += [ln for ln in lines if ln.startswith(b"SUMMARY:")]
            what = (sanitizer[0].decode("utf-8", "replace") if sanitizer else
                    "server exited rc=%s" % server.proc.poll())
            problems = [("crash", what + "\n" + "\n".join(f.decode("utf-8", "replace")
                                                         for f in shown))]
        self.previous = req
        if not problems:
            self.passed += 1
            return True
        self.failed += 1
        self.record(req, data, out, problems, err)
        if server.dead() or sanitizer:
            server.stop()
            server.start()
        return False

    def record(self, req, data, out, problems, err):
        kind, why = problems[0]
        first = why.splitlines()[0]
        if kind == "crash":  # the sanitizer's SUMMARY and evoke's first frame name the bug
            summary = [ln for ln in why.splitlines() if ln.startswith("SUMMARY:")]
            ours = [m.group(1) for m in re.finditer(r" in (\S+) \S*/src/(?!libsanitizer)", why)]
            sig = re.sub(r"==\d+==|0x[0-9a-f]+|:\d+", "", (summary or [first])[0])[:160]
            sig += " in " + (ours[0] if ours else "?")
        else:  # what was answered, to which service, and the server's first ERROR line
            logged = re.search(rb"ERROR (.*)", err) or \
                re.search(rb'<Message>([^<]{0,100})|"message":\s*"([^"]{0,100})', out.body)
            logged = (logged.group(1) or logged.group(2) or b"").decode("utf-8", "replace") \
                if logged else ""
            sig = "%s sign=%s %s" % (first, req.sign, re.sub(r"0x\w+|\d+", "N", logged))
        key = (kind, sig)
        seen = self.failures.setdefault(key, [0, None])
        seen[0] += 1
        line = "fuzz: FAIL %s: %s (%s %s)" % (kind, first, req.method, req.path[:80])
        if seen[0] > MAX_SAVED_PER_FAILURE and not self.save_all:
            print(line + ", as before: not saved", flush=True)
            return
        name = os.path.join(self.out, "fail-%04d-%s" % (self.failed, kind))
        with open(name + ".raw", "wb") as f:
            f.write(data)
        with open(name + ".json", "w") as f:
            f.write(req.to_json())
        text = ["%s: %s" % (kind, why), "note: " + req.note,
                "request (first 2000 bytes):", data[:2000].decode("utf-8", "replace"),
                "response head: " + out.head[:1000].decode("utf-8", "replace"),
                "response body: " + out.body[:1000].decode("utf-8", "replace"),
                "server stderr during the request: %s.stderr" % name]
        with open(name + ".stderr", "wb") as f:
            f.write(err)
        if kind == "crash" and self.previous is not None and self.previous is not req:
            text += ["the request before it:", self.previous.to_json()]
        with open(name + ".txt", "w") as f:
            f.write("\n".join(text) + "\n")
        if seen[1] is None:
            seen[1] = name + ".txt"
        print("%s -> %s.txt" % (line, name), flush=True)

    def setup(self):
        """Before the run: the execution role the seeds' functions name (fuzz_inputs.ROLE), so
        that CreateFunction succeeds and the invoke paths get exercised."""
        trust = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":'
                 '"sts:AssumeRole","Principal":{"Service":"lambda.amazonaws.com"}}]}')
        form = "Action=CreateRole&Version=2010-05-08&RoleName=%s&AssumeRolePolicyDocument=%s" % (
            ROLE.rsplit("/", 1)[1], quote(trust, safe=""))
        req = Req("POST", "/", "", [["Content-Type", "application/x-www-form-urlencoded"]],
                  form.encode(), "iam", note="setup: CreateRole")
        out = exchange(self.server.port, wire(req, self.server.port), "POST", False)
        if out.status != 200:
            raise StartError("setup: CreateRole answered %s %s" % (out.status or out.kind,
                                                                   out.code()))

    def health(self):
        """After the run: signed ListBuckets and ListFunctions must answer 200."""
        ok = True
        for req in (Req("GET", "/", sign="s3", note="health: ListBuckets"),
                    Req("GET", "/2015-03-31/functions", sign="lambda",
                        note="health: ListFunctions")):
            if self.server.dead():
                self.server.start()
            out = exchange(self.server.port, wire(req, self.server.port), "GET", False)
            if out.status != 200:
                self.failed += 1
                ok = False
                self.record(req, wire(req, self.server.port), out,
                            [("health", "%s answered %s %s" % (req.note, out.status or out.kind,
                                                              out.code()))], b"")
            else:
                self.passed += 1
        return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.environ.get("EVOKE_BIN"), help="evoke binary")
    ap.add_argument("--seconds", type=float, default=60.0, help="fuzzing time (default 60)")
    ap.add_argument("--seed", default=None, help="random seed (default: a new one, printed)")
    ap.add_argument("--max-requests", type=int, default=1_000_000)
    ap.add_argument("--out", default=None, help="where failing inputs go (default a temp dir)")
    ap.add_argument("--replay", metavar="DIR", help="send every DIR/*.json instead of fuzzing")
    args = ap.parse_args()
    if not args.bin or not os.path.exists(args.bin):
        sys.exit("fuzz: no evoke binary (give --bin or set EVOKE_BIN)")
    seed = args.seed if args.seed is not None else str(int.from_bytes(os.urandom(4), "big"))
    out_dir = args.out or tempfile.mkdtemp(prefix="evoke-fuzz-out-")
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="evoke-fuzz-")
    server = Server(args.bin, work)
    fuzzer = Fuzzer(server, out_dir, save_all=bool(args.replay))
    try:
        server.start()
        fuzzer.setup()
        print("fuzz: %s, server on port %s (pid %d), failures go to %s" % (
            "replay of " + args.replay if args.replay else "%.0fs, seed %s" % (args.seconds, seed),
            server.port, server.proc.pid, out_dir), flush=True)
        if args.replay:
            files = sorted(f for f in os.listdir(args.replay) if f.endswith(".json"))
            for name in files:
                with open(os.path.join(args.replay, name)) as f:
                    req = Req.from_json(f.read())
                req.note = "%s: %s" % (name, req.note)
                verdict = "ok" if fuzzer.run_one(req) else "FAILED"
                print("fuzz: replay %s: %s" % (name, verdict), flush=True)
        else:
            deadline = time.monotonic() + args.seconds
            i = 0
            while i < args.max_requests and time.monotonic() < deadline:
                fuzzer.run_one(generate(seed, i, lambda r: wire(r, server.port)))
                i += 1
        fuzzer.health()
    except StartError as e:  # at the start, or a restart after a crash
        print("fuzz: FAIL start: %s" % e, flush=True)
        fuzzer.failed += 1
    finally:
        server.stop()
        os.unlink(server.bin)
    print("fuzz: statuses %s" % ", ".join("%s:%d" % kv for kv in sorted(
        fuzzer.statuses.items(), key=lambda kv: str(kv[0]))))
    for (kind, sig), (count, path) in sorted(fuzzer.failures.items()):
        print("fuzz: distinct failure x%d: %s: %s (%s)" % (count, kind, sig, path))
    if fuzzer.failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("fuzz: server logs kept in %s" % work)
    print("fuzz: %d passed, %d failed" % (fuzzer.passed, fuzzer.failed), flush=True)
    return 1 if fuzzer.failed else 0


if __name__ == "__main__":
    sys.exit(main())
