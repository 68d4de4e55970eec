"""Asynchronous invocation and S3 notifications, end to end: Invoke with InvocationType Event,
bucket notification configurations (validation, both spellings, overlaps), the exact S3 event
records a function receives, resource policies enforced on delivery, retries on the test clock
with an OnFailure destination, and events that survive a SIGKILL of the server.

Functions prove they ran by writing what they received into a bucket (evoke's own S3, reached
with the boto3 the sandbox finds), so the tests read exactly what the handler saw."""

import json
import time
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import EvokeServer, unique_name, ACCESS_KEY, SECRET_KEY, empty_and_delete
from test_functions import lambda_client, make_zip, ROLE

# Writes each event it gets to OUT_BUCKET under seen/<request id>/<uuid>, then sleeps SLEEP
# seconds and fails when FAIL is set.
RECORDER = b"""import json, os, time, uuid
import boto3

s3 = boto3.client('s3')

def handler(event, context):
    key = 'seen/%s/%s' % (context.aws_request_id, uuid.uuid4().hex)
    s3.put_object(Bucket=os.environ['OUT_BUCKET'], Key=key, Body=json.dumps(event).encode())
    time.sleep(float(os.environ.get('SLEEP', '0')))
    if os.environ.get('FAIL'):
        raise RuntimeError('failing on purpose')
    s3.put_object(Bucket=os.environ['OUT_BUCKET'], Key='done/' + context.aws_request_id, Body=b'1')
    return {'ok': True}
"""


def wait_for(fn, timeout=30, interval=0.1, what="condition"):
    deadline = time.time() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.time() > deadline:
            pytest.fail("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(interval)


def seen(s3, bucket, prefix="seen/"):
    """The events the recorder wrote, as (key, parsed event), oldest first."""
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            body = s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
            out.append((o["Key"], json.loads(body), o["LastModified"]))
    out.sort(key=lambda item: item[2])
    return [(k, e) for k, e, _ in out]


def advance_clock(endpoint, seconds):
    req = urllib.request.Request(endpoint + "/_evoke/test/clock",
                                 data=json.dumps({"advanceSeconds": seconds}).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["nowMs"]


@pytest.fixture
def lam(target):
    return lambda_client(target.endpoint, target.access_key, target.secret)


@pytest.fixture
def recorder(lam, s3, bucket_factory):
    """make(**env) -> (function name, output bucket)."""
    made = []

    def make(**env):
        out = bucket_factory("out")
        name = unique_name("rec")
        variables = {"OUT_BUCKET": out}
        variables.update({k: str(v) for k, v in env.items()})
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                            Handler="recorder.handler", Timeout=30,
                            Code={"ZipFile": make_zip({"recorder.py": RECORDER})},
                            Environment={"Variables": variables})
        made.append(name)
        return name, out

    yield make
    for name in made:
        try:
            lam.delete_function(FunctionName=name)
        except ClientError:
            pass


def allow_s3(lam, function, bucket):
    lam.add_permission(FunctionName=function, StatementId="s3-" + bucket,
                       Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                       SourceArn="arn:aws:s3:::" + bucket, SourceAccount="000000000000")


def function_arn(name):
    return "arn:aws:lambda:us-east-1:000000000000:function:" + name


# ---- Invoke with InvocationType Event ---------------------------------------------------------

def test_event_invocation_is_accepted_then_runs(lam, s3, recorder):
    name, out = recorder()
    r = lam.invoke(FunctionName=name, InvocationType="Event",
                   Payload=json.dumps({"hello": "async"}).encode())
    assert r["StatusCode"] == 202
    assert r["Payload"].read() == b""
    request_id = r["ResponseMetadata"]["RequestId"]
    events = wait_for(lambda: seen(s3, out), what="the async invocation")
    key, event = events[0]
    assert event == {"hello": "async"}
    # The invocation keeps the request id the 202 carried.
    assert key.startswith("seen/%s/" % request_id)


def test_event_payload_limit(lam, recorder):
    name, _ = recorder()
    payload = b'{"x": "' + b"a" * (1024 * 1024) + b'"}'
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=name, InvocationType="Event", Payload=payload)
    assert e.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert "too large for the Event invocation type (limit 1048576 bytes)" in \
        e.value.response["Error"]["Message"]
    # Just under the limit is fine.
    ok = b'{"x": "' + b"a" * (1024 * 1024 - 16) + b'"}'
    assert lam.invoke(FunctionName=name, InvocationType="Event", Payload=ok)["StatusCode"] == 202


def test_event_invocation_of_a_missing_function(lam):
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=unique_name("missing"), InvocationType="Event", Payload=b"{}")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


# ---- PutBucketNotificationConfiguration ------------------------------------------------------

def lambda_rule(arn, events=("s3:ObjectCreated:*",), prefix=None, suffix=None, rule_id=None):
    rule = {"LambdaFunctionArn": arn, "Events": list(events)}
    if rule_id:
        rule["Id"] = rule_id
    rules = []
    if prefix is not None:
        rules.append({"Name": "prefix", "Value": prefix})
    if suffix is not None:
        rules.append({"Name": "suffix", "Value": suffix})
    if rules:
        rule["Filter"] = {"Key": {"FilterRules": rules}}
    return rule


def put_notifications(s3, bucket, rules, **extra):
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": rules}, **extra)


def error_of(excinfo):
    return excinfo.value.response["Error"]


def test_destination_validation(lam, s3, bucket, recorder):
    name, _ = recorder()
    arn = function_arn(name)
    # The function's policy does not let S3 invoke it yet.
    with pytest.raises(ClientError) as e:
        put_notifications(s3, bucket, [lambda_rule(arn)])
    err = error_of(e)
    assert err["Code"] == "InvalidArgument"
    assert err["Message"] == "Unable to validate the following destination configurations"
    assert err["ArgumentName1"] == arn
    # A function that does not exist.
    missing = function_arn(unique_name("missing"))
    with pytest.raises(ClientError) as e:
        put_notifications(s3, bucket, [lambda_rule(missing)])
    assert error_of(e)["Code"] == "InvalidArgument"
    # A permission for another bucket does not count.
    allow_s3(lam, name, "some-other-bucket")
    with pytest.raises(ClientError) as e:
        put_notifications(s3, bucket, [lambda_rule(arn)])
    assert error_of(e)["Code"] == "InvalidArgument"
    # Nothing was stored by the refused requests.
    assert "LambdaFunctionConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
    # With the permission it is accepted and read back.
    allow_s3(lam, name, bucket)
    put_notifications(s3, bucket, [lambda_rule(arn, rule_id="thumbs", suffix=".jpg")])
    got = s3.get_bucket_notification_configuration(Bucket=bucket)["LambdaFunctionConfigurations"]
    assert got[0]["Id"] == "thumbs" and got[0]["LambdaFunctionArn"] == arn


def test_skip_destination_validation_header(raw, lam, bucket):
    missing = function_arn(unique_name("missing"))
    xml = ("<NotificationConfiguration><CloudFunctionConfiguration><CloudFunction>%s"
           "</CloudFunction><Event>s3:ObjectCreated:*</Event></CloudFunctionConfiguration>"
           "</NotificationConfiguration>" % missing).encode()
    r = raw.request("PUT", "/" + bucket, query=[("notification", "")], body=xml)
    assert r.status == 400 and b"<Code>InvalidArgument</Code>" in r.body
    r = raw.request("PUT", "/" + bucket, query=[("notification", "")], body=xml,
                    headers={"x-amz-skip-destination-validation": "true"})
    assert r.status == 200, r.body


def test_overlapping_rules_are_refused(lam, s3, bucket, recorder):
    name, _ = recorder()
    allow_s3(lam, name, bucket)
    arn = function_arn(name)
    overlapping = [
        [lambda_rule(arn, prefix="images/"), lambda_rule(arn, prefix="images/raw/")],
        [lambda_rule(arn, suffix=".jpg"), lambda_rule(arn, suffix="thumb.jpg")],
        [lambda_rule(arn), lambda_rule(arn, events=["s3:ObjectCreated:Put"], prefix="a/")],
    ]
    for rules in overlapping:
        with pytest.raises(ClientError) as e:
            put_notifications(s3, bucket, rules)
        err = error_of(e)
        assert err["Code"] == "InvalidArgument"
        assert err["Message"].startswith("Configuration is ambiguously defined.")
    # Disjoint prefixes, disjoint suffixes, or different event types are fine.
    put_notifications(s3, bucket, [lambda_rule(arn, prefix="a/"), lambda_rule(arn, prefix="b/")])
    put_notifications(s3, bucket, [lambda_rule(arn, prefix="a/", suffix=".jpg"),
                                   lambda_rule(arn, prefix="a/", suffix=".png")])
    put_notifications(s3, bucket, [lambda_rule(arn, events=["s3:ObjectCreated:*"]),
                                   lambda_rule(arn, events=["s3:ObjectRemoved:*"])])


def test_topic_and_queue_destinations_do_not_validate(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{
                "QueueArn": "arn:aws:sqs:us-east-1:000000000000:q",
                "Events": ["s3:ObjectCreated:*"]}]})
    assert error_of(e)["Code"] == "InvalidArgument"


# ---- Delivery: the exact records ------------------------------------------------------------------

def test_s3_events_reach_the_function_exactly(lam, s3, bucket, recorder):
    name, out = recorder()
    allow_s3(lam, name, bucket)
    arn = function_arn(name)
    put_notifications(s3, bucket, [
        lambda_rule(arn, events=["s3:ObjectCreated:*"], prefix="in/", suffix=".txt",
                    rule_id="created"),
        lambda_rule(arn, events=["s3:ObjectRemoved:*"], prefix="in/", rule_id="removed"),
    ])
    key = "in/a b é+(1)=x.txt"
    put = s3.put_object(Bucket=bucket, Key=key, Body=b"hello world")
    s3.put_object(Bucket=bucket, Key="in/skipped.jpg", Body=b"x")       # suffix does not match
    s3.put_object(Bucket=bucket, Key="elsewhere/x.txt", Body=b"x")      # prefix does not match
    s3.copy_object(Bucket=bucket, Key="in/copy.txt", CopySource={"Bucket": bucket, "Key": key})
    mpu = s3.create_multipart_upload(Bucket=bucket, Key="in/big.txt")
    part = s3.upload_part(Bucket=bucket, Key="in/big.txt", UploadId=mpu["UploadId"],
                          PartNumber=1, Body=b"y" * (5 * 1024 * 1024))
    s3.complete_multipart_upload(Bucket=bucket, Key="in/big.txt", UploadId=mpu["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1,
                                                             "ETag": part["ETag"]}]})
    s3.delete_object(Bucket=bucket, Key="in/copy.txt")
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "in/skipped.jpg"}]})

    events = wait_for(lambda: (lambda e: e if len(e) >= 5 else None)(seen(s3, out)),
                      what="five S3 events")
    time.sleep(1)  # nothing else may arrive
    records = [e["Records"][0] for _, e in seen(s3, out)]
    assert len(records) == 5, [r["eventName"] for r in records]
    by_name = {}
    for r in records:
        by_name.setdefault(r["eventName"], []).append(r)
    assert sorted(by_name) == ["ObjectCreated:CompleteMultipartUpload", "ObjectCreated:Copy",
                               "ObjectCreated:Put", "ObjectRemoved:Delete"]
    assert len(by_name["ObjectRemoved:Delete"]) == 2

    r = by_name["ObjectCreated:Put"][0]
    assert r["eventVersion"] == "2.1" and r["eventSource"] == "aws:s3"
    assert r["awsRegion"] == "us-east-1"
    assert r["eventTime"].endswith("Z") and len(r["eventTime"]) == 24  # 2026-11-30T05:06:07.123Z
    assert r["requestParameters"]["sourceIPAddress"] == "127.0.0.1"
    assert r["responseElements"]["x-amz-request-id"] == put["ResponseMetadata"]["RequestId"]
    assert r["s3"]["s3SchemaVersion"] == "1.0"
    assert r["s3"]["configurationId"] == "created"
    assert r["s3"]["bucket"]["name"] == bucket
    assert r["s3"]["bucket"]["arn"] == "arn:aws:s3:::" + bucket
    obj = r["s3"]["object"]
    # Form-style URL encoding, as S3 writes keys in event records.
    assert obj["key"] == "in%2Fa+b+%C3%A9%2B%281%29%3Dx.txt"
    assert obj["size"] == 11
    assert obj["eTag"] == put["ETag"].strip('"')
    int(obj["sequencer"], 16)
    assert set(obj) == {"key", "size", "eTag", "sequencer"}

    big = by_name["ObjectCreated:CompleteMultipartUpload"][0]["s3"]["object"]
    assert big["size"] == 5 * 1024 * 1024 and big["eTag"].endswith("-1")
    removed = sorted(x["s3"]["object"]["key"] for x in by_name["ObjectRemoved:Delete"])
    assert removed == ["in%2Fcopy.txt", "in%2Fskipped.jpg"]
    for x in by_name["ObjectRemoved:Delete"]:
        assert set(x["s3"]["object"]) == {"key", "sequencer"}
        assert x["s3"]["configurationId"] == "removed"
    # Later events on a key carry greater sequencers.
    seqs = [x["s3"]["object"]["sequencer"] for x in records]
    assert len(set(seqs)) == len(seqs)


def test_versioned_bucket_events_carry_version_ids(lam, s3, bucket, recorder):
    """In a bucket with versioning, each record names the version it is about: a PUT's new
    version, the delete marker a plain DELETE made (ObjectRemoved:DeleteMarkerCreated), the
    version a DELETE with a version id removed (ObjectRemoved:Delete)."""
    name, out = recorder()
    allow_s3(lam, name, bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    put_notifications(s3, bucket, [lambda_rule(
        function_arn(name), events=["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], rule_id="all")])
    first = s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"first")
    second = s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"second!")
    marker = s3.delete_object(Bucket=bucket, Key="doc.txt")
    assert marker["DeleteMarker"] is True
    s3.delete_object(Bucket=bucket, Key="doc.txt", VersionId=first["VersionId"])

    wait_for(lambda: (lambda e: e if len(e) >= 4 else None)(seen(s3, out)), what="four S3 events")
    time.sleep(1)  # nothing else may arrive
    records = [e["Records"][0] for _, e in seen(s3, out)]
    assert len(records) == 4, [r["eventName"] for r in records]
    by_name = {}
    for r in records:
        by_name.setdefault(r["eventName"], []).append(r["s3"]["object"])
    assert sorted(by_name) == ["ObjectCreated:Put", "ObjectRemoved:Delete",
                               "ObjectRemoved:DeleteMarkerCreated"]
    assert sorted((o["eTag"], o["versionId"]) for o in by_name["ObjectCreated:Put"]) == sorted([
        (first["ETag"].strip('"'), first["VersionId"]),
        (second["ETag"].strip('"'), second["VersionId"])])
    [created_marker] = by_name["ObjectRemoved:DeleteMarkerCreated"]
    assert created_marker["key"] == "doc.txt"
    assert created_marker["versionId"] == marker["VersionId"]
    [removed] = by_name["ObjectRemoved:Delete"]
    assert removed["key"] == "doc.txt"
    assert removed["versionId"] == first["VersionId"]
    for o in (created_marker, removed):
        assert "size" not in o and "eTag" not in o
        int(o["sequencer"], 16)


def test_policy_is_enforced_when_events_are_delivered(lam, s3, bucket, recorder):
    name, out = recorder()
    allow_s3(lam, name, bucket)
    put_notifications(s3, bucket, [lambda_rule(function_arn(name))])
    s3.put_object(Bucket=bucket, Key="first", Body=b"1")
    wait_for(lambda: seen(s3, out), what="the first event")
    # Once the permission is gone, S3 may no longer invoke the function.
    lam.remove_permission(FunctionName=name, StatementId="s3-" + bucket)
    s3.put_object(Bucket=bucket, Key="second", Body=b"2")
    time.sleep(3)
    keys = [e["Records"][0]["s3"]["object"]["key"] for _, e in seen(s3, out)]
    assert keys == ["first"]


# ---- Durability ----------------------------------------------------------------------------------

def start_server(tmp_path, *args):
    server = EvokeServer(tmp_path / "data", tmp_path / "logs", extra_args=args)
    server.start()
    return server


def test_events_survive_sigkill(tmp_path):
    import boto3
    server = start_server(tmp_path, "--async-concurrency", "1")
    try:
        lam = lambda_client(server.endpoint, ACCESS_KEY, SECRET_KEY)
        s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        out, src = unique_name("out"), unique_name("src")
        s3.create_bucket(Bucket=out)
        s3.create_bucket(Bucket=src)
        name = unique_name("rec")
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                            Handler="recorder.handler", Timeout=30,
                            Code={"ZipFile": make_zip({"recorder.py": RECORDER})},
                            Environment={"Variables": {"OUT_BUCKET": out, "SLEEP": "0.5"}})
        allow_s3(lam, name, src)
        put_notifications(s3, src, [lambda_rule(function_arn(name))])
        # One runs at a time and each takes half a second: most are still queued at the kill.
        ids = []
        for i in range(8):
            r = lam.invoke(FunctionName=name, InvocationType="Event",
                           Payload=json.dumps({"n": i}).encode())
            assert r["StatusCode"] == 202
            ids.append(r["ResponseMetadata"]["RequestId"])
        s3.put_object(Bucket=src, Key="uploaded-just-before-the-kill", Body=b"x")
        server.kill()

        server.start()
        lam = lambda_client(server.endpoint, ACCESS_KEY, SECRET_KEY)
        s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)

        def done():
            listed = s3.list_objects_v2(Bucket=out, Prefix="done/").get("Contents", [])
            return len(listed) >= 9 and listed

        listed = wait_for(done, timeout=60, what="every acknowledged event after the restart")
        finished = {o["Key"][len("done/"):] for o in listed}
        assert set(ids) <= finished
        payloads = [e for _, e in seen(s3, out)]
        assert any("Records" in e and e["Records"][0]["s3"]["object"]["key"] ==
                   "uploaded-just-before-the-kill" for e in payloads)
    finally:
        server.stop()


# ---- Retries and destinations, on the test clock ------------------------------------------------

def attempts(s3, bucket, count):
    return lambda: (lambda e: e if len(e) >= count else None)(seen(s3, bucket))


def test_retries_follow_lambdas_delays_then_the_failure_destination(target, lam, s3, recorder):
    failing, out = recorder(FAIL=1)
    sink, sink_out = recorder()
    lam.put_function_event_invoke_config(
        FunctionName=failing, MaximumRetryAttempts=2,
        DestinationConfig={"OnFailure": {"Destination": function_arn(sink)}})
    r = lam.invoke(FunctionName=failing, InvocationType="Event", Payload=b'{"try": 1}')
    request_id = r["ResponseMetadata"]["RequestId"]
    wait_for(attempts(s3, out, 1), what="the first attempt")
    # Lambda waits a minute before the second attempt and two more before the third; the test
    # moves the server's events clock instead of waiting.
    time.sleep(1)
    assert len(seen(s3, out)) == 1
    advance_clock(target.endpoint, 61)
    wait_for(attempts(s3, out, 2), what="the second attempt")
    advance_clock(target.endpoint, 60)
    time.sleep(1.5)
    assert len(seen(s3, out)) == 2, "the third attempt came before its two minutes"
    advance_clock(target.endpoint, 61)
    wait_for(attempts(s3, out, 3), what="the third attempt")
    # Every attempt carried the same request id and event.
    for key, event in seen(s3, out):
        assert key.startswith("seen/%s/" % request_id)
        assert event == {"try": 1}

    _, record = wait_for(lambda: seen(s3, sink_out), what="the OnFailure record")[0]
    assert record["version"] == "1.0"
    assert record["requestContext"] == {
        "requestId": request_id, "functionArn": function_arn(failing) + ":$LATEST",
        "condition": "RetriesExhausted", "approximateInvokeCount": 3}
    assert record["requestPayload"] == {"try": 1}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}
    assert record["responsePayload"]["errorType"] == "RuntimeError"
    assert record["responsePayload"]["errorMessage"] == "failing on purpose"
    assert record["timestamp"].endswith("Z")
    time.sleep(1)
    assert len(seen(s3, out)) == 3 and len(seen(s3, sink_out)) == 1


def test_success_destination_and_s3_failure_destination(target, lam, s3, recorder, bucket):
    ok, _ = recorder()
    sink, sink_out = recorder()
    lam.put_function_event_invoke_config(
        FunctionName=ok, DestinationConfig={"OnSuccess": {"Destination": function_arn(sink)}})
    lam.invoke(FunctionName=ok, InvocationType="Event", Payload=b'{"fine": true}')
    _, record = wait_for(lambda: seen(s3, sink_out), what="the OnSuccess record")[0]
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responsePayload"] == {"ok": True}
    assert "functionError" not in record["responseContext"]

    failing, _ = recorder(FAIL=1)
    lam.put_function_event_invoke_config(
        FunctionName=failing, MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::" + bucket}})
    lam.invoke(FunctionName=failing, InvocationType="Event", Payload=b'{"to": "s3"}')

    def stored():
        return s3.list_objects_v2(Bucket=bucket).get("Contents")

    objects = wait_for(stored, what="the record in the bucket")
    key = objects[0]["Key"]
    prefix = "aws/lambda/async/%s/" % failing
    assert key.startswith(prefix)
    record = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["requestPayload"] == {"to": "s3"}


def test_throttled_events_wait_then_expire_to_the_failure_destination(target, lam, s3, recorder):
    busy, out = recorder(SLEEP=1)
    lam.put_function_concurrency(FunctionName=busy, ReservedConcurrentExecutions=1)
    # One at a time: the others are throttled, wait (1 s, then 2 s, ...) and run in turn.
    ids = [lam.invoke(FunctionName=busy, InvocationType="Event",
                      Payload=json.dumps({"n": i}).encode())["ResponseMetadata"]["RequestId"]
           for i in range(3)]

    def finished():
        listed = s3.list_objects_v2(Bucket=out, Prefix="done/").get("Contents", [])
        return {o["Key"][len("done/"):] for o in listed} == set(ids)

    wait_for(finished, timeout=60, what="every throttled event to run in turn")

    # An event that stays throttled past MaximumEventAgeInSeconds goes to OnFailure.
    slow, slow_out = recorder(SLEEP=20)
    sink, sink_out = recorder()
    lam.put_function_concurrency(FunctionName=slow, ReservedConcurrentExecutions=1)
    lam.put_function_event_invoke_config(
        FunctionName=slow, MaximumEventAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": function_arn(sink)}})
    lam.invoke(FunctionName=slow, InvocationType="Event", Payload=b'{"first": true}')
    wait_for(lambda: seen(s3, slow_out), what="the first event to occupy the function")
    late = lam.invoke(FunctionName=slow, InvocationType="Event", Payload=b'{"late": true}')
    time.sleep(1.5)  # throttled at least once
    advance_clock(target.endpoint, 61)
    _, record = wait_for(lambda: seen(s3, sink_out), timeout=30,
                         what="the expired event's record")[0]
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["requestId"] == late["ResponseMetadata"]["RequestId"]
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert record["requestPayload"] == {"late": True}
    assert "responseContext" not in record
    # It never ran.
    assert all(event != {"late": True} for _, event in seen(s3, slow_out))
