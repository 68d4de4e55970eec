"""A request for an AWS service evoke does not serve is answered in that service's own protocol,
so the client's parser reads the error: awsQuery gets a 400 ErrorResponse (InvalidAction,
Sender), awsJson a 400 {"__type": "UnknownOperationException"}, RPCv2-CBOR the same in CBOR.
The message names the service as the request's credential scope does (its signing name).
Through boto3 clients for SNS, SQS and Kinesis, which speak different protocols under the two
boto3 versions run.sh uses (Debian's botocore 1.29: SNS and SQS awsQuery; pyenv's 1.4x: SQS
awsJson 1.0; Kinesis awsJson 1.1 in both), and through raw signed requests
in each protocol, whatever the installed botocore speaks. Also the unknown-operation answers of
services evoke serves: CloudWatch Logs and EventBridge (awsJson 1.1) and Scheduler (rest-json)."""

import json
import struct
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import boto3
import botocore
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

REGION = "us-east-1"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def not_served(signing_name):
    return "evoke does not serve the '%s' service yet." % signing_name


def client(target, service):
    return boto3.client(service, endpoint_url=target.endpoint, region_name=REGION,
                        aws_access_key_id=target.access_key,
                        aws_secret_access_key=target.secret, config=NO_RETRIES)


def signed(target, signing_name, method, path, body=b"", headers=None):
    """A request signed with SigV4 for signing_name, sent as is: (status, headers, body)."""
    url = target.endpoint + path
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    SigV4Auth(Credentials(target.access_key, target.secret), signing_name,
              REGION).add_auth(req)
    raw = urllib.request.Request(url, data=body if method != "GET" else None, method=method,
                                 headers=dict(req.headers.items()))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(raw, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def describe(status, headers, body):
    return "status %s\n%s\n%r" % (status, "".join("%s: %s\n" % kv for kv in headers.items()),
                                  body[:2000])


def cbor_decode(data):
    """The CBOR items an error body uses (maps, strings, numbers, simple values)."""
    value, rest = _cbor_item(data)
    assert rest == b"", "trailing bytes after the CBOR item: %r" % rest
    return value


def _cbor_item(data):
    major, info, data = data[0] >> 5, data[0] & 31, data[1:]
    if major == 7:
        if info in (20, 21, 22, 23):
            return {20: False, 21: True, 22: None, 23: None}[info], data
        if info in (25, 26, 27):
            size = {25: 2, 26: 4, 27: 8}[info]
            if info == 25:
                raise AssertionError("half-precision float in an error body")
            fmt = ">f" if size == 4 else ">d"
            return struct.unpack(fmt, data[:size])[0], data[size:]
        raise AssertionError("unexpected CBOR simple value %d" % info)
    if info == 31:  # indefinite length
        if major == 5:
            out = {}
            while data[0] != 0xFF:
                k, data = _cbor_item(data)
                out[k], data = _cbor_item(data)
            return out, data[1:]
        if major == 4:
            out = []
            while data[0] != 0xFF:
                v, data = _cbor_item(data)
                out.append(v)
            return out, data[1:]
        if major in (2, 3):
            parts = []
            while data[0] != 0xFF:
                v, data = _cbor_item(data)
                parts.append(v)
            return ("" if major == 3 else b"").join(parts), data[1:]
        raise AssertionError("bad indefinite-length CBOR item")
    if info < 24:
        n = info
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        n, data = int.from_bytes(data[:size], "big"), data[size:]
    if major == 0:
        return n, data
    if major == 1:
        return -1 - n, data
    if major in (2, 3):
        chunk, data = data[:n], data[n:]
        return (chunk.decode("utf-8") if major == 3 else chunk), data
    if major == 4:
        out = []
        for _ in range(n):
            v, data = _cbor_item(data)
            out.append(v)
        return out, data
    if major == 5:
        out = {}
        for _ in range(n):
            k, data = _cbor_item(data)
            out[k], data = _cbor_item(data)
        return out, data
    if major == 6:  # a tag: the tagged item
        return _cbor_item(data)
    raise AssertionError("unexpected CBOR major type %d" % major)


# --- boto3 clients of services evoke does not serve ------------------------------------------

@pytest.mark.parametrize("service, call", [("sns", "list_topics"),
                                           ("sqs", "list_queues"),
                                           ("kinesis", "list_streams")])
def test_client_of_a_service_not_served_reads_the_error(target, service, call):
    c = client(target, service)
    protocol = c.meta.service_model.protocol
    signing_name = c.meta.service_model.signing_name
    print("botocore %s: %s speaks %s, signs as %s" % (botocore.__version__, service, protocol,
                                                      signing_name))
    with pytest.raises(ClientError) as e:
        getattr(c, call)()
    resp = e.value.response
    err = resp["Error"]
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 400, resp
    if protocol == "query":
        assert err["Code"] == "InvalidAction", resp
        assert err.get("Type") == "Sender", resp
    elif protocol in ("json", "smithy-rpc-v2-cbor"):
        assert err["Code"] == "UnknownOperationException", resp
    else:
        pytest.fail("%s speaks %s under botocore %s: no expectation for it" % (
            service, protocol, botocore.__version__))
    assert err["Message"] == not_served(signing_name), resp
    assert "'%s'" % signing_name in err["Message"]
    # The endpoint keeps serving what it serves.
    assert "Buckets" in target.boto3_client().list_buckets()


# --- the same answers to raw requests in each protocol ----------------------------------------

def test_raw_aws_query_request(target):
    body = b"Action=ListTopics&Version=2010-03-31"
    status, headers, data = signed(target, "sns", "POST", "/", body, {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    info = describe(status, headers, data)
    assert status == 400, info
    assert headers["Content-Type"].startswith("text/xml"), info
    root = ET.fromstring(data)
    ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    assert root.tag == ns + "ErrorResponse", info
    error = root.find(ns + "Error")
    assert error is not None, info
    assert error.findtext(ns + "Type") == "Sender", info
    assert error.findtext(ns + "Code") == "InvalidAction", info
    assert error.findtext(ns + "Message") == not_served("sns"), info
    assert root.findtext(ns + "RequestId"), info


@pytest.mark.parametrize("content_type, signing_name, target_header", [
    ("application/x-amz-json-1.0", "sqs", "AmazonSQS.ListQueues"),
    ("application/x-amz-json-1.1", "kinesis", "Kinesis_20131202.ListStreams"),
])
def test_raw_aws_json_request(target, content_type, signing_name, target_header):
    status, headers, data = signed(target, signing_name, "POST", "/", b"{}", {
        "Content-Type": content_type, "X-Amz-Target": target_header})
    info = describe(status, headers, data)
    assert status == 400, info
    assert headers["Content-Type"] == content_type, info
    assert json.loads(data) == {"__type": "UnknownOperationException",
                                "message": not_served(signing_name)}, info


def test_raw_rpc_v2_cbor_request(target):
    # CloudWatch is served (test_cloudwatch.py); a service evoke does not serve, asked in the
    # same protocol, answers in it.
    status, headers, data = signed(
        target, "sqs", "POST", "/service/AmazonSQS/operation/ListQueues",
        b"\xa0", {"Content-Type": "application/cbor", "Accept": "application/cbor",
                  "smithy-protocol": "rpc-v2-cbor"})
    info = describe(status, headers, data)
    assert status == 400, info
    assert headers["smithy-protocol"] == "rpc-v2-cbor", info
    assert headers["Content-Type"] == "application/cbor", info
    body = cbor_decode(data)
    assert body["__type"] == "UnknownOperationException", info
    assert body["message"] == not_served("sqs"), info


# --- unknown operations of the services evoke serves -------------------------------------------

@pytest.mark.parametrize("signing_name, target_header", [
    ("logs", "Logs_20140328.NoSuchOperation"),
    ("events", "AWSEvents.NoSuchOperation"),
])
def test_unknown_json_operation_of_a_served_service(target, signing_name, target_header):
    status, headers, data = signed(target, signing_name, "POST", "/", b"{}", {
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target_header})
    info = describe(status, headers, data)
    assert status == 400, info
    assert headers["Content-Type"] == "application/x-amz-json-1.1", info
    assert json.loads(data)["__type"] == "UnknownOperationException", info


def test_unknown_scheduler_route(target):
    status, headers, data = signed(target, "scheduler", "GET", "/schedules/a/b/c")
    info = describe(status, headers, data)
    assert status == 404, info
    assert headers["x-amzn-ErrorType"] == "UnknownOperationException", info
