"""GetObjectAttributes and server-side encryption end to end, through boto3 at default settings
and raw requests: attributes of single-part and multipart objects (without checksums, with
COMPOSITE and FULL_OBJECT checksums), paging of parts, versions and delete markers, conditional
requests, the read permission S3 also asks for, bad input; the bucket default encryption
(Get/Put/DeleteBucketEncryption: SSE-S3 for every bucket, S3's validation, no KMS) and the
x-amz-server-side-encryption header S3 takes and answers on the object operations
(docs/encryption.md)."""

import hashlib
import json
import zlib

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import EvokeServer, unique_name
from s3e2e import (MIB, assert_client_error, assert_error_response, crc32_b64,
                   deterministic_bytes, key_path, md5_b64, multipart_etag, sha1_b64, sha256_b64)

ALL = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
PART_1 = deterministic_bytes("attr-part-1", 5 * MIB)
PART_2 = deterministic_bytes("attr-part-2", 5 * MIB + 7)
PART_3 = deterministic_bytes("attr-part-3", 2048)
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})

DIGESTS = {"SHA256": hashlib.sha256, "SHA1": hashlib.sha1,
           "CRC32": lambda d: zlib.crc32(d).to_bytes(4, "big")}
B64 = {"SHA256": sha256_b64, "SHA1": sha1_b64, "CRC32": crc32_b64}


def b64(raw):
    import base64
    return base64.b64encode(raw).decode()


def digest(algorithm, data):
    d = DIGESTS[algorithm](data)
    return d if isinstance(d, bytes) else d.digest()


def supports(client, operation, member):
    return member in client.meta.service_model.operation_model(operation).input_shape.members


def multipart(s3, bucket, key, parts, algorithm=None, checksum_type=None, numbers=None):
    """Uploads `parts` (as part numbers `numbers`, 1.. by default) and completes the upload;
    returns (CompleteMultipartUpload's answer, the parts' checksums as S3 answered them)."""
    create = {}
    if algorithm:
        create["ChecksumAlgorithm"] = algorithm
    if checksum_type:
        if supports(s3, "CreateMultipartUpload", "ChecksumType"):
            create["ChecksumType"] = checksum_type
        else:  # an older botocore: the header by hand
            s3.meta.events.register_first(
                "before-sign.s3.CreateMultipartUpload",
                lambda request, **_: request.headers.__setitem__("x-amz-checksum-type",
                                                                 checksum_type))
    up = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)
    numbers = numbers or list(range(1, len(parts) + 1))
    done, sums = [], []
    for n, data in zip(numbers, parts):
        extra = {"ChecksumAlgorithm": algorithm} if algorithm else {}
        r = s3.upload_part(Bucket=bucket, Key=key, UploadId=up["UploadId"], PartNumber=n,
                           Body=data, **extra)
        assert r["ServerSideEncryption"] == "AES256"
        entry = {"PartNumber": n, "ETag": r["ETag"]}
        if algorithm:
            field = "Checksum" + algorithm
            assert r[field] == B64[algorithm](data)
            entry[field] = r[field]
            sums.append(r[field])
        done.append(entry)
    r = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": done})
    assert r["ServerSideEncryption"] == "AES256"
    return r, sums


def attributes(s3, bucket, key, names=ALL, **kwargs):
    return s3.get_object_attributes(Bucket=bucket, Key=key, ObjectAttributes=names, **kwargs)


def raw_attributes(raw, bucket, key, headers, query=()):
    return raw.request("GET", key_path(bucket, key), query=[("attributes", "")] + list(query),
                       headers=headers)


# ---------------------------------------------------------------------------------------------
# GetObjectAttributes


def test_single_part_object(s3, bucket):
    body = b"attributes of a small object"
    put = s3.put_object(Bucket=bucket, Key="small", Body=body, StorageClass="STANDARD_IA")
    a = attributes(s3, bucket, "small")
    assert a["ETag"] == put["ETag"].strip('"') == hashlib.md5(body).hexdigest()  # unquoted
    assert a["ObjectSize"] == len(body)
    assert a["StorageClass"] == "STANDARD_IA"
    assert "ObjectParts" not in a  # not a multipart object
    assert a["LastModified"] == s3.head_object(Bucket=bucket, Key="small")["LastModified"]
    assert "VersionId" not in a  # a bucket never versioned
    # A newer boto3 sends a CRC32 by default, an older one nothing: S3 reports what was stored.
    head = s3.head_object(Bucket=bucket, Key="small", ChecksumMode="ENABLED")
    if "ChecksumCRC32" in head:
        assert a["Checksum"]["ChecksumCRC32"] == head["ChecksumCRC32"] == crc32_b64(body)
    else:
        assert "Checksum" not in a

    s3.put_object(Bucket=bucket, Key="summed", Body=body, ChecksumAlgorithm="SHA256")
    a = attributes(s3, bucket, "summed")
    assert a["Checksum"]["ChecksumSHA256"] == sha256_b64(body)
    assert a["Checksum"].get("ChecksumType", "FULL_OBJECT") == "FULL_OBJECT"
    assert a["StorageClass"] == "STANDARD"

    # Only what was asked for.
    a = attributes(s3, bucket, "summed", ["ObjectSize"])
    assert a["ObjectSize"] == len(body)
    assert not {"ETag", "Checksum", "StorageClass", "ObjectParts"} & set(a)
    a = attributes(s3, bucket, "summed", ["ETag", "StorageClass"])
    assert set(a) & set(ALL) == {"ETag", "StorageClass"}


def test_multipart_without_checksums_gives_the_parts_count(s3, bucket):
    r, _ = multipart(s3, bucket, "plain", [PART_1, PART_3])
    a = attributes(s3, bucket, "plain")
    assert a["ETag"] == multipart_etag([PART_1, PART_3]).strip('"') == r["ETag"].strip('"')
    assert a["ObjectSize"] == len(PART_1) + len(PART_3)
    # As S3 answers an object uploaded without additional checksums: the count alone.
    assert a["ObjectParts"] == {"TotalPartsCount": 2}
    assert "Checksum" not in a
    a = attributes(s3, bucket, "plain", ["ObjectParts"], MaxParts=1)
    assert a["ObjectParts"] == {"TotalPartsCount": 2}


@pytest.mark.parametrize("algorithm", ["SHA256", "SHA1", "CRC32"])
def test_multipart_composite_checksums_list_the_parts(s3, bucket, algorithm):
    parts = [PART_1, PART_2, PART_3]
    r, sums = multipart(s3, bucket, "comp", parts, algorithm=algorithm)
    field = "Checksum" + algorithm
    composite = b64(digest(algorithm, b"".join(digest(algorithm, p) for p in parts)))
    assert r[field] == composite + "-3"
    head = s3.head_object(Bucket=bucket, Key="comp", ChecksumMode="ENABLED")
    assert head[field] == composite + "-3"

    a = attributes(s3, bucket, "comp")
    assert a["Checksum"][field] == composite  # without HeadObject's "-3"
    assert a["Checksum"].get("ChecksumType", "COMPOSITE") == "COMPOSITE"
    op = a["ObjectParts"]
    assert op["TotalPartsCount"] == 3
    assert op["MaxParts"] == 1000 and op["IsTruncated"] is False
    assert int(op["PartNumberMarker"]) == 0 and int(op["NextPartNumberMarker"]) == 3
    assert [(p["PartNumber"], p["Size"], p[field]) for p in op["Parts"]] == [
        (1, len(PART_1), sums[0]), (2, len(PART_2), sums[1]), (3, len(PART_3), sums[2])]
    assert sums == [B64[algorithm](p) for p in parts]


def test_parts_page_by_part_number(s3, bucket):
    """Parts uploaded as 1, 2 and 4 keep those numbers; x-amz-max-parts and
    x-amz-part-number-marker page through them."""
    parts = [PART_1, PART_2, PART_3]
    _, sums = multipart(s3, bucket, "paged", parts, algorithm="SHA256", numbers=[1, 2, 4])
    seen, marker, pages = [], 0, 0
    while True:
        a = attributes(s3, bucket, "paged", ["ObjectParts"], MaxParts=1, PartNumberMarker=marker)
        op = a["ObjectParts"]
        pages += 1
        assert op["TotalPartsCount"] == 3 and op["MaxParts"] == 1
        assert int(op["PartNumberMarker"]) == marker
        assert len(op["Parts"]) == 1
        seen.append((op["Parts"][0]["PartNumber"], op["Parts"][0]["ChecksumSHA256"]))
        marker = int(op["NextPartNumberMarker"])
        assert marker == seen[-1][0]
        if not op["IsTruncated"]:
            break
        assert pages < 5
    assert seen == [(1, sums[0]), (2, sums[1]), (4, sums[2])]
    a = attributes(s3, bucket, "paged", ["ObjectParts"], PartNumberMarker=2)
    assert [p["PartNumber"] for p in a["ObjectParts"]["Parts"]] == [4]
    assert a["ObjectParts"]["IsTruncated"] is False
    # Past the last part, or none asked for: an empty page that is not truncated.
    for extra in ({"PartNumberMarker": 4}, {"MaxParts": 0}):
        op = attributes(s3, bucket, "paged", ["ObjectParts"], **extra)["ObjectParts"]
        assert op["TotalPartsCount"] == 3 and not op.get("Parts") and op["IsTruncated"] is False
    # More than 1000 asked: answered as asked.
    op = attributes(s3, bucket, "paged", ["ObjectParts"], MaxParts=5000)["ObjectParts"]
    assert op["MaxParts"] == 5000 and len(op["Parts"]) == 3


def test_multipart_full_object_crc32(s3, bucket):
    parts = [PART_1, PART_3]
    r, sums = multipart(s3, bucket, "full", parts, algorithm="CRC32", checksum_type="FULL_OBJECT")
    whole = crc32_b64(PART_1 + PART_3)
    assert r["ChecksumCRC32"] == whole
    a = attributes(s3, bucket, "full")
    assert a["Checksum"]["ChecksumCRC32"] == whole
    assert a["Checksum"].get("ChecksumType", "FULL_OBJECT") == "FULL_OBJECT"
    assert [(p["PartNumber"], p["ChecksumCRC32"]) for p in a["ObjectParts"]["Parts"]] == [
        (1, crc32_b64(PART_1)), (2, crc32_b64(PART_3))]


def test_versions_and_delete_markers(s3, capture, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    _, sums = multipart(s3, bucket, "v", [PART_1, PART_3], algorithm="SHA256")
    first = s3.head_object(Bucket=bucket, Key="v")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="v", Body=b"second")["VersionId"]

    a = attributes(s3, bucket, "v")
    assert a["VersionId"] == second and a["ObjectSize"] == 6 and "ObjectParts" not in a
    a = attributes(s3, bucket, "v", VersionId=first)
    assert a["VersionId"] == first and a["ObjectSize"] == len(PART_1) + len(PART_3)
    assert [p["ChecksumSHA256"] for p in a["ObjectParts"]["Parts"]] == sums

    marker = s3.delete_object(Bucket=bucket, Key="v")["VersionId"]
    with pytest.raises(ClientError) as e:
        attributes(s3, bucket, "v")
    resp = assert_client_error(e.value, "NoSuchKey", 404, capture)
    headers = resp["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true" and headers["x-amz-version-id"] == marker
    with pytest.raises(ClientError) as e:
        attributes(s3, bucket, "v", VersionId=marker)
    resp = assert_client_error(e.value, "MethodNotAllowed", 405, capture)
    assert resp["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    # Older versions stay readable.
    assert attributes(s3, bucket, "v", ["ObjectSize"], VersionId=second)["ObjectSize"] == 6
    with pytest.raises(ClientError) as e:
        attributes(s3, bucket, "v", VersionId="A" * 32)
    assert_client_error(e.value, "NoSuchVersion", 404, capture)
    with pytest.raises(ClientError) as e:
        attributes(s3, bucket, "v", VersionId="not-a-version")
    assert_client_error(e.value, "InvalidArgument", 400, capture)


def test_conditional_requests(s3, raw, bucket):
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"cond")["ETag"]
    base = {"x-amz-object-attributes": "ObjectSize"}
    r = raw_attributes(raw, bucket, "c", dict(base, **{"If-Match": etag}))
    assert r.status == 200 and b"<ObjectSize>4</ObjectSize>" in r.body, r
    assert_error_response(raw_attributes(raw, bucket, "c", dict(base, **{"If-Match": '"x"'})),
                          "PreconditionFailed", 412)
    r = raw_attributes(raw, bucket, "c", dict(base, **{"If-None-Match": etag}))
    assert r.status == 304 and r.headers["etag"] == etag, r


def test_bad_input(s3, capture, raw, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    # The attributes header missing, or naming nothing.
    for headers in ({}, {"x-amz-object-attributes": ""}, {"x-amz-object-attributes": ","}):
        fields = assert_error_response(raw_attributes(raw, bucket, "k", headers),
                                       "InvalidRequest", 400)
        assert fields["Message"] == ("The x-amz-object-attributes header specifying the "
                                     "attributes to be retrieved is either missing or empty")
    with pytest.raises(ClientError) as e:
        attributes(s3, bucket, "k", ["ETag", "Invalid_argument"])
    assert_client_error(e.value, "InvalidArgument", 400, capture)
    assert e.value.response["Error"]["Message"] == "Invalid attribute name specified."
    # Checked before the object is looked for; after the bucket.
    with pytest.raises(ClientError) as e:
        attributes(s3, bucket, "missing", ["etag"])
    assert_client_error(e.value, "InvalidArgument", 400, capture)
    with pytest.raises(ClientError) as e:
        attributes(s3, unique_name("nobucket"), "k", ["Bogus"])
    assert_client_error(e.value, "NoSuchBucket", 404, capture)
    with pytest.raises(ClientError) as e:
        attributes(s3, bucket, "missing")
    assert_client_error(e.value, "NoSuchKey", 404, capture)
    # max-parts and part-number-marker must be integers from 0.
    with pytest.raises(ClientError) as e:
        attributes(s3, bucket, "k", MaxParts=-1)
    assert_client_error(e.value, "InvalidArgument", 400, capture)
    for header, value in (("x-amz-max-parts", "ten"), ("x-amz-part-number-marker", "1.5"),
                          ("x-amz-max-parts", "99999999999")):
        headers = {"x-amz-object-attributes": "ObjectParts", header: value}
        assert_error_response(raw_attributes(raw, bucket, "k", headers), "InvalidArgument", 400)
    # S3 takes no encryption header here, and no customer key over plain HTTP.
    headers = {"x-amz-object-attributes": "ETag", "x-amz-server-side-encryption": "AES256"}
    assert_error_response(raw_attributes(raw, bucket, "k", headers), "InvalidArgument", 400)
    headers = {"x-amz-object-attributes": "ETag",
               "x-amz-server-side-encryption-customer-algorithm": "AES256"}
    assert_error_response(raw_attributes(raw, bucket, "k", headers), "InvalidRequest", 400)


def test_read_permission_is_needed_too(target, s3, bucket):
    """S3 asks for s3:GetObject (s3:GetObjectVersion with a versionId) besides
    s3:GetObjectAttributes."""
    s3.put_object(Bucket=bucket, Key="p", Body=b"perm")
    version = s3.head_object(Bucket=bucket, Key="p").get("VersionId", "null")
    iam = boto3.client("iam", endpoint_url=target.endpoint, region_name="us-east-1",
                       aws_access_key_id=target.access_key,
                       aws_secret_access_key=target.secret)
    name = unique_name("attrs")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    user = boto3.client("s3", endpoint_url=target.endpoint, region_name="us-east-1",
                        aws_access_key_id=key["AccessKeyId"],
                        aws_secret_access_key=key["SecretAccessKey"], config=NO_RETRIES)

    def allow(*actions):
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": list(actions),
                "Resource": "arn:aws:s3:::%s/*" % bucket}]}))

    def code(**kwargs):
        try:
            attributes(user, bucket, "p", ["ObjectSize"], **kwargs)
            return "OK"
        except ClientError as e:
            return e.response["Error"]["Code"]

    try:
        allow("s3:GetObjectAttributes")
        assert code() == "AccessDenied"
        allow("s3:GetObject")
        assert code() == "AccessDenied"
        allow("s3:GetObjectAttributes", "s3:GetObject")
        assert code() == "OK"
        assert code(VersionId=version) == "AccessDenied"
        allow("s3:GetObjectVersionAttributes", "s3:GetObjectVersion")
        assert code(VersionId=version) == "OK"
    finally:
        iam.delete_user_policy(UserName=name, PolicyName="p")
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName=name)


def test_cli_get_object_attributes(aws_v2, s3, bucket):
    s3.put_object(Bucket=bucket, Key="cli", Body=b"from the cli")
    out = aws_v2.json("s3api", "get-object-attributes", "--bucket", bucket, "--key", "cli",
                      "--object-attributes", "ETag", "ObjectSize", "StorageClass")
    assert out["ETag"] == hashlib.md5(b"from the cli").hexdigest()
    assert out["ObjectSize"] == 12 and out["StorageClass"] == "STANDARD"


# ---------------------------------------------------------------------------------------------
# Bucket default encryption

DEFAULT_RULES = [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                  "BucketKeyEnabled": False}]


def encryption_rules(s3, bucket):
    return s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]


def test_every_bucket_has_sse_s3_by_default(s3, bucket):
    assert encryption_rules(s3, bucket) == DEFAULT_RULES
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
        "BucketKeyEnabled": True}]})
    assert encryption_rules(s3, bucket) == [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
         "BucketKeyEnabled": True}]
    r = s3.delete_bucket_encryption(Bucket=bucket)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert encryption_rules(s3, bucket) == DEFAULT_RULES
    s3.delete_bucket_encryption(Bucket=bucket)  # again: still the default
    assert encryption_rules(s3, bucket) == DEFAULT_RULES


def test_encryption_and_parts_survive_a_restart(tmp_path, require_evoke):
    """Both are kept in the store: a bucket's configuration, a multipart object's parts."""
    server = EvokeServer(tmp_path / "data", tmp_path / "logs")
    server.start()
    try:
        def client():
            return boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                                aws_access_key_id=server.access_key,
                                aws_secret_access_key=server.secret, config=NO_RETRIES)
        s3 = client()
        s3.create_bucket(Bucket="kept")
        s3.put_bucket_encryption(Bucket="kept", ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": True}]})
        _, sums = multipart(s3, "kept", "m", [PART_1, PART_3], algorithm="SHA256")
        assert server.stop() == 0
        server.start()
        s3 = client()
        assert encryption_rules(s3, "kept")[0]["BucketKeyEnabled"] is True
        parts = attributes(s3, "kept", "m", ["ObjectParts"])["ObjectParts"]["Parts"]
        assert [p["ChecksumSHA256"] for p in parts] == sums
    finally:
        assert server.stop() == 0


def test_put_bucket_encryption_validation(s3, capture, raw, bucket):
    def put(rules):
        s3.put_bucket_encryption(Bucket=bucket,
                                 ServerSideEncryptionConfiguration={"Rules": rules})

    aes = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    for rules in ([], [aes, aes], [{"BucketKeyEnabled": True}],
                  [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES512"}}]):
        with pytest.raises(ClientError) as e:
            put(rules)
        assert_client_error(e.value, "MalformedXML", 400, capture)
    for algorithm in ("aws:kms", "aws:kms:dsse"):
        with pytest.raises(ClientError) as e:  # botocore does not retry a 501
            s3.put_bucket_encryption(
                Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": algorithm,
                                                           "KMSMasterKeyID": "alias/k"}}]})
        assert_client_error(e.value, "NotImplemented", 501, capture)
        assert "no KMS" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        put([{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256",
                                                     "KMSMasterKeyID": "alias/k"}}])
    assert_client_error(e.value, "InvalidArgument", 400, capture)
    assert e.value.response["Error"]["Message"] == (
        "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or "
        "aws:kms:dsse")
    assert encryption_rules(s3, bucket) == DEFAULT_RULES  # nothing stored

    def raw_put(body, md5=True):
        headers = {"Content-MD5": md5_b64(body)} if md5 else {}
        return raw.request("PUT", key_path(bucket), query=[("encryption", "")], body=body,
                           headers=headers)

    for body in (b"", b"<ServerSideEncryptionConfiguration>", b"not xml",
                 b"<Other><Rule/></Other>",
                 b"<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
                 b"</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>"):
        assert_error_response(raw_put(body), "MalformedXML", 400, "PUT")
    good = (b"<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
            b"<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>"
            b"</ServerSideEncryptionConfiguration>")
    assert_error_response(raw_put(good, md5=False), "InvalidRequest", 400, "PUT")
    assert raw_put(good).status == 200

    missing = unique_name("nobucket")
    for call, kwargs in ((s3.get_bucket_encryption, {}), (s3.delete_bucket_encryption, {}),
                         (s3.put_bucket_encryption, {"ServerSideEncryptionConfiguration": {
                             "Rules": [aes]}})):
        with pytest.raises(ClientError) as e:
            call(Bucket=missing, **kwargs)
        assert_client_error(e.value, "NoSuchBucket", 404, capture)


def test_blocked_encryption_types_are_kept(s3, raw, bucket):
    body = (b"<ServerSideEncryptionConfiguration><Rule><BlockedEncryptionTypes><EncryptionType>"
            b"SSE-C</EncryptionType></BlockedEncryptionTypes></Rule>"
            b"</ServerSideEncryptionConfiguration>")
    r = raw.request("PUT", key_path(bucket), query=[("encryption", "")], body=body,
                    headers={"Content-MD5": md5_b64(body)})
    assert r.status == 200, r
    r = raw.request("GET", key_path(bucket), query=[("encryption", "")])
    assert b"<SSEAlgorithm>AES256</SSEAlgorithm>" in r.body
    assert b"<EncryptionType>SSE-C</EncryptionType>" in r.body
    assert encryption_rules(s3, bucket)[0]["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"}


# ---------------------------------------------------------------------------------------------
# x-amz-server-side-encryption on the object operations


def test_objects_report_sse_s3(s3, bucket):
    r = s3.put_object(Bucket=bucket, Key="o", Body=b"encrypted?")
    assert r["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="o")["ServerSideEncryption"] == "AES256"
    g = s3.get_object(Bucket=bucket, Key="o")
    assert g["ServerSideEncryption"] == "AES256" and g["Body"].read() == b"encrypted?"
    r = s3.put_object(Bucket=bucket, Key="asked", Body=b"x", ServerSideEncryption="AES256")
    assert r["ServerSideEncryption"] == "AES256"
    r = s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "o"},
                       ServerSideEncryption="AES256")
    assert r["ServerSideEncryption"] == "AES256"
    r = s3.copy_object(Bucket=bucket, Key="copy2", CopySource={"Bucket": bucket, "Key": "o"})
    assert r["ServerSideEncryption"] == "AES256"
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp", ServerSideEncryption="AES256")
    assert up["ServerSideEncryption"] == "AES256"
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=1,
                          Body=b"part")
    assert part["ServerSideEncryption"] == "AES256"
    copied = s3.upload_part_copy(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=2,
                                 CopySource={"Bucket": bucket, "Key": "o"})
    assert copied["ServerSideEncryption"] == "AES256"
    s3.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId=up["UploadId"])


def test_unsupported_encryption_is_refused(target, s3, raw, bucket):
    no_retry = target.boto3_client(config=NO_RETRIES)
    for call, kwargs in ((no_retry.put_object, {"Key": "kms", "Body": b"x"}),
                         (no_retry.create_multipart_upload, {"Key": "kms"})):
        for algorithm in ("aws:kms", "aws:kms:dsse"):
            with pytest.raises(ClientError) as e:
                call(Bucket=bucket, ServerSideEncryption=algorithm, **kwargs)
            assert_client_error(e.value, "NotImplemented", 501)
    with pytest.raises(ClientError) as e:
        no_retry.put_object(Bucket=bucket, Key="kid", Body=b"x", SSEKMSKeyId="alias/k")
    assert_client_error(e.value, "InvalidArgument", 400)

    def raw_put(key, headers, method="PUT", query=()):
        return raw.request(method, key_path(bucket, key), query=list(query), body=b"data",
                           headers=headers)

    for value in ("aes256", "AES512", ""):
        fields = assert_error_response(raw_put("bad", {"x-amz-server-side-encryption": value}),
                                       "InvalidArgument", 400, "PUT")
        assert fields["Message"] == "The encryption method specified is not supported"
        assert fields.get("ArgumentName") == "x-amz-server-side-encryption"
    # Customer-provided keys: S3 refuses them over plain HTTP, the only transport evoke serves.
    key = b"k" * 32
    ssec = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
            "x-amz-server-side-encryption-customer-key": b64(key),
            "x-amz-server-side-encryption-customer-key-MD5": md5_b64(key)}
    assert_error_response(raw_put("ssec", ssec), "InvalidRequest", 400, "PUT")
    s3.put_object(Bucket=bucket, Key="src", Body=b"src")
    assert_error_response(raw.request("GET", key_path(bucket, "src"), headers=ssec),
                          "InvalidRequest", 400)
    copy_ssec = {"x-amz-copy-source": "/%s/src" % bucket,
                 "x-amz-copy-source-server-side-encryption-customer-algorithm": "AES256"}
    assert_error_response(raw.request("PUT", key_path(bucket, "dst"), headers=copy_ssec),
                          "InvalidRequest", 400, "PUT")
    # Operations that name no encryption of their own refuse the header, as S3 does.
    assert_error_response(raw.request("GET", key_path(bucket, "src"),
                                      headers={"x-amz-server-side-encryption": "AES256"}),
                          "InvalidArgument", 400)
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp")
    r = raw_put("mp", {"x-amz-server-side-encryption": "AES256"},
                query=[("partNumber", "1"), ("uploadId", up["UploadId"])])
    assert_error_response(r, "InvalidArgument", 400, "PUT")
    s3.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId=up["UploadId"])
    # Nothing was written.
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == ["src"]


def test_cli_copy_with_sse(aws_v2, s3, bucket, tmp_path):
    f = tmp_path / "f.txt"
    f.write_bytes(b"cli sse")
    aws_v2.out("s3", "cp", str(f), "s3://%s/f.txt" % bucket, "--sse", "AES256")
    assert s3.head_object(Bucket=bucket, Key="f.txt")["ServerSideEncryption"] == "AES256"
    code, _ = aws_v2.error("s3api", "put-object", "--bucket", bucket, "--key", "kms",
                           "--body", str(f), "--server-side-encryption", "aws:kms")
    assert code == "NotImplemented"


def test_get_object_by_part_number_with_an_empty_last_part(s3, bucket):
    """The parts kept at completion give GetObject's partNumber its range, an empty part (which
    has no stored segment) included."""
    multipart(s3, bucket, "tail", [PART_1, b""], algorithm="SHA256", numbers=[1, 3])
    attrs = attributes(s3, bucket, "tail", ["ObjectParts", "ObjectSize"])
    assert [(p["PartNumber"], p["Size"]) for p in attrs["ObjectParts"]["Parts"]] == [
        (1, len(PART_1)), (3, 0)]
    first = s3.get_object(Bucket=bucket, Key="tail", PartNumber=1)
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 206 and first["PartsCount"] == 2
    assert first["Body"].read() == PART_1
    empty = s3.get_object(Bucket=bucket, Key="tail", PartNumber=2)
    assert empty["ContentLength"] == 0 and empty["Body"].read() == b""
