"""S3 bucket versioning through boto3 at default settings (both versions, see run.sh):
Put/GetBucketVersioning and their errors, versions and delete markers, ListObjectVersions (order,
pages, prefix and delimiter), suspended versioning and the null version, an object older than
versioning, CopyObject, multipart uploads, tagging and DeleteObjects on versions, DeleteBucket,
conditional and range reads of old versions, and the errors of bad version ids.

AWS behaviour is the spec. Where an assertion rests on something other than the S3 API reference
(a capture of real S3's answers, or the botocore model), the comment next to it says so.

Every test uses its own bucket (the `bucket`/`bucket_factory` fixtures); conftest's cleanup removes
every version and delete marker before it deletes the bucket."""

import hashlib
import xml.etree.ElementTree as ET

import pytest
from botocore.exceptions import ClientError

from s3e2e import (MIB, assert_client_error, assert_error_response, deterministic_bytes, key_path,
                   md5_b64, multipart_etag)

DATA = bytes(range(256)) * 4  # 1024 bytes, every byte value
# Not a version id in any format S3 or evoke could hand out: S3's own are 32 characters of
# [A-Za-z0-9._] (or "null").
GARBAGE_VERSION_ID = "not-a-version-id"
MFA = "arn:aws:iam::000000000000:mfa/root-account-mfa-device 123456"


def etag_of(data):
    return '"%s"' % hashlib.md5(data).hexdigest()


def set_versioning(s3, bucket, status="Enabled"):
    r = s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.fixture
def versioned(s3, bucket):
    """A fresh bucket with versioning Enabled."""
    set_versioning(s3, bucket)
    return bucket


def put(s3, bucket, key, body, **kwargs):
    """PutObject; returns the VersionId of the response (which must have one)."""
    r = s3.put_object(Bucket=bucket, Key=key, Body=body, **kwargs)
    assert r["ETag"] == etag_of(body)
    vid = r.get("VersionId")
    assert vid, "PutObject in a bucket with versioning gave no VersionId: %r" % r
    return vid


def client_error(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    return e.value


def headers_of(err_or_response):
    r = err_or_response.response if isinstance(err_or_response, ClientError) else err_or_response
    return r["ResponseMetadata"]["HTTPHeaders"]


def local(tag):
    return tag.rsplit("}", 1)[-1]


def raw_versions(raw, bucket, query=()):
    """One raw ListObjectVersions page: (entries, fields). entries are (kind, key, version id,
    is latest) in document order, kind "Version" or "DeleteMarker", so the interleaving of
    versions and delete markers is visible (boto3 splits them into two lists)."""
    r = raw.request("GET", key_path(bucket), query=[("versions", "")] + list(query))
    assert r.status == 200, r
    root = ET.fromstring(r.body)
    assert local(root.tag) == "ListVersionsResult", r.body[:300]
    entries, fields = [], {}
    for child in root:
        tag = local(child.tag)
        if tag in ("Version", "DeleteMarker"):
            values = {local(c.tag): (c.text or "") for c in child}
            entries.append((tag, values["Key"], values["VersionId"],
                            values["IsLatest"] == "true"))
        elif len(child) == 0:
            fields[tag] = child.text or ""
    return entries, fields


def boto_versions(s3, bucket, **kwargs):
    """(Versions, DeleteMarkers) of one boto3 ListObjectVersions call, as (key, version id,
    is latest) tuples in the order of each list."""
    r = s3.list_object_versions(Bucket=bucket, **kwargs)
    assert r["IsTruncated"] is False
    return ([(v["Key"], v["VersionId"], v["IsLatest"]) for v in r.get("Versions", [])],
            [(m["Key"], m["VersionId"], m["IsLatest"]) for m in r.get("DeleteMarkers", [])])


# ---- Put/GetBucketVersioning --------------------------------------------------------------------

def test_versioning_configuration_states(s3, bucket):
    # Never configured: no Status (and no MfaDelete) in the answer (PutBucketVersioning and
    # GetBucketVersioning API reference).
    r = s3.get_bucket_versioning(Bucket=bucket)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "Status" not in r and "MFADelete" not in r
    set_versioning(s3, bucket, "Enabled")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    set_versioning(s3, bucket, "Suspended")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
    set_versioning(s3, bucket, "Enabled")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    # MfaDelete=Disabled is accepted (evoke has no MFA delete, so "off" is the only state).
    r = s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={
        "Status": "Suspended", "MFADelete": "Disabled"})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


@pytest.mark.parametrize("status", ["Bogus", "Disabled"])
def test_versioning_configuration_bad_status(s3, capture, bucket, status):
    # S3 answers MalformedXML (not IllegalVersioningConfigurationException) for a Status that is
    # neither Enabled nor Suspended: the XML does not validate against the schema.
    err = client_error(s3.put_bucket_versioning, Bucket=bucket,
                       VersioningConfiguration={"Status": status})
    assert_client_error(err, "MalformedXML", 400, capture)
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)


@pytest.mark.parametrize("body", [
    b"<VersioningConfiguration><Status>Enabled</Status>",                   # truncated
    b"<VersioningConfiguration><Status>Enabled</Statu></VersioningConfiguration>",
    b"not xml at all",
], ids=["truncated", "mismatched-tags", "not-xml"])
def test_versioning_configuration_malformed_xml(raw, s3, bucket, body):
    r = raw.request("PUT", key_path(bucket), query=[("versioning", "")], body=body,
                    headers={"Content-MD5": md5_b64(body), "Content-Type": "application/xml"})
    assert_error_response(r, "MalformedXML", 400, "PUT")
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)


def test_mfa_delete_is_not_implemented(s3, capture, bucket):
    # A well-formed AWS request (MfaDelete with the x-amz-mfa header) that evoke does not do:
    # 501 NotImplemented, and nothing changes.
    err = client_error(s3.put_bucket_versioning, Bucket=bucket, MFA=MFA,
                       VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    assert_client_error(err, "NotImplemented", 501, capture)
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)


def test_versioning_of_a_missing_bucket(s3, capture, bucket_name):
    err = client_error(s3.put_bucket_versioning, Bucket=bucket_name,
                       VersioningConfiguration={"Status": "Enabled"})
    assert_client_error(err, "NoSuchBucket", 404, capture)
    err = client_error(s3.get_bucket_versioning, Bucket=bucket_name)
    assert_client_error(err, "NoSuchBucket", 404, capture)


# ---- Versions ------------------------------------------------------------------------------------

def test_each_put_makes_a_version(s3, versioned):
    bodies = [b"first", b"the second body", deterministic_bytes("third", 3000)]
    ids = [put(s3, versioned, "doc", body, ContentType="text/x-v%d" % i, Metadata={"n": str(i)})
           for i, body in enumerate(bodies)]
    assert len(set(ids)) == 3 and "null" not in ids

    # Without a version id: the newest, with its version id.
    g = s3.get_object(Bucket=versioned, Key="doc")
    assert g["Body"].read() == bodies[2]
    assert g["VersionId"] == ids[2]
    assert headers_of(g)["x-amz-version-id"] == ids[2]
    h = s3.head_object(Bucket=versioned, Key="doc")
    assert (h["VersionId"], h["ETag"], h["ContentLength"]) == (ids[2], etag_of(bodies[2]), 3000)

    # Each version by its id: its own body, ETag, length and metadata.
    for i, (vid, body) in enumerate(zip(ids, bodies)):
        g = s3.get_object(Bucket=versioned, Key="doc", VersionId=vid)
        assert g["Body"].read() == body
        assert (g["VersionId"], g["ETag"], g["ContentLength"]) == (vid, etag_of(body), len(body))
        assert (g["ContentType"], g["Metadata"]) == ("text/x-v%d" % i, {"n": str(i)})
        h = s3.head_object(Bucket=versioned, Key="doc", VersionId=vid)
        assert (h["VersionId"], h["ETag"], h["ContentLength"]) == (vid, etag_of(body), len(body))
        assert h["Metadata"] == {"n": str(i)}

    versions, markers = boto_versions(s3, versioned)
    assert versions == [("doc", ids[2], True), ("doc", ids[1], False), ("doc", ids[0], False)]
    assert markers == []
    # ListObjectsV2 shows the current version only.
    listed = s3.list_objects_v2(Bucket=versioned)["Contents"]
    assert [(o["Key"], o["Size"], o["ETag"]) for o in listed] == [
        ("doc", 3000, etag_of(bodies[2]))]


def test_delete_without_version_id_makes_a_delete_marker(s3, capture, versioned):
    v1 = put(s3, versioned, "k", b"one")
    v2 = put(s3, versioned, "k", b"two")
    r = s3.delete_object(Bucket=versioned, Key="k")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert r["DeleteMarker"] is True
    marker = r["VersionId"]
    assert marker and marker not in (v1, v2, "null")

    # The key is gone for requests without a version id; S3 says a delete marker answered
    # (x-amz-delete-marker, and the marker's id: captures of S3's 404s behind a delete marker).
    err = client_error(s3.get_object, Bucket=versioned, Key="k")
    assert_client_error(err, "NoSuchKey", 404, capture)
    assert headers_of(err).get("x-amz-delete-marker") == "true"
    assert headers_of(err).get("x-amz-version-id") == marker
    err = client_error(s3.head_object, Bucket=versioned, Key="k")
    assert_client_error(err, "404", 404)
    assert headers_of(err).get("x-amz-delete-marker") == "true"
    assert "Contents" not in s3.list_objects_v2(Bucket=versioned)

    # The versions are all still there.
    assert s3.get_object(Bucket=versioned, Key="k", VersionId=v1)["Body"].read() == b"one"
    assert s3.get_object(Bucket=versioned, Key="k", VersionId=v2)["Body"].read() == b"two"

    # A delete marker has no data: GET/HEAD of its version id is 405 MethodNotAllowed, with
    # x-amz-delete-marker and Last-Modified (GetObject/HeadObject API reference).
    err = client_error(s3.get_object, Bucket=versioned, Key="k", VersionId=marker)
    assert_client_error(err, "MethodNotAllowed", 405, capture)
    assert headers_of(err).get("x-amz-delete-marker") == "true"
    assert "last-modified" in headers_of(err)
    err = client_error(s3.head_object, Bucket=versioned, Key="k", VersionId=marker)
    assert_client_error(err, "405", 405)
    assert headers_of(err).get("x-amz-delete-marker") == "true"

    # A second delete stacks a second marker.
    second = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    assert second not in (v1, v2, marker)
    versions, markers = boto_versions(s3, versioned)
    assert versions == [("k", v2, False), ("k", v1, False)]
    assert markers == [("k", second, True), ("k", marker, False)]

    # Deleting the markers by version id brings the object back.
    r = s3.delete_object(Bucket=versioned, Key="k", VersionId=second)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert (r["DeleteMarker"], r["VersionId"]) == (True, second)
    err = client_error(s3.get_object, Bucket=versioned, Key="k")
    assert_client_error(err, "NoSuchKey", 404, capture)
    r = s3.delete_object(Bucket=versioned, Key="k", VersionId=marker)
    assert (r["DeleteMarker"], r["VersionId"]) == (True, marker)
    g = s3.get_object(Bucket=versioned, Key="k")
    assert (g["Body"].read(), g["VersionId"]) == (b"two", v2)
    assert boto_versions(s3, versioned) == ([("k", v2, True), ("k", v1, False)], [])


def test_delete_of_a_version_is_permanent(s3, capture, versioned):
    v1, v2, v3 = (put(s3, versioned, "k", body) for body in (b"one", b"two", b"three"))
    # A version in the middle.
    r = s3.delete_object(Bucket=versioned, Key="k", VersionId=v2)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert r["VersionId"] == v2
    assert r.get("DeleteMarker") is not True
    err = client_error(s3.get_object, Bucket=versioned, Key="k", VersionId=v2)
    assert_client_error(err, "NoSuchVersion", 404, capture)
    assert (err.response["Error"].get("Key"), err.response["Error"].get("VersionId")) == ("k", v2)
    err = client_error(s3.head_object, Bucket=versioned, Key="k", VersionId=v2)
    assert_client_error(err, "404", 404)
    assert s3.get_object(Bucket=versioned, Key="k")["VersionId"] == v3

    # The current version: the one before it becomes current, no delete marker is made.
    s3.delete_object(Bucket=versioned, Key="k", VersionId=v3)
    g = s3.get_object(Bucket=versioned, Key="k")
    assert (g["Body"].read(), g["VersionId"]) == (b"one", v1)
    assert boto_versions(s3, versioned) == ([("k", v1, True)], [])
    # A version that is gone already: still 204 (S3 deletes idempotently).
    r = s3.delete_object(Bucket=versioned, Key="k", VersionId=v3)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204

    # The last version: the key is gone, and no delete marker answers for it.
    s3.delete_object(Bucket=versioned, Key="k", VersionId=v1)
    err = client_error(s3.get_object, Bucket=versioned, Key="k")
    assert_client_error(err, "NoSuchKey", 404, capture)
    assert headers_of(err).get("x-amz-delete-marker") != "true"
    assert boto_versions(s3, versioned) == ([], [])


# ---- ListObjectVersions --------------------------------------------------------------------------

def test_list_object_versions_order_and_fields(s3, raw, versioned):
    # Written out of key order; listed by key, newest first within a key, versions and delete
    # markers interleaved in one sequence (ListObjectVersions API reference example).
    b1 = put(s3, versioned, "b", b"b-one")
    a1 = put(s3, versioned, "a", b"a-only")
    b_marker = s3.delete_object(Bucket=versioned, Key="b")["VersionId"]
    c_marker = s3.delete_object(Bucket=versioned, Key="c")["VersionId"]  # never had a version
    b2 = put(s3, versioned, "b", b"b-two, longer")

    entries, fields = raw_versions(raw, versioned)
    assert entries == [
        ("Version", "a", a1, True),
        ("Version", "b", b2, True),
        ("DeleteMarker", "b", b_marker, False),
        ("Version", "b", b1, False),
        ("DeleteMarker", "c", c_marker, True),
    ]
    assert fields.get("IsTruncated") == "false"
    assert fields.get("Name") == versioned

    r = s3.list_object_versions(Bucket=versioned)
    assert r["IsTruncated"] is False and r["Name"] == versioned
    got = {(v["Key"], v["VersionId"]): v for v in r["Versions"]}
    for key, vid, body in (("a", a1, b"a-only"), ("b", b2, b"b-two, longer"), ("b", b1, b"b-one")):
        v = got[(key, vid)]
        assert (v["ETag"], v["Size"], v["StorageClass"]) == (etag_of(body), len(body), "STANDARD")
    assert [(m["Key"], m["VersionId"], m["IsLatest"]) for m in r["DeleteMarkers"]] == [
        ("b", b_marker, False), ("c", c_marker, True)]
    assert all("LastModified" in m for m in r["DeleteMarkers"])


def test_list_object_versions_pages(s3, raw, bucket):
    # An object from before versioning (the null version), then many versions and markers.
    s3.put_object(Bucket=bucket, Key="many", Body=b"before versioning")
    set_versioning(s3, bucket)
    put(s3, bucket, "a", b"a")
    for i in range(6):
        put(s3, bucket, "many", b"many %d" % i)
    s3.delete_object(Bucket=bucket, Key="many")
    for i in range(2):
        put(s3, bucket, "many", b"many again %d" % i)
    put(s3, bucket, "z", b"z")
    s3.delete_object(Bucket=bucket, Key="z")

    full, _ = raw_versions(raw, bucket)
    assert len(full) == 1 + 1 + 6 + 1 + 2 + 2
    assert [e[1] for e in full] == ["a"] + ["many"] * 10 + ["z"] * 2
    assert full[10] == ("Version", "many", "null", False)
    assert len({(e[1], e[2]) for e in full}) == len(full)

    # Walk with max-keys 3: every version and delete marker exactly once, in order. Each one
    # counts against max-keys.
    walked, pages, query = [], 0, [("max-keys", "3")]
    while True:
        pages += 1
        assert pages <= len(full) + 1, "the listing does not advance"
        entries, fields = raw_versions(raw, bucket, query)
        assert len(entries) <= 3
        walked += entries
        if fields.get("IsTruncated") != "true":
            assert "NextKeyMarker" not in fields and "NextVersionIdMarker" not in fields
            break
        assert fields.get("NextKeyMarker") and fields.get("NextVersionIdMarker")
        query = [("max-keys", "3"), ("key-marker", fields["NextKeyMarker"]),
                 ("version-id-marker", fields["NextVersionIdMarker"])]
    assert walked == full
    assert pages >= (len(full) + 2) // 3

    # boto3's paginator (KeyMarker/VersionIdMarker from NextKeyMarker/NextVersionIdMarker).
    got_versions, got_markers = [], []
    for page in s3.get_paginator("list_object_versions").paginate(
            Bucket=bucket, PaginationConfig={"PageSize": 3}):
        assert len(page.get("Versions", [])) + len(page.get("DeleteMarkers", [])) <= 3
        got_versions += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        got_markers += [(m["Key"], m["VersionId"]) for m in page.get("DeleteMarkers", [])]
    assert got_versions == [(e[1], e[2]) for e in full if e[0] == "Version"]
    assert got_markers == [(e[1], e[2]) for e in full if e[0] == "DeleteMarker"]


def test_list_object_versions_prefix_and_delimiter(s3, versioned):
    a1 = put(s3, versioned, "dir/a", b"1")
    a2 = put(s3, versioned, "dir/a", b"2")
    put(s3, versioned, "dir/sub/b", b"b")
    c_marker = s3.delete_object(Bucket=versioned, Key="dir/c")["VersionId"]
    top = put(s3, versioned, "top", b"t")

    r = s3.list_object_versions(Bucket=versioned, Prefix="dir/", Delimiter="/")
    assert (r["Prefix"], r["Delimiter"]) == ("dir/", "/")
    assert [(v["Key"], v["VersionId"]) for v in r["Versions"]] == [("dir/a", a2), ("dir/a", a1)]
    assert [(m["Key"], m["VersionId"]) for m in r["DeleteMarkers"]] == [("dir/c", c_marker)]
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["dir/sub/"]

    r = s3.list_object_versions(Bucket=versioned, Delimiter="/")
    assert [(v["Key"], v["VersionId"]) for v in r["Versions"]] == [("top", top)]
    assert not r.get("DeleteMarkers")
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["dir/"]

    r = s3.list_object_versions(Bucket=versioned, Prefix="dir/sub/")
    assert [v["Key"] for v in r["Versions"]] == ["dir/sub/b"]
    assert not r.get("DeleteMarkers") and not r.get("CommonPrefixes")


def test_current_listings_hide_delete_markers_and_old_versions(s3, versioned):
    put(s3, versioned, "live", b"old body")
    put(s3, versioned, "live", b"new body!")
    put(s3, versioned, "gone", b"x")
    s3.delete_object(Bucket=versioned, Key="gone")
    put(s3, versioned, "restored", b"back")
    marker = s3.delete_object(Bucket=versioned, Key="restored")["VersionId"]
    s3.delete_object(Bucket=versioned, Key="restored", VersionId=marker)
    s3.delete_object(Bucket=versioned, Key="marker-only")

    want = [("live", len(b"new body!"), etag_of(b"new body!")),
            ("restored", len(b"back"), etag_of(b"back"))]
    r = s3.list_objects_v2(Bucket=versioned)
    assert [(o["Key"], o["Size"], o["ETag"]) for o in r["Contents"]] == want
    assert r["KeyCount"] == 2
    r = s3.list_objects(Bucket=versioned)
    assert [(o["Key"], o["Size"], o["ETag"]) for o in r["Contents"]] == want


# ---- Suspended versioning, the null version ----------------------------------------------------

def test_suspended_versioning_writes_the_null_version(s3, capture, bucket):
    set_versioning(s3, bucket, "Enabled")
    kept = put(s3, bucket, "k", b"kept")
    set_versioning(s3, bucket, "Suspended")

    # A PUT writes the version "null" (the response carries "null" or no version id at all).
    r = s3.put_object(Bucket=bucket, Key="k", Body=b"first null")
    assert r.get("VersionId", "null") == "null"
    assert boto_versions(s3, bucket) == ([("k", "null", True), ("k", kept, False)], [])
    # A second PUT replaces the null version; the version written while Enabled stays.
    r = s3.put_object(Bucket=bucket, Key="k", Body=b"second null")
    assert r.get("VersionId", "null") == "null"
    r = s3.list_object_versions(Bucket=bucket)
    assert [(v["VersionId"], v["IsLatest"], v["ETag"]) for v in r["Versions"]] == [
        ("null", True, etag_of(b"second null")), (kept, False, etag_of(b"kept"))]
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"second null"
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"second null"
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=kept)["Body"].read() == b"kept"

    # A delete puts a delete marker with the version id "null" in the null version's place.
    r = s3.delete_object(Bucket=bucket, Key="k")
    assert (r["DeleteMarker"], r["VersionId"]) == (True, "null")
    assert boto_versions(s3, bucket) == ([("k", kept, False)], [("k", "null", True)])
    err = client_error(s3.get_object, Bucket=bucket, Key="k")
    assert_client_error(err, "NoSuchKey", 404, capture)
    err = client_error(s3.get_object, Bucket=bucket, Key="k", VersionId="null")
    assert_client_error(err, "MethodNotAllowed", 405, capture)
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=kept)["Body"].read() == b"kept"

    # Enabled again: new versions get ids of their own, the null marker stays below them.
    set_versioning(s3, bucket, "Enabled")
    newer = put(s3, bucket, "k", b"newer")
    assert newer not in ("null", kept)
    assert boto_versions(s3, bucket) == ([("k", newer, True), ("k", kept, False)],
                                         [("k", "null", False)])


def test_object_from_before_versioning_is_the_null_version(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")
    set_versioning(s3, bucket)
    v1 = put(s3, bucket, "k", b"after")
    v2 = put(s3, bucket, "k", b"after again")
    assert "null" not in (v1, v2)
    r = s3.list_object_versions(Bucket=bucket)
    assert [(v["VersionId"], v["IsLatest"], v["ETag"]) for v in r["Versions"]] == [
        (v2, True, etag_of(b"after again")), (v1, False, etag_of(b"after")),
        ("null", False, etag_of(b"before"))]
    g = s3.get_object(Bucket=bucket, Key="k", VersionId="null")
    assert g["Body"].read() == b"before" and g["ETag"] == etag_of(b"before")
    assert s3.head_object(Bucket=bucket, Key="k", VersionId="null")["ContentLength"] == 6
    # The null version can be deleted like any other.
    s3.delete_object(Bucket=bucket, Key="k", VersionId="null")
    assert boto_versions(s3, bucket) == ([("k", v2, True), ("k", v1, False)], [])


# ---- Other operations on versions ----------------------------------------------------------------

def test_copy_from_a_version(s3, capture, versioned, bucket_factory):
    v1 = put(s3, versioned, "src", b"one", Metadata={"which": "one"})
    v2 = put(s3, versioned, "src", b"two!", Metadata={"which": "two"})

    r = s3.copy_object(Bucket=versioned, Key="dst",
                       CopySource={"Bucket": versioned, "Key": "src", "VersionId": v1})
    assert r["CopySourceVersionId"] == v1
    made = r["VersionId"]
    assert made and made not in (v1, v2, "null")
    assert r["CopyObjectResult"]["ETag"] == etag_of(b"one")
    g = s3.get_object(Bucket=versioned, Key="dst")
    assert (g["Body"].read(), g["VersionId"], g["Metadata"]) == (b"one", made, {"which": "one"})

    # Without a source version id the current one is copied, and named (a capture of S3's
    # CopyObject answer carries x-amz-copy-source-version-id then too).
    r = s3.copy_object(Bucket=versioned, Key="dst", CopySource={"Bucket": versioned, "Key": "src"})
    assert r["CopySourceVersionId"] == v2
    assert s3.get_object(Bucket=versioned, Key="dst")["Body"].read() == b"two!"

    # Copying an old version onto its own key restores it as a new current version.
    r = s3.copy_object(Bucket=versioned, Key="src",
                       CopySource={"Bucket": versioned, "Key": "src", "VersionId": v1})
    restored = r["VersionId"]
    assert restored not in (v1, v2)
    assert s3.get_object(Bucket=versioned, Key="src")["Body"].read() == b"one"
    assert boto_versions(s3, versioned, Prefix="src")[0] == [
        ("src", restored, True), ("src", v2, False), ("src", v1, False)]

    # Into a bucket without versioning: the source version is named, the copy has no version id.
    plain = bucket_factory()
    r = s3.copy_object(Bucket=plain, Key="copy",
                       CopySource={"Bucket": versioned, "Key": "src", "VersionId": v2})
    assert r["CopySourceVersionId"] == v2
    assert "VersionId" not in r
    assert s3.get_object(Bucket=plain, Key="copy")["Body"].read() == b"two!"

    # A source behind a delete marker: 404 NoSuchKey; the marker's own id: 400 InvalidRequest
    # (captures of S3's answers).
    marker = s3.delete_object(Bucket=versioned, Key="src")["VersionId"]
    err = client_error(s3.copy_object, Bucket=versioned, Key="new",
                       CopySource={"Bucket": versioned, "Key": "src"})
    assert_client_error(err, "NoSuchKey", 404, capture)
    err = client_error(s3.copy_object, Bucket=versioned, Key="new",
                       CopySource={"Bucket": versioned, "Key": "src", "VersionId": marker})
    assert_client_error(err, "InvalidRequest", 400, capture)
    assert err.response["Error"]["Message"] == (
        "The source of a copy request may not specifically refer to a delete marker by "
        "version id.")
    # Old versions stay copyable.
    s3.copy_object(Bucket=versioned, Key="new",
                   CopySource={"Bucket": versioned, "Key": "src", "VersionId": v2})
    assert s3.get_object(Bucket=versioned, Key="new")["Body"].read() == b"two!"


def test_multipart_upload_makes_a_version(s3, versioned):
    first = put(s3, versioned, "mp", b"single put first")
    parts = [deterministic_bytes("versioned-mp", 5 * MIB), b"tail"]
    up = s3.create_multipart_upload(Bucket=versioned, Key="mp")
    etags = [s3.upload_part(Bucket=versioned, Key="mp", UploadId=up["UploadId"], PartNumber=n,
                            Body=data)["ETag"] for n, data in enumerate(parts, start=1)]
    r = s3.complete_multipart_upload(
        Bucket=versioned, Key="mp", UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e}
                                   for n, e in enumerate(etags, start=1)]})
    made = r["VersionId"]
    assert made and made not in (first, "null")
    assert r["ETag"] == multipart_etag(parts)
    g = s3.get_object(Bucket=versioned, Key="mp", VersionId=made)
    assert (g["ETag"], g["VersionId"]) == (multipart_etag(parts), made)
    assert g["Body"].read() == b"".join(parts)
    assert s3.get_object(Bucket=versioned, Key="mp")["VersionId"] == made
    assert s3.get_object(Bucket=versioned, Key="mp", VersionId=first)["Body"].read() == \
        b"single put first"
    r = s3.list_object_versions(Bucket=versioned)
    assert [(v["VersionId"], v["IsLatest"], v["ETag"], v["Size"]) for v in r["Versions"]] == [
        (made, True, multipart_etag(parts), 5 * MIB + 4),
        (first, False, etag_of(b"single put first"), len(b"single put first"))]


def tags_of(s3, bucket, key, **kwargs):
    r = s3.get_object_tagging(Bucket=bucket, Key=key, **kwargs)
    return r["VersionId"], {t["Key"]: t["Value"] for t in r["TagSet"]}


def test_tagging_acts_on_one_version(s3, versioned):
    v1 = put(s3, versioned, "t", b"one", Tagging="v=1")
    v2 = put(s3, versioned, "t", b"two", Tagging="v=2")
    assert tags_of(s3, versioned, "t") == (v2, {"v": "2"})
    assert tags_of(s3, versioned, "t", VersionId=v1) == (v1, {"v": "1"})

    r = s3.put_object_tagging(Bucket=versioned, Key="t", VersionId=v1,
                              Tagging={"TagSet": [{"Key": "old", "Value": "yes"}]})
    assert r["VersionId"] == v1
    assert tags_of(s3, versioned, "t", VersionId=v1) == (v1, {"old": "yes"})
    assert tags_of(s3, versioned, "t") == (v2, {"v": "2"})
    assert s3.get_object(Bucket=versioned, Key="t", VersionId=v1)["TagCount"] == 1

    # Without a version id, tagging acts on the current version.
    r = s3.put_object_tagging(Bucket=versioned, Key="t",
                              Tagging={"TagSet": [{"Key": "current", "Value": "1"}]})
    assert r["VersionId"] == v2
    assert tags_of(s3, versioned, "t", VersionId=v1) == (v1, {"old": "yes"})

    r = s3.delete_object_tagging(Bucket=versioned, Key="t", VersionId=v1)
    assert r["VersionId"] == v1
    assert tags_of(s3, versioned, "t", VersionId=v1) == (v1, {})
    assert tags_of(s3, versioned, "t") == (v2, {"current": "1"})
    # Tagging rewrites no version: still two, same bodies.
    assert boto_versions(s3, versioned)[0] == [("t", v2, True), ("t", v1, False)]
    assert s3.get_object(Bucket=versioned, Key="t", VersionId=v1)["Body"].read() == b"one"


def test_delete_objects_with_and_without_version_ids(s3, versioned):
    """The <Deleted> entries as S3 writes them (a capture of S3's DeleteObjects answers): a delete
    without a version id names the delete marker it made; one of a version names the version;
    one of a delete marker names it twice."""
    a1 = put(s3, versioned, "a", b"a")
    b1 = put(s3, versioned, "b", b"b1")
    b2 = put(s3, versioned, "b", b"b2")
    c1 = put(s3, versioned, "c", b"c")
    r = s3.delete_objects(Bucket=versioned, Delete={"Objects": [
        {"Key": "a"}, {"Key": "b", "VersionId": b1}, {"Key": "never"}]})
    assert not r.get("Errors")
    deleted = {d["Key"]: d for d in r["Deleted"]}
    assert sorted(deleted) == ["a", "b", "never"]
    a_marker = deleted["a"].get("DeleteMarkerVersionId")
    never_marker = deleted["never"].get("DeleteMarkerVersionId")
    assert deleted["a"] == {"Key": "a", "DeleteMarker": True, "DeleteMarkerVersionId": a_marker}
    assert deleted["never"] == {"Key": "never", "DeleteMarker": True,
                                "DeleteMarkerVersionId": never_marker}
    assert deleted["b"] == {"Key": "b", "VersionId": b1}
    assert len({a_marker, never_marker, a1, b1, b2, c1}) == 6 and "null" not in (a_marker,
                                                                                  never_marker)
    assert boto_versions(s3, versioned) == (
        [("a", a1, False), ("b", b2, True), ("c", c1, True)],
        [("a", a_marker, True), ("never", never_marker, True)])

    r = s3.delete_objects(Bucket=versioned, Delete={"Objects": [
        {"Key": "a", "VersionId": a_marker}, {"Key": "c", "VersionId": c1}]})
    assert not r.get("Errors")
    deleted = {d["Key"]: d for d in r["Deleted"]}
    assert deleted["a"] == {"Key": "a", "VersionId": a_marker, "DeleteMarker": True,
                            "DeleteMarkerVersionId": a_marker}
    assert deleted["c"] == {"Key": "c", "VersionId": c1}
    assert s3.get_object(Bucket=versioned, Key="a")["Body"].read() == b"a"
    with pytest.raises(ClientError):
        s3.get_object(Bucket=versioned, Key="c")

    # Suspended: the delete marker made is the null version.
    set_versioning(s3, versioned, "Suspended")
    r = s3.delete_objects(Bucket=versioned, Delete={"Objects": [{"Key": "b"}]})
    assert r["Deleted"] == [{"Key": "b", "DeleteMarker": True, "DeleteMarkerVersionId": "null"}]
    assert boto_versions(s3, versioned, Prefix="b") == ([("b", b2, False)], [("b", "null", True)])

    # Quiet: nothing reported, the work done all the same.
    r = s3.delete_objects(Bucket=versioned, Delete={"Quiet": True, "Objects": [
        {"Key": "b", "VersionId": "null"}, {"Key": "b", "VersionId": b2}]})
    assert not r.get("Deleted") and not r.get("Errors")
    assert boto_versions(s3, versioned, Prefix="b") == ([], [])


def test_delete_bucket_with_versions_or_delete_markers(s3, capture, bucket):
    set_versioning(s3, bucket)
    v1 = put(s3, bucket, "k", b"x")
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    # An old version and a delete marker.
    err = client_error(s3.delete_bucket, Bucket=bucket)
    assert_client_error(err, "BucketNotEmpty", 409, capture)
    # A delete marker only.
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v1)
    err = client_error(s3.delete_bucket, Bucket=bucket)
    assert_client_error(err, "BucketNotEmpty", 409, capture)
    s3.delete_object(Bucket=bucket, Key="k", VersionId=marker)
    # An old version only.
    put(s3, bucket, "j", b"1")
    j2 = put(s3, bucket, "j", b"2")
    s3.delete_object(Bucket=bucket, Key="j", VersionId=j2)
    err = client_error(s3.delete_bucket, Bucket=bucket)
    assert_client_error(err, "BucketNotEmpty", 409, capture)
    for v in s3.list_object_versions(Bucket=bucket)["Versions"]:
        s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
    r = s3.delete_bucket(Bucket=bucket)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    err = client_error(s3.head_bucket, Bucket=bucket)
    assert_client_error(err, "404", 404)


def test_conditional_and_range_reads_of_an_old_version(s3, capture, versioned):
    newer = b"the newer body"
    v1 = put(s3, versioned, "c", DATA)
    put(s3, versioned, "c", newer)
    old_etag, new_etag = etag_of(DATA), etag_of(newer)
    # Conditions are evaluated against the version asked for.
    g = s3.get_object(Bucket=versioned, Key="c", VersionId=v1, IfMatch=old_etag)
    assert g["Body"].read() == DATA and g["VersionId"] == v1
    g = s3.get_object(Bucket=versioned, Key="c", VersionId=v1, IfNoneMatch=new_etag)
    assert g["Body"].read() == DATA
    err = client_error(s3.get_object, Bucket=versioned, Key="c", VersionId=v1, IfMatch=new_etag)
    assert_client_error(err, "PreconditionFailed", 412, capture)
    err = client_error(s3.head_object, Bucket=versioned, Key="c", VersionId=v1, IfMatch=new_etag)
    assert_client_error(err, "412", 412)
    for call in (s3.get_object, s3.head_object):
        err = client_error(call, Bucket=versioned, Key="c", VersionId=v1, IfNoneMatch=old_etag)
        assert_client_error(err, "304", 304)
    g = s3.head_object(Bucket=versioned, Key="c", VersionId=v1)
    err = client_error(s3.get_object, Bucket=versioned, Key="c", VersionId=v1,
                       IfModifiedSince=g["LastModified"])
    assert_client_error(err, "304", 304)

    g = s3.get_object(Bucket=versioned, Key="c", VersionId=v1, Range="bytes=10-19")
    assert g["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert g["ContentRange"] == "bytes 10-19/1024"
    assert (g["Body"].read(), g["VersionId"], g["ETag"]) == (DATA[10:20], v1, old_etag)
    g = s3.get_object(Bucket=versioned, Key="c", VersionId=v1, Range="bytes=-4")
    assert g["Body"].read() == DATA[-4:]
    err = client_error(s3.get_object, Bucket=versioned, Key="c", VersionId=v1,
                       Range="bytes=1024-")
    assert_client_error(err, "InvalidRange", 416, capture)


# ---- Bad version ids ----------------------------------------------------------------------------

def test_version_ids_the_key_does_not_have(s3, capture, versioned):
    put(s3, versioned, "k", b"k")
    other = put(s3, versioned, "other", b"other")
    # A well-formed id of another key: 404 NoSuchVersion, for GET, HEAD and tagging.
    for key in ("k", "missing"):
        err = client_error(s3.get_object, Bucket=versioned, Key=key, VersionId=other)
        assert_client_error(err, "NoSuchVersion", 404, capture)
        assert err.response["Error"].get("VersionId") == other
        err = client_error(s3.head_object, Bucket=versioned, Key=key, VersionId=other)
        assert_client_error(err, "404", 404)
    err = client_error(s3.get_object_tagging, Bucket=versioned, Key="k", VersionId=other)
    assert_client_error(err, "NoSuchVersion", 404, capture)
    # "null" where there is no null version.
    err = client_error(s3.get_object, Bucket=versioned, Key="k", VersionId="null")
    assert_client_error(err, "NoSuchVersion", 404, capture)
    # The other key's version is untouched by a delete naming it under this key.
    s3.delete_object(Bucket=versioned, Key="k", VersionId=other)
    assert s3.get_object(Bucket=versioned, Key="other", VersionId=other)["Body"].read() == \
        b"other"


def test_malformed_version_ids(s3, capture, raw, versioned):
    vid = put(s3, versioned, "k", b"k")
    path = key_path(versioned, "k")
    # Empty: 400 InvalidArgument "Version id cannot be the empty string".
    r = raw.request("GET", path, query=[("versionId", "")])
    fields = assert_error_response(r, "InvalidArgument", 400)
    assert fields["Message"] == "Version id cannot be the empty string"
    r = raw.request("HEAD", path, query=[("versionId", "")])
    assert_error_response(r, "InvalidArgument", 400, "HEAD")
    # Not a version id at all: 400 InvalidArgument "Invalid version id specified".
    err = client_error(s3.get_object, Bucket=versioned, Key="k", VersionId=GARBAGE_VERSION_ID)
    assert_client_error(err, "InvalidArgument", 400, capture)
    assert err.response["Error"]["Message"] == "Invalid version id specified"
    err = client_error(s3.head_object, Bucket=versioned, Key="k", VersionId=GARBAGE_VERSION_ID)
    assert_client_error(err, "400", 400)

    # ListObjectVersions: a version-id marker needs a key marker, and may not be empty or
    # garbage (a capture of S3's answers for the last two).
    err = client_error(s3.list_object_versions, Bucket=versioned, VersionIdMarker=vid)
    assert_client_error(err, "InvalidArgument", 400, capture)
    r = raw.request("GET", key_path(versioned), query=[
        ("versions", ""), ("key-marker", "k"), ("version-id-marker", "")])
    assert_error_response(r, "InvalidArgument", 400)
    err = client_error(s3.list_object_versions, Bucket=versioned, KeyMarker="k",
                       VersionIdMarker=GARBAGE_VERSION_ID)
    assert_client_error(err, "InvalidArgument", 400, capture)
    # Nothing above changed the object.
    assert s3.get_object(Bucket=versioned, Key="k")["VersionId"] == vid


def test_version_ids_in_a_bucket_without_versioning(s3, capture, bucket, bucket_factory):
    s3.put_object(Bucket=bucket, Key="plain", Body=b"plain")
    # "null" names the one version an object has there.
    g = s3.get_object(Bucket=bucket, Key="plain", VersionId="null")
    assert g["Body"].read() == b"plain"
    assert s3.head_object(Bucket=bucket, Key="plain", VersionId="null")["ContentLength"] == 5
    # A well-formed id (one handed out by a versioned bucket): 404 NoSuchVersion.
    elsewhere = bucket_factory()
    set_versioning(s3, elsewhere)
    vid = put(s3, elsewhere, "plain", b"versioned")
    err = client_error(s3.get_object, Bucket=bucket, Key="plain", VersionId=vid)
    assert_client_error(err, "NoSuchVersion", 404, capture)
    # Garbage: 400 InvalidArgument.
    err = client_error(s3.get_object, Bucket=bucket, Key="plain", VersionId=GARBAGE_VERSION_ID)
    assert_client_error(err, "InvalidArgument", 400, capture)
    # ListObjectVersions lists the null version; a delete removes it and makes no delete marker.
    assert boto_versions(s3, bucket) == ([("plain", "null", True)], [])
    r = s3.delete_object(Bucket=bucket, Key="plain")
    assert r.get("DeleteMarker") is not True
    assert boto_versions(s3, bucket) == ([], [])
