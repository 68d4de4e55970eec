"""What functions put into CloudWatch: the AWS/Lambda metrics the invoker records, read back with
GetMetricStatistics and ListMetrics (boto3 and the aws CLI v2), as the Lambda guide documents
them (reference part 2 §6.2): Invocations (function errors included, throttles not), Errors,
Throttles (Sum; Count), Duration (Milliseconds; Maximum, percentiles), ConcurrentExecutions
(Maximum), by FunctionName, by FunctionName and Resource, and account-wide (no dimensions); and
that they survive a clean restart and, once a second has passed, a SIGKILL.

Duration is checked against the function's own REPORT lines (read from CloudWatch Logs, which
has them for asynchronous invocations too): Maximum and Minimum to the REPORT's two decimals,
p99 within the sketch's 1 % on top of that.

Guessed, not verified against AWS: an unqualified invocation's Resource dimension is the function
name; Errors and Throttles are read with Sum only (whether AWS also sends zeros is disputed, see
part 2 §6.2), so SampleCount is not asserted.

The module runs a server of its own (the session server's --test-clock is moved by other modules;
metrics roll up on that clock). Asynchronous invocations finish after their 202: the test waits
for their REPORT lines and for the counts with a deadline, never a bare sleep. The one sleep is
the SIGKILL test's two seconds: metrics are committed once a second and the docs promise that a
SIGKILL loses at most the last second."""

import base64
import datetime
import json
import re
import time
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import cw_wire as w
from aws_cli_runner import AwsCli
from conftest import LAMBDA_ROLE, EvokeServer, Target
from test_functions import make_zip

NS = "AWS/Lambda"
HOUR = datetime.timedelta(hours=1)
MIN = datetime.timedelta(minutes=1)

HANDLER = b"""import time

def handler(event, context):
    time.sleep(event.get("sleep", 0))
    if event.get("fail"):
        raise RuntimeError("asked to fail")
    return {"ok": True}
"""

# REPORT prints Duration with two decimals (rounded or cut): the metric agrees within 0.01 ms.
ROUNDING = 0.0101
REPORT_RE = re.compile(r"^REPORT RequestId: (\S+)\tDuration: ([0-9.]+) ms\t")


@pytest.fixture(scope="module")
def lmt(tmp_path_factory, target):
    yield from w.own_target(tmp_path_factory, target, "lambda-metrics", suite_roles=True)


@pytest.fixture(autouse=True)
def _own_server_alive(lmt, request):
    yield
    w.check_alive(lmt, request)


def clients(t):
    kw = dict(endpoint_url=t.endpoint, region_name=w.REGION, aws_access_key_id=t.access_key,
              aws_secret_access_key=t.secret)
    # One attempt each (standard mode): a retried 429 would count as a second throttle.
    once = {"mode": "standard", "total_max_attempts": 1}
    return (boto3.client("lambda", config=Config(retries=once, read_timeout=120), **kw),
            boto3.client("cloudwatch", config=Config(retries=once), **kw),
            boto3.client("logs", config=Config(retries=once), **kw))


def create_function(lam):
    name = "metrics-" + uuid.uuid4().hex[:16]
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=LAMBDA_ROLE,
                        Handler="app.handler", Code={"ZipFile": make_zip({"app.py": HANDLER})},
                        Timeout=30)
    return name


def window():
    """A one-hour period starting a minute before now: every datapoint of the test falls in it
    (and the period is a multiple of 60, as standard-resolution data needs)."""
    start = w.minute_floor(w.utcnow()) - MIN
    return start, start + HOUR


def stat(cw, metric, statistic, start, end, dims=None, extended=False):
    """The one datapoint's `statistic` over [start, end) (period = the whole window), or None."""
    kw = dict(Namespace=NS, MetricName=metric, StartTime=start, EndTime=end,
              Period=int((end - start).total_seconds()), Dimensions=dims or [])
    if extended:
        kw["ExtendedStatistics"] = [statistic]
    else:
        kw["Statistics"] = [statistic]
    dps = cw.get_metric_statistics(**kw)["Datapoints"]
    assert len(dps) <= 1, dps
    if not dps:
        return None
    if extended:
        return dps[0].get("ExtendedStatistics", {}).get(statistic)
    return dps[0][statistic]


def by_name(name):
    return [{"Name": "FunctionName", "Value": name}]


def by_resource(name):
    return [{"Name": "FunctionName", "Value": name}, {"Name": "Resource", "Value": name}]


def reports(logs, name, expected, deadline_s=60):
    """Durations (ms) of the function's REPORT lines, once there are `expected` of them."""
    group = "/aws/lambda/" + name

    def read():
        try:
            events = []
            for page in logs.get_paginator("filter_log_events").paginate(
                    logGroupName=group, filterPattern="REPORT"):
                events += page["events"]
        except logs.exceptions.ResourceNotFoundException:
            return None
        found = {}
        for e in events:
            m = REPORT_RE.match(e["message"])
            if m:
                found[m.group(1)] = float(m.group(2))
        return found if len(found) >= expected else None

    found = w.wait_for(read, deadline_s)
    assert found and len(found) == expected, found
    return list(found.values())


def invoke(lam, name, payload, **kw):
    r = lam.invoke(FunctionName=name, Payload=json.dumps(payload).encode(), **kw)
    r["Body"] = r["Payload"].read()
    return r


# ---- the metrics of one function -----------------------------------------------------------------

def test_invocations_errors_throttles_duration_concurrency(lmt, tmp_path_factory):
    lam, cw, logs = clients(lmt)
    name = create_function(lam)
    start, end = window()
    sleeps = [0.05, 0.2, 0.1, 0.3, 0.15]
    for s in sleeps:  # N successes, synchronous
        r = invoke(lam, name, {"sleep": s}, LogType="Tail")
        assert "FunctionError" not in r, r["Body"]
        assert "REPORT RequestId: " in base64.b64decode(r["LogResult"]).decode()
    r = invoke(lam, name, {"fail": True})  # one function error, synchronous
    assert r["FunctionError"] == "Unhandled"
    # One failing asynchronous invocation, not retried (so it runs exactly once).
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    r = lam.invoke(FunctionName=name, InvocationType="Event",
                   Payload=json.dumps({"fail": True, "sleep": 0.05}).encode())
    assert r["StatusCode"] == 202
    invocations = len(sleeps) + 2
    durations = reports(logs, name, invocations)
    # One throttled synchronous invocation: no REPORT, no Invocations, one Throttles.
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as e:
        invoke(lam, name, {})
    assert e.value.response["Error"]["Code"] == "TooManyRequestsException"
    lam.delete_function_concurrency(FunctionName=name)

    # Recording is not on the invoke path: wait (with a deadline) for the asynchronous one.
    assert w.wait_for(lambda: stat(cw, "Invocations", "Sum", start, end, by_name(name))
                      == invocations, 30), stat(cw, "Invocations", "Sum", start, end,
                                                by_name(name))
    assert w.wait_for(lambda: stat(cw, "Errors", "Sum", start, end, by_name(name)) == 2, 30), \
        stat(cw, "Errors", "Sum", start, end, by_name(name))
    assert stat(cw, "Throttles", "Sum", start, end, by_name(name)) == 1

    resp = cw.get_metric_statistics(Namespace=NS, MetricName="Invocations", StartTime=start,
                                    EndTime=end, Period=3600, Statistics=["Sum"],
                                    Dimensions=by_name(name))
    assert resp["Datapoints"][0]["Unit"] == "Count", resp
    resp = cw.get_metric_statistics(Namespace=NS, MetricName="Duration", StartTime=start,
                                    EndTime=end, Period=3600, Dimensions=by_name(name),
                                    Statistics=["SampleCount", "Maximum", "Minimum", "Sum"])
    dp = resp["Datapoints"][0]
    assert dp["Unit"] == "Milliseconds", dp
    # Every run has a Duration (failures too); a throttled request never ran.
    assert dp["SampleCount"] == invocations, (dp, durations)
    assert abs(dp["Maximum"] - max(durations)) <= ROUNDING, (dp, durations)
    assert abs(dp["Minimum"] - min(durations)) <= ROUNDING, (dp, durations)
    assert abs(dp["Sum"] - sum(durations)) <= ROUNDING * invocations, (dp, durations)
    assert max(durations) >= 300  # the 0.3 s sleep is in there
    p99 = stat(cw, "Duration", "p99", start, end, by_name(name), extended=True)
    lo, hi = w.percentile_bounds(durations, 99)
    assert lo - ROUNDING <= p99 <= hi + ROUNDING, (p99, sorted(durations))
    p50 = stat(cw, "Duration", "p50", start, end, by_name(name), extended=True)
    lo, hi = w.percentile_bounds(durations, 50)
    assert lo - ROUNDING <= p50 <= hi + ROUNDING, (p50, sorted(durations))

    assert stat(cw, "ConcurrentExecutions", "Maximum", start, end, by_name(name)) >= 1

    # By FunctionName and Resource (an unqualified invocation: the function's name).
    assert stat(cw, "Invocations", "Sum", start, end, by_resource(name)) == invocations
    assert stat(cw, "Errors", "Sum", start, end, by_resource(name)) == 2
    # Account-wide: no dimensions, at least this function's counts.
    assert stat(cw, "Invocations", "Sum", start, end) >= invocations
    assert stat(cw, "Errors", "Sum", start, end) >= 2
    assert stat(cw, "Throttles", "Sum", start, end) >= 1
    assert stat(cw, "Duration", "Maximum", start, end) >= dp["Maximum"] - ROUNDING
    assert stat(cw, "ConcurrentExecutions", "Maximum", start, end) >= 1

    # The function's series in ListMetrics, through the aws CLI v2.
    cli = AwsCli.for_target("v2", lmt, tmp_path_factory.mktemp("aws-home"))
    listed = cli.json("cloudwatch", "list-metrics", "--namespace", NS, "--dimensions",
                      "Name=FunctionName,Value=" + name)["Metrics"]
    names = {m["MetricName"] for m in listed}
    assert {"Invocations", "Errors", "Throttles", "Duration",
            "ConcurrentExecutions"} <= names, listed
    assert all(m["Namespace"] == NS for m in listed)
    dimension_sets = {tuple(sorted((d["Name"], d["Value"]) for d in m["Dimensions"]))
                      for m in listed if m["MetricName"] == "Invocations"}
    assert dimension_sets == {(("FunctionName", name),),
                              (("FunctionName", name), ("Resource", name))}, listed
    # And the account-wide series: no dimensions.
    listed = cli.json("cloudwatch", "list-metrics", "--namespace", NS, "--metric-name",
                      "Invocations")["Metrics"]
    assert any(m["Dimensions"] == [] for m in listed), listed
    out = cli.json("cloudwatch", "get-metric-statistics", "--namespace", NS, "--metric-name",
                   "Invocations", "--dimensions", "Name=FunctionName,Value=" + name,
                   "--start-time", w.iso(start), "--end-time", w.iso(end), "--period", "3600",
                   "--statistics", "Sum")
    assert [d["Sum"] for d in out["Datapoints"]] == [invocations], out


def test_a_function_that_is_never_invoked_has_no_datapoints(lmt):
    lam, cw, _ = clients(lmt)
    name = create_function(lam)
    start, end = window()
    for metric in ("Invocations", "Duration", "ConcurrentExecutions"):
        assert stat(cw, metric, "Sum", start, end, by_name(name)) is None, metric
    assert cw.list_metrics(Namespace=NS, Dimensions=[
        {"Name": "FunctionName", "Value": name}])["Metrics"] == []


# ---- restarts and crashes ------------------------------------------------------------------------

def own(tmp_path, label):
    server = EvokeServer(tmp_path / label / "data", tmp_path / label / "logs")
    server.start()
    return server


@pytest.fixture
def require_binary(lmt):
    if lmt.server is None:
        pytest.skip("needs the evoke binary (EVOKE_E2E_ENDPOINT is set)")


def put_custom(cw, ns, m):
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Kept", "Timestamp": m + datetime.timedelta(seconds=5), "Value": 4.0},
        {"MetricName": "KeptHr", "Timestamp": m + datetime.timedelta(seconds=6),
         "StorageResolution": 1, "Value": 2.0}])


def check_custom(cw, ns, m):
    dps = cw.get_metric_statistics(Namespace=ns, MetricName="Kept", StartTime=m,
                                   EndTime=m + MIN, Period=60,
                                   Statistics=["Sum", "SampleCount"])["Datapoints"]
    assert [(d["Sum"], d["SampleCount"]) for d in dps] == [(4.0, 1)], dps
    dps = cw.get_metric_statistics(Namespace=ns, MetricName="KeptHr", StartTime=m,
                                   EndTime=m + MIN, Period=1, Statistics=["Sum"])["Datapoints"]
    assert [(d["Timestamp"], d["Sum"]) for d in dps] == [
        (m + datetime.timedelta(seconds=6), 2.0)], dps


@pytest.mark.parametrize("how", ["clean-stop", "sigkill-after-2s"])
def test_metrics_survive_a_restart(require_binary, tmp_path, how):
    """Nothing is read before the stop: a clean stop writes what is still in memory, and after
    two seconds (commits are once a second) a SIGKILL loses nothing either."""
    server = own(tmp_path, "srv")
    try:
        t = Target(server.endpoint, server.access_key, server.secret, server)
        lam, cw, _ = clients(t)
        name = create_function(lam)
        start, end = window()
        for _ in range(3):
            assert "FunctionError" not in invoke(lam, name, {})
        assert invoke(lam, name, {"fail": True})["FunctionError"] == "Unhandled"
        ns = "e2e/" + uuid.uuid4().hex[:16]
        m = w.past_minute(10)
        put_custom(cw, ns, m)
        if how == "clean-stop":
            assert server.stop() == 0, server.diagnostics()
        else:
            time.sleep(2.0)  # the documented bound: at most the last second is lost
            server.kill()
        server.start()
        t = Target(server.endpoint, server.access_key, server.secret, server)
        lam, cw, _ = clients(t)
        assert stat(cw, "Invocations", "Sum", start, end, by_name(name)) == 4
        assert stat(cw, "Errors", "Sum", start, end, by_name(name)) == 1
        assert stat(cw, "Duration", "SampleCount", start, end, by_name(name)) == 4
        assert stat(cw, "Invocations", "Sum", start, end) == 4  # the server's only function
        check_custom(cw, ns, m)
        assert {m_["MetricName"] for m_ in cw.list_metrics(Namespace=ns)["Metrics"]} == {
            "Kept", "KeptHr"}
        # And it keeps counting after the restart.
        assert "FunctionError" not in invoke(lam, name, {})
        assert stat(cw, "Invocations", "Sum", start, end, by_name(name)) == 5
    finally:
        rc = server.stop()
    assert rc == 0, server.diagnostics()
