"""AWS/S3 metrics end to end (docs/metrics.md, "AWS/S3"): the bucket metrics configurations
(Put/Get/List/DeleteBucketMetricsConfiguration through boto3, with S3's validation and
pagination), the request metrics a configuration turns on, read back with CloudWatch's
GetMetricStatistics, and the daily storage metrics after the test clock moves a day.

These run a server of their own with --test-clock: metrics are stamped with the events clock,
and the storage metrics of a day appear once that clock enters it."""

import datetime
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, SECRET_KEY, EvokeServer, external_endpoint, unique_name
from s3e2e import assert_client_error
from test_events import advance_clock

NS = "AWS/S3"
DAY_MS = 24 * 3600 * 1000
ONCE = Config(retries={"mode": "standard", "total_max_attempts": 1})
WAIT = 20  # seconds for a recorded value to reach the store (the writer commits each second)


class Server:
    def __init__(self, server):
        self.server = server
        kw = dict(endpoint_url=server.endpoint, region_name="us-east-1",
                  aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, config=ONCE)
        self.s3 = boto3.client("s3", **kw)
        self.cw = boto3.client("cloudwatch", **kw)

    def now_ms(self):
        return advance_clock(self.server.endpoint, 0)


@pytest.fixture
def srv(tmp_path):
    if external_endpoint():
        pytest.skip("needs the evoke binary and its --test-clock (EVOKE_E2E_ENDPOINT is set)")
    server = EvokeServer(tmp_path / "data", tmp_path / "logs", extra_args=("--test-clock",),
                         suite_roles=False)
    server.start()
    try:
        yield Server(server)
    finally:
        rc = server.stop()
        assert rc == 0, "evoke did not stop cleanly (rc=%r)\n%s" % (rc, server.diagnostics())


def utc(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)


def stat(srv, metric, dims, statistic, start_ms, end_ms, period=60):
    """The statistic over [start_ms, end_ms) summed across the datapoints; None: no data."""
    dps = srv.cw.get_metric_statistics(
        Namespace=NS, MetricName=metric, StartTime=utc(start_ms), EndTime=utc(end_ms),
        Period=period, Statistics=[statistic],
        Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()])["Datapoints"]
    if not dps:
        return None
    return sum(d[statistic] for d in dps)


def wait_for(fn, want, deadline_s=WAIT):
    end = time.time() + deadline_s
    got = fn()
    while got != want and time.time() < end:
        time.sleep(0.25)
        got = fn()
    return got


def client_error(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    return e.value


def replace_body(s3, operation, body):
    """Sends `body` instead of what boto3 serialised, for one call of `operation`."""
    def swap(request, **_):
        request.data = body
    s3.meta.events.register_first("before-sign.s3.%s" % operation, swap, unique_id="swap-body")
    return lambda: s3.meta.events.unregister("before-sign.s3.%s" % operation,
                                             unique_id="swap-body")


# ---- the configuration operations -----------------------------------------------------------

def test_configurations_put_get_list_delete(srv):
    s3 = srv.s3
    b = unique_name("mc")
    s3.create_bucket(Bucket=b)
    assert s3.list_bucket_metrics_configurations(Bucket=b).get("MetricsConfigurationList") is None

    s3.put_bucket_metrics_configuration(Bucket=b, Id="EntireBucket",
                                        MetricsConfiguration={"Id": "EntireBucket"})
    s3.put_bucket_metrics_configuration(
        Bucket=b, Id="Docs",
        MetricsConfiguration={"Id": "Docs", "Filter": {"Prefix": "documents/"}})
    s3.put_bucket_metrics_configuration(
        Bucket=b, Id="Prod",
        MetricsConfiguration={"Id": "Prod", "Filter": {"And": {
            "Prefix": "p/", "Tags": [{"Key": "env", "Value": "prod"}, {"Key": "t", "Value": "1"}]}}})

    got = s3.get_bucket_metrics_configuration(Bucket=b, Id="Docs")["MetricsConfiguration"]
    assert got == {"Id": "Docs", "Filter": {"Prefix": "documents/"}}
    got = s3.get_bucket_metrics_configuration(Bucket=b, Id="EntireBucket")["MetricsConfiguration"]
    assert got == {"Id": "EntireBucket"}
    got = s3.get_bucket_metrics_configuration(Bucket=b, Id="Prod")["MetricsConfiguration"]
    assert got["Filter"]["And"]["Prefix"] == "p/"
    assert got["Filter"]["And"]["Tags"] == [{"Key": "env", "Value": "prod"},
                                            {"Key": "t", "Value": "1"}]

    # A full replacement.
    s3.put_bucket_metrics_configuration(
        Bucket=b, Id="Docs",
        MetricsConfiguration={"Id": "Docs", "Filter": {"Tag": {"Key": "k", "Value": "v"}}})
    got = s3.get_bucket_metrics_configuration(Bucket=b, Id="Docs")["MetricsConfiguration"]
    assert got == {"Id": "Docs", "Filter": {"Tag": {"Key": "k", "Value": "v"}}}

    listed = s3.list_bucket_metrics_configurations(Bucket=b)
    assert listed["IsTruncated"] is False
    assert [c["Id"] for c in listed["MetricsConfigurationList"]] == ["Docs", "EntireBucket", "Prod"]

    s3.delete_bucket_metrics_configuration(Bucket=b, Id="Docs")
    e = client_error(s3.get_bucket_metrics_configuration, Bucket=b, Id="Docs")
    assert_client_error(e, "NoSuchConfiguration", 404)
    e = client_error(s3.delete_bucket_metrics_configuration, Bucket=b, Id="Docs")
    assert_client_error(e, "NoSuchConfiguration", 404)
    assert [c["Id"] for c in s3.list_bucket_metrics_configurations(
        Bucket=b)["MetricsConfigurationList"]] == ["EntireBucket", "Prod"]

    e = client_error(s3.get_bucket_metrics_configuration, Bucket=unique_name("none"), Id="x")
    assert_client_error(e, "NoSuchBucket", 404)


def test_configuration_bad_input(srv):
    s3 = srv.s3
    b = unique_name("mc")
    s3.create_bucket(Bucket=b)
    for bad in ["has space", "a/b", "x" * 65]:
        e = client_error(s3.put_bucket_metrics_configuration, Bucket=b, Id=bad,
                         MetricsConfiguration={"Id": bad})
        assert_client_error(e, "InvalidArgument", 400)
    # The Id of the document must be the request's.
    e = client_error(s3.put_bucket_metrics_configuration, Bucket=b, Id="one",
                     MetricsConfiguration={"Id": "two"})
    assert_client_error(e, "InvalidArgument", 400)
    # A filter of two predicates outside an And, an And of one, bad XML.
    for body in [b"<MetricsConfiguration><Id>a</Id><Filter><Prefix>x</Prefix>"
                 b"<Tag><Key>k</Key><Value>v</Value></Tag></Filter></MetricsConfiguration>",
                 b"<MetricsConfiguration><Id>a</Id><Filter><And><Prefix>x</Prefix></And>"
                 b"</Filter></MetricsConfiguration>",
                 b"<MetricsConfiguration><Id>a</Id>",
                 b"not xml"]:
        undo = replace_body(s3, "PutBucketMetricsConfiguration", body)
        try:
            e = client_error(s3.put_bucket_metrics_configuration, Bucket=b, Id="a",
                             MetricsConfiguration={"Id": "a"})
        finally:
            undo()
        assert_client_error(e, "MalformedXML", 400)
    e = client_error(s3.get_bucket_metrics_configuration, Bucket=b, Id="unknown")
    assert_client_error(e, "NoSuchConfiguration", 404)
    assert s3.list_bucket_metrics_configurations(Bucket=b).get("MetricsConfigurationList") is None


def test_list_pagination(srv):
    s3 = srv.s3
    b = unique_name("mc")
    s3.create_bucket(Bucket=b)
    ids = ["id-%03d" % i for i in range(105)]
    for i in ids:
        s3.put_bucket_metrics_configuration(Bucket=b, Id=i, MetricsConfiguration={"Id": i})
    first = s3.list_bucket_metrics_configurations(Bucket=b)
    assert first["IsTruncated"] is True
    assert len(first["MetricsConfigurationList"]) == 100
    token = first["NextContinuationToken"]
    second = s3.list_bucket_metrics_configurations(Bucket=b, ContinuationToken=token)
    assert second["IsTruncated"] is False
    assert second["ContinuationToken"] == token
    assert "NextContinuationToken" not in second
    got = [c["Id"] for c in first["MetricsConfigurationList"] + second["MetricsConfigurationList"]]
    assert got == ids
    e = client_error(s3.list_bucket_metrics_configurations, Bucket=b, ContinuationToken="%%%")
    assert_client_error(e, "InvalidArgument", 400)


# ---- the metrics ------------------------------------------------------------------------------

def test_request_metrics(srv):
    s3 = srv.s3
    b = unique_name("rm")
    s3.create_bucket(Bucket=b)
    plain = unique_name("rm")  # no configuration: no metrics
    s3.create_bucket(Bucket=plain)
    start = srv.now_ms() - 60_000
    s3.put_bucket_metrics_configuration(Bucket=b, Id="All", MetricsConfiguration={"Id": "All"})
    s3.put_bucket_metrics_configuration(
        Bucket=b, Id="Logs", MetricsConfiguration={"Id": "Logs", "Filter": {"Prefix": "logs/"}})
    s3.put_bucket_metrics_configuration(
        Bucket=b, Id="Prod",
        MetricsConfiguration={"Id": "Prod", "Filter": {"Tag": {"Key": "env", "Value": "prod"}}})

    s3.put_object(Bucket=b, Key="logs/a", Body=b"a" * 100, Tagging="env=prod")
    s3.put_object(Bucket=b, Key="data/b", Body=b"b" * 50)
    assert s3.get_object(Bucket=b, Key="logs/a")["Body"].read() == b"a" * 100
    s3.get_object(Bucket=b, Key="data/b")["Body"].read()
    e = client_error(s3.get_object, Bucket=b, Key="logs/missing")
    assert_client_error(e, "NoSuchKey", 404)
    s3.head_object(Bucket=b, Key="data/b")
    s3.list_objects_v2(Bucket=b)
    s3.put_object(Bucket=plain, Key="x", Body=b"x")
    end = srv.now_ms() + 120_000

    def m(metric, fid, statistic="Sum", bucket=b):
        return lambda: stat(srv, metric, {"BucketName": bucket, "FilterId": fid}, statistic,
                            start, end)

    # All: the two configuration PUTs after it, then 2 PUTs, 3 GETs, 1 HEAD, 1 list.
    assert wait_for(m("AllRequests", "All"), 9) == 9
    assert m("PutRequests", "All")() == 2
    assert m("GetRequests", "All")() == 3
    assert m("HeadRequests", "All")() == 1
    assert m("ListRequests", "All")() == 1
    assert m("4xxErrors", "All")() == 1
    assert m("5xxErrors", "All")() == 0
    # Logs: what was asked of keys under logs/ (a list has no key: not counted).
    assert wait_for(m("AllRequests", "Logs"), 3) == 3
    assert m("GetRequests", "Logs")() == 2
    assert m("PutRequests", "Logs")() == 1
    assert m("4xxErrors", "Logs")() == 1
    assert m("BytesUploaded", "Logs")() == 100
    assert m("BytesDownloaded", "Logs", "Maximum")() >= 100
    assert m("TotalRequestLatency", "Logs", "SampleCount")() == 3
    assert m("FirstByteLatency", "Logs", "Minimum")() >= 0
    # Prod: the object tagged env=prod (its PUT and its GET); the missing key has no tags.
    assert wait_for(m("AllRequests", "Prod"), 2) == 2
    assert m("GetRequests", "Prod")() == 1
    # A bucket without configurations records nothing.
    assert m("AllRequests", "All", bucket=plain)() is None

    # Deleting a configuration stops its metrics.
    s3.delete_bucket_metrics_configuration(Bucket=b, Id="Logs")
    s3.get_object(Bucket=b, Key="logs/a")["Body"].read()
    assert wait_for(m("AllRequests", "All"), 11) == 11
    assert m("AllRequests", "Logs")() == 3


def test_daily_storage_metrics(srv):
    s3 = srv.s3
    b = unique_name("sm")
    s3.create_bucket(Bucket=b)
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=b, Key="k", Body=b"1" * 1000)
    s3.put_object(Bucket=b, Key="k", Body=b"2" * 300)  # the first is kept, noncurrent
    s3.put_object(Bucket=b, Key="cold", Body=b"3" * 70, StorageClass="GLACIER")
    s3.delete_object(Bucket=b, Key="gone")  # a delete marker counts for nothing

    now = srv.now_ms()
    next_day = (now // DAY_MS + 1) * DAY_MS
    advance_clock(srv.server.endpoint, (next_day - now) // 1000 + 60)

    def daily(metric, storage_type):
        return lambda: stat(srv, metric, {"BucketName": b, "StorageType": storage_type},
                            "Average", next_day, next_day + DAY_MS, period=86400)

    assert wait_for(daily("NumberOfObjects", "AllStorageTypes"), 3) == 3
    assert wait_for(daily("BucketSizeBytes", "StandardStorage"), 1300) == 1300
    assert wait_for(daily("BucketSizeBytes", "GlacierStorage"), 70) == 70
