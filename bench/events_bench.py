#!/usr/bin/python3
"""The parts of bench/run_events.sh that are easier in Python: the notifying bucket and its
function (boto3), the UDP listener that hears handlers start, matching what it heard with the
client's timestamps, and the markdown report. The requests themselves are bench/s3load (`put`
with `--pause-ms` and `--timestamps`, `invoke --invocation-type Event`), so the client's own
cost stays out of the figures.

How a handler start is observed: the function's handler sends, as its first line, one UDP
datagram "<time.time_ns()> <key>" to 127.0.0.1:$BENCH_UDP_PORT. Sandboxes share the host's
network namespace and CLOCK_REALTIME, so that time compares directly with s3load's
CLOCK_REALTIME stamps taken just before a request's first byte is written and just after its
response's last byte is read. The datagram's content is the measurement; when it is received
does not matter.

usage (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY):
  events_bench.py setup ENDPOINT BUCKET FUNCTION UDP_PORT      evoke: function, permission, bucket
  events_bench.py latency S3LOAD ENDPOINT BUCKET UDP_PORT SAMPLES WARMUP PAUSE_MS LABEL RUN_DIR
  events_bench.py throughput S3LOAD ENDPOINT (invoke FUNCTION | put BUCKET) UDP_PORT N CONNS
                  WARMUP_N WAIT_S LABEL RUN_DIR
  events_bench.py report RESULTS_JSONL META_JSON
Each measurement prints one JSON line.
"""

import io
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import zipfile

from bench_role import execution_role

ACCOUNT = "000000000000"

# The no-op function. Its first line reports the start; the key is the S3 object's key for a
# notification, the event's "key" for a direct asynchronous invoke. It returns a small object,
# not None: serverless-offline's Python runner waits forever for a falsy result (then times the
# invocation out, which kills the whole server when the invocation was asynchronous).
HANDLER = '''import os
import socket
import time

_udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
_to = ('127.0.0.1', int(os.environ['BENCH_UDP_PORT']))


def handler(event, context):
    _udp.sendto(b'%d %s' % (time.time_ns(), (event['Records'][0]['s3']['object']['key'] if 'Records' in event else event['key']).encode()), _to)
    return {'ok': True}
'''


def client(service, endpoint):
    import boto3
    from botocore.config import Config

    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 1}, read_timeout=60))


def make_zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100644) << 16
            z.writestr(info, data)
    return buf.getvalue()


def setup(endpoint, bucket, function, udp_port):
    """A Python no-op function, allowed for s3.amazonaws.com, named by the bucket's
    notification configuration for every object created."""
    lam = client("lambda", endpoint)
    role = execution_role(client("iam", endpoint))
    lam.create_function(FunctionName=function, Runtime="python3.11", Role=role,
                        Handler="udp_start.handler", Timeout=30,
                        Code={"ZipFile": make_zip({"udp_start.py": HANDLER})},
                        Environment={"Variables": {"BENCH_UDP_PORT": str(udp_port)}})
    deadline = time.monotonic() + 60
    while lam.get_function_configuration(FunctionName=function).get("State", "Active") != "Active":
        if time.monotonic() > deadline:
            sys.exit("function %s never became Active" % function)
        time.sleep(0.02)
    lam.add_permission(FunctionName=function, StatementId="s3-" + bucket,
                       Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                       SourceArn="arn:aws:s3:::" + bucket, SourceAccount=ACCOUNT)
    s3 = client("s3", endpoint)
    s3.create_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=bucket + "-plain")  # the same PUTs without a notification
    arn = "arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, function)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [
            {"Id": "bench", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]})


class Listener:
    """Collects "<ns> <key>" datagrams on 127.0.0.1:port: key -> [ns, ...] (a key twice is a
    duplicate delivery, which at-least-once allows and which is counted)."""

    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # A burst of thousands of events must not overflow the socket's buffer: a datagram
        # dropped here would read as a lost event. rmem_max is 4 MiB on this machine.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind(("127.0.0.1", port))
        self.sock.settimeout(0.1)
        self.seen = {}
        self.last_arrival = time.monotonic()
        self.bad = 0
        self.lock = threading.Lock()
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                data = self.sock.recv(2048)
            except socket.timeout:
                continue
            try:
                ns, key = data.decode().split(" ", 1)
                ns = int(ns)
            except ValueError:
                self.bad += 1
                continue
            with self.lock:
                self.seen.setdefault(key, []).append(ns)
                self.last_arrival = time.monotonic()

    def count(self, keys):
        with self.lock:
            return sum(1 for k in keys if k in self.seen)

    def wait_for(self, keys, wait_s):
        """Until every key was heard, or nothing new arrived for wait_s seconds."""
        while True:
            if self.count(keys) == len(keys):
                return True
            with self.lock:
                idle = time.monotonic() - self.last_arrival
            if idle > wait_s:
                return False
            time.sleep(0.05)

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def run_s3load(s3load, args, label, run_dir):
    err_path = os.path.join(run_dir, label.replace("/", ".") + ".err")
    with open(err_path, "w") as err:
        p = subprocess.run([s3load] + args + ["--json", "--label", label], stdout=subprocess.PIPE,
                           stderr=err, text=True, timeout=900)
    if os.path.getsize(err_path) == 0:
        os.unlink(err_path)
    out = p.stdout.strip().splitlines()
    return json.loads(out[-1]) if out else {"failed": "s3load exit %d" % p.returncode}


def read_times(path):
    """s3load --timestamps: [(key number, start ns, end ns, ok)]."""
    rows = []
    with open(path) as f:
        for line in f:
            k, s, e, ok = line.split()
            rows.append((int(k), int(s), int(e), ok == "1"))
    return rows


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]


def dist_ms(ns_values):
    ms = [x / 1e6 for x in ns_values]
    if not ms:
        return None
    return {"n": len(ms), "p50": pct(ms, 0.5), "p90": pct(ms, 0.9), "p99": pct(ms, 0.99),
            "min": min(ms), "max": max(ms), "mean": statistics.fmean(ms)}


def creds():
    return ["--access-key", os.environ["AWS_ACCESS_KEY_ID"],
            "--secret-key", os.environ["AWS_SECRET_ACCESS_KEY"]]


def latency(s3load, endpoint, bucket, udp_port, samples, warmup, pause_ms, label, run_dir):
    """Sequential small PUTs on one connection, PAUSE_MS apart, into the notifying bucket."""
    lis = Listener(udp_port)
    base = ["put", "--endpoint", endpoint, "--bucket", bucket, "--size", "64", "--conns", "1",
            "--timeout", "30"] + creds()
    out = {"label": label, "samples": samples, "pause_ms": pause_ms}
    try:
        # Warm-up: the first event starts the sandbox. Wait for all of them before measuring,
        # so that no cold start or backlog is inside the figures.
        w = run_s3load(s3load, base + ["--prefix", "warm-", "--ops", str(warmup), "--pause-ms",
                                       str(pause_ms)], label + "-warmup", run_dir)
        out["warmup_put_errors"] = w.get("errors")
        out["warmup_heard"] = lis.wait_for(["warm-%d" % i for i in range(warmup)], 30)
        times_path = os.path.join(run_dir, label.replace("/", ".") + ".times")
        r = run_s3load(s3load, base + ["--prefix", "lat-", "--ops", str(samples), "--pause-ms",
                                       str(pause_ms), "--timestamps", times_path], label, run_dir)
        out["client"] = r
        # The same PUTs into a bucket without notifications: what the event adds to the PUT.
        plain = run_s3load(s3load, base[:4] + [bucket + "-plain"] + base[5:] + [
            "--prefix", "plain-", "--ops", str(samples), "--pause-ms", str(pause_ms)],
            label + "-plain", run_dir)
        out["plain_put"] = ({"p50": plain["p50_ms"], "p99": plain["p99_ms"], "ok": plain["ok"],
                             "errors": plain["errors"]} if "p50_ms" in plain else plain)
        rows = read_times(times_path)
        keys = ["lat-%d" % k for k, _, _, ok in rows if ok]
        lis.wait_for(keys, 10)
        from_start, from_response, missing = [], [], 0
        with lis.lock:
            for k, s, e, ok in rows:
                if not ok:
                    continue
                heard = lis.seen.get("lat-%d" % k)
                if not heard:
                    missing += 1
                    continue
                t = min(heard)
                from_start.append(t - s)
                from_response.append(t - e)
            dups = sum(len(v) - 1 for k, v in lis.seen.items() if k.startswith("lat-"))
        out.update({"put_ok": len(keys), "put_errors": len(rows) - len(keys), "missing": missing,
                    "duplicates": dups, "from_put_start": dist_ms(from_start),
                    "from_put_response": dist_ms(from_response),
                    "put_latency": dist_ms([e - s for _, s, e, ok in rows if ok]),
                    "handler_before_response": sum(1 for x in from_response if x < 0)})
    finally:
        lis.close()
    print(json.dumps(out))


def throughput(s3load, endpoint, how, target, udp_port, n, conns, warmup_n, wait_s, label,
               run_dir):
    """N asynchronous events from CONNS clients (Invoke Event, or PUTs into the notifying
    bucket); events/s = N / (first 202-or-200 received .. last handler start)."""
    lis = Listener(udp_port)
    if how == "invoke":
        base = ["invoke", "--endpoint", endpoint, "--function", target, "--invocation-type",
                "Event"]
        prefix_arg = lambda p: ["--payload", '{"key":"%s%%SEQ%%"}' % p]  # noqa: E731
    else:
        base = ["put", "--endpoint", endpoint, "--bucket", target, "--size", "64"]
        prefix_arg = lambda p: ["--prefix", p]  # noqa: E731
    base += ["--conns", str(conns), "--timeout", "60"] + creds()
    out = {"label": label, "how": how, "n": n, "conns": conns}
    try:
        # Warm-up burst: starts the sandboxes the dispatcher will use, then drains.
        wp = "w%s-" % how
        w = run_s3load(s3load, base + prefix_arg(wp) + ["--ops", str(warmup_n)],
                       label + "-warmup", run_dir)
        out["warmup_errors"] = w.get("errors")
        out["warmup_complete"] = lis.wait_for(["%s%d" % (wp, i) for i in range(warmup_n)], wait_s)
        times_path = os.path.join(run_dir, label.replace("/", ".") + ".times")
        p = "t%s-" % how
        r = run_s3load(s3load, base + prefix_arg(p) + ["--ops", str(n), "--timestamps",
                                                       times_path], label, run_dir)
        out["client"] = r
        rows = read_times(times_path)
        accepted = ["%s%d" % (p, k) for k, _, _, ok in rows if ok]
        complete = lis.wait_for(accepted, wait_s)
        with lis.lock:
            heard = {k: v for k, v in lis.seen.items() if k.startswith(p)}
        first_ack = min((e for _, _, e, ok in rows if ok), default=None)
        last_ack = max((e for _, _, e, ok in rows if ok), default=None)
        first_send = min((s for _, s, _, _ in rows), default=None)
        starts = [min(v) for k, v in heard.items()]
        last_start = max(starts) if starts else None
        lost = sum(1 for k in accepted if k not in heard)
        out.update({
            "accepted": len(accepted), "rejected": len(rows) - len(accepted),
            "heard": len(heard), "lost": lost, "complete": complete,
            "duplicates": sum(len(v) - 1 for v in heard.values()),
            "unexpected": sum(1 for k in heard if k not in set(accepted)),
            "accept_per_s": (len(accepted) / ((last_ack - first_send) / 1e9)
                             if last_ack and first_send and last_ack > first_send else None),
            "events_per_s": (len(heard) / ((last_start - first_ack) / 1e9)
                             if last_start and first_ack and last_start > first_ack else None),
            "drain_after_last_ack_ms": ((last_start - last_ack) / 1e6
                                        if last_start and last_ack else None),
        })
    finally:
        lis.close()
    print(json.dumps(out))


# ---- report -----------------------------------------------------------------------------------

def fmt(x, spec="%.2f"):
    return "–" if x is None else spec % x


def before_after(w, by, meta):
    """evoke-base and evoke side by side: the plain PUT (the reference each event's latency is a
    ratio of), the event figures with that ratio, and evoke / evoke-base."""
    evokes = [s for s in ("evoke-base", "evoke") if s in by and "start" not in by[s]]
    if not evokes:
        return
    both = len(evokes) == 2

    def result(s, key):
        return (by[s].get(key) or {}).get("result") or {}

    def lat(s, which, q):
        return ((result(s, "latency").get(which)) or {}).get(q)

    def plain(s, q):
        return (result(s, "latency").get("plain_put") or {}).get(q)

    def tput(s, key, field):
        x = result(s, key)
        return x.get(field) if "accepted" in x else None

    rows = [
        # label, getter, format, reference getter (or None)
        ("PUT into a bucket without notification, p50 ms (the reference)",
         lambda s: plain(s, "p50"), "%.2f", None),
        ("PUT into a bucket without notification, p99 ms", lambda s: plain(s, "p99"), "%.2f", None),
        ("S3 PUT → handler start p50 ms, from PUT start (a)",
         lambda s: lat(s, "from_put_start", "p50"), "%.2f", lambda s: plain(s, "p50")),
        ("S3 PUT → handler start p99 ms, from PUT start (a)",
         lambda s: lat(s, "from_put_start", "p99"), "%.2f", lambda s: plain(s, "p99")),
        ("handler start after the PUT's response p50 ms (b)",
         lambda s: lat(s, "from_put_response", "p50"), "%.2f", None),
        ("PUT round trip with notification p50 ms", lambda s: lat(s, "put_latency", "p50"), "%.2f",
         lambda s: plain(s, "p50")),
        ("Invoke Event: events/s", lambda s: tput(s, "tput_invoke", "events_per_s"), "%.0f", None),
        ("Invoke Event: accepted/s", lambda s: tput(s, "tput_invoke", "accept_per_s"), "%.0f", None),
        ("Invoke Event: lost", lambda s: tput(s, "tput_invoke", "lost"), "%d", None),
        ("PUT into notifying bucket: events/s", lambda s: tput(s, "tput_put", "events_per_s"), "%.0f",
         None),
        ("PUT into notifying bucket: accepted/s", lambda s: tput(s, "tput_put", "accept_per_s"),
         "%.0f", None),
        ("PUT into notifying bucket: lost", lambda s: tput(s, "tput_put", "lost"), "%d", None),
    ]
    w("")
    w("Before / after: each figure of evoke-base and evoke, the latencies also as a ratio of the "
      "same system's PUT into a bucket without notification (the physical reference of an event: "
      "the PUT it rides on), and evoke / evoke-base (for ms below 1 is better, for /s above 1).")
    w("")
    head = "| figure | " + " | ".join(evokes) + " |"
    line = "|---|" + "---:|" * len(evokes)
    if both:
        head += " evoke / evoke-base |"
        line += "---:|"
    w(head)
    w(line)
    for label, get, f, refget in rows:
        vals = [get(s) for s in evokes]
        if all(v is None for v in vals):
            continue
        cells = []
        for s, v in zip(evokes, vals):
            if v is None:
                cells.append("–")
                continue
            c = f % v
            ref = refget(s) if refget else None
            if ref:
                c += " (%.2f× plain PUT)" % (v / ref)
            cells.append(c)
        row = "| %s | %s |" % (label, " | ".join(cells))
        if both:
            b, a = vals
            row += " %s |" % ("%.2f×" % (a / b) if a is not None and b else "–")
        w(row)


def report(raw_path, meta_path):
    meta = json.load(open(meta_path))
    rows = [json.loads(line) for line in open(raw_path) if line.strip()]
    by = {}
    for r in rows:
        by.setdefault(r["system"], {})[r["key"]] = r
    systems = [s for s in ("evoke-base", "evoke", "serverless-offline") if s in by]
    out = []
    w = out.append
    w("## Events benchmark %s" % meta["stamp"])
    w("")
    w("Machine: %s, %s cores, %s RAM, kernel %s; `dd bs=4k oflag=dsync` %s writes/s. 1-minute "
      "load at start %s, before the evoke / peer measurements %s / %s. evoke's "
      "--async-concurrency %s. Client: bench/s3load (C++; `put --pause-ms %s "
      "--timestamps` on one connection for latency, %s connections for throughput). Handler: "
      "Python no-op whose first line sends `time.time_ns()` and the key by UDP to the bench. "
      "Run directory `%s`, %s s."
      % (meta["model"], meta["cores"], meta["mem"], meta["kernel"], meta["dsync_4k_ops_s"],
         meta["load_at_start"],
         meta.get("load_evoke", "?"), meta.get("load_peer", "?"), meta["async_concurrency"],
         meta["pause_ms"],
         meta["conns"], meta["run_dir"], meta["elapsed_s"]))
    if meta.get("order") == "interleave" and "evoke-base" in systems and "evoke" in systems:
        w("Order: evoke-base and evoke were started together and each measurement ran on each of "
          "them in turn (the idle one waits meanwhile); serverless-offline, if any, ran alone "
          "afterwards.")
    for s in systems:
        if "info" in by[s]:
            w("- %s: %s" % (s, by[s]["info"]["detail"]))
    w("")
    w("Latency from an S3 PUT (%s-byte object, %s samples after %s warm-up events, %s ms "
      "apart) to the handler's first line, ms:" % (64, meta["samples"], meta["warmup"],
                                                    meta["pause_ms"]))
    w("")
    w("| system | (a) from PUT start p50 / p99 / max | (b) from PUT response p50 / p99 / max | "
      "PUT round trip p50 / p99 | same PUTs, bucket without notification (the reference) | "
      "(a) p50 ÷ plain PUT p50 | heard / PUTs | handler before response |")
    w("|---|---|---|---|---|---:|---|---|")
    for s in systems:
        r = by[s].get("latency")
        if r is None or "from_put_start" not in r.get("result", {}):
            why = (r or {}).get("failed") or (r or {}).get("result", {}).get("failed") or "not run"
            w("| %s | %s | | | | | | |" % (s, why))
            continue
        x = r["result"]
        a, b, rt = x["from_put_start"], x["from_put_response"], x["put_latency"]
        heard = x["put_ok"] - x["missing"]
        pl = x.get("plain_put") or {}
        plain = ("%s / %s" % (fmt(pl["p50"]), fmt(pl["p99"])) +
                 (" (%d errors)" % pl["errors"] if pl["errors"] else "")) if "p50" in pl else "–"
        rel = ("%.2f×" % (a["p50"] / pl["p50"])) if a and pl.get("p50") else "–"
        w("| %s | %s / %s / %s | %s / %s / %s | %s / %s | %s | %s | %d / %d | %d |" % (
            s, fmt(a and a["p50"]), fmt(a and a["p99"]), fmt(a and a["max"]),
            fmt(b and b["p50"]), fmt(b and b["p99"]), fmt(b and b["max"]),
            fmt(rt and rt["p50"]), fmt(rt and rt["p99"]), plain, rel, heard,
            x["put_ok"] + x["put_errors"], x["handler_before_response"]))
    w("")
    w("Asynchronous throughput (no-op Python function; events/s = handler starts / (first "
      "acknowledgement .. last handler start)):")
    w("")
    w("| system | source | N | accepted | refused / failed | heard | lost | duplicates | "
      "accepted/s | events/s | drain after last ack |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in systems:
        for key, src in (("tput_invoke", "Invoke Event, %s clients" % meta["conns"]),
                         ("tput_put", "PUT into notifying bucket, %s clients" % meta["conns"])):
            r = by[s].get(key)
            if r is None:
                continue
            if "result" not in r or "accepted" not in r["result"]:
                why = r.get("failed") or r.get("detail") or "failed"
                w("| %s | %s | | %s | | | | | | | |" % (s, src, why))
                continue
            x = r["result"]
            w("| %s | %s | %d | %d | %d | %d | %d%s | %d | %s | %s | %s ms |" % (
                s, src, x["n"], x["accepted"], x["rejected"], x["heard"], x["lost"],
                "" if x["complete"] else " (timed out)", x["duplicates"],
                fmt(x["accept_per_s"], "%.0f"), fmt(x["events_per_s"], "%.0f"),
                fmt(x["drain_after_last_ack_ms"], "%.0f")))
    w("")
    for s in systems:
        for key in sorted(by[s]):
            r = by[s][key]
            if "detail" in r and key not in ("latency", "tput_invoke", "tput_put", "info"):
                w("- %s %s: %s" % (s, key, r["detail"]))
    before_after(w, by, meta)
    ev = by.get("evoke", {})

    def verdict(ok):
        return "n/a" if ok is None else ("PASS" if ok else "FAIL")

    lat = ev.get("latency", {}).get("result", {})
    a50 = (lat.get("from_put_start") or {}).get("p50")
    tputs = [ev.get(k, {}).get("result", {}) for k in ("tput_invoke", "tput_put")]
    tputs = [t for t in tputs if "accepted" in t]
    w("")
    w("evoke's targets (issue 4):")
    w("")
    w("| target | evoke | verdict |")
    w("|---|---:|---|")
    w("| S3 PUT → handler start p50 (from PUT start) ≤ 3 ms | %s ms | %s |"
      % (fmt(a50), verdict(None if a50 is None else a50 <= 3)))
    for t in tputs:
        ok = (t["lost"] == 0 and t["rejected"] == 0 and t["events_per_s"] is not None
              and t["events_per_s"] >= 1000)
        w("| ≥ 1,000 events/s, none lost (%s) | %s/s, %d lost | %s |"
          % (t["how"], fmt(t["events_per_s"], "%.0f"), t["lost"], verdict(ok)))
    print("\n".join(out))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    a = sys.argv[2:]
    if cmd == "setup":
        setup(a[0], a[1], a[2], int(a[3]))
    elif cmd == "latency":
        latency(a[0], a[1], a[2], int(a[3]), int(a[4]), int(a[5]), float(a[6]), a[7], a[8])
    elif cmd == "throughput":
        throughput(a[0], a[1], a[2], a[3], int(a[4]), int(a[5]), int(a[6]), int(a[7]),
                   float(a[8]), a[9], a[10])
    elif cmd == "report":
        report(a[0], a[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
