"""X-Ray tracing end to end (docs/tracing.md): TracingConfig on functions; the trace header a
function sees (_X_AMZN_TRACE_ID) for Invoke with and without X-Amzn-Trace-Id, Active and
PassThrough; asynchronous retries and destinations keeping the Root; the XRAY line after
REPORT; the X-Ray API (PutTraceSegments, GetTraceSummaries, BatchGetTraces) through boto3 and
the aws CLI, with evoke's own segments and the ones a function sends with its credentials."""

import base64
import json
import re
import time
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import unique_name
from test_events import advance_clock, wait_for, seen, function_arn
from test_functions import lambda_client, make_zip, ROLE

ROOT_RE = re.compile(r"^1-[0-9a-f]{8}-[0-9a-f]{24}$")

# Returns the trace header it runs under; with OUT_BUCKET writes it there (and fails with
# FAIL); with {"segment": true} sends a subsegment of its own through PutTraceSegments.
TRACER = b"""import json, os, time, uuid
import boto3

def handler(event, context):
    header = os.environ.get('_X_AMZN_TRACE_ID', '')
    if os.environ.get('OUT_BUCKET'):
        boto3.client('s3').put_object(Bucket=os.environ['OUT_BUCKET'],
            Key='seen/%s/%s' % (context.aws_request_id, uuid.uuid4().hex),
            Body=json.dumps({'header': header, 'event': event}).encode())
    if os.environ.get('FAIL'):
        raise RuntimeError('failing on purpose')
    sent = None
    if isinstance(event, dict) and event.get('segment'):
        fields = dict(f.split('=', 1) for f in header.split(';'))
        now = time.time()
        doc = {'id': uuid.uuid4().hex[:16], 'trace_id': fields['Root'],
               'parent_id': fields['Parent'], 'type': 'subsegment', 'name': 'my-work',
               'start_time': now - 0.01, 'end_time': now}
        sent = boto3.client('xray').put_trace_segments(
            TraceSegmentDocuments=[json.dumps(doc)])['UnprocessedTraceSegments']
        sent = {'id': doc['id'], 'unprocessed': sent}
    return {'header': header, 'sent': sent}
"""


def fields(header):
    return dict(f.split("=", 1) for f in header.split(";"))


@pytest.fixture
def lam(target):
    return lambda_client(target.endpoint, target.access_key, target.secret)


@pytest.fixture
def xray(target):
    return boto3.client("xray", endpoint_url=target.endpoint, region_name="us-east-1",
                        aws_access_key_id=target.access_key,
                        aws_secret_access_key=target.secret,
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


@pytest.fixture
def tracer(lam):
    """make(mode, **env) -> function name."""
    made = []

    def make(mode="PassThrough", **env):
        name = unique_name("trace")
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                            Handler="tracer.handler", Timeout=30,
                            Code={"ZipFile": make_zip({"tracer.py": TRACER})},
                            TracingConfig={"Mode": mode},
                            Environment={"Variables": {k: str(v) for k, v in env.items()}})
        made.append(name)
        return name

    yield make
    for name in made:
        try:
            lam.delete_function(FunctionName=name)
        except ClientError:
            pass


def with_trace_header(client, header):
    """Adds X-Amzn-Trace-Id to every request `client` sends."""
    def add(request, **_):
        request.headers["X-Amzn-Trace-Id"] = header
    client.meta.events.register_first("before-sign.*.*", add)
    return client


def invoke(lam, name, payload=b"{}", **kwargs):
    r = lam.invoke(FunctionName=name, Payload=payload, **kwargs)
    body = json.loads(r["Payload"].read())
    assert "FunctionError" not in r, body
    return r, body


def new_root():
    return "1-%08x-%s" % (int(time.time()), uuid.uuid4().hex[:24])


# ---- TracingConfig --------------------------------------------------------------------------

def test_tracing_config_is_stored_and_validated(lam, tracer):
    name = tracer("Active")
    assert lam.get_function_configuration(FunctionName=name)["TracingConfig"] == {"Mode": "Active"}
    assert lam.get_function(FunctionName=name)["Configuration"]["TracingConfig"]["Mode"] == "Active"
    r = lam.update_function_configuration(FunctionName=name, TracingConfig={"Mode": "PassThrough"})
    assert r["TracingConfig"] == {"Mode": "PassThrough"}
    # An empty TracingConfig leaves the mode alone.
    lam.update_function_configuration(FunctionName=name, TracingConfig={})
    assert lam.get_function_configuration(FunctionName=name)["TracingConfig"]["Mode"] == "PassThrough"
    with pytest.raises(ClientError) as e:
        lam.update_function_configuration(FunctionName=name, TracingConfig={"Mode": "Sometimes"})
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert e.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'Sometimes' at 'tracingConfig.mode' failed to satisfy "
        "constraint: Member must satisfy enum value set: [Active, PassThrough]")
    # Functions created without one pass through.
    other = tracer()
    assert lam.get_function_configuration(FunctionName=other)["TracingConfig"] == {
        "Mode": "PassThrough"}


# ---- the header a function sees --------------------------------------------------------------

def test_pass_through_without_a_header_is_not_sampled(lam, tracer):
    name = tracer("PassThrough")
    r, body = invoke(lam, name, LogType="Tail")
    f = fields(body["header"])
    assert ROOT_RE.match(f["Root"]) and re.match(r"^[0-9a-f]{16}$", f["Parent"])
    assert f["Sampled"] == "0"
    assert "XRAY TraceId" not in base64.b64decode(r["LogResult"]).decode()
    # Each invocation is a trace of its own.
    assert fields(invoke(lam, name)[1]["header"])["Root"] != f["Root"]


def test_active_without_a_header_starts_a_sampled_trace(lam, tracer):
    name = tracer("Active")
    r, body = invoke(lam, name, LogType="Tail")
    f = fields(body["header"])
    assert ROOT_RE.match(f["Root"]) and f["Sampled"] == "1"
    log = base64.b64decode(r["LogResult"]).decode()
    # The REPORT event goes on with the XRAY line, as Lambda prints it.
    assert re.search(r"REPORT RequestId: [^\n]*\tInit Duration: [0-9.]+ ms\t\nXRAY TraceId: "
                     + f["Root"] + "\tSegmentId: " + f["Parent"] + "\tSampled: true\t", log), log


def test_a_callers_header_is_continued(target, lam, tracer):
    root = new_root()
    caller = with_trace_header(
        lambda_client(target.endpoint, target.access_key, target.secret),
        "Root=%s;Parent=53995c3f42cd8ad8;Sampled=1" % root)
    for mode in ("PassThrough", "Active"):
        f = fields(invoke(caller, tracer(mode))[1]["header"])
        assert f["Root"] == root and f["Sampled"] == "1"
        assert f["Parent"] != "53995c3f42cd8ad8"
    # The caller's decision holds, even for Active.
    caller0 = with_trace_header(
        lambda_client(target.endpoint, target.access_key, target.secret),
        "Root=%s;Parent=53995c3f42cd8ad8;Sampled=0" % root)
    r, body = invoke(caller0, tracer("Active"), LogType="Tail")
    assert fields(body["header"])["Sampled"] == "0" and fields(body["header"])["Root"] == root
    assert "XRAY" not in base64.b64decode(r["LogResult"]).decode()
    # A malformed header is ignored: a new trace.
    bad = with_trace_header(lambda_client(target.endpoint, target.access_key, target.secret),
                            "Root=nonsense")
    f = fields(invoke(bad, tracer("Active"))[1]["header"])
    assert ROOT_RE.match(f["Root"]) and f["Sampled"] == "1"


def test_async_retries_and_destination_keep_the_root(target, lam, s3, tracer, bucket_factory):
    out, sink_out = bucket_factory("out"), bucket_factory("out")
    failing = tracer("Active", OUT_BUCKET=out, FAIL=1)
    sink = tracer("PassThrough", OUT_BUCKET=sink_out)
    lam.put_function_event_invoke_config(
        FunctionName=failing, MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": function_arn(sink)}})
    root = new_root()
    caller = with_trace_header(lambda_client(target.endpoint, target.access_key, target.secret),
                               "Root=%s;Parent=53995c3f42cd8ad8;Sampled=1" % root)
    caller.invoke(FunctionName=failing, InvocationType="Event", Payload=b'{"try": 1}')
    wait_for(lambda: len(seen(s3, out)) >= 1, what="the first attempt")
    advance_clock(target.endpoint, 61)
    wait_for(lambda: len(seen(s3, out)) >= 2, what="the retry")
    attempts = [fields(e["header"]) for _, e in seen(s3, out)]
    assert [a["Root"] for a in attempts] == [root, root]
    assert all(a["Sampled"] == "1" for a in attempts)
    assert attempts[0]["Parent"] != attempts[1]["Parent"]
    _, record = wait_for(lambda: seen(s3, sink_out), what="the OnFailure record")[0]
    assert fields(record["header"])["Root"] == root
    assert record["event"]["requestContext"]["condition"] == "RetriesExhausted"


def test_async_invoke_without_a_header_keeps_one_root(target, lam, s3, tracer, bucket_factory):
    out = bucket_factory("out")
    failing = tracer("Active", OUT_BUCKET=out, FAIL=1)
    lam.put_function_event_invoke_config(FunctionName=failing, MaximumRetryAttempts=1)
    lam.invoke(FunctionName=failing, InvocationType="Event", Payload=b"{}")
    wait_for(lambda: len(seen(s3, out)) >= 1, what="the first attempt")
    advance_clock(target.endpoint, 61)
    wait_for(lambda: len(seen(s3, out)) >= 2, what="the retry")
    attempts = [fields(e["header"]) for _, e in seen(s3, out)]
    assert attempts[0]["Root"] == attempts[1]["Root"]
    assert all(a["Sampled"] == "1" for a in attempts)


# ---- the X-Ray API --------------------------------------------------------------------------

def trace_of(xray, root, timeout=10):
    deadline = time.time() + timeout
    while True:
        r = xray.batch_get_traces(TraceIds=[root])
        if r["Traces"] and len(r["Traces"][0]["Segments"]) >= 2:
            return r["Traces"][0]
        if time.time() > deadline:
            pytest.fail("no segments for %s: %s" % (root, r))
        time.sleep(0.1)


def test_cli_shows_the_invocations_segments(lam, tracer, aws_v2, xray):
    name = tracer("Active")
    body = invoke(lam, name)[1]
    root, parent = fields(body["header"])["Root"], fields(body["header"])["Parent"]
    now = int(time.time())
    summaries = aws_v2.json("xray", "get-trace-summaries", "--start-time", str(now - 300),
                            "--end-time", str(now + 60))
    mine = [s for s in summaries["TraceSummaries"] if s["Id"] == root]
    assert len(mine) == 1, summaries
    assert mine[0]["HasFault"] is False and mine[0]["Http"]["HttpStatus"] == 200
    assert {"Name": name, "Names": [name], "AccountId": "", "Type": "AWS::Lambda"} in \
        mine[0]["ServiceIds"]
    traces = aws_v2.json("xray", "batch-get-traces", "--trace-ids", root)
    assert [t["Id"] for t in traces["Traces"]] == [root]
    docs = {json.loads(s["Document"])["origin"]: json.loads(s["Document"])
            for s in traces["Traces"][0]["Segments"]}
    service, function = docs["AWS::Lambda"], docs["AWS::Lambda::Function"]
    assert function["id"] == parent and function["parent_id"] == service["id"]
    assert service["trace_id"] == function["trace_id"] == root
    # The first invocation was a cold start.
    assert [s["name"] for s in function["subsegments"]] == ["Initialization", "Invocation"]
    # A warm one has no Initialization.
    body = invoke(lam, name)[1]
    warm = trace_of(xray, fields(body["header"])["Root"])
    function = [json.loads(s["Document"]) for s in warm["Segments"]
                if json.loads(s["Document"])["origin"] == "AWS::Lambda::Function"][0]
    assert [s["name"] for s in function["subsegments"]] == ["Invocation"]


def test_pass_through_records_no_segments(lam, tracer, xray):
    body = invoke(lam, tracer("PassThrough"))[1]
    root = fields(body["header"])["Root"]
    time.sleep(0.3)
    r = xray.batch_get_traces(TraceIds=[root])
    assert r["Traces"] == [] and r["UnprocessedTraceIds"] == [root]


def test_a_function_sends_its_own_segments(lam, tracer, xray):
    name = tracer("Active")
    body = invoke(lam, name, payload=b'{"segment": true}')[1]
    assert body["sent"]["unprocessed"] == []
    trace = trace_of(xray, fields(body["header"])["Root"])
    ids = {s["Id"]: json.loads(s["Document"]) for s in trace["Segments"]}
    mine = ids[body["sent"]["id"]]
    assert mine["name"] == "my-work" and mine["parent_id"] == fields(body["header"])["Parent"]


def test_s3_calls_in_a_sampled_trace_get_s3_segments(target, lam, s3, tracer, bucket_factory,
                                                    xray):
    # The function's boto3 sends its trace header (from _X_AMZN_TRACE_ID) with the PutObject:
    # S3's segment joins the trace under the function's segment.
    out = bucket_factory("out")
    name = tracer("Active", OUT_BUCKET=out)
    header = fields(invoke(lam, name)[1]["header"])
    root = header["Root"]
    deadline = time.time() + 10
    while True:
        segments = [json.loads(x["Document"])
                    for t in xray.batch_get_traces(TraceIds=[root])["Traces"] for x in t["Segments"]]
        found = [d for d in segments if d.get("origin") == "AWS::S3"]
        if found or time.time() > deadline:
            break
        time.sleep(0.1)
    assert len(found) == 1, segments
    seg = found[0]
    assert seg["name"] == "S3" and seg["trace_id"] == root and seg["parent_id"] == header["Parent"]
    assert seg["aws"]["operation"] == "PutObject" and seg["aws"]["bucket_name"] == out
    assert seg["aws"]["key"].startswith("seen/")
    assert seg["http"]["request"]["method"] == "PUT" and seg["http"]["response"]["status"] == 200
    assert seg["end_time"] >= seg["start_time"] and "error" not in seg and "fault" not in seg

    # A request of the caller's own: sampled, it gets a segment (a missing key: an error);
    # not sampled, or with a header that does not parse, none.
    sampled_root, unsampled_root = new_root(), new_root()
    client = with_trace_header(target.boto3_client(),
                               "Root=%s;Parent=53995c3f42cd8ad8;Sampled=1" % sampled_root)
    with pytest.raises(ClientError):
        client.get_object(Bucket=out, Key="missing")
    with_trace_header(target.boto3_client(),
                      "Root=%s;Sampled=0" % unsampled_root).list_objects_v2(Bucket=out)
    with_trace_header(target.boto3_client(), "Root=nonsense;Sampled=1").list_objects_v2(Bucket=out)
    trace = trace_of_s3(xray, sampled_root)
    seg = json.loads(trace["Segments"][0]["Document"])
    assert seg["aws"]["operation"] == "GetObject" and seg["parent_id"] == "53995c3f42cd8ad8"
    assert seg["http"]["response"]["status"] == 404 and seg["error"] is True
    assert xray.batch_get_traces(TraceIds=[unsampled_root])["Traces"] == []


def trace_of_s3(xray, root, timeout=10):
    deadline = time.time() + timeout
    while True:
        r = xray.batch_get_traces(TraceIds=[root])
        if r["Traces"]:
            return r["Traces"][0]
        if time.time() > deadline:
            pytest.fail("no segments for %s: %s" % (root, r))
        time.sleep(0.1)


def test_put_trace_segments_good_and_bad(xray):
    root, now = new_root(), time.time()
    good = {"id": uuid.uuid4().hex[:16], "trace_id": root, "name": "my-service",
            "start_time": now - 1, "end_time": now, "http": {"response": {"status": 500}},
            "fault": True}
    in_progress = {"id": uuid.uuid4().hex[:16], "trace_id": root, "name": "later",
                   "parent_id": good["id"], "start_time": now, "in_progress": True}
    bad_id = dict(good, id="xyz")
    no_id = {k: v for k, v in good.items() if k != "id"}
    bad_trace = dict(good, id="1111111111111111", trace_id="1-123")
    no_end = {k: v for k, v in good.items() if k != "end_time"}
    no_end["id"] = "2222222222222222"
    huge = dict(good, id="3333333333333333", annotations={"pad": "x" * 70000})
    r = xray.put_trace_segments(TraceSegmentDocuments=[
        json.dumps(good), json.dumps(in_progress), json.dumps(bad_id), json.dumps(no_id),
        json.dumps(bad_trace), json.dumps(no_end), json.dumps(huge), "not json"])
    got = [(u.get("Id"), u["ErrorCode"]) for u in r["UnprocessedTraceSegments"]]
    assert got == [("xyz", "InvalidId"), (None, "MissingId"),
                   ("1111111111111111", "InvalidTraceId"), ("2222222222222222", "MissingEndTime"),
                   ("3333333333333333", "SegmentTooLarge"), (None, "ParseError")]
    assert r["UnprocessedTraceSegments"][0]["Message"] == "Invalid segment. ErrorCode: InvalidId"
    summaries = xray.get_trace_summaries(StartTime=now - 60, EndTime=now + 60)["TraceSummaries"]
    mine = [s for s in summaries if s["Id"] == root][0]
    assert mine["HasFault"] is True and mine["IsPartial"] is True
    assert mine["Http"]["HttpStatus"] == 500
    trace = xray.batch_get_traces(TraceIds=[root])["Traces"][0]
    assert sorted(s["Id"] for s in trace["Segments"]) == sorted([good["id"], in_progress["id"]])
    assert json.loads([s for s in trace["Segments"] if s["Id"] == good["id"]][0]["Document"]) == good


def signed_post(target, path, body):
    request = AWSRequest(method="POST", url=target.endpoint + path, data=body,
                         headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(target.access_key, target.secret), "xray", "us-east-1").add_auth(request)
    prepared = request.prepare()
    req = urllib.request.Request(prepared.url, data=body, method="POST",
                                 headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read()), r.headers
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), e.headers


def test_bad_requests_get_xrays_errors(target, xray):
    status, body, headers = signed_post(target, "/TraceSegments", b"{not json")
    assert status == 400
    assert headers["x-amzn-ErrorType"].split(":")[0] == "SerializationException"
    status, body, _ = signed_post(target, "/TraceSegments", b"{}")
    assert status == 400 and body["Message"] == "TraceSegmentDocuments is required."
    with pytest.raises(ClientError) as e:
        xray.batch_get_traces(TraceIds=["1-" + "a" * 40])
    assert e.value.response["Error"]["Code"] == "InvalidRequestException"
    with pytest.raises(ClientError) as e:
        xray.batch_get_traces(TraceIds=[new_root() for _ in range(6)])
    assert e.value.response["Error"]["Code"] == "InvalidRequestException"
    now = time.time()
    with pytest.raises(ClientError) as e:
        xray.get_trace_summaries(StartTime=now - 2 * 86400, EndTime=now)
    assert e.value.response["Error"]["Code"] == "InvalidRequestException"
    with pytest.raises(ClientError) as e:
        xray.get_trace_summaries(StartTime=now, EndTime=now - 60)
    assert e.value.response["Error"]["Code"] == "InvalidRequestException"
    with pytest.raises(ClientError) as e:
        xray.get_trace_summaries(StartTime=now - 60, EndTime=now, NextToken="garbage")
    assert e.value.response["Error"]["Code"] == "InvalidRequestException"
    with pytest.raises(ClientError) as e:
        xray.put_trace_segments(TraceSegmentDocuments=[{"not": "a string"}])
    assert e.value.response["Error"]["Code"] == "InvalidRequestException"
    # A body over the limit: refused (the server may answer and close before it has read it all).
    try:
        status, body, _ = signed_post(
            target, "/TraceSegments",
            json.dumps({"TraceSegmentDocuments": ["x" * (9 << 20)]}).encode())
        assert status == 400
    except urllib.error.URLError as e:
        assert isinstance(e.reason, (BrokenPipeError, ConnectionResetError)), e
