"""Object operations through boto3 at default settings: put/get/head/delete, ranges,
conditional requests, response overrides, metadata, key limits and awkward keys."""

import datetime
import gzip
import hashlib

import pytest
from botocore.exceptions import ClientError

from s3e2e import assert_client_error, deterministic_bytes

UTC = datetime.timezone.utc
DATA = bytes(range(256)) * 4  # 1024 bytes, every byte value


def etag_of(data):
    return '"%s"' % hashlib.md5(data).hexdigest()


def test_put_get_head_delete(s3, capture, bucket):
    r = s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hello world",
                      ContentType="text/plain")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert r["ETag"] == etag_of(b"hello world")
    assert r["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-id")

    g = s3.get_object(Bucket=bucket, Key="hello.txt")
    assert g["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert g["Body"].read() == b"hello world"
    assert g["ContentLength"] == 11
    assert g["ContentType"] == "text/plain"
    assert g["ETag"] == etag_of(b"hello world")
    assert g["AcceptRanges"] == "bytes"
    assert isinstance(g["LastModified"], datetime.datetime)
    assert abs(g["LastModified"] - datetime.datetime.now(UTC)) < datetime.timedelta(minutes=5)

    h = s3.head_object(Bucket=bucket, Key="hello.txt")
    assert h["ContentLength"] == 11
    assert h["ETag"] == etag_of(b"hello world")
    assert h["LastModified"] == g["LastModified"]

    r = s3.delete_object(Bucket=bucket, Key="hello.txt")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="hello.txt")
    assert_client_error(e.value, "NoSuchKey", 404, capture)
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="hello.txt")
    assert_client_error(e.value, "404", 404)


def test_delete_missing_key_is_204(s3, bucket):
    r = s3.delete_object(Bucket=bucket, Key="never-existed")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_default_content_type_and_empty_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    g = s3.get_object(Bucket=bucket, Key="empty")
    assert g["Body"].read() == b""
    assert g["ContentLength"] == 0
    assert g["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    # boto3 sends no Content-Type for a bytes body; S3 stores binary/octet-stream.
    assert g["ContentType"] == "binary/octet-stream"


def test_overwrite_replaces_body_and_metadata(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"first", Metadata={"v": "1"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"second!", Metadata={"w": "2"})
    g = s3.get_object(Bucket=bucket, Key="k")
    assert g["Body"].read() == b"second!"
    assert g["Metadata"] == {"w": "2"}


@pytest.mark.parametrize("rng,start,end", [
    ("bytes=0-4", 0, 4),
    ("bytes=-5", 1019, 1023),           # suffix: the last 5 bytes
    ("bytes=5-", 5, 1023),              # open ended
    ("bytes=1000-5000", 1000, 1023),    # end past the size is clamped
    ("bytes=1023-1023", 1023, 1023),
    ("bytes=-5000", 0, 1023),           # suffix longer than the object: all of it
])
def test_range_get(s3, bucket, rng, start, end):
    s3.put_object(Bucket=bucket, Key="r", Body=DATA)
    g = s3.get_object(Bucket=bucket, Key="r", Range=rng)
    assert g["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert g["ContentRange"] == "bytes %d-%d/%d" % (start, end, len(DATA))
    assert g["ContentLength"] == end - start + 1
    assert g["Body"].read() == DATA[start:end + 1]
    assert g["ETag"] == etag_of(DATA)


@pytest.mark.parametrize("rng", ["bytes=1024-", "bytes=2000-3000"])
def test_range_not_satisfiable(s3, capture, bucket, rng):
    s3.put_object(Bucket=bucket, Key="r", Body=DATA)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="r", Range=rng)
    assert_client_error(e.value, "InvalidRange", 416, capture)


def test_head_with_range(s3, bucket):
    s3.put_object(Bucket=bucket, Key="r", Body=DATA)
    h = s3.head_object(Bucket=bucket, Key="r", Range="bytes=10-19")
    assert h["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert h["ContentLength"] == 10
    # (Older botocore models lack ContentRange on HeadObject: read the header.)
    assert h["ResponseMetadata"]["HTTPHeaders"]["content-range"] == "bytes 10-19/1024"


def test_conditional_get_and_head(s3, capture, bucket):
    s3.put_object(Bucket=bucket, Key="c", Body=b"conditional")
    h = s3.head_object(Bucket=bucket, Key="c")
    etag, mtime = h["ETag"], h["LastModified"]
    before = mtime - datetime.timedelta(days=1)

    # Conditions that hold: 200.
    for kwargs in ({"IfMatch": etag}, {"IfNoneMatch": '"0123456789abcdef0123456789abcdef"'},
                   {"IfModifiedSince": before}, {"IfUnmodifiedSince": mtime}):
        assert s3.get_object(Bucket=bucket, Key="c", **kwargs)["Body"].read() == b"conditional"
        s3.head_object(Bucket=bucket, Key="c", **kwargs)

    # If-Match / If-Unmodified-Since that fail: 412 PreconditionFailed.
    for kwargs in ({"IfMatch": '"0123456789abcdef0123456789abcdef"'},
                   {"IfUnmodifiedSince": before}):
        with pytest.raises(ClientError) as e:
            s3.get_object(Bucket=bucket, Key="c", **kwargs)
        assert_client_error(e.value, "PreconditionFailed", 412, capture)
        with pytest.raises(ClientError) as e:
            s3.head_object(Bucket=bucket, Key="c", **kwargs)
        assert_client_error(e.value, "412", 412)

    # If-None-Match / If-Modified-Since that fail: 304 Not Modified.
    for kwargs in ({"IfNoneMatch": etag}, {"IfModifiedSince": mtime}):
        for call in (s3.get_object, s3.head_object):
            with pytest.raises(ClientError) as e:
                call(Bucket=bucket, Key="c", **kwargs)
            assert_client_error(e.value, "304", 304)
            assert e.value.response["ResponseMetadata"]["HTTPHeaders"].get("etag") == etag

    # RFC 7232 / S3 precedence: If-Match true + If-Unmodified-Since false -> 200;
    # If-None-Match false + If-Modified-Since true -> 304.
    g = s3.get_object(Bucket=bucket, Key="c", IfMatch=etag, IfUnmodifiedSince=before)
    assert g["Body"].read() == b"conditional"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="c", IfNoneMatch=etag, IfModifiedSince=before)
    assert_client_error(e.value, "304", 304)


def test_response_header_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="o", Body=b"override me", ContentType="text/plain")
    expires = datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    g = s3.get_object(
        Bucket=bucket, Key="o",
        ResponseContentType="application/x-override",
        ResponseContentDisposition='attachment; filename="over ride.txt"',
        ResponseContentEncoding="identity",
        ResponseContentLanguage="de-CH",
        ResponseCacheControl="no-cache, no-store",
        ResponseExpires=expires)
    assert g["Body"].read() == b"override me"
    assert g["ContentType"] == "application/x-override"
    assert g["ContentDisposition"] == 'attachment; filename="over ride.txt"'
    assert g["ContentEncoding"] == "identity"
    assert g["ContentLanguage"] == "de-CH"
    assert g["CacheControl"] == "no-cache, no-store"
    assert g["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Tue, 06 May 2031 07:08:09 GMT"
    # The stored object is unchanged.
    assert s3.head_object(Bucket=bucket, Key="o")["ContentType"] == "text/plain"


def test_metadata_and_content_headers_round_trip(s3, bucket):
    body = gzip.compress(b"compressed text " * 100)
    expires = datetime.datetime(2035, 1, 2, 3, 4, 5, tzinfo=UTC)
    s3.put_object(
        Bucket=bucket, Key="meta", Body=body,
        Metadata={"color": "blue", "Mixed-Case": "Value With Spaces", "empty": ""},
        ContentType="text/plain; charset=utf-8",
        ContentEncoding="gzip",
        ContentDisposition='attachment; filename="a b.txt"',
        ContentLanguage="en-US",
        CacheControl="max-age=3600, public",
        Expires=expires)
    for r in (s3.head_object(Bucket=bucket, Key="meta"), s3.get_object(Bucket=bucket, Key="meta")):
        assert r["Metadata"] == {"color": "blue", "mixed-case": "Value With Spaces", "empty": ""}
        assert r["ContentType"] == "text/plain; charset=utf-8"
        assert r["ContentEncoding"] == "gzip"
        assert r["ContentDisposition"] == 'attachment; filename="a b.txt"'
        assert r["ContentLanguage"] == "en-US"
        assert r["CacheControl"] == "max-age=3600, public"
        assert r["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Tue, 02 Jan 2035 03:04:05 GMT"
        assert r["ContentLength"] == len(body)
        if "Body" in r:
            assert r["Body"].read() == body


def test_key_length_limit(s3, capture, bucket):
    for key in ("k" * 1024, "é" * 512):  # 1024 bytes of UTF-8 either way
        s3.put_object(Bucket=bucket, Key=key, Body=b"max")
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"max"
    for key in ("k" * 1025, "é" * 512 + "k"):
        with pytest.raises(ClientError) as e:
            s3.put_object(Bucket=bucket, Key=key, Body=b"too long")
        assert_client_error(e.value, "KeyTooLongError", 400, capture)


SPECIAL_KEYS = [
    "with space",
    "two  spaces and trailing space ",
    "unicode-ünïcødé-日本語.txt",
    "emoji-😀",
    "plus+sign",
    "percent%20literal",
    "percent%",
    "question?mark",
    "hash#tag",
    "amp&eq=semi;colon:comma,",
    "dir/sub dir/file",
    "tilde~star*paren()bang!",
    "dollar$at@bracket[]",
    "quote'double\"backtick`",
    "caret^pipe|brace{}",
    "trailing-slash/",
    "back\\slash",
    "tab\there",
]


def test_awkward_keys_round_trip(s3, bucket):
    for i, key in enumerate(SPECIAL_KEYS):
        data = deterministic_bytes(key, 100 + i)
        s3.put_object(Bucket=bucket, Key=key, Body=data)
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == data, key
        assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == 100 + i
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert listed == sorted(SPECIAL_KEYS, key=lambda k: k.encode("utf-8"))
    listed_v1 = [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]]
    assert listed_v1 == listed
    for key in SPECIAL_KEYS:
        s3.delete_object(Bucket=bucket, Key=key)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_large_single_put(s3, bucket):
    data = deterministic_bytes("large", 9 * 1024 * 1024 + 17)
    r = s3.put_object(Bucket=bucket, Key="large", Body=data)
    assert r["ETag"] == etag_of(data)
    g = s3.get_object(Bucket=bucket, Key="large")
    assert g["ContentLength"] == len(data)
    assert g["Body"].read() == data


def tag_dict(s3, bucket, key):
    return {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}


def test_object_tagging(s3, capture, bucket):
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"x", Tagging="project=evoke&note=a%20b")
    assert tag_dict(s3, bucket, "tagged") == {"project": "evoke", "note": "a b"}
    assert s3.get_object(Bucket=bucket, Key="tagged")["TagCount"] == 2

    s3.put_object_tagging(Bucket=bucket, Key="tagged", Tagging={"TagSet": [
        {"Key": "stage", "Value": "ünïcode & more"}]})
    assert tag_dict(s3, bucket, "tagged") == {"stage": "ünïcode & more"}
    # Tagging leaves the body and the ETag alone.
    g = s3.get_object(Bucket=bucket, Key="tagged")
    assert (g["Body"].read(), g["ETag"], g["TagCount"]) == (b"x", etag_of(b"x"), 1)

    s3.delete_object_tagging(Bucket=bucket, Key="tagged")
    assert tag_dict(s3, bucket, "tagged") == {}
    assert "TagCount" not in s3.get_object(Bucket=bucket, Key="tagged")

    with pytest.raises(ClientError) as e:
        s3.get_object_tagging(Bucket=bucket, Key="missing")
    assert_client_error(e.value, "NoSuchKey", 404, capture)
    with pytest.raises(ClientError) as e:
        s3.put_object_tagging(Bucket=bucket, Key="tagged", Tagging={"TagSet": [
            {"Key": "k%d" % i, "Value": "v"} for i in range(11)]})
    assert_client_error(e.value, "InvalidTag", 400, capture)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="dup", Body=b"x", Tagging="a=1&a=2")
    assert_client_error(e.value, "InvalidTag", 400, capture)


def test_copy_tagging_directive(s3, capture, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"body", Tagging="k=v")
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="bad", CopySource={"Bucket": bucket, "Key": "src"},
                       TaggingDirective="MERGE")
    assert_client_error(e.value, "InvalidArgument", 400, capture)
    s3.copy_object(Bucket=bucket, Key="copied", CopySource={"Bucket": bucket, "Key": "src"})
    assert tag_dict(s3, bucket, "copied") == {"k": "v"}
    s3.copy_object(Bucket=bucket, Key="replaced", CopySource={"Bucket": bucket, "Key": "src"},
                   TaggingDirective="REPLACE", Tagging="other=1")
    assert tag_dict(s3, bucket, "replaced") == {"other": "1"}
    # Multipart uploads carry their tags to the completed object.
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp", Tagging="from=upload")
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=1,
                          Body=b"tail")
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1,
                                                             "ETag": part["ETag"]}]})
    assert tag_dict(s3, bucket, "mp") == {"from": "upload"}


def with_headers(s3, operation, headers):
    """Adds `headers` to every `operation` request of the client (boto3 1.26 has no IfNoneMatch
    parameter; both versions send what the hook adds)."""
    def add(request, **kwargs):
        for name, value in headers.items():
            request.headers[name] = value
    s3.meta.events.register("before-sign.s3." + operation, add)
    return s3


def code_of(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    r = e.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


def test_conditional_writes(target, s3, bucket):
    """If-None-Match: * creates only; If-Match: ETag overwrites only that object (S3, 2024)."""
    create = with_headers(target.boto3_client(), "PutObject", {"If-None-Match": "*"})
    first = create.put_object(Bucket=bucket, Key="once", Body=b"first")
    assert code_of(create.put_object, Bucket=bucket, Key="once", Body=b"second") == (
        "PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"first"
    swap = with_headers(target.boto3_client(), "PutObject", {"If-Match": first["ETag"]})
    second = swap.put_object(Bucket=bucket, Key="once", Body=b"second")
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"second"
    # The ETag it was made with is gone now: a second compare-and-swap fails.
    assert code_of(swap.put_object, Bucket=bucket, Key="once", Body=b"third") == (
        "PreconditionFailed", 412)
    assert code_of(swap.put_object, Bucket=bucket, Key="missing", Body=b"x") == ("NoSuchKey", 404)
    other = with_headers(target.boto3_client(), "PutObject", {"If-None-Match": second["ETag"]})
    assert code_of(other.put_object, Bucket=bucket, Key="once", Body=b"x") == (
        "NotImplemented", 501)
    # CopyObject and CompleteMultipartUpload take them too.
    copy = with_headers(target.boto3_client(), "CopyObject", {"If-None-Match": "*"})
    copy.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "once"})
    assert code_of(copy.copy_object, Bucket=bucket, Key="copy",
                   CopySource={"Bucket": bucket, "Key": "once"}) == ("PreconditionFailed", 412)
    complete = with_headers(target.boto3_client(), "CompleteMultipartUpload",
                            {"If-None-Match": "*"})
    for key, want in (("copy", ("PreconditionFailed", 412)), ("fresh", None)):
        up = s3.create_multipart_upload(Bucket=bucket, Key=key)
        part = s3.upload_part(Bucket=bucket, Key=key, UploadId=up["UploadId"], PartNumber=1,
                              Body=b"m")
        args = dict(Bucket=bucket, Key=key, UploadId=up["UploadId"],
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        if want:
            assert code_of(complete.complete_multipart_upload, **args) == want
            s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=up["UploadId"])
        else:
            complete.complete_multipart_upload(**args)
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"second"
    assert s3.get_object(Bucket=bucket, Key="fresh")["Body"].read() == b"m"
