#!/usr/bin/python3
"""The parts of bench/run_lambda.sh that are easier in Python: function packages and their
creation through the Lambda API (boto3), the S3 set-up of the thumbnail function, start-up
baselines, and the markdown report. The load itself is bench/s3load (`s3load invoke`): boto3
costs milliseconds of CPU per call and would measure itself.

usage (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY):
  lambda_bench.py create ENDPOINT NAME KIND [CPP_ECHO]   KIND: py | node | cpp | thumb
  lambda_bench.py thumb-setup ENDPOINT BUCKET JPEG EVENT_FILE
  lambda_bench.py thumb-check ENDPOINT BUCKET KEY
  lambda_bench.py baseline RUNS                  prints JSON: start-up of python3 / node alone
  lambda_bench.py report RESULTS_JSONL META_JSON
"""

import io
import json
import os
import statistics
import subprocess
import sys
import time
import zipfile

from bench_role import execution_role

PY_ECHO = "def handler(e, c):\n    return e\n"
NODE_ECHO = "exports.handler = async (e) => e;\n"

# The thumbnail function of the issue, shaped like AWS's S3-trigger tutorial: the S3 client is
# made at import (its cost lands in the cold start), each record's object is downloaded, shrunk
# to fit 128x128 and uploaded to the bucket named BUCKET-resized.
THUMB = '''import os
import urllib.parse

import boto3
from PIL import Image

s3 = boto3.client('s3')


def handler(event, context):
    for record in event['Records']:
        bucket = record['s3']['bucket']['name']
        key = urllib.parse.unquote_plus(record['s3']['object']['key'])
        base = os.path.basename(key)
        src = os.path.join('/tmp', base)
        dst = os.path.join('/tmp', 'resized-' + base)
        s3.download_file(bucket, key, src)
        with Image.open(src) as image:
            image.thumbnail((128, 128))
            image.save(dst)
        s3.upload_file(dst, bucket + '-resized', key)
    return {'resized': len(event['Records'])}
'''


def client(service, endpoint):
    import boto3
    from botocore.config import Config

    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 1}, read_timeout=120))


def make_zip(entries):
    """entries: name -> (bytes, unix mode)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, (data, mode) in entries.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def create(endpoint, name, kind, cpp_echo=None):
    if kind == "py":
        spec = dict(Runtime="python3.11", Handler="handler.handler",
                    files={"handler.py": (PY_ECHO.encode(), 0o644)})
    elif kind == "node":
        spec = dict(Runtime="nodejs20.x", Handler="index.handler",
                    files={"index.js": (NODE_ECHO.encode(), 0o644)})
    elif kind == "cpp":
        with open(cpp_echo, "rb") as f:
            spec = dict(Runtime="provided.al2023", Handler="echo",
                        files={"bootstrap": (f.read(), 0o755)})
    elif kind == "thumb":
        spec = dict(Runtime="python3.11", Handler="thumb.handler", MemorySize=512, Timeout=60,
                    files={"thumb.py": (THUMB.encode(), 0o644)})
    else:
        sys.exit("unknown kind " + kind)
    files = spec.pop("files")
    lam = client("lambda", endpoint)
    role = execution_role(client("iam", endpoint))
    lam.create_function(FunctionName=name, Role=role, Code={"ZipFile": make_zip(files)}, **spec)
    # AWS answers Pending and clients wait for Active; invoking before is a conflict.
    deadline = time.monotonic() + 60
    while True:
        state = lam.get_function_configuration(FunctionName=name).get("State", "Active")
        if state == "Active":
            return
        if state == "Failed" or time.monotonic() > deadline:
            sys.exit("function %s is %s" % (name, state))
        time.sleep(0.02)


def s3_event(bucket, key, size, etag):
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": now, "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "EXAMPLE"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": "EXAMPLE", "x-amz-id-2": "EXAMPLE"},
        "s3": {
            "s3SchemaVersion": "1.0", "configurationId": "bench",
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": "EXAMPLE"},
                       "arn": "arn:aws:s3:::" + bucket},
            "object": {"key": key, "size": size, "eTag": etag, "sequencer": "0A1B2C3D4E5F678901"},
        },
    }]}


def thumb_setup(endpoint, bucket, jpeg, event_file):
    s3 = client("s3", endpoint)
    for b in (bucket, bucket + "-resized"):
        s3.create_bucket(Bucket=b)
    key = "images/" + os.path.basename(jpeg)
    with open(jpeg, "rb") as f:
        body = f.read()
    etag = s3.put_object(Bucket=bucket, Key=key, Body=body)["ETag"].strip('"')
    with open(event_file, "w") as f:
        json.dump(s3_event(bucket, key, len(body), etag), f)
    print(key)


def thumb_check(endpoint, bucket, key):
    """The thumbnail exists in BUCKET-resized and fits 128x128: the function did its work."""
    from PIL import Image

    body = client("s3", endpoint).get_object(Bucket=bucket + "-resized", Key=key)["Body"].read()
    with Image.open(io.BytesIO(body)) as image:
        w, h = image.size
    if max(w, h) > 128:
        sys.exit("thumbnail is %dx%d" % (w, h))
    print("%s-resized/%s: %dx%d, %d bytes" % (bucket, key, w, h, len(body)))


def baseline(runs):
    """Wall time of bare interpreter start-ups, the floor of a cold start."""
    def median_ms(argv, n):
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            times.append((time.perf_counter() - t0) * 1000)
        return round(statistics.median(times), 2)

    out = {
        "python_pass_ms": median_ms(["/usr/bin/python3", "-c", "pass"], runs),
        "node_0_ms": median_ms(["/usr/bin/node", "-e", "0"], max(3, runs // 2)),
        "python_boto3_pil_ms": median_ms(
            ["/usr/bin/python3", "-c", "import boto3, PIL.Image; boto3.client('s3', region_name='us-east-1')"],
            3),
        "runs": runs,
    }
    print(json.dumps(out))


# ---- report -------------------------------------------------------------------------------------

RUNTIMES = [("py", "Python echo"), ("node", "Node.js echo"), ("cpp", "C++ echo (provided.al2023)")]


def before_after(p, systems, by, res, clean, cold_ms):
    """evoke-base, evoke, evoke-user (the same build, invoked by an IAM user) and
    evoke-nometrics (the same build with --record-metrics off) side by side, each figure with
    its ratio to nginx's no-op answer to the same requests, evoke / evoke-base,
    evoke-user / evoke and evoke / evoke-nometrics."""
    def started(s):
        return s in systems and not by.get((s, "start"), {}).get("failed")

    evokes = [s for s in ("evoke-base", "evoke", "evoke-user", "evoke-nometrics") if started(s)]
    if not evokes:
        return
    ref_ok = started("nginx")
    # Ratio columns, (before, after): pairs of systems both measured in this run.
    pairs = [(b, a) for b, a in (("evoke-base", "evoke"), ("evoke", "evoke-user"),
                                 ("evoke-nometrics", "evoke")) if b in evokes and a in evokes]

    def ratio(r):
        return ("%.3f×" if r < 0.1 else "%.2f×") % r

    def fig(s, key, field):
        x = res(s, key)
        if not x or x["ok"] == 0:
            return None, ""
        return x[field], (" (%d err)" % x["errors"] if x["errors"] else "")

    def cold(s, kind):
        c, _, bad = cold_ms(s, kind)
        return c, (" (%d err)" % bad if bad else "")

    p("")
    p("Before / after and the physical reference: each evoke figure with its ratio to the same "
      "client's figure against nginx answering every Invoke with `{}` (the HTTP exchange alone), "
      "and the after / before ratios (evoke / evoke-nometrics is what recording metrics costs). "
      "For invokes/s a ratio above 1 is better, for ms below 1.")
    p("")
    head = "| function | figure | nginx no-op | " + " | ".join(evokes) + " |"
    line = "|---|---|---:|" + "---:|" * len(evokes)
    for before, after in pairs:
        head += " %s / %s |" % (after, before)
        line += "---:|"
    p(head)
    p(line)
    figures = [
        ("warm p50 ms, 1 caller", "seq", "p50_ms", "{:.3f}"),
        ("warm invokes/s, 1 caller", "seq", "ops_per_s", "{:,.0f}"),
        ("invokes/s, 16 callers", "c16", "ops_per_s", "{:,.0f}"),
        ("p50 ms, 16 callers", "c16", "p50_ms", "{:.2f}"),
    ]
    rows = []
    for kind, what in RUNTIMES + [("thumb", "thumbnail")]:
        if kind != "thumb":
            for label, pre, field, f in figures:
                ref, rerr = fig("nginx", pre + "_noop", field) if ref_ok else (None, "")
                rows.append((what, label, f, ref, rerr,
                             [fig(s, "%s_%s" % (pre, kind), field) for s in evokes]))
        else:
            rows.append((what, "warm p50 ms, 1 caller", "{:.2f}", None, "",
                         [fig(s, "warm_thumb", "p50_ms") for s in evokes]))
        rows.append((what, "cold start ms (median)", "{:,.1f}", None, "",
                     [cold(s, kind) for s in evokes]))
    for what, label, f, ref, rerr, vals in rows:
        if all(v is None for v, _ in vals):
            continue
        cells = []
        for v, err in vals:
            if v is None:
                cells.append("–")
                continue
            c = f.format(v) + err
            if ref:
                c += " (%s nginx)" % ratio(v / ref)
            cells.append(c)
        row = "| %s | %s | %s | %s |" % (what, label, f.format(ref) + rerr if ref else "–", " | ".join(cells))
        val = dict(zip(evokes, (v for v, _ in vals)))
        for before, after in pairs:
            b, a = val[before], val[after]
            row += " %s |" % (ratio(a / b) if a is not None and b else "–")
        p(row)


def report(raw_path, meta_path):
    rows = [json.loads(line) for line in open(raw_path) if line.strip()]
    meta = json.load(open(meta_path))
    systems = []
    by = {}
    cold = {}
    for r in rows:
        if r["system"] not in systems:
            systems.append(r["system"])
        by[(r["system"], r["key"])] = r
        k = r["key"]
        if k.startswith("cold_") and "result" in r:
            base = k.rsplit("_", 1)[0] if k[-1].isdigit() else k
            cold.setdefault((r["system"], base), []).append(r["result"])

    def res(s, k):
        r = by.get((s, k))
        return r.get("result") if r else None

    def clean(x):
        return x is not None and x["errors"] == 0 and x["ok"] > 0

    def cold_ms(s, kind):
        xs = cold.get((s, "cold_" + kind), [])
        good = [x["p50_ms"] for x in xs if clean(x)]
        return (statistics.median(good) if good else None), len(good), len(xs) - len(good)

    def num(v, fmt="{:,.2f}"):
        return "-" if v is None else fmt.format(v)

    def cell(s, k, field, fmt="{:,.2f}"):
        r = by.get((s, k))
        if r is None:
            return "-"
        if "failed" in r:
            return "failed"
        x = r["result"]
        v = fmt.format(x[field])
        if x["errors"]:
            v += " (%d err)" % x["errors"]
        return v

    base = meta.get("baseline") or {}
    out = []
    p = out.append
    p("## Functions benchmark %s" % meta["stamp"])
    p("")
    p("Machine: %s, %s cores, %s RAM, kernel %s. Load average at start: %s." % (
        meta["model"], meta["cores"], meta["mem"], meta["kernel"], meta["load_at_start"]))
    p("Client: bench/s3load invoke (C++, epoll, SigV4 for service lambda, keep-alive), the same "
      "for every system; event `%s`. Baselines (median wall time, %s runs): `python3 -c pass` "
      "%s ms, `node -e 0` %s ms, `python3 -c 'import boto3, PIL.Image; boto3.client(\"s3\")'` "
      "%s ms." % (meta["payload"], base.get("runs", "-"), base.get("python_pass_ms", "-"),
                 base.get("node_0_ms", "-"), base.get("python_boto3_pil_ms", "-")))
    p("Cold = the first invoke after CreateFunction turned Active (evoke: median of %s fresh "
      "functions) or after the server started (serverless-offline: one); warm = %s sequential "
      "invokes on one connection; 16 callers = 16 connections for %s s after a %s s warm-up. "
      "Latency in ms from the first byte sent to the last byte received." % (
          meta["cold_runs"], meta["seq_ops"], meta["duration"], meta["warmup"]))
    together = [s for s in ("evoke-base", "evoke", "evoke-user", "evoke-nometrics", "nginx")
                if s in systems]
    if meta.get("order") == "interleave" and len(together) > 1:
        p("Order: %s were started together and each measurement ran on each of them in turn "
          "(the idle ones wait meanwhile); any other system ran alone afterwards." % ", ".join(together))
    for s in systems:
        if (s, "info") in by:
            p("- %s: %s" % (s, by[(s, "info")]["detail"]))
    p("")
    p("| system | function | cold ms | warm p50 ms | warm p99 ms | warm invokes/s | "
      "16 callers invokes/s | 16 callers p50 / p99 ms |")
    p("|---|---|---:|---:|---:|---:|---:|---:|")
    for s in systems:
        if by.get((s, "start"), {}).get("failed"):
            p("| %s | %s | | | | | | |" % (s, by[(s, "start")]["failed"]))
            continue
        if s == "nginx":
            c16 = res(s, "c16_noop")
            p("| nginx | no-op HTTP server (`return 200 '{}'`): the physical reference | – | %s | %s | %s | %s | %s |" % (
                cell(s, "seq_noop", "p50_ms", "{:.3f}"), cell(s, "seq_noop", "p99_ms"),
                cell(s, "seq_noop", "ops_per_s", "{:,.0f}"), cell(s, "c16_noop", "ops_per_s", "{:,.0f}"),
                "-" if not c16 else "%.2f / %.2f" % (c16["p50_ms"], c16["p99_ms"])))
            continue
        for kind, what in RUNTIMES:
            if not any(sys_ == s and (k.startswith("cold_%s_" % kind) or k.endswith("_" + kind))
                       for sys_, k in by):
                continue
            c, n_ok, n_bad = cold_ms(s, kind)
            c_s = num(c, "{:,.1f}") + (" (%d err)" % n_bad if n_bad else "")
            c16 = res(s, "c16_" + kind)
            lat16 = "-" if not c16 else "%.2f / %.2f" % (c16["p50_ms"], c16["p99_ms"])
            p("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                s, what, c_s, cell(s, "seq_" + kind, "p50_ms", "{:.3f}"),
                cell(s, "seq_" + kind, "p99_ms"), cell(s, "seq_" + kind, "ops_per_s", "{:,.0f}"),
                cell(s, "c16_" + kind, "ops_per_s", "{:,.0f}"), lat16))
        th = cold.get((s, "cold_thumb"))
        if th:
            c, n_ok, n_bad = cold_ms(s, "thumb")
            w = res(s, "warm_thumb")
            p("| %s | thumbnail (boto3 + Pillow, %s) | %s | %s | %s | %s | | |" % (
                s, meta.get("thumb_image", "JPEG"),
                num(c, "{:,.1f}") + (" (%d err)" % n_bad if n_bad else ""),
                cell(s, "warm_thumb", "p50_ms"), cell(s, "warm_thumb", "p99_ms"),
                "-" if not w else "%.0f" % w["ops_per_s"]))
    before_after(p, systems, by, res, clean, cold_ms)
    p("")
    p("Details (cpu = % of one core while measuring: the client, the server with all its "
      "descendants (sandboxes, runners), everything else on the machine; conns = connections "
      "opened):")
    p("")
    p("| system | scenario | ok | errors | p50 | p99 | max | client cpu | server cpu | other cpu | conns |")
    p("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    busy = []
    for r in rows:
        if "result" not in r or r["key"].startswith("cold_"):
            continue
        x = r["result"]
        p("| %s | %s | %d | %d | %.3f | %.2f | %.2f | %.0f | %s | %s | %d |" % (
            r["system"], r["key"], x["ok"], x["errors"], x["p50_ms"], x["p99_ms"], x["max_ms"],
            x["client_cpu_pct"], x["server_cpu_pct"], x["other_cpu_pct"], x["connects"]))
        if (x.get("other_cpu_pct") or 0) > 25:
            busy.append("%s %s (%s%%)" % (r["system"], r["key"], x["other_cpu_pct"]))
    for r in rows:
        if r["key"] in ("rss", "sandboxes"):
            p("| %s | %s | %s | | | | | | | | |" % (r["system"], r["key"], r["detail"]))
    if busy:
        p("")
        p("**WARNING: the machine was not quiet**: other processes used more than a quarter of a "
          "core during " + ", ".join(busy) + " (load average at start: %s). Those figures "
          "understate the systems; rerun on an idle machine." % meta["load_at_start"])
    errs = [r for r in rows if r.get("result") and r["result"]["errors"]]
    fails = [r for r in rows if r.get("failed")]
    if errs or fails:
        p("")
        p("Errors (anything but 200, or X-Amz-Function-Error; samples in the run directory):")
        for r in errs:
            p("- %s %s: %s" % (r["system"], r["key"], ", ".join(
                "%d× %s" % (n, what) for what, n in r["result"]["error_kinds"].items())))
        for r in fails:
            p("- %s %s: %s" % (r["system"], r["key"], r["failed"]))

    if "evoke" in systems and not by.get(("evoke", "start"), {}).get("failed"):
        p("")
        p("evoke against its targets:")
        p("")
        p("| target | evoke | goal | verdict |")
        p("|---|---:|---:|---|")
        seq = res("evoke", "seq_py")
        c16 = res("evoke", "c16_py")
        cpy, _, _ = cold_ms("evoke", "py")
        pp = base.get("python_pass_ms")

        def verdict(ok, have):
            return "n/a" if have is None else ("PASS" if ok else "FAIL")

        have = seq["p50_ms"] if seq else None
        p("| warm Python no-op invoke p50, ms | %s | ≤ 0.5 | %s |" % (
            num(have, "{:.3f}"), verdict(clean(seq) and have is not None and have <= 0.5, have)))
        have = c16["ops_per_s"] if c16 else None
        p("| Python no-op, 16 callers, invokes/s | %s | ≥ 5,000 | %s |" % (
            num(have, "{:,.0f}"), verdict(clean(c16) and have is not None and have >= 5000, have)))
        goal = 2 * pp if pp else None
        p("| Python no-op cold start, ms | %s | ≤ 2 × `python3 -c pass` = %s | %s |" % (
            num(cpy, "{:.1f}"), num(goal, "{:.1f}"),
            verdict(cpy is not None and goal is not None and cpy <= goal, cpy if goal else None)))
        peer = "serverless-offline"
        if peer in systems:
            for kind, what in RUNTIMES[:2]:
                e, o = res("evoke", "seq_" + kind), res(peer, "seq_" + kind)
                e16, o16 = res("evoke", "c16_" + kind), res(peer, "c16_" + kind)
                ec, _, _ = cold_ms("evoke", kind)
                oc, _, _ = cold_ms(peer, kind)
                parts = []
                if clean(e) and clean(o):
                    parts.append("warm p50 %.1f× faster" % (o["p50_ms"] / e["p50_ms"]))
                if clean(e16) and clean(o16):
                    parts.append("16 callers %.1f× the throughput" % (e16["ops_per_s"] / o16["ops_per_s"]))
                if ec and oc:
                    parts.append("cold %.1f× faster" % (oc / ec))
                p("| %s vs %s | %s | (reported) | |" % (what, peer, "; ".join(parts) or "-"))
    p("")
    p("Raw results: %s/results.jsonl; one full run took %s s." % (meta["run_dir"], meta.get("elapsed_s", "?")))
    print("\n".join(out))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "create":
        create(*args)
    elif cmd == "thumb-setup":
        thumb_setup(*args)
    elif cmd == "thumb-check":
        thumb_check(*args)
    elif cmd == "baseline":
        baseline(int(args[0]))
    elif cmd == "report":
        report(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
