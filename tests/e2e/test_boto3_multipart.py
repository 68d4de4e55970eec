"""Multipart uploads through boto3 at default settings."""

import hashlib

import pytest
from botocore.exceptions import ClientError

from s3e2e import MIB, assert_client_error, deterministic_bytes, multipart_etag

PART_A = deterministic_bytes("part-a", 5 * MIB)
PART_B = deterministic_bytes("part-b", 5 * MIB + 3)
PART_C = deterministic_bytes("part-c", 1024)


def upload_parts(s3, bucket, key, upload_id, parts):
    etags = []
    for n, data in enumerate(parts, start=1):
        r = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=data)
        assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert r["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()
        etags.append({"PartNumber": n, "ETag": r["ETag"]})
    return etags


def test_multipart_upload(s3, bucket):
    key = "multi/part object"
    up = s3.create_multipart_upload(Bucket=bucket, Key=key, ContentType="application/x-mp",
                                    Metadata={"kind": "multipart"})
    assert up["Bucket"] == bucket and up["Key"] == key and up["UploadId"]
    uid = up["UploadId"]

    parts = upload_parts(s3, bucket, key, uid, [PART_A, PART_B, PART_C])

    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [(key, uid)]

    lp = s3.list_parts(Bucket=bucket, Key=key, UploadId=uid)
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in lp["Parts"]] == [
        (1, parts[0]["ETag"], len(PART_A)), (2, parts[1]["ETag"], len(PART_B)),
        (3, parts[2]["ETag"], len(PART_C))]
    assert lp["IsTruncated"] is False

    # Paged ListParts.
    lp1 = s3.list_parts(Bucket=bucket, Key=key, UploadId=uid, MaxParts=2)
    assert [p["PartNumber"] for p in lp1["Parts"]] == [1, 2] and lp1["IsTruncated"] is True
    assert int(lp1["NextPartNumberMarker"]) == 2
    lp2 = s3.list_parts(Bucket=bucket, Key=key, UploadId=uid, PartNumberMarker=2)
    assert [p["PartNumber"] for p in lp2["Parts"]] == [3]

    # Not visible as an object before completion.
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key=key)
    assert_client_error(e.value, "404", 404)

    r = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=uid,
                                     MultipartUpload={"Parts": parts})
    expected_etag = multipart_etag([PART_A, PART_B, PART_C])
    assert r["ETag"] == expected_etag
    assert r["Key"] == key and r["Bucket"] == bucket

    g = s3.get_object(Bucket=bucket, Key=key)
    assert g["ETag"] == expected_etag
    assert g["ContentLength"] == len(PART_A) + len(PART_B) + len(PART_C)
    assert g["ContentType"] == "application/x-mp"
    assert g["Metadata"] == {"kind": "multipart"}
    assert g["Body"].read() == PART_A + PART_B + PART_C

    # A range across the part boundary.
    g = s3.get_object(Bucket=bucket, Key=key, Range="bytes=%d-%d" % (5 * MIB - 10, 5 * MIB + 9))
    assert g["Body"].read() == (PART_A + PART_B)[5 * MIB - 10:5 * MIB + 10]

    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["ETag"], o["Size"]) for o in listed] == [
        (key, expected_etag, len(PART_A) + len(PART_B) + len(PART_C))]


def test_single_small_part_and_part_overwrite(s3, bucket):
    up = s3.create_multipart_upload(Bucket=bucket, Key="one")
    uid = up["UploadId"]
    s3.upload_part(Bucket=bucket, Key="one", UploadId=uid, PartNumber=1, Body=b"first try")
    e = s3.upload_part(Bucket=bucket, Key="one", UploadId=uid, PartNumber=1,
                       Body=b"second")["ETag"]
    r = s3.complete_multipart_upload(Bucket=bucket, Key="one", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": e}]})
    assert r["ETag"] == multipart_etag([b"second"])
    assert s3.get_object(Bucket=bucket, Key="one")["Body"].read() == b"second"


def test_upload_part_copy(s3, bucket_factory):
    src_bucket, bucket = bucket_factory(), bucket_factory()
    source = deterministic_bytes("copy-source", 6 * MIB + 100)
    s3.put_object(Bucket=src_bucket, Key="src obj", Body=source)
    up = s3.create_multipart_upload(Bucket=bucket, Key="assembled")
    uid = up["UploadId"]
    cs = {"Bucket": src_bucket, "Key": "src obj"}
    r1 = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=uid, PartNumber=1,
                             CopySource=cs, CopySourceRange="bytes=0-%d" % (5 * MIB - 1))
    r2 = s3.upload_part(Bucket=bucket, Key="assembled", UploadId=uid, PartNumber=2, Body=PART_B)
    r3 = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=uid, PartNumber=3,
                             CopySource=cs,
                             CopySourceRange="bytes=%d-%d" % (5 * MIB, len(source) - 1))
    parts_data = [source[:5 * MIB], PART_B, source[5 * MIB:]]
    assert r1["CopyPartResult"]["ETag"] == '"%s"' % hashlib.md5(parts_data[0]).hexdigest()
    assert r3["CopyPartResult"]["ETag"] == '"%s"' % hashlib.md5(parts_data[2]).hexdigest()
    lp = s3.list_parts(Bucket=bucket, Key="assembled", UploadId=uid)
    assert [p["Size"] for p in lp["Parts"]] == [len(p) for p in parts_data]
    r = s3.complete_multipart_upload(Bucket=bucket, Key="assembled", UploadId=uid,
                                     MultipartUpload={"Parts": [
                                         {"PartNumber": 1, "ETag": r1["CopyPartResult"]["ETag"]},
                                         {"PartNumber": 2, "ETag": r2["ETag"]},
                                         {"PartNumber": 3, "ETag": r3["CopyPartResult"]["ETag"]}]})
    assert r["ETag"] == multipart_etag(parts_data)
    assert s3.get_object(Bucket=bucket, Key="assembled")["Body"].read() == b"".join(parts_data)


def test_upload_part_copy_whole_object(s3, bucket):
    source = deterministic_bytes("whole", 5 * MIB)
    s3.put_object(Bucket=bucket, Key="whole", Body=source)
    uid = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    r1 = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=uid, PartNumber=1,
                             CopySource={"Bucket": bucket, "Key": "whole"})
    r2 = s3.upload_part(Bucket=bucket, Key="dst", UploadId=uid, PartNumber=2, Body=b"end")
    s3.complete_multipart_upload(Bucket=bucket, Key="dst", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": r1["CopyPartResult"]["ETag"]},
                  {"PartNumber": 2, "ETag": r2["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == source + b"end"


def test_abort_and_no_such_upload(s3, capture, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="ab")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="ab", UploadId=uid, PartNumber=1, Body=b"x" * 100)
    r = s3.abort_multipart_upload(Bucket=bucket, Key="ab", UploadId=uid)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")
    calls = [
        lambda: s3.list_parts(Bucket=bucket, Key="ab", UploadId=uid),
        lambda: s3.upload_part(Bucket=bucket, Key="ab", UploadId=uid, PartNumber=2, Body=b"y"),
        lambda: s3.complete_multipart_upload(
            Bucket=bucket, Key="ab", UploadId=uid,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"%s"' % ("0" * 32)}]}),
        lambda: s3.abort_multipart_upload(Bucket=bucket, Key="ab", UploadId=uid),
        lambda: s3.list_parts(Bucket=bucket, Key="ab", UploadId="no-such-upload-id"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        assert_client_error(e.value, "NoSuchUpload", 404, capture)
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="ab")
    assert_client_error(e.value, "404", 404)


def test_complete_errors(s3, capture, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="bad")["UploadId"]
    parts = upload_parts(s3, bucket, "bad", uid, [PART_A, PART_B, PART_C])

    # An ETag that does not match the uploaded part.
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=uid, MultipartUpload={
            "Parts": [parts[0], parts[1], {"PartNumber": 3, "ETag": '"%s"' % ("f" * 32)}]})
    assert_client_error(e.value, "InvalidPart", 400, capture)

    # A part number that was never uploaded.
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=uid, MultipartUpload={
            "Parts": parts[:2] + [{"PartNumber": 7, "ETag": parts[2]["ETag"]}]})
    assert_client_error(e.value, "InvalidPart", 400, capture)

    # Parts not in ascending order (all big enough, so order is the only fault).
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=uid, MultipartUpload={
            "Parts": [parts[1], parts[0], parts[2]]})
    assert_client_error(e.value, "InvalidPartOrder", 400, capture)

    # The failures left the upload intact: it still completes.
    r = s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=uid,
                                     MultipartUpload={"Parts": parts})
    assert r["ETag"] == multipart_etag([PART_A, PART_B, PART_C])
    assert s3.get_object(Bucket=bucket, Key="bad")["Body"].read() == PART_A + PART_B + PART_C


def test_entity_too_small(s3, capture, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="small")["UploadId"]
    parts = upload_parts(s3, bucket, "small", uid, [b"a" * 1024, b"b" * 1024])
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=uid,
                                     MultipartUpload={"Parts": parts})
    assert_client_error(e.value, "EntityTooSmall", 400, capture)
    # Only the first part alone (the last part may be small) is fine.
    s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=uid,
                                 MultipartUpload={"Parts": parts[:1]})
    assert s3.get_object(Bucket=bucket, Key="small")["Body"].read() == b"a" * 1024


def test_list_multipart_uploads_prefix(s3, bucket):
    ids = {}
    for key in ("logs/a", "logs/b", "other"):
        ids[key] = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    r = s3.list_multipart_uploads(Bucket=bucket, Prefix="logs/")
    assert [(u["Key"], u["UploadId"]) for u in r["Uploads"]] == [
        ("logs/a", ids["logs/a"]), ("logs/b", ids["logs/b"])]
    r = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [u["Key"] for u in r.get("Uploads", [])] == ["other"]
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["logs/"]
    for key, uid in ids.items():
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=uid)
