"""CloudWatch (signing name 'monitoring') on the wire, for test_cloudwatch.py and
test_lambda_metrics.py: requests built by hand in each of the three protocols CloudWatch's clients
speak, signed with botocore's SigV4Auth and sent as is, and their answers decoded.

- awsQuery: POST / with a form body (Action=..&Version=2010-08-01, lists as `X.member.N`,
  structures as `X.Field`, timestamps ISO 8601), XML answers (Debian's boto3 1.26 and aws CLI v2).
- awsJson1.0: POST / with `X-Amz-Target: GraniteServiceVersion20100801.<Op>`, timestamps as epoch
  seconds (boto3 1.43).
- Smithy RPCv2-CBOR: POST /service/GraniteServiceVersion20100801/operation/<Op>, Content-Type
  application/cbor, `Smithy-Protocol: rpc-v2-cbor`, timestamps as CBOR tag 1 (epoch seconds, a
  float as smithy-go writes them) -- what the newest Go SDK sends. Needs cbor2 (Debian's
  python3-cbor2, which run.sh also links into the pyenv interpreter's shim).

JSON and CBOR errors of this query-compatible service carry `x-amzn-query-error: <Code>;Sender`;
`error_of` reads the code from there (as botocore does), from the XML for awsQuery.

Also: a module-scoped evoke server of the tests' own (`own_target`), so the time windows these
tests query are not disturbed by the session server's --test-clock, which other modules move
hours ahead.
"""

import datetime
import gzip
import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION = "us-east-1"
SIGNING_NAME = "monitoring"
API_VERSION = "2010-08-01"
TARGET_PREFIX = "GraniteServiceVersion20100801"
XMLNS = "{http://monitoring.amazonaws.com/doc/2010-08-01/}"
PROTOCOLS = ("query", "json", "cbor")
UTC = datetime.timezone.utc


def cbor2():
    try:
        import cbor2 as module
    except ImportError:
        pytest.fail("cbor2 is missing: apt-get install python3-cbor2 (scripts/install-deps "
                    "--test); run.sh links it into the pyenv interpreter's shim")
    return module


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name)

    def __repr__(self):
        return "status %s\n%s\n%r" % (self.status, "".join(
            "%s: %s\n" % kv for kv in self.headers.items()), self.body[:3000])


def send(target, path, body, headers, compress=False):
    """POSTs body to target.endpoint + path, signed with SigV4 for 'monitoring' (over the bytes
    sent: gzipped when compress, with Content-Encoding: gzip)."""
    headers = dict(headers)
    if compress:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    url = target.endpoint + path
    req = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials(target.access_key, target.secret), SIGNING_NAME, REGION).add_auth(req)
    raw = urllib.request.Request(url, data=body, method="POST",
                                 headers=dict(req.headers.items()))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(raw, timeout=60) as resp:
            return Response(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())


# ---- awsQuery ----------------------------------------------------------------------------------

def iso(ts):
    """ISO 8601 UTC with milliseconds, as botocore's query serializer writes a datetime."""
    if isinstance(ts, (int, float)):
        ts = datetime.datetime.fromtimestamp(ts, UTC)
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def query_number(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return repr(v)
    return str(v)


def flatten(value, prefix, out):
    """awsQuery serialization of a request document (model member names)."""
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, "%s.%s" % (prefix, k) if prefix else k, out)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value, 1):
            flatten(v, "%s.member.%d" % (prefix, i), out)
    elif isinstance(value, datetime.datetime):
        out.append((prefix, iso(value)))
    elif isinstance(value, (int, float)):
        out.append((prefix, query_number(value)))
    else:
        out.append((prefix, str(value)))
    return out


def query_body(action, doc):
    pairs = [("Action", action), ("Version", API_VERSION)] + flatten(doc, "", [])
    return urllib.parse.urlencode(pairs).encode()


def query_call(target, action, doc, compress=False, body=None):
    return send(target, "/", body if body is not None else query_body(action, doc),
                {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, compress)


def _xml_number(text):
    return float(text)


def _xml_datapoint(member):
    dp = {}
    for child in member:
        tag = child.tag.replace(XMLNS, "")
        if tag == "Timestamp":
            dp[tag] = parse_time(child.text)
        elif tag == "Unit":
            dp[tag] = child.text
        elif tag == "ExtendedStatistics":
            dp[tag] = {e.findtext(XMLNS + "key"): _xml_number(e.findtext(XMLNS + "value"))
                       for e in child.findall(XMLNS + "entry")}
        else:
            dp[tag] = _xml_number(child.text)
    return dp


def _xml_dimensions(node):
    if node is None:
        return []
    return [{"Name": m.findtext(XMLNS + "Name"), "Value": m.findtext(XMLNS + "Value")}
            for m in node.findall(XMLNS + "member")]


def parse_query_result(action, body):
    """The result of a successful awsQuery call, as boto3 would return it (the parts used)."""
    root = ET.fromstring(body)
    assert root.tag == XMLNS + action + "Response", body
    assert root.findtext("%sResponseMetadata/%sRequestId" % (XMLNS, XMLNS)), body
    result = root.find(XMLNS + action + "Result")
    if action == "PutMetricData":
        return {}
    if action == "GetMetricStatistics":
        dps = result.find(XMLNS + "Datapoints")
        return {"Label": result.findtext(XMLNS + "Label"),
                "Datapoints": [_xml_datapoint(m) for m in
                               (dps.findall(XMLNS + "member") if dps is not None else [])]}
    if action == "ListMetrics":
        metrics = result.find(XMLNS + "Metrics")
        out = {"Metrics": [{"Namespace": m.findtext(XMLNS + "Namespace"),
                            "MetricName": m.findtext(XMLNS + "MetricName"),
                            "Dimensions": _xml_dimensions(m.find(XMLNS + "Dimensions"))}
                           for m in (metrics.findall(XMLNS + "member")
                                     if metrics is not None else [])]}
        if result.findtext(XMLNS + "NextToken"):
            out["NextToken"] = result.findtext(XMLNS + "NextToken")
        return out
    raise AssertionError("no parser for " + action)


def parse_time(text):
    # The aws CLI v1 prints a timestamp as the wire had it: epoch seconds from JSON and CBOR.
    if isinstance(text, (int, float)):
        return datetime.datetime.fromtimestamp(text, UTC)
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(text).astimezone(UTC)


# ---- awsJson1.0 --------------------------------------------------------------------------------

def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        # Smithy's JSON protocols write the special doubles as strings (as botocore 1.43 does).
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def json_call(target, op, doc, compress=False):
    return send(target, "/", json.dumps(_jsonable(doc)).encode(), {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "%s.%s" % (TARGET_PREFIX, op),
        "x-amzn-query-mode": "true"}, compress)


def _from_json(value, key=None):
    if isinstance(value, dict):
        return {k: _from_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if key == "Timestamp" and isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, UTC)
    return value


# ---- Smithy RPCv2-CBOR -------------------------------------------------------------------------

def _cborable(value):
    c = cbor2()
    if isinstance(value, dict):
        return {k: _cborable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cborable(v) for v in value]
    if isinstance(value, datetime.datetime):
        return c.CBORTag(1, value.timestamp())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return value


def cbor_path(op):
    return "/service/%s/operation/%s" % (TARGET_PREFIX, op)


def cbor_call(target, op, doc, compress=False, body=None):
    data = body if body is not None else cbor2().dumps(_cborable(doc))
    return send(target, cbor_path(op), data, {
        "Content-Type": "application/cbor", "Accept": "application/cbor",
        "Smithy-Protocol": "rpc-v2-cbor", "x-amzn-query-mode": "true"}, compress)


def cbor_decode(data):
    return cbor2().loads(data)


def _from_cbor(value, key=None):
    if isinstance(value, dict):
        return {k: _from_cbor(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_cbor(v) for v in value]
    if key == "Timestamp" and isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, UTC)
    if isinstance(value, datetime.datetime):
        return value.astimezone(UTC)
    return value


# ---- one call, any protocol --------------------------------------------------------------------

def call(target, protocol, op, doc, compress=False):
    """Sends op in protocol; returns the Response (raw) for the caller to check."""
    if protocol == "query":
        return query_call(target, op, doc, compress)
    if protocol == "json":
        return json_call(target, op, doc, compress)
    if protocol == "cbor":
        return cbor_call(target, op, doc, compress)
    raise AssertionError(protocol)


def result_of(protocol, op, resp):
    """The decoded result of a successful call (fails the test on any other answer), with the
    protocol's own success framing checked."""
    assert resp.status == 200, resp
    if protocol == "query":
        assert resp.header("Content-Type").startswith("text/xml"), resp
        return parse_query_result(op, resp.body)
    if protocol == "json":
        if op != "PutMetricData" or resp.body.strip():
            assert resp.header("Content-Type").startswith("application/x-amz-json-1.0"), resp
        return _from_json(json.loads(resp.body)) if resp.body.strip() else {}
    assert resp.header("smithy-protocol") == "rpc-v2-cbor", resp
    if not resp.body:
        return {}
    assert resp.header("Content-Type") == "application/cbor", resp
    return _from_cbor(cbor_decode(resp.body))


def ok(target, protocol, op, doc, compress=False):
    return result_of(protocol, op, call(target, protocol, op, doc, compress))


def error_of(protocol, resp):
    """(status, code, message) of an error answer in protocol, its framing checked: awsQuery's
    <ErrorResponse> with Type Sender; for JSON and CBOR the x-amzn-query-error header (the code
    query clients know) and a __type naming the modeled exception."""
    assert resp.status >= 400, resp
    if protocol == "query":
        assert resp.header("Content-Type").startswith("text/xml"), resp
        root = ET.fromstring(resp.body)
        ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        assert root.tag == ns + "ErrorResponse", resp
        err = root.find(ns + "Error")
        assert root.findtext(ns + "RequestId"), resp
        return resp.status, err.findtext(ns + "Code"), err.findtext(ns + "Message")
    if protocol == "json":
        assert resp.header("Content-Type").startswith("application/x-amz-json-1.0"), resp
        doc = json.loads(resp.body)
    else:
        assert resp.header("smithy-protocol") == "rpc-v2-cbor", resp
        assert resp.header("Content-Type") == "application/cbor", resp
        doc = cbor_decode(resp.body)
    query_error = resp.header("x-amzn-query-error")
    kind = doc.get("__type", "")
    if query_error is None:
        # Unknown operations have no query code; the __type is all there is.
        return resp.status, kind.split("#")[-1], doc.get("message", doc.get("Message"))
    code, _, fault = query_error.partition(";")
    assert fault == "Sender", resp
    assert kind.split("#")[-1] in (code, code + "Exception", _MODELED.get(code)), resp
    return resp.status, code, doc.get("message", doc.get("Message"))


# The modeled exception shapes of the query codes (botocore's cloudwatch service-2.json).
_MODELED = {"InvalidParameterValue": "InvalidParameterValueException",
            "InvalidParameterCombination": "InvalidParameterCombinationException",
            "MissingParameter": "MissingRequiredParameterException",
            "InternalServiceError": "InternalServiceFault"}


# ---- time and numbers --------------------------------------------------------------------------

def utcnow():
    return datetime.datetime.now(UTC)


def minute_floor(ts):
    return ts.replace(second=0, microsecond=0)


def past_minute(minutes_ago=10):
    """The start of a whole minute `minutes_ago` minutes back: a window no clock edge crosses."""
    return minute_floor(utcnow()) - datetime.timedelta(minutes=minutes_ago)


def close(a, b, rel=1e-9, abs_=1e-9):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def percentile_bounds(values, p):
    """The range a p-th percentile of `values` may lie in, whichever textbook definition the
    server uses (nearest rank, or interpolated between the ranks around p*(n-1)), widened by the
    sketch's 1 % relative error."""
    v = sorted(values)
    n = len(v)
    pos = p / 100.0 * (n - 1)
    candidates = [v[math.floor(pos)], v[math.ceil(pos)],
                  v[max(0, math.ceil(p / 100.0 * n) - 1)]]
    lo, hi = min(candidates), max(candidates)
    return (lo * 0.99 if lo >= 0 else lo * 1.01), (hi * 1.01 if hi >= 0 else hi * 0.99)


def wait_for(fn, deadline_s=60.0, interval=0.2):
    """Calls fn until it returns a truthy value or the deadline passes; returns the last value."""
    end = time.monotonic() + deadline_s
    while True:
        value = fn()
        if value or time.monotonic() > end:
            return value
        time.sleep(interval)


# ---- a server of the module's own --------------------------------------------------------------

def own_target(tmp_path_factory, session_target, name, suite_roles=False):
    """Generator for a module-scoped fixture: an evoke server of the module's own (system clock,
    never moved), or the session target when testing an external endpoint."""
    from conftest import ACCESS_KEY, SECRET_KEY, EvokeServer, Target
    if not session_target.is_evoke:
        yield session_target
        return
    base = tmp_path_factory.mktemp(name)
    server = EvokeServer(base / "data", base / "logs", suite_roles=suite_roles)
    server.start()
    try:
        yield Target(server.endpoint, ACCESS_KEY, SECRET_KEY, server)
    finally:
        rc = server.stop()
        assert rc == 0, "evoke did not stop cleanly on SIGTERM (rc=%r)\n%s" % (
            rc, server.diagnostics())


def check_alive(target, request):
    if target.server is not None and not target.server.alive():
        pytest.fail("evoke died during %s (rc=%s)\n%s" % (
            request.node.nodeid, target.server.proc.returncode, target.server.diagnostics()))
