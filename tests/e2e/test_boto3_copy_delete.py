"""CopyObject and DeleteObjects through boto3 at default settings."""

import datetime
import hashlib

import pytest
from botocore.exceptions import ClientError

from s3e2e import assert_client_error, deterministic_bytes


def put_source(s3, bucket, key="src", data=b"source body"):
    s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType="text/x-source",
                  Metadata={"origin": "source", "n": "1"}, CacheControl="max-age=60")
    return s3.head_object(Bucket=bucket, Key=key)


def test_copy_same_bucket_keeps_metadata(s3, bucket):
    src = put_source(s3, bucket)
    r = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert r["CopyObjectResult"]["ETag"] == src["ETag"]
    assert isinstance(r["CopyObjectResult"]["LastModified"], datetime.datetime)
    g = s3.get_object(Bucket=bucket, Key="dst")
    assert g["Body"].read() == b"source body"
    assert g["ContentType"] == "text/x-source"
    assert g["Metadata"] == {"origin": "source", "n": "1"}
    assert g["CacheControl"] == "max-age=60"
    assert g["ETag"] == src["ETag"]
    # The source is untouched.
    assert s3.get_object(Bucket=bucket, Key="src")["Body"].read() == b"source body"


def test_copy_cross_bucket(s3, bucket_factory):
    a, b = bucket_factory(), bucket_factory()
    data = deterministic_bytes("cross", 300_000)
    s3.put_object(Bucket=a, Key="dir/obj", Body=data)
    s3.copy_object(Bucket=b, Key="copied/obj", CopySource={"Bucket": a, "Key": "dir/obj"})
    assert s3.get_object(Bucket=b, Key="copied/obj")["Body"].read() == data
    assert s3.get_object(Bucket=a, Key="dir/obj")["Body"].read() == data


def test_copy_replace_metadata(s3, bucket):
    put_source(s3, bucket)
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
                   MetadataDirective="REPLACE", Metadata={"fresh": "yes"},
                   ContentType="application/x-new")
    h = s3.head_object(Bucket=bucket, Key="dst")
    assert h["Metadata"] == {"fresh": "yes"}
    assert h["ContentType"] == "application/x-new"
    assert "CacheControl" not in h
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"source body"


def test_copy_onto_itself(s3, capture, bucket):
    put_source(s3, bucket)
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"})
    assert_client_error(e.value, "InvalidRequest", 400, capture)
    # With REPLACE it is the documented way to change an object's metadata.
    s3.copy_object(Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"},
                   MetadataDirective="REPLACE", Metadata={"changed": "1"})
    h = s3.head_object(Bucket=bucket, Key="src")
    assert h["Metadata"] == {"changed": "1"}
    assert s3.get_object(Bucket=bucket, Key="src")["Body"].read() == b"source body"


def test_copy_source_conditions(s3, capture, bucket):
    src = put_source(s3, bucket)
    etag, mtime = src["ETag"], src["LastModified"]
    before = mtime - datetime.timedelta(days=1)
    other = '"0123456789abcdef0123456789abcdef"'
    cs = {"Bucket": bucket, "Key": "src"}
    for kwargs in ({"CopySourceIfMatch": other},
                   {"CopySourceIfNoneMatch": etag},
                   {"CopySourceIfUnmodifiedSince": before},
                   {"CopySourceIfModifiedSince": mtime}):
        with pytest.raises(ClientError) as e:
            s3.copy_object(Bucket=bucket, Key="dst", CopySource=cs, **kwargs)
        assert_client_error(e.value, "PreconditionFailed", 412, capture)
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="dst")
    assert_client_error(e.value, "404", 404)
    for kwargs in ({"CopySourceIfMatch": etag},
                   {"CopySourceIfNoneMatch": other},
                   {"CopySourceIfUnmodifiedSince": mtime},
                   {"CopySourceIfModifiedSince": before}):
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=cs, **kwargs)
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"source body"


def test_copy_missing_source(s3, capture, bucket):
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "nope"})
    assert_client_error(e.value, "NoSuchKey", 404, capture)


def test_copy_awkward_source_key(s3, bucket):
    key = "src dir/ünï+plus%?#&.bin"
    data = deterministic_bytes(key, 4096)
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    s3.copy_object(Bucket=bucket, Key="dst + é", CopySource={"Bucket": bucket, "Key": key})
    assert s3.get_object(Bucket=bucket, Key="dst + é")["Body"].read() == data


def test_copy_of_multipart_object_keeps_etag_and_body(s3, bucket):
    part = deterministic_bytes("mp-copy", 5 * 1024 * 1024)
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp")
    e1 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=1,
                        Body=part)["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=2,
                        Body=b"tail")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1},
                                                            {"PartNumber": 2, "ETag": e2}]})
    s3.copy_object(Bucket=bucket, Key="mp-copy", CopySource={"Bucket": bucket, "Key": "mp"})
    g = s3.get_object(Bucket=bucket, Key="mp-copy")
    assert g["Body"].read() == part + b"tail"
    # A copy made by CopyObject is a new single-part object: its ETag is the MD5 of the body.
    assert g["ETag"] == '"%s"' % hashlib.md5(part + b"tail").hexdigest()


def test_delete_objects(s3, bucket):
    keys = ["a", "b/c", "d e", "ü"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    r = s3.delete_objects(Bucket=bucket, Delete={
        "Objects": [{"Key": k} for k in keys + ["missing-1", "missing 2"]]})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    # S3 reports keys that did not exist as deleted too.
    assert sorted(d["Key"] for d in r["Deleted"]) == sorted(keys + ["missing-1", "missing 2"])
    assert not r.get("Errors")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_delete_objects_quiet(s3, bucket):
    for k in ("q1", "q2", "keep"):
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    r = s3.delete_objects(Bucket=bucket, Delete={
        "Objects": [{"Key": "q1"}, {"Key": "q2"}, {"Key": "q3-missing"}], "Quiet": True})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert not r.get("Deleted")
    assert not r.get("Errors")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["keep"]


def test_delete_objects_thousand_keys(s3, bucket):
    keys = ["many/%04d" % i for i in range(1000)]
    # Only a few exist; deleting 1000 keys in one request is the documented maximum.
    for k in keys[:5]:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
    assert len(r["Deleted"]) == 1000
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_whitespace_keys_and_tag_values_survive_xml(s3, bucket):
    """A key of spaces only is a key, not the empty one: DeleteObjects deletes it and says so;
    a tag value of spaces only stays spaces."""
    for key in ("  ", " a ", "\t"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"w")
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "  "}, {"Key": " a "},
                                                             {"Key": "\t"}]})
    assert sorted(d["Key"] for d in r.get("Deleted", [])) == sorted(["  ", " a ", "\t"])
    assert r.get("Errors", []) == []
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"t")
    s3.put_object_tagging(Bucket=bucket, Key="tagged",
                          Tagging={"TagSet": [{"Key": "k", "Value": "  "}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"] == [
        {"Key": "k", "Value": "  "}]
