"""S3 Object Lock end to end through boto3 at default settings (both versions, see run.sh):
CreateBucket with Object Lock (versioning Enabled, never suspended), Put/GetObjectLockConfiguration
on new and existing buckets and the configurations S3 refuses, the x-amz-object-lock-* headers of
PutObject, CopyObject and multipart uploads (and the bucket's default retention when they name
none), Content-MD5 or a checksum on such bodies, the lock headers of GetObject/HeadObject,
Get/PutObjectRetention and Get/PutObjectLegalHold with versionId, the retention rules (COMPLIANCE
never shortened; GOVERNANCE only with x-amz-bypass-governance-retention and
s3:BypassGovernanceRetention), deletes of locked versions refused (DeleteObject, DeleteObjects)
while a delete without a version id still adds a delete marker, lifecycle rules that leave locked
versions alone, retention running out on the test clock, and the lock state surviving a SIGKILL.

AWS behaviour is the spec. The sources, cited by short name next to the assertions:
  API reference  PutObjectLockConfiguration, GetObjectLockConfiguration, Put/GetObjectRetention,
                 Put/GetObjectLegalHold, PutObject, CopyObject, CreateMultipartUpload,
                 UploadPart, HeadObject, DeleteObject, DeleteObjects, CreateBucket
  user guide     "Locking objects with Object Lock" (object-lock), "Object Lock considerations"
                 (object-lock-managing), "Expiring objects" (lifecycle-expire-general-
                 considerations)
Error codes and messages the reference does not give come from S3's answers as recorded by
others (LocalStack's AWS-validated snapshots, ceph s3-tests, S3Mock's tests verified against S3,
captures in SDK and gateway issues); the comment next to each says so.

Tests on the session server use GOVERNANCE retention (removable with the bypass, so the bucket is
cleaned up) and dates relative to the server's own clock (which other tests move forward). What
needs COMPLIANCE or time to pass runs on a server of its own started with --test-clock."""

import datetime
import json
import time
import urllib.error

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, SECRET_KEY, EvokeServer, external_endpoint, unique_name
from s3e2e import assert_client_error, assert_error_response, crc32_b64, key_path, md5_b64
from test_events import advance_clock, wait_for
from test_s3_lifecycle import Clocked, start_clocked, stop_clocked

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
WAIT = 15  # seconds a lifecycle pass may take after the clock moved (ASan builds are slow)
ACCOUNT = "000000000000"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
DENIED = "Access Denied because object protected by object lock."
MISSING_LOCK = "Bucket is missing Object Lock Configuration"
BOTH = "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied"
INTEGRITY = ("Content-MD5 OR x-amz-checksum- HTTP header is required for %s requests with Object "
             "Lock parameters")


# ---- Helpers -------------------------------------------------------------------------------------

def client_error(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    return e.value


def message_of(err):
    return err.response["Error"].get("Message", "")


def utc(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)


def ms_of(dt):
    return int(dt.timestamp() * 1000)


def server_now_ms(endpoint):
    """The clock Object Lock judges dates by: the server's events clock, which --test-clock lets
    tests read and move; the real one on a server without it."""
    try:
        return advance_clock(endpoint, 0)
    except urllib.error.HTTPError:
        return int(time.time() * 1000)


def in_days(endpoint, days):
    """A whole-second date `days` after the server's now (botocore sends header dates to the
    second)."""
    ms = server_now_ms(endpoint) + int(days * DAY_MS)
    return utc(ms - ms % 1000)


def put(s3, bucket, key, body=b"data", **kwargs):
    """PutObject with Content-MD5, which S3 requires of a body that makes a locked version
    (PutObject API reference); returns the new version's id."""
    return s3.put_object(Bucket=bucket, Key=key, Body=body, ContentMD5=md5_b64(body),
                         **kwargs)["VersionId"]


def lock_of(response):
    return {k: response[k] for k in ("ObjectLockMode", "ObjectLockRetainUntilDate",
                                     "ObjectLockLegalHoldStatus") if k in response}


def purge(s3, bucket):
    """Removes every version a bucket with Object Lock holds that Object Lock lets go: legal
    holds off, GOVERNANCE bypassed; then the bucket. COMPLIANCE versions stay (with their
    bucket), as on S3."""
    try:
        items = []
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for v in page.get("Versions", []):
                items.append({"Key": v["Key"], "VersionId": v["VersionId"]})
                try:
                    hold = s3.get_object_legal_hold(Bucket=bucket, Key=v["Key"],
                                                    VersionId=v["VersionId"])
                    if hold["LegalHold"]["Status"] == "ON":
                        s3.put_object_legal_hold(Bucket=bucket, Key=v["Key"],
                                                 VersionId=v["VersionId"],
                                                 LegalHold={"Status": "OFF"})
                except ClientError:
                    pass
            for m in page.get("DeleteMarkers", []):
                items.append({"Key": m["Key"], "VersionId": m["VersionId"]})
        for i in range(0, len(items), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": items[i:i + 1000], "Quiet": True},
                              BypassGovernanceRetention=True)
        s3.delete_bucket(Bucket=bucket)
    except ClientError:
        pass


@pytest.fixture
def locked_factory(target):
    s3 = target.boto3_client()
    made = []

    def make():
        name = unique_name("lock")
        s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
        made.append(name)
        return name

    yield make
    for name in made:
        purge(s3, name)


@pytest.fixture
def locked(locked_factory):
    """A fresh bucket made with Object Lock enabled."""
    return locked_factory()


def raw_put(raw, bucket, key, body=b"data", headers=None, md5=True, query=()):
    h = dict(headers or {})
    if md5:
        h["Content-MD5"] = md5_b64(body)
    return raw.request("PUT", key_path(bucket, key), query=list(query), headers=h, body=body)


def lock_headers(mode=None, until=None, hold=None):
    h = {}
    if mode is not None:
        h["x-amz-object-lock-mode"] = mode
    if until is not None:
        h["x-amz-object-lock-retain-until-date"] = (
            until if isinstance(until, str) else until.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if hold is not None:
        h["x-amz-object-lock-legal-hold"] = hold
    return h


# ---- CreateBucket and the bucket's configuration ------------------------------------------------

def test_create_bucket_with_object_lock(s3, capture, locked):
    # "When you create a bucket with S3 Object Lock enabled, Amazon S3 automatically enables
    # versioning for the bucket" (object-lock); GetObjectLockConfiguration then answers
    # ObjectLockEnabled alone.
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    conf = s3.get_object_lock_configuration(Bucket=locked)
    assert conf["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}
    # "After you enable Object Lock on a bucket, you can't disable Object Lock or suspend
    # versioning for that bucket" (object-lock-managing). Code, status and message as S3 answers
    # (LocalStack's snapshot).
    err = client_error(s3.put_bucket_versioning, Bucket=locked,
                       VersioningConfiguration={"Status": "Suspended"})
    assert_client_error(err, "InvalidBucketState", 409, capture)
    assert message_of(err) == ("An Object Lock configuration is present on this bucket, so the "
                               "versioning state cannot be changed.")
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    # And a new version is still made by each write.
    v1, v2 = put(s3, locked, "k", b"one"), put(s3, locked, "k", b"two")
    assert v1 != v2


def test_create_bucket_without_object_lock(s3, capture, bucket_factory, bucket):
    # ObjectLockEnabledForBucket=False is a plain bucket: no configuration, 404
    # ObjectLockConfigurationNotFoundError with S3's message (LocalStack's snapshot).
    name = unique_name("nolock")
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=False)
    try:
        for b in (name, bucket):
            err = client_error(s3.get_object_lock_configuration, Bucket=b)
            assert_client_error(err, "ObjectLockConfigurationNotFoundError", 404, capture)
            assert message_of(err) == "Object Lock configuration does not exist for this bucket"
        assert "Status" not in s3.get_bucket_versioning(Bucket=name)
    finally:
        s3.delete_bucket(Bucket=name)
    err = client_error(s3.get_object_lock_configuration, Bucket=unique_name("missing"))
    assert_client_error(err, "NoSuchBucket", 404, capture)


def test_lock_configuration_on_an_existing_bucket(s3, capture, bucket):
    # "You can enable Object Lock for new or existing buckets" (PutObjectLockConfiguration), once
    # versioning is Enabled: 409 InvalidBucketState before (LocalStack's snapshot).
    enabled = {"ObjectLockEnabled": "Enabled"}
    for state in (None, "Suspended"):
        if state:
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": state})
        err = client_error(s3.put_object_lock_configuration, Bucket=bucket,
                           ObjectLockConfiguration=enabled)
        assert_client_error(err, "InvalidBucketState", 409, capture)
        assert message_of(err) == ("Versioning must be 'Enabled' on the bucket to apply a Object "
                                   "Lock configuration")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    before = put(s3, bucket, "older", b"written before Object Lock")
    r = s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=enabled)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == enabled
    for rule in ({"Mode": "GOVERNANCE", "Days": 2}, {"Mode": "COMPLIANCE", "Years": 1}):
        conf = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": rule}}
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=conf)
        assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == conf
    # "Removing the default: put ObjectLockEnabled alone" (object-lock-managing).
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=enabled)
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == enabled
    err = client_error(s3.put_bucket_versioning, Bucket=bucket,
                       VersioningConfiguration={"Status": "Suspended"})
    assert_client_error(err, "InvalidBucketState", 409, capture)
    # Default retention applies to new versions only (object-lock-managing).
    assert "ObjectLockMode" not in s3.head_object(Bucket=bucket, Key="older", VersionId=before)


def lock_config(inner):
    return ('<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">%s'
            '</ObjectLockConfiguration>' % inner).encode()


def default_retention(inner):
    return lock_config("<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>"
                       "%s</DefaultRetention></Rule>" % inner)


# What S3 answers each document (LocalStack's snapshot: MalformedXML for what its schema refuses;
# storj/edge#528 and versity/versitygw#1738 for the InvalidArgument of a period).
BAD_CONFIGURATIONS = [
    ("not-xml", b"not xml", "MalformedXML", None),
    ("empty", b"", "MalformedXML", None),
    ("wrong-root", b"<LockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
                   b"</LockConfiguration>", "MalformedXML", None),
    ("no-enabled", lock_config(""), "MalformedXML", None),
    ("disabled", lock_config("<ObjectLockEnabled>Disabled</ObjectLockEnabled>"),
     "MalformedXML", None),
    ("empty-rule", lock_config("<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule/>"),
     "MalformedXML", None),
    ("empty-default", default_retention(""), "MalformedXML", None),
    ("mode-only", default_retention("<Mode>GOVERNANCE</Mode>"), "MalformedXML", None),
    ("days-and-years", default_retention("<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>"),
     "MalformedXML", None),
    ("lower-case-mode", default_retention("<Mode>governance</Mode><Days>1</Days>"),
     "MalformedXML", None),
    ("bad-mode", default_retention("<Mode>BAD-VALUE</Mode><Days>1</Days>"), "MalformedXML", None),
    ("days-not-a-number", default_retention("<Mode>GOVERNANCE</Mode><Days>one</Days>"),
     "MalformedXML", None),
    ("unknown-element", lock_config("<ObjectLockEnabled>Enabled</ObjectLockEnabled><Token/>"),
     "MalformedXML", None),
    ("zero-days", default_retention("<Mode>GOVERNANCE</Mode><Days>0</Days>"), "InvalidArgument",
     "Default retention period must be a positive integer value."),
    ("negative-years", default_retention("<Mode>COMPLIANCE</Mode><Years>-1</Years>"),
     "InvalidArgument", "Default retention period must be a positive integer value."),
    ("too-many-days", default_retention("<Mode>GOVERNANCE</Mode><Days>999999999</Days>"),
     "InvalidArgument", "Default retention period too large."),
    ("too-many-years", default_retention("<Mode>GOVERNANCE</Mode><Years>101</Years>"),
     "InvalidArgument", "Default retention period too large."),
]


@pytest.mark.parametrize("doc,code,message", [c[1:] for c in BAD_CONFIGURATIONS],
                         ids=[c[0] for c in BAD_CONFIGURATIONS])
def test_refused_lock_configurations(raw, s3, locked, doc, code, message):
    r = raw.request("PUT", key_path(locked), query=[("object-lock", "")], body=doc,
                    headers={"Content-MD5": md5_b64(doc)})
    fields = assert_error_response(r, code, 400, "PUT")
    if message:
        assert fields["Message"] == message
        assert fields["ArgumentName"] in ("Days", "Years")
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"}


def test_refused_lock_configurations_through_boto3(s3, capture, locked, bucket):
    # botocore checks no enumeration or range, so these reach the server as written.
    for rule, code in (({"Mode": "GOVERNANCE", "Days": 0}, "InvalidArgument"),
                       ({"Mode": "governance", "Days": 1}, "MalformedXML"),
                       ({"Mode": "GOVERNANCE", "Days": 1, "Years": 1}, "MalformedXML")):
        err = client_error(s3.put_object_lock_configuration, Bucket=locked,
                           ObjectLockConfiguration={"ObjectLockEnabled": "Enabled",
                                                    "Rule": {"DefaultRetention": rule}})
        assert_client_error(err, code, 400, capture)
    # The document is checked before the bucket's state.
    err = client_error(s3.put_object_lock_configuration, Bucket=bucket,
                       ObjectLockConfiguration={"ObjectLockEnabled": "Disabled"})
    assert_client_error(err, "MalformedXML", 400, capture)
    err = client_error(s3.put_object_lock_configuration, Bucket=unique_name("missing"),
                       ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    assert_client_error(err, "NoSuchBucket", 404, capture)


def test_lock_configuration_needs_content_md5(raw, locked):
    # A requestChecksumRequired operation (botocore's model): S3's answer to a request without
    # Content-MD5 or a checksum, as for its other configuration documents.
    doc = lock_config("<ObjectLockEnabled>Enabled</ObjectLockEnabled>")
    r = raw.request("PUT", key_path(locked), query=[("object-lock", "")], body=doc)
    assert_error_response(r, "InvalidRequest", 400, "PUT")


# ---- Locks a write asks for --------------------------------------------------------------------

def test_put_object_with_a_retention_and_a_legal_hold(s3, target, locked):
    until = in_days(target.endpoint, 30)
    vid = put(s3, locked, "doc", b"locked", ObjectLockMode="GOVERNANCE",
              ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")
    # HeadObject and GetObject show the version's lock (HeadObject API reference).
    want = {"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": until,
            "ObjectLockLegalHoldStatus": "ON"}
    assert lock_of(s3.head_object(Bucket=locked, Key="doc")) == want
    got = s3.get_object(Bucket=locked, Key="doc", VersionId=vid)
    assert got["Body"].read() == b"locked"
    assert lock_of(got) == want
    r = s3.get_object_retention(Bucket=locked, Key="doc")
    assert r["Retention"] == {"Mode": "GOVERNANCE", "RetainUntilDate": until}
    assert s3.get_object_retention(Bucket=locked, Key="doc", VersionId=vid)["Retention"] == \
        r["Retention"]
    assert s3.get_object_legal_hold(Bucket=locked, Key="doc")["LegalHold"] == {"Status": "ON"}
    # A legal hold alone; OFF is a legal hold that was set (and so is shown).
    put(s3, locked, "held", ObjectLockLegalHoldStatus="OFF")
    assert lock_of(s3.head_object(Bucket=locked, Key="held")) == {
        "ObjectLockLegalHoldStatus": "OFF"}
    # No lock at all: no lock headers, and "The specified object does not have a ObjectLock
    # configuration" (S3Mock's tests verified against S3).
    s3.put_object(Bucket=locked, Key="plain", Body=b"x")
    assert lock_of(s3.head_object(Bucket=locked, Key="plain")) == {}
    for call in (s3.get_object_retention, s3.get_object_legal_hold):
        err = client_error(call, Bucket=locked, Key="plain")
        assert_client_error(err, "NoSuchObjectLockConfiguration", 404)
        assert message_of(err) == "The specified object does not have a ObjectLock configuration"


def test_copy_and_multipart_uploads_take_lock_headers(s3, target, locked):
    until = in_days(target.endpoint, 7)
    src = put(s3, locked, "src", b"source", ObjectLockMode="GOVERNANCE",
              ObjectLockRetainUntilDate=until)
    # "Copied objects will not retain the Object Lock settings from the original objects"
    # (copy-object): a copy has only what it asks for.
    s3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": locked, "Key": "src"})
    assert lock_of(s3.head_object(Bucket=locked, Key="copy")) == {}
    later = in_days(target.endpoint, 8)
    r = s3.copy_object(Bucket=locked, Key="copy2", CopySource={"Bucket": locked, "Key": "src",
                                                               "VersionId": src},
                       ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later,
                       ObjectLockLegalHoldStatus="ON")
    assert lock_of(s3.head_object(Bucket=locked, Key="copy2", VersionId=r["VersionId"])) == {
        "ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": later,
        "ObjectLockLegalHoldStatus": "ON"}
    # CreateMultipartUpload's lock is the completed object's; UploadPart "is required if object
    # lock parameters are specified" to carry Content-MD5 (UploadPart API reference).
    up = s3.create_multipart_upload(Bucket=locked, Key="mpu", ObjectLockMode="GOVERNANCE",
                                    ObjectLockRetainUntilDate=until,
                                    ObjectLockLegalHoldStatus="OFF")
    part = b"p" * 1024
    etag = s3.upload_part(Bucket=locked, Key="mpu", UploadId=up["UploadId"], PartNumber=1,
                          Body=part, ContentMD5=md5_b64(part))["ETag"]
    done = s3.complete_multipart_upload(Bucket=locked, Key="mpu", UploadId=up["UploadId"],
                                        MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                    "ETag": etag}]})
    head = s3.head_object(Bucket=locked, Key="mpu", VersionId=done["VersionId"])
    assert lock_of(head) == {"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": until,
                             "ObjectLockLegalHoldStatus": "OFF"}
    # The upload's lock is not among the object's metadata.
    assert not any(k.startswith("x-amz-object-lock") and k not in (
        "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date",
        "x-amz-object-lock-legal-hold") for k in head["ResponseMetadata"]["HTTPHeaders"])
    assert head["Metadata"] == {}


def test_default_retention_applies_to_new_versions(s3, raw, target, locked):
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    # "Amazon S3 calculates a Retain Until Date for the object version by adding the specified
    # duration to the object version's creation timestamp" (object-lock).
    before = server_now_ms(target.endpoint)
    vid = put(s3, locked, "d")
    after = server_now_ms(target.endpoint)
    head = s3.head_object(Bucket=locked, Key="d", VersionId=vid)
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert before + DAY_MS - 1000 <= ms_of(head["ObjectLockRetainUntilDate"]) <= after + DAY_MS
    assert "ObjectLockLegalHoldStatus" not in head
    # "the object version's individual Object Lock settings override any bucket property
    # retention settings" (object-lock); a legal hold alone goes with the default.
    until = in_days(target.endpoint, 3)
    put(s3, locked, "explicit", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)
    assert s3.get_object_retention(Bucket=locked, Key="explicit")["Retention"] == {
        "Mode": "GOVERNANCE", "RetainUntilDate": until}
    put(s3, locked, "held", ObjectLockLegalHoldStatus="ON")
    held = s3.head_object(Bucket=locked, Key="held")
    assert (held["ObjectLockMode"], held["ObjectLockLegalHoldStatus"]) == ("GOVERNANCE", "ON")
    # A copy and a multipart upload get the default too.
    s3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": locked, "Key": "d"})
    assert s3.head_object(Bucket=locked, Key="copy")["ObjectLockMode"] == "GOVERNANCE"
    up = s3.create_multipart_upload(Bucket=locked, Key="mpu")
    part = b"q" * 100
    etag = s3.upload_part(Bucket=locked, Key="mpu", UploadId=up["UploadId"], PartNumber=1,
                          Body=part, ContentMD5=md5_b64(part))["ETag"]
    s3.complete_multipart_upload(Bucket=locked, Key="mpu", UploadId=up["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.head_object(Bucket=locked, Key="mpu")["ObjectLockMode"] == "GOVERNANCE"

    # The default makes every body need Content-MD5 or a checksum: "Content-MD5 OR x-amz-checksum-
    # HTTP header is required for Put Object requests with Object Lock parameters" (S3's answer in
    # aws-sdk-php#1694, apache/arrow-rs-object-store#190); a SigV4 payload hash does not count.
    r = raw_put(raw, locked, "no-md5", md5=False)
    fields = assert_error_response(r, "InvalidRequest", 400, "PUT")
    assert fields["Message"] == INTEGRITY % "Put Object"
    r = raw_put(raw, locked, "crc32", md5=False,
                headers={"x-amz-checksum-crc32": crc32_b64(b"data")})
    assert r.status == 200, r
    # So does a part of an upload that will be locked (s3tools/s3cmd#1436 quotes S3).
    up = s3.create_multipart_upload(Bucket=locked, Key="mpu2")
    r = raw.request("PUT", key_path(locked, "mpu2"),
                    query=[("partNumber", "1"), ("uploadId", up["UploadId"])], body=b"part")
    fields = assert_error_response(r, "InvalidRequest", 400, "PUT")
    assert fields["Message"] == INTEGRITY % "Put Part"
    s3.abort_multipart_upload(Bucket=locked, Key="mpu2", UploadId=up["UploadId"])


def test_a_bucket_without_default_retention_needs_no_md5(raw, locked):
    # With Object Lock but no default and no lock headers, the version is not locked.
    r = raw_put(raw, locked, "free", md5=False)
    assert r.status == 200, r
    r = raw_put(raw, locked, "held", md5=False, headers=lock_headers(hold="ON"))
    fields = assert_error_response(r, "InvalidRequest", 400, "PUT")
    assert fields["Message"] == INTEGRITY % "Put Object"


# Each with the ArgumentName S3 names (LocalStack's snapshot; versity/versitygw#1733, #1734,
# #1736, #1775 quote S3): checked before the bucket's lock is looked at.
BAD_HEADERS = [
    ("mode-without-date", lock_headers(mode="GOVERNANCE"), BOTH,
     "x-amz-object-lock-retain-until-date"),
    ("date-without-mode", lock_headers(until="2099-01-01T00:00:00Z"), BOTH,
     "x-amz-object-lock-mode"),
    ("lower-case-mode", lock_headers(mode="governance", until="2099-01-01T00:00:00Z"),
     "Unknown wormMode directive.", "x-amz-object-lock-mode"),
    ("bad-mode", lock_headers(mode="LEGAL", until="2099-01-01T00:00:00Z"),
     "Unknown wormMode directive.", "x-amz-object-lock-mode"),
    ("bad-date", lock_headers(mode="GOVERNANCE", until="next tuesday"),
     "The retain until date must be provided in ISO 8601 format",
     "x-amz-object-lock-retain-until-date"),
    ("past-date", lock_headers(mode="GOVERNANCE", until="2001-01-01T00:00:00Z"),
     "The retain until date must be in the future!", "x-amz-object-lock-retain-until-date"),
    ("bad-legal-hold", lock_headers(hold="on"), "Legal Hold must be either of 'ON' or 'OFF'",
     "x-amz-object-lock-legal-hold"),
]


@pytest.mark.parametrize("headers,message,argument", [c[1:] for c in BAD_HEADERS],
                         ids=[c[0] for c in BAD_HEADERS])
@pytest.mark.parametrize("where", ["locked", "unlocked"])
def test_refused_lock_headers(raw, s3, locked, bucket, headers, message, argument, where):
    b = locked if where == "locked" else bucket
    for query in ((), (("uploads", ""),)):
        method = "POST" if query else "PUT"
        h = dict(headers)
        if not query:
            h["Content-MD5"] = md5_b64(b"data")
        r = raw.request(method, key_path(b, "k"), query=list(query), headers=h,
                        body=b"" if query else b"data")
        fields = assert_error_response(r, "InvalidArgument", 400, method)
        assert fields["Message"] == message
        assert fields["ArgumentName"] == argument
    assert s3.list_objects_v2(Bucket=b)["KeyCount"] == 0


def test_lock_headers_on_a_bucket_without_object_lock(s3, raw, capture, target, bucket):
    # S3's answer (LocalStack's snapshot; IBM COS's acceptance tests quote the same).
    until = in_days(target.endpoint, 1)
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    calls = [
        (s3.put_object, dict(Key="k", Body=b"x", ContentMD5=md5_b64(b"x"),
                             ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)),
        (s3.put_object, dict(Key="k", Body=b"x", ContentMD5=md5_b64(b"x"),
                             ObjectLockLegalHoldStatus="ON")),
        (s3.copy_object, dict(Key="k", CopySource={"Bucket": bucket, "Key": "src"},
                              ObjectLockLegalHoldStatus="OFF")),
        (s3.create_multipart_upload, dict(Key="k", ObjectLockMode="COMPLIANCE",
                                          ObjectLockRetainUntilDate=until)),
    ]
    for call, kwargs in calls:
        err = client_error(call, Bucket=bucket, **kwargs)
        assert_client_error(err, "InvalidRequest", 400, capture)
        assert message_of(err) == MISSING_LOCK
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["src"]
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    # Unsigned (or SigV2) requests may not ask for a lock (versity/versitygw#1542 quotes S3).
    r = raw.request("PUT", key_path(bucket, "anon"), sign=False, body=b"x",
                    headers=dict(lock_headers(hold="ON"), **{"Content-MD5": md5_b64(b"x")}))
    assert r.status in (400, 403), r


# ---- Retention and legal hold of a version -------------------------------------------------------

def test_governance_retention_rules(s3, capture, target, locked):
    vid = put(s3, locked, "g")
    until = in_days(target.endpoint, 10)
    r = s3.put_object_retention(Bucket=locked, Key="g", VersionId=vid,
                                Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    # Extending is free (object-lock: "Any user with permissions to place an object retention
    # period can extend a retention period"); so is keeping the date.
    longer = in_days(target.endpoint, 11)
    for date in (until, longer):
        s3.put_object_retention(Bucket=locked, Key="g",
                                Retention={"Mode": "GOVERNANCE", "RetainUntilDate": date})
    assert s3.get_object_retention(Bucket=locked, Key="g")["Retention"]["RetainUntilDate"] == \
        longer
    # Shortening, removing, or changing to COMPLIANCE needs the bypass (object-lock; ceph
    # s3-tests; the message is S3's, LocalStack's snapshot).
    changes = [{"Mode": "GOVERNANCE", "RetainUntilDate": until}, {},
               {"Mode": "COMPLIANCE", "RetainUntilDate": longer}]
    for retention in changes:
        for bypass in ({}, {"BypassGovernanceRetention": False}):
            err = client_error(s3.put_object_retention, Bucket=locked, Key="g",
                               Retention=retention, **bypass)
            assert_client_error(err, "AccessDenied", 403, capture)
            assert message_of(err) == DENIED
    assert s3.get_object_retention(Bucket=locked, Key="g")["Retention"] == {
        "Mode": "GOVERNANCE", "RetainUntilDate": longer}
    s3.put_object_retention(Bucket=locked, Key="g", BypassGovernanceRetention=True,
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until})
    assert s3.get_object_retention(Bucket=locked, Key="g")["Retention"]["RetainUntilDate"] == until
    # "removing the Object Lock retention period by placing a new PutObjectRetention request
    # with empty parameters" (object-lock), with the bypass.
    s3.put_object_retention(Bucket=locked, Key="g", VersionId=vid, Retention={},
                            BypassGovernanceRetention=True)
    err = client_error(s3.get_object_retention, Bucket=locked, Key="g")
    assert_client_error(err, "NoSuchObjectLockConfiguration", 404, capture)
    assert lock_of(s3.head_object(Bucket=locked, Key="g")) == {}
    s3.delete_object(Bucket=locked, Key="g", VersionId=vid)


def test_retention_and_legal_hold_refusals(s3, raw, capture, target, locked, bucket):
    until = in_days(target.endpoint, 1)
    vid = put(s3, locked, "k")
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    calls = [(s3.get_object_retention, {}), (s3.get_object_legal_hold, {}),
             (s3.put_object_retention, {"Retention": {"Mode": "GOVERNANCE",
                                                      "RetainUntilDate": until}}),
             (s3.put_object_legal_hold, {"LegalHold": {"Status": "ON"}})]
    for call, kwargs in calls:
        # A bucket without Object Lock (S3Mock's tests verified against S3: 400).
        err = client_error(call, Bucket=bucket, Key="k", **kwargs)
        assert_client_error(err, "InvalidRequest", 400, capture)
        assert message_of(err) == MISSING_LOCK
        # No such key, no such version, a version id evoke never gives out.
        assert_client_error(client_error(call, Bucket=locked, Key="nope", **kwargs),
                            "NoSuchKey", 404, capture)
        assert_client_error(client_error(call, Bucket=locked, Key="k", VersionId="A" * 32,
                                         **kwargs), "NoSuchVersion", 404, capture)
        assert_client_error(client_error(call, Bucket=locked, Key="k", VersionId="bad id",
                                         **kwargs), "InvalidArgument", 400, capture)
        assert_client_error(client_error(call, Bucket=unique_name("missing"), Key="k", **kwargs),
                            "NoSuchBucket", 404, capture)
    # A delete marker holds no lock: 405, as for other requests naming one (LocalStack).
    marker = s3.delete_object(Bucket=locked, Key="k")["VersionId"]
    for call, kwargs in calls:
        err = client_error(call, Bucket=locked, Key="k", VersionId=marker, **kwargs)
        assert_client_error(err, "MethodNotAllowed", 405, capture)
        # Without a version id, the key reads as deleted.
        assert_client_error(client_error(call, Bucket=locked, Key="k", **kwargs),
                            "NoSuchKey", 404, capture)
    # A date in the past: "The retain until date must be in the future!" (S3Mock, verified).
    past = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
    err = client_error(s3.put_object_retention, Bucket=locked, Key="k", VersionId=vid,
                       Retention={"Mode": "GOVERNANCE", "RetainUntilDate": past})
    assert_client_error(err, "InvalidArgument", 400, capture)
    assert message_of(err) == "The retain until date must be in the future!"
    # Documents S3's schema refuses: MalformedXML (LocalStack).
    for sub, doc in (
            ("retention", b"not xml"), ("retention", b""),
            ("retention", b"<Retention><Mode>GOVERNANCE</Mode></Retention>"),
            ("retention", b"<Retention><Mode>governance</Mode><RetainUntilDate>2099-01-01T00:00:00Z"
                          b"</RetainUntilDate></Retention>"),
            ("retention", b"<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>later"
                          b"</RetainUntilDate></Retention>"),
            ("retention", b"<LegalHold><Status>ON</Status></LegalHold>"),
            ("legal-hold", b"<LegalHold><Status>on</Status></LegalHold>"),
            ("legal-hold", b"<LegalHold/>"), ("legal-hold", b"<LegalHold><Status>ON</Status>"),
            ("legal-hold", b"")):
        r = raw.request("PUT", key_path(locked, "k"), query=[(sub, ""), ("versionId", vid)],
                        body=doc, headers={"Content-MD5": md5_b64(doc)})
        assert_error_response(r, "MalformedXML", 400, "PUT")
        # Without Content-MD5 (a requestChecksumRequired operation): InvalidRequest.
        good = (b"<LegalHold><Status>ON</Status></LegalHold>" if sub == "legal-hold" else
                b"<Retention/>")
        r = raw.request("PUT", key_path(locked, "k"), query=[(sub, ""), ("versionId", vid)],
                        body=good)
        assert_error_response(r, "InvalidRequest", 400, "PUT")
    assert lock_of(s3.head_object(Bucket=locked, Key="k", VersionId=vid)) == {}


def test_legal_hold_on_and_off(s3, capture, locked):
    vid = put(s3, locked, "h")
    err = client_error(s3.get_object_legal_hold, Bucket=locked, Key="h")
    assert_client_error(err, "NoSuchObjectLockConfiguration", 404, capture)
    for status in ("ON", "OFF", "ON"):
        r = s3.put_object_legal_hold(Bucket=locked, Key="h", VersionId=vid,
                                     LegalHold={"Status": status})
        assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert s3.get_object_legal_hold(Bucket=locked, Key="h")["LegalHold"] == {"Status": status}
        assert s3.head_object(Bucket=locked, Key="h")["ObjectLockLegalHoldStatus"] == status
    # "Legal holds are independent from retention periods" (object-lock): a hold needs no
    # retention and leaves none behind.
    assert_client_error(client_error(s3.get_object_retention, Bucket=locked, Key="h"),
                        "NoSuchObjectLockConfiguration", 404, capture)


# ---- Deletes -----------------------------------------------------------------------------------

def test_locked_versions_are_not_deleted(s3, capture, target, locked):
    until = in_days(target.endpoint, 5)
    g = put(s3, locked, "g", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)
    h = put(s3, locked, "h", ObjectLockLegalHoldStatus="ON")
    free = put(s3, locked, "free")
    # "Permanent DELETE request – If you issued a permanent DELETE request (a request that
    # specifies a version ID), Amazon S3 returns an Access Denied (403 Forbidden) error"
    # (object-lock-managing); the message is S3's (LocalStack's snapshot).
    for key, vid in (("g", g), ("h", h)):
        err = client_error(s3.delete_object, Bucket=locked, Key=key, VersionId=vid)
        assert_client_error(err, "AccessDenied", 403, capture)
        assert message_of(err) == DENIED
    # DeleteObjects: 200, each locked key its own AccessDenied.
    r = s3.delete_objects(Bucket=locked, Delete={"Objects": [
        {"Key": "g", "VersionId": g}, {"Key": "h", "VersionId": h},
        {"Key": "free", "VersionId": free}]})
    assert [(d["Key"], d["VersionId"]) for d in r["Deleted"]] == [("free", free)]
    assert sorted((e["Key"], e["VersionId"], e["Code"], e["Message"]) for e in r["Errors"]) == [
        ("g", g, "AccessDenied", DENIED), ("h", h, "AccessDenied", DENIED)]
    # "Simple DELETE request – ... Amazon S3 ... inserts a delete marker": the locked version
    # stays, noncurrent; the marker itself is not protected.
    marker = s3.delete_object(Bucket=locked, Key="g")
    assert marker["DeleteMarker"] is True
    assert s3.get_object(Bucket=locked, Key="g", VersionId=g)["Body"].read() == b"data"
    s3.delete_object(Bucket=locked, Key="g", VersionId=marker["VersionId"])
    assert s3.get_object(Bucket=locked, Key="g")["Body"].read() == b"data"
    # The bypass removes a GOVERNANCE version, never one under a legal hold: "Bypassing
    # governance mode doesn't affect an object version's legal hold status" (object-lock).
    err = client_error(s3.delete_object, Bucket=locked, Key="h", VersionId=h,
                       BypassGovernanceRetention=True)
    assert_client_error(err, "AccessDenied", 403, capture)
    r = s3.delete_objects(Bucket=locked, BypassGovernanceRetention=True, Delete={"Objects": [
        {"Key": "g", "VersionId": g}, {"Key": "h", "VersionId": h}]})
    assert [(d["Key"], d["VersionId"]) for d in r["Deleted"]] == [("g", g)]
    assert [(e["Key"], e["Code"]) for e in r["Errors"]] == [("h", "AccessDenied")]
    s3.put_object_legal_hold(Bucket=locked, Key="h", VersionId=h, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=locked, Key="h", VersionId=h)
    assert s3.list_object_versions(Bucket=locked).get("Versions", []) == []


def test_bypass_header_on_a_bucket_without_object_lock(s3, capture, bucket):
    # "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets."
    # (LocalStack's snapshot), for true and false alike.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    for bypass in (True, False):
        err = client_error(s3.delete_object, Bucket=bucket, Key="k",
                           BypassGovernanceRetention=bypass)
        assert_client_error(err, "InvalidArgument", 400, capture)
        assert message_of(err) == ("x-amz-bypass-governance-retention is only applicable to "
                                   "Object Lock enabled buckets.")
        err = client_error(s3.delete_objects, Bucket=bucket, BypassGovernanceRetention=bypass,
                           Delete={"Objects": [{"Key": "k"}]})
        assert_client_error(err, "InvalidArgument", 400, capture)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_noncurrent_versions_keep_their_lock(s3, target, locked):
    until = in_days(target.endpoint, 2)
    v1 = put(s3, locked, "k", b"one", ObjectLockMode="GOVERNANCE",
             ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")
    v2 = put(s3, locked, "k", b"two")
    # "Placing a retention period or a legal hold on an object protects only the version that's
    # specified in the request" (object-lock): v1, noncurrent now, keeps its own.
    assert lock_of(s3.head_object(Bucket=locked, Key="k")) == {}
    assert lock_of(s3.head_object(Bucket=locked, Key="k", VersionId=v1)) == {
        "ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": until,
        "ObjectLockLegalHoldStatus": "ON"}
    assert s3.get_object_legal_hold(Bucket=locked, Key="k", VersionId=v1)["LegalHold"] == {
        "Status": "ON"}
    # Changed while noncurrent, and again once it is current again.
    s3.put_object_legal_hold(Bucket=locked, Key="k", VersionId=v1, LegalHold={"Status": "OFF"})
    s3.put_object_legal_hold(Bucket=locked, Key="k", VersionId=v2, LegalHold={"Status": "ON"})
    s3.put_object_legal_hold(Bucket=locked, Key="k", VersionId=v2, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=locked, Key="k", VersionId=v2)
    assert s3.head_object(Bucket=locked, Key="k")["VersionId"] == v1
    assert lock_of(s3.head_object(Bucket=locked, Key="k")) == {
        "ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": until,
        "ObjectLockLegalHoldStatus": "OFF"}
    later = in_days(target.endpoint, 3)
    s3.put_object_retention(Bucket=locked, Key="k",
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later})
    assert s3.get_object_retention(Bucket=locked, Key="k", VersionId=v1)["Retention"][
        "RetainUntilDate"] == later


def test_bypass_needs_the_permission(target, s3, capture, locked):
    """x-amz-bypass-governance-retention works only for callers allowed
    s3:BypassGovernanceRetention; the lock headers of GetObject/HeadObject only for those allowed
    s3:GetObjectRetention and s3:GetObjectLegalHold (HeadObject API reference)."""
    iam = boto3.client("iam", endpoint_url=target.endpoint, region_name="us-east-1",
                       aws_access_key_id=target.access_key, aws_secret_access_key=target.secret)
    users = {}
    policies = {
        "nobypass": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                     {"Effect": "Deny", "Action": ["s3:BypassGovernanceRetention",
                                                   "s3:GetObjectRetention"], "Resource": "*"}],
        "bypass": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    try:
        for role, statements in policies.items():
            name = unique_name("lock-" + role)
            iam.create_user(UserName=name)
            key = iam.create_access_key(UserName=name)["AccessKey"]
            iam.put_user_policy(UserName=name, PolicyName="s3", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": statements}))
            users[role] = (name, key)
        client = {role: boto3.client(
            "s3", endpoint_url=target.endpoint, region_name="us-east-1", config=NO_RETRIES,
            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
            for role, (_, key) in users.items()}
        until = in_days(target.endpoint, 4)
        vid = put(s3, locked, "k", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until,
                  ObjectLockLegalHoldStatus="OFF")
        head = client["nobypass"].head_object(Bucket=locked, Key="k")
        assert lock_of(head) == {"ObjectLockLegalHoldStatus": "OFF"}
        assert lock_of(client["bypass"].head_object(Bucket=locked, Key="k")) == lock_of(
            s3.head_object(Bucket=locked, Key="k"))
        shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": in_days(target.endpoint, 1)}
        err = client_error(client["nobypass"].put_object_retention, Bucket=locked, Key="k",
                           Retention=shorter, BypassGovernanceRetention=True)
        assert_client_error(err, "AccessDenied", 403)
        err = client_error(client["nobypass"].delete_object, Bucket=locked, Key="k",
                           VersionId=vid, BypassGovernanceRetention=True)
        assert_client_error(err, "AccessDenied", 403)
        r = client["nobypass"].delete_objects(Bucket=locked, BypassGovernanceRetention=True,
                                              Delete={"Objects": [{"Key": "k", "VersionId": vid}]})
        assert [e["Code"] for e in r["Errors"]] == ["AccessDenied"]
        client["bypass"].put_object_retention(Bucket=locked, Key="k", Retention=shorter,
                                              BypassGovernanceRetention=True)
        client["bypass"].delete_object(Bucket=locked, Key="k", VersionId=vid,
                                       BypassGovernanceRetention=True)
        assert s3.list_object_versions(Bucket=locked).get("Versions", []) == []
    finally:
        for name, key in users.values():
            iam.delete_user_policy(UserName=name, PolicyName="s3")
            iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
            iam.delete_user(UserName=name)


# ---- On a clock of our own: COMPLIANCE, retention running out, lifecycle rules -------------------

@pytest.fixture
def clocked(tmp_path):
    """A --test-clock server of this test's own (test_s3_lifecycle's)."""
    server = start_clocked(tmp_path, roles=False)
    try:
        yield Clocked(server)
    finally:
        stop_clocked(server)


def test_compliance_retention_until_it_runs_out(clocked):
    s3 = clocked.s3
    b = unique_name("compliance")
    s3.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
    until = in_days(clocked.endpoint, 1)
    vid = put(s3, b, "c", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until)
    # "a protected object version can't be overwritten or deleted by any user, including the
    # root user ... its retention mode can't be changed, and its retention period can't be
    # shortened" (object-lock): not even with the bypass.
    for kwargs in ({}, {"BypassGovernanceRetention": True}):
        err = client_error(s3.delete_object, Bucket=b, Key="c", VersionId=vid, **kwargs)
        assert_client_error(err, "AccessDenied", 403)
        for retention in ({}, {"Mode": "COMPLIANCE", "RetainUntilDate": until - datetime.timedelta(
                hours=1)}, {"Mode": "GOVERNANCE", "RetainUntilDate": in_days(clocked.endpoint, 2)}):
            err = client_error(s3.put_object_retention, Bucket=b, Key="c", Retention=retention,
                               **kwargs)
            assert_client_error(err, "AccessDenied", 403)
            assert message_of(err) == DENIED
    r = s3.delete_objects(Bucket=b, BypassGovernanceRetention=True,
                          Delete={"Objects": [{"Key": "c", "VersionId": vid}]})
    assert [e["Code"] for e in r["Errors"]] == ["AccessDenied"]
    # Extending it is allowed (object-lock).
    longer = until + datetime.timedelta(hours=1)
    s3.put_object_retention(Bucket=b, Key="c",
                            Retention={"Mode": "COMPLIANCE", "RetainUntilDate": longer})
    # Past the date the version is unprotected: Object Lock judges by the server's clock, which
    # --test-clock moves.
    clocked.advance_to(ms_of(longer) + HOUR_MS)
    # A date in the past as that clock sees it is refused, though it is ahead of the real one.
    err = client_error(s3.put_object_retention, Bucket=b, Key="c", Retention={
        "Mode": "COMPLIANCE", "RetainUntilDate": longer + datetime.timedelta(minutes=30)})
    assert_client_error(err, "InvalidArgument", 400)
    assert s3.get_object_retention(Bucket=b, Key="c")["Retention"] == {
        "Mode": "COMPLIANCE", "RetainUntilDate": longer}
    s3.delete_object(Bucket=b, Key="c", VersionId=vid)
    assert s3.list_object_versions(Bucket=b).get("Versions", []) == []
    s3.delete_bucket(Bucket=b)


def versions_of(s3, bucket):
    return {v["VersionId"] for v in s3.list_object_versions(Bucket=bucket).get("Versions", [])}


def test_lifecycle_never_removes_a_locked_version(clocked):
    s3 = clocked.s3
    b = unique_name("lc-lock")
    s3.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
    s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [
        {"ID": "noncurrent-1d", "Filter": {"Prefix": ""}, "Status": "Enabled",
         "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]})
    retain = in_days(clocked.endpoint, 10)
    kept = put(s3, b, "retained", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=retain)
    held = put(s3, b, "held", ObjectLockLegalHoldStatus="ON")
    free = put(s3, b, "free")
    newer = [put(s3, b, key) for key in ("retained", "held", "free")]
    # "a locked version of an object cannot be deleted by a S3 Lifecycle expiration policy"
    # (lifecycle-expire-general-considerations). The unlocked one going shows the pass ran.
    clocked.advance_to(clocked.now_ms() + 2 * DAY_MS + HOUR_MS)
    wait_for(lambda: free not in versions_of(s3, b), timeout=WAIT, what="the unlocked version")
    assert versions_of(s3, b) == {kept, held} | set(newer)
    # Once the retention has run out, the rule removes that version; the legal hold keeps its.
    clocked.advance_to(ms_of(retain) + HOUR_MS)
    wait_for(lambda: kept not in versions_of(s3, b), timeout=WAIT, what="the expired retention")
    assert versions_of(s3, b) == {held} | set(newer)
    s3.put_object_legal_hold(Bucket=b, Key="held", VersionId=held, LegalHold={"Status": "OFF"})
    clocked.advance_to(clocked.now_ms() + 60_000)
    wait_for(lambda: held not in versions_of(s3, b), timeout=WAIT, what="the released hold")
    assert versions_of(s3, b) == set(newer)


# ---- Durability ----------------------------------------------------------------------------------

def test_lock_state_survives_sigkill(tmp_path):
    """Acknowledged lock state (a bucket's configuration, a version's retention and legal hold,
    current or noncurrent) is durable: SIGKILL the server, start it again, and every lock still
    reads back and still refuses the delete."""
    if external_endpoint():
        pytest.skip("crash tests need the evoke binary (EVOKE_E2E_ENDPOINT is set)")
    server = EvokeServer(tmp_path / "data", tmp_path / "logs", suite_roles=False)
    try:
        server.start()
        s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                          config=NO_RETRIES)
        b = unique_name("crash-lock")
        s3.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
        conf = {"ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 3}}}
        s3.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration=conf)
        until = in_days(server.endpoint, 20)
        v1 = put(s3, b, "k", b"one", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until)
        v2 = put(s3, b, "k", b"two")
        s3.put_object_legal_hold(Bucket=b, Key="k", VersionId=v1, LegalHold={"Status": "ON"})
        s3.put_object_legal_hold(Bucket=b, Key="k", VersionId=v2, LegalHold={"Status": "ON"})
        later = in_days(server.endpoint, 21)
        s3.put_object_retention(Bucket=b, Key="k", VersionId=v1,
                                Retention={"Mode": "COMPLIANCE", "RetainUntilDate": later})
        before = {v: lock_of(s3.head_object(Bucket=b, Key="k", VersionId=v)) for v in (v1, v2)}
        assert before[v1] == {"ObjectLockMode": "COMPLIANCE", "ObjectLockRetainUntilDate": later,
                              "ObjectLockLegalHoldStatus": "ON"}
        assert before[v2]["ObjectLockMode"] == "GOVERNANCE"
        server.kill()

        server.start()
        s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                          config=NO_RETRIES)
        assert s3.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"] == conf
        assert s3.get_bucket_versioning(Bucket=b)["Status"] == "Enabled"
        after = {v: lock_of(s3.head_object(Bucket=b, Key="k", VersionId=v)) for v in (v1, v2)}
        assert after == before
        assert s3.get_object_legal_hold(Bucket=b, Key="k", VersionId=v1)["LegalHold"] == {
            "Status": "ON"}
        assert s3.get_object_retention(Bucket=b, Key="k", VersionId=v1)["Retention"] == {
            "Mode": "COMPLIANCE", "RetainUntilDate": later}
        for vid in (v1, v2):
            err = client_error(s3.delete_object, Bucket=b, Key="k", VersionId=vid,
                               BypassGovernanceRetention=True)
            assert_client_error(err, "AccessDenied", 403)
        assert s3.get_object(Bucket=b, Key="k", VersionId=v1)["Body"].read() == b"one"
    finally:
        server.kill()
