#!/usr/bin/env python3
"""cloudwatch_bench.py: run_cloudwatch.sh's measurements and report.

  fill ENDPOINT OUT.json
      Writes 15 days of one-minute data to one series (a function's Duration, in namespace
      Bench/Lambda, one value a minute) with PutMetricData, moving evoke's test clock a day at a
      time so that every value is within the two weeks PutMetricData accepts; records what it
      wrote (the expected per-hour figures) for `query` to check.
  query ENDPOINT FILL.json N OUT.json
      2 × N GetMetricStatistics calls over the whole 15 days (Period 3600: 360 datapoints from
      21,595 one-minute points), alternately the basic statistics and p99, one after the other
      on one keep-alive connection, after 5 of each whose answers are checked against what was
      written; client-side latency percentiles.
  put ENDPOINT PROTOCOL CONNS SECONDS WARMUP [nginx] OUT.json
      PutMetricData requests of 1,000 values each (1,000 datums over 10 series), PROTOCOL json
      (awsJson 1.0) or query (awsQuery), from CONNS threads with one keep-alive connection each,
      for SECONDS after WARMUP; requests/s and latency. With `nginx` (run_cloudwatch.sh's
      reference) the same signed bodies go to a path nginx answers with `{}`.
  report RAW.jsonl META.json
      The markdown table of a run.

Requests are signed with botocore's SigV4 signer and sent with http.client, so the client's
cost per request is the signature and the socket, not an SDK's serializer.
"""
import http.client
import json
import math
import os
import sys
import threading
import time
import urllib.parse
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION = "us-east-1"
NAMESPACE = "Bench/Lambda"
FUNCTION = "bench-function"
MINUTES = 15 * 1440 - 5  # 15 days, less five minutes so the first is still in the 60 s level
TARGET = "GraniteServiceVersion20100801."
NGINX_PATH = "/2015-03-31/functions/cloudwatch/invocations"


def credentials():
    return Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])


class Caller:
    """One keep-alive connection that signs and sends CloudWatch requests."""

    def __init__(self, endpoint, path="/"):
        u = urllib.parse.urlsplit(endpoint)
        self.host = u.netloc
        self.url = endpoint.rstrip("/") + path
        self.path = path
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        self.signer = SigV4Auth(credentials(), "monitoring", REGION)

    def call(self, body, headers):
        req = AWSRequest(method="POST", url=self.url, data=body, headers=headers)
        self.signer.add_auth(req)
        self.conn.request("POST", self.path, body=body, headers=dict(req.headers.items()))
        r = self.conn.getresponse()
        data = r.read()
        return r.status, data

    def json(self, op, doc):
        body = json.dumps(doc).encode()
        return self.call(body, {"Content-Type": "application/x-amz-json-1.0",
                                "X-Amz-Target": TARGET + op, "Host": self.host})

    def query(self, params):
        body = urllib.parse.urlencode(params).encode()
        return self.call(body, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                                "Host": self.host})


def advance_clock(endpoint, seconds):
    req = urllib.request.Request(endpoint + "/_evoke/test/clock",
                                 data=json.dumps({"advanceSeconds": seconds}).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())["nowMs"]


def duration_of(minute):
    """The value written for a minute: a spread of 1 ms to 1,000 ms, deterministic."""
    return 1.0 + (minute * 7919 % 10000) / 10.0


def fill(endpoint, out_path):
    now_ms = advance_clock(endpoint, 0)
    start_s = (now_ms // 1000 // 3600 + 1) * 3600  # the next whole hour: the query's start
    caller = Caller(endpoint)
    dims = [{"Name": "FunctionName", "Value": FUNCTION}]
    written = 0
    day = 0
    clock_s = now_ms // 1000
    while written < MINUTES:
        end = min(MINUTES, (day + 1) * 1440)
        # The clock just past the day's last value, so every value is in the past two weeks.
        target_s = start_s + end * 60
        clock_s = advance_clock(endpoint, target_s - clock_s) // 1000
        for first in range(written, end, 1000):
            data = [{"MetricName": "Duration", "Dimensions": dims, "Unit": "Milliseconds",
                     "Timestamp": start_s + m * 60, "Value": duration_of(m)}
                    for m in range(first, min(end, first + 1000))]
            status, body = caller.json("PutMetricData", {"Namespace": NAMESPACE, "MetricData": data})
            if status != 200:
                sys.exit("PutMetricData: %s %s" % (status, body[:300]))
        written = end
        day += 1
    hours = []
    for h in range(math.ceil(MINUTES / 60)):
        values = [duration_of(m) for m in range(h * 60, min(MINUTES, (h + 1) * 60))]
        values.sort()
        p99 = values[max(0, math.ceil(0.99 * len(values)) - 1)]
        hours.append({"t": start_s + h * 3600, "n": len(values), "sum": sum(values),
                      "min": values[0], "max": values[-1], "p99": p99})
    json.dump({"start_s": start_s, "end_s": start_s + MINUTES * 60, "minutes": MINUTES,
               "hours": hours}, open(out_path, "w"))
    # Let the writer thread commit before anything is asked.
    time.sleep(2)


def percentile(sorted_values, q):
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def query(endpoint, fill_path, n, out_path):
    """Two questions, asked alternately (CloudWatch takes Statistics or ExtendedStatistics in a
    call, not both): the five basic statistics, and p99."""
    f = json.load(open(fill_path))
    caller = Caller(endpoint)
    base = {"Namespace": NAMESPACE, "MetricName": "Duration",
            "Dimensions": [{"Name": "FunctionName", "Value": FUNCTION}],
            "StartTime": f["start_s"], "EndTime": f["end_s"], "Period": 3600, "Unit": "Milliseconds"}
    docs = {"basic": dict(base, Statistics=["SampleCount", "Sum", "Minimum", "Maximum", "Average"]),
            "p99": dict(base, ExtendedStatistics=["p99"])}
    expected = {h["t"]: h for h in f["hours"]}
    lat = {"basic": [], "p99": []}
    worst_p99_error = 0.0
    for i in range(n + 5):
        for kind, doc in docs.items():
            t0 = time.perf_counter()
            status, body = caller.json("GetMetricStatistics", doc)
            elapsed = (time.perf_counter() - t0) * 1000
            if status != 200:
                sys.exit("GetMetricStatistics: %s %s" % (status, body[:300]))
            if i >= 5:
                lat[kind].append(elapsed)
                continue
            # The warm-up answers are checked against what was written.
            points = json.loads(body)["Datapoints"]
            if len(points) != len(expected):
                sys.exit("GetMetricStatistics: %d datapoints, expected %d" % (len(points), len(expected)))
            for p in points:
                e = expected[int(p["Timestamp"])]
                if kind == "p99":
                    err = abs(p["ExtendedStatistics"]["p99"] - e["p99"]) / e["p99"]
                    worst_p99_error = max(worst_p99_error, err)
                elif (p["SampleCount"] != e["n"] or abs(p["Sum"] - e["sum"]) > 1e-6 * e["sum"] or
                      p["Minimum"] != e["min"] or p["Maximum"] != e["max"]):
                    sys.exit("GetMetricStatistics: hour %s is %s, expected %s" % (p["Timestamp"], p, e))
    out = {"datapoints": len(expected), "minute_points": f["minutes"],
           "worst_p99_relative_error": worst_p99_error}
    for kind, values in lat.items():
        values.sort()
        out[kind] = {"ok": len(values), "p50_ms": percentile(values, 0.5),
                     "p90_ms": percentile(values, 0.9), "p99_ms": percentile(values, 0.99),
                     "max_ms": values[-1]}
    json.dump(out, open(out_path, "w"))


def put_body(protocol):
    """1,000 datums over 10 series (a Route dimension), one value each."""
    if protocol == "json":
        data = [{"MetricName": "Latency", "Dimensions": [{"Name": "Route", "Value": "r%d" % (i % 10)}],
                 "Unit": "Milliseconds", "Value": duration_of(i)} for i in range(1000)]
        body = json.dumps({"Namespace": "Bench/App", "MetricData": data}).encode()
        return body, {"Content-Type": "application/x-amz-json-1.0",
                      "X-Amz-Target": TARGET + "PutMetricData"}
    params = [("Action", "PutMetricData"), ("Version", "2010-08-01"), ("Namespace", "Bench/App")]
    for i in range(1000):
        m = "MetricData.member.%d." % (i + 1)
        params += [(m + "MetricName", "Latency"), (m + "Dimensions.member.1.Name", "Route"),
                   (m + "Dimensions.member.1.Value", "r%d" % (i % 10)),
                   (m + "Unit", "Milliseconds"), (m + "Value", repr(duration_of(i)))]
    return urllib.parse.urlencode(params).encode(), {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def put(endpoint, protocol, conns, seconds, warmup, out_path, path="/"):
    body, headers = put_body(protocol)
    stop = threading.Event()
    measuring = threading.Event()
    results = []
    errors = []

    def worker():
        caller = Caller(endpoint, path)
        h = dict(headers, Host=caller.host)
        mine = []
        while not stop.is_set():
            t0 = time.perf_counter()
            status, data = caller.call(body, h)
            elapsed = (time.perf_counter() - t0) * 1000
            if status != 200:
                errors.append("%s %s" % (status, data[:200]))
                return
            if measuring.is_set():
                mine.append(elapsed)
        results.append(mine)

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for t in threads:
        t.start()
    time.sleep(warmup)
    cpu0 = os.times()
    measuring.set()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - t0
    cpu1 = os.times()
    for t in threads:
        t.join()
    if errors:
        sys.exit("PutMetricData failed: %s" % errors[0])
    lat = sorted(x for r in results for x in r)
    client_cpu = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / elapsed * 100
    json.dump({"ok": len(lat), "requests_per_s": len(lat) / elapsed,
               "values_per_s": len(lat) * 1000 / elapsed, "body_bytes": len(body),
               "p50_ms": percentile(lat, 0.5), "p99_ms": percentile(lat, 0.99),
               "client_cpu_pct": client_cpu}, open(out_path, "w"))


def report(raw_path, meta_path):
    meta = json.load(open(meta_path))
    rows = [json.loads(l) for l in open(raw_path) if l.strip()]
    by = {(r["system"], r["key"]): r for r in rows}

    def res(system, key):
        return by.get((system, key), {}).get("result")

    p = print
    p("## CloudWatch benchmark %s" % meta["stamp"])
    p("")
    p("Machine: %s, %s cores, %s RAM, kernel %s. Load average at start: %s. Client: "
      "bench/cloudwatch_bench.py (botocore's SigV4 signer, http.client keep-alive; Debian's "
      "python3), on the same machine." % (meta["model"], meta["cores"], meta["mem"],
                                          meta["kernel"], meta["load_at_start"]))
    for s in ("evoke", "nginx"):
        info = by.get((s, "info"))
        if info:
            p("- %s: %s" % (s, info["detail"]))
    p("")
    q = res("evoke", "query15d")
    if q:
        p("GetMetricStatistics over 15 days of one-minute data for one function (%d one-minute "
          "points, Period 3600: %d datapoints; the warm-up answers checked against what was "
          "written, p99 within %.2f%% of the exact nearest rank). The two questions alternate, "
          "one call at a time on one connection (target: ≤ 20 ms):" % (
              q["minute_points"], q["datapoints"], q["worst_p99_relative_error"] * 100))
        p("")
        p("| statistics | calls | p50 ms | p90 ms | p99 ms | max ms |")
        p("|---|---:|---:|---:|---:|---:|")
        for kind, label in (("basic", "SampleCount, Sum, Minimum, Maximum, Average"),
                            ("p99", "ExtendedStatistics p99")):
            x = q[kind]
            p("| %s | %d | **%.2f** | %.2f | %.2f | %.2f |" % (
                label, x["ok"], x["p50_ms"], x["p90_ms"], x["p99_ms"], x["max_ms"]))
    else:
        p("GetMetricStatistics over 15 days: %s" % by.get(("evoke", "query15d"), {}).get("failed", "not run"))
    p("")
    p("PutMetricData, 1,000 values per request (1,000 datums over 10 series), for %s s after %s s "
      "of warm-up. The reference is nginx answering the same signed bodies with `{}` (it reads "
      "and discards them): the HTTP and client cost alone." % (meta["duration"], meta["warmup"]))
    p("")
    p("| system | protocol | callers | requests/s | values/s | p50 ms | p99 ms | body | client CPU |")
    p("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for (system, key), r in sorted(by.items()):
        if not key.startswith("put_"):
            continue
        _, protocol, conns = key.split("_")
        x = r.get("result")
        if not x:
            p("| %s | %s | %s | %s | | | | | |" % (system, protocol, conns[1:], r.get("failed")))
            continue
        p("| %s | %s | %s | %.0f | %.0f | %.2f | %.2f | %.0f KB | %.0f%% |" % (
            system, protocol, conns[1:], x["requests_per_s"], x["values_per_s"], x["p50_ms"],
            x["p99_ms"], x["body_bytes"] / 1000, x["client_cpu_pct"]))


def main():
    cmd = sys.argv[1]
    if cmd == "fill":
        fill(sys.argv[2], sys.argv[3])
    elif cmd == "query":
        query(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif cmd == "put":
        args, out = sys.argv[2:-1], sys.argv[-1]
        path = NGINX_PATH if args[5:] == ["nginx"] else "/"
        put(args[0], args[1], int(args[2]), float(args[3]), float(args[4]), out, path)
    elif cmd == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
