"""Authentication and integrity checks, driven with raw HTTP and a hand-written SigV4 signer
(checked against botocore's own signer first): bad keys and signatures, clock skew, payload
hashes, Content-MD5, flexible checksums, aws-chunked uploads with chunk signatures and with an
unsigned checksum trailer, and virtual-host addressing."""

import hashlib
import http.client
import time
import urllib.parse

import boto3
import pytest
from botocore.auth import HmacV1QueryAuth, S3SigV4Auth, S3SigV4QueryAuth
from botocore.config import Config
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from s3e2e import (STREAMING_SIGNED, STREAMING_UNSIGNED_TRAILER, UNSIGNED_PAYLOAD, SigV4,
                   assert_client_error, assert_error_response, aws_chunked_signed,
                   aws_chunked_signed_length, aws_chunked_unsigned_trailer, crc32_b64,
                   deterministic_bytes, key_path, md5_b64, presign_v2, sha256_hex)

AK = "AKIDSIGNERSELFCHECK1"
SK = "signerSelfCheckSecret0000000000000000000"

# Body sizes that take each of evoke's write paths: kept in the object's row (up to 64 KiB), a
# blob file, and a blob file with the MD5 and checksum computed on a helper thread (1 MiB up).
BODY_SIZES = [10_000, 3 * 64 * 1024 + 12345, 3 * 1024 * 1024 + 5]


# ---------------------------------------------------------------------------------------------
# The signer used below signs exactly like botocore (no server needed).


def test_signer_matches_botocore_header_auth():
    url = "http://127.0.0.1:1234/bkt/some%20key%2Bplus/%C3%BC?uploads=&x-id=a%2Fb&a=1"
    req = AWSRequest(method="PUT", url=url, data=b"payload",
                     headers={"Content-Type": "text/plain", "x-amz-meta-A": "  v  w "})
    S3SigV4Auth(Credentials(AK, SK), "s3", "us-east-1").add_auth(req)
    auth = req.headers["Authorization"]
    amz_date = req.headers["X-Amz-Date"]
    signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    headers = {"Host": "127.0.0.1:1234", "Content-Type": "text/plain", "x-amz-meta-A": "  v  w "}
    assert sorted(signed) == sorted(["host", "content-type", "x-amz-meta-a", "x-amz-date",
                                     "x-amz-content-sha256"])
    u = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
    mine = SigV4(AK, SK).sign_headers("PUT", u.path, query, headers, sha256_hex(b"payload"),
                                      amz_date)
    assert auth.endswith("Signature=" + mine)
    assert headers["Authorization"] == auth


def test_signer_matches_botocore_presign():
    url = "http://127.0.0.1:1234/bkt/pre%20signed"
    req = AWSRequest(method="GET", url=url)
    S3SigV4QueryAuth(Credentials(AK, SK), "s3", "us-east-1", expires=900).add_auth(req)
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(req.url).query))
    mine = SigV4(AK, SK).presign("GET", "127.0.0.1:1234", "/bkt/pre%20signed", expires=900,
                                 amz_date=q["X-Amz-Date"])
    assert dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(mine).query)) == q

    req = AWSRequest(method="GET", url=url)
    HmacV1QueryAuth(Credentials(AK, SK), expires=900).add_auth(req)
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(req.url).query))
    mine = presign_v2(AK, SK, "/bkt/pre%20signed", int(q["Expires"]))
    assert dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(mine).query)) == q


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def obj(s3, bucket):
    s3.put_object(Bucket=bucket, Key="auth obj", Body=b"protected content")
    return bucket, "auth obj"


def assert_absent(s3, bucket, key):
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key=key)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_raw_signed_request_works(raw, obj):
    r = raw.get_object(*obj)
    assert r.status == 200, r
    assert r.body == b"protected content"
    assert r.headers.get("x-amz-request-id")


# ---------------------------------------------------------------------------------------------
# Credentials and signatures


def test_wrong_secret(raw, obj, target):
    r = raw.request("GET", key_path(*obj), signer=SigV4(target.access_key, "w" * 40))
    assert_error_response(r, "SignatureDoesNotMatch", 403)


def test_wrong_secret_boto3(target, obj):
    import boto3
    s3 = boto3.client("s3", endpoint_url=target.endpoint, region_name="us-east-1",
                      aws_access_key_id=target.access_key, aws_secret_access_key="w" * 40)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=obj[0], Key=obj[1])
    assert_client_error(e.value, "SignatureDoesNotMatch", 403)
    with pytest.raises(ClientError) as e:
        s3.list_buckets()
    assert_client_error(e.value, "SignatureDoesNotMatch", 403)


def test_unknown_access_key(raw, obj):
    r = raw.request("GET", key_path(*obj), signer=SigV4("AKIDUNKNOWNKEY000000", "x" * 40))
    assert_error_response(r, "InvalidAccessKeyId", 403)
    r = raw.request("GET", "/", signer=SigV4("AKIDUNKNOWNKEY000000", "x" * 40))
    assert_error_response(r, "InvalidAccessKeyId", 403)


@pytest.mark.parametrize("method,what", [
    ("GET", "object"), ("HEAD", "object"), ("GET", "bucket"), ("PUT", "object"),
    ("DELETE", "object")])
def test_anonymous_request_denied(raw, s3, obj, method, what):
    path = {"object": key_path(*obj), "bucket": key_path(obj[0])}[what]
    body = b"anonymous write" if method == "PUT" else b""
    r = raw.request(method, path, body=body, sign=False)
    assert_error_response(r, "AccessDenied", 403, method)
    assert s3.get_object(Bucket=obj[0], Key=obj[1])["Body"].read() == b"protected content"


@pytest.mark.parametrize("offset_minutes", [-20, 20])
def test_request_time_too_skewed(raw, obj, offset_minutes):
    r = raw.request("GET", key_path(*obj), amz_date=time.strftime(
        "%Y%m%dT%H%M%SZ", time.gmtime(time.time() + offset_minutes * 60)))
    fields = assert_error_response(r, "RequestTimeTooSkewed", 403)
    assert fields.get("MaxAllowedSkewMilliseconds") in (None, "900000")


def test_wrong_region_in_scope(raw, obj, target):
    r = raw.request("GET", key_path(*obj),
                    signer=SigV4(target.access_key, target.secret, region="eu-west-1"))
    fields = assert_error_response(r, "AuthorizationHeaderMalformed", 400)
    assert fields.get("Region") in (None, "us-east-1")


def test_tampered_presigned_url(raw, obj, target):
    host = raw.netloc
    url = SigV4(target.access_key, target.secret).presign("GET", host, key_path(*obj))
    ok = raw.send("GET", url, {"Host": host})
    assert ok.status == 200 and ok.body == b"protected content"
    sig = url.rsplit("X-Amz-Signature=", 1)[1]
    bad = url[:-len(sig)] + ("0" if sig[0] != "0" else "1") + sig[1:]
    assert_error_response(raw.send("GET", bad, {"Host": host}), "SignatureDoesNotMatch", 403)
    # Another key than the one signed.
    other = url.replace(urllib.parse.quote(obj[1]), "other")
    assert_error_response(raw.send("GET", other, {"Host": host}), "SignatureDoesNotMatch", 403)


# ---------------------------------------------------------------------------------------------
# Payload integrity


def test_content_sha256_mismatch(raw, s3, bucket):
    r = raw.request("PUT", key_path(bucket, "sha"), body=b"actual body",
                    payload_hash=sha256_hex(b"another body"))
    assert_error_response(r, "XAmzContentSHA256Mismatch", 400, "PUT")
    assert_absent(s3, bucket, "sha")


def test_unsigned_payload_accepted(raw, s3, bucket):
    r = raw.request("PUT", key_path(bucket, "unsigned"), body=b"unsigned body",
                    payload_hash=UNSIGNED_PAYLOAD)
    assert r.status == 200, r
    assert s3.get_object(Bucket=bucket, Key="unsigned")["Body"].read() == b"unsigned body"


def test_content_md5(raw, s3, bucket):
    body = b"md5 checked body"
    r = raw.request("PUT", key_path(bucket, "md5-ok"), body=body,
                    headers={"Content-MD5": md5_b64(body)})
    assert r.status == 200, r
    assert r.headers["etag"] == '"%s"' % hashlib.md5(body).hexdigest()

    r = raw.request("PUT", key_path(bucket, "md5-wrong"), body=body,
                    headers={"Content-MD5": md5_b64(b"something else")})
    assert_error_response(r, "BadDigest", 400, "PUT")
    assert_absent(s3, bucket, "md5-wrong")

    for malformed in ("not base64 at all!", "AAAA", md5_b64(body)[:-4]):
        r = raw.request("PUT", key_path(bucket, "md5-malformed"), body=body,
                        headers={"Content-MD5": malformed})
        assert_error_response(r, "InvalidDigest", 400, "PUT")
    assert_absent(s3, bucket, "md5-malformed")


@pytest.mark.parametrize("size", BODY_SIZES)
def test_content_md5_and_sha256_on_every_write_path(raw, s3, bucket, size):
    body = deterministic_bytes("md5-paths", size)
    r = raw.request("PUT", key_path(bucket, "ok"), body=body, headers={"Content-MD5": md5_b64(body)})
    assert r.status == 200, r
    assert r.headers["etag"] == '"%s"' % hashlib.md5(body).hexdigest()
    assert s3.get_object(Bucket=bucket, Key="ok")["Body"].read() == body
    r = raw.request("PUT", key_path(bucket, "md5-wrong"), body=body,
                    headers={"Content-MD5": md5_b64(body + b"x")})
    assert_error_response(r, "BadDigest", 400, "PUT")
    r = raw.request("PUT", key_path(bucket, "sha-wrong"), body=body,
                    payload_hash=sha256_hex(body + b"x"))
    assert_error_response(r, "XAmzContentSHA256Mismatch", 400, "PUT")
    assert_absent(s3, bucket, "md5-wrong")
    assert_absent(s3, bucket, "sha-wrong")


def test_checksum_crc32_header(raw, s3, bucket):
    body = b"crc checked body"
    r = raw.request("PUT", key_path(bucket, "crc-ok"), body=body,
                    headers={"x-amz-checksum-crc32": crc32_b64(body)})
    assert r.status == 200, r
    assert r.headers.get("x-amz-checksum-crc32") == crc32_b64(body)

    r = raw.request("PUT", key_path(bucket, "crc-wrong"), body=body,
                    headers={"x-amz-checksum-crc32": crc32_b64(b"other")})
    assert_error_response(r, "BadDigest", 400, "PUT")
    assert_absent(s3, bucket, "crc-wrong")


# ---------------------------------------------------------------------------------------------
# aws-chunked


def chunked_put(raw, bucket, key, data, tamper=None, chunk_size=64 * 1024):
    path = key_path(bucket, key)
    headers = {
        "Host": raw.netloc,
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(data)),
        "Content-Length": str(aws_chunked_signed_length(len(data), chunk_size)),
        "Content-Type": "application/x-chunked-test",
    }
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    seed = raw.signer.sign_headers("PUT", path, [], headers, STREAMING_SIGNED, amz_date)
    chunks = aws_chunked_signed(raw.signer, amz_date, seed, data, chunk_size)
    encoded = [enc for _, enc in chunks]
    if tamper is not None:
        encoded = tamper(encoded)
    body = b"".join(encoded)
    assert len(body) == int(headers["Content-Length"])
    return raw.send("PUT", path, headers, body)


@pytest.mark.parametrize("size", BODY_SIZES)
def test_aws_chunked_signed_upload(raw, s3, bucket, size):
    data = deterministic_bytes("chunked", size)
    r = chunked_put(raw, bucket, "chunked", data)
    assert r.status == 200, r
    assert r.headers["etag"] == '"%s"' % hashlib.md5(data).hexdigest()
    g = s3.get_object(Bucket=bucket, Key="chunked")
    assert g["Body"].read() == data
    assert g["ContentLength"] == len(data)
    assert g["ContentType"] == "application/x-chunked-test"
    # aws-chunked is a transfer detail: it is not stored as the object's Content-Encoding.
    assert "aws-chunked" not in (g.get("ContentEncoding") or "")


@pytest.mark.parametrize("size", BODY_SIZES)
def test_aws_chunked_tampered_chunk(raw, s3, bucket, size):
    data = deterministic_bytes("chunked-tampered", max(size, 64 * 1024 + 10))

    def flip_byte_in_second_chunk(encoded):
        c = bytearray(encoded[1])
        c[-10] ^= 0x01  # inside the data, before the trailing CRLF
        return encoded[:1] + [bytes(c)] + encoded[2:]

    r = chunked_put(raw, bucket, "tampered", data, tamper=flip_byte_in_second_chunk)
    assert_error_response(r, "SignatureDoesNotMatch", 403, "PUT")
    assert_absent(s3, bucket, "tampered")


def test_aws_chunked_bad_final_chunk_signature(raw, s3, bucket):
    data = deterministic_bytes("chunked-final", 64 * 1024 + 1)

    def break_final(encoded):
        last = encoded[-1]
        sig = last.split(b"chunk-signature=")[1][:64]
        return encoded[:-1] + [last.replace(sig, b"0" * 64)]

    r = chunked_put(raw, bucket, "final", data, tamper=break_final)
    assert_error_response(r, "SignatureDoesNotMatch", 403, "PUT")
    assert_absent(s3, bucket, "final")


def unsigned_trailer_put(raw, bucket, key, data, checksum):
    path = key_path(bucket, key)
    body = aws_chunked_unsigned_trailer(data, "x-amz-checksum-crc32", checksum)
    headers = {
        "Host": raw.netloc,
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(data)),
        "x-amz-trailer": "x-amz-checksum-crc32",
        "x-amz-sdk-checksum-algorithm": "CRC32",
        "Content-Length": str(len(body)),
    }
    raw.signer.sign_headers("PUT", path, [], headers, STREAMING_UNSIGNED_TRAILER)
    return raw.send("PUT", path, headers, body)


@pytest.mark.parametrize("size", BODY_SIZES)
def test_unsigned_payload_trailer_checksum(raw, s3, bucket, size):
    data = deterministic_bytes("trailer", size)
    r = unsigned_trailer_put(raw, bucket, "trailer", data, crc32_b64(data))
    assert r.status == 200, r
    assert r.headers["etag"] == '"%s"' % hashlib.md5(data).hexdigest()
    g = s3.get_object(Bucket=bucket, Key="trailer", ChecksumMode="ENABLED")
    assert g["Body"].read() == data
    assert g["ChecksumCRC32"] == crc32_b64(data)
    h = s3.head_object(Bucket=bucket, Key="trailer", ChecksumMode="ENABLED")
    assert h["ChecksumCRC32"] == crc32_b64(data)
    r = raw.request("GET", key_path(bucket, "trailer"), headers={"x-amz-checksum-mode": "ENABLED"})
    assert r.status == 200 and r.body == data
    assert r.headers["x-amz-checksum-crc32"] == crc32_b64(data)


@pytest.mark.parametrize("size", BODY_SIZES)
def test_unsigned_payload_trailer_bad_checksum(raw, s3, bucket, size):
    data = deterministic_bytes("trailer-bad", size)
    r = unsigned_trailer_put(raw, bucket, "trailer-bad", data, crc32_b64(data + b"!"))
    assert_error_response(r, "BadDigest", 400, "PUT")
    assert_absent(s3, bucket, "trailer-bad")


# ---------------------------------------------------------------------------------------------
# Addressing


def test_virtual_host_style(raw, s3, obj):
    bucket, key = obj
    vhost = "%s.localhost:%d" % (bucket, raw.port)
    r = raw.request("GET", "/" + urllib.parse.quote(key), host=vhost)
    assert r.status == 200, r
    assert r.body == b"protected content"
    r = raw.request("GET", "/", query=[("list-type", "2")], host=vhost)
    assert r.status == 200, r
    assert b"<Key>auth obj</Key>" in r.body
    r = raw.request("PUT", "/vhost%20put", body=b"via vhost", host=vhost)
    assert r.status == 200, r
    assert s3.get_object(Bucket=bucket, Key="vhost put")["Body"].read() == b"via vhost"


def test_sigv2_presigned_copy_copies(target, s3, obj):
    """botocore's SigV2 presigned URL for CopyObject carries x-amz-copy-source in its query: the
    request is a copy (not a PUT of an empty body over the destination)."""
    bucket, key = obj
    v2 = boto3.client("s3", endpoint_url=target.endpoint, region_name="us-east-1",
                      aws_access_key_id=target.access_key, aws_secret_access_key=target.secret,
                      config=Config(signature_version="s3"))
    url = v2.generate_presigned_url(
        "copy_object", Params={"Bucket": bucket, "Key": "copied",
                               "CopySource": "%s/%s" % (bucket, key)}, ExpiresIn=300)
    assert "x-amz-copy-source=" in url
    # No Content-Type (SigV2 signs it, and the URL was signed without one).
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.request("PUT", u.path + "?" + u.query, body=b"")
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    assert resp.status == 200, body
    assert b"<CopyObjectResult" in body
    assert s3.get_object(Bucket=bucket, Key="copied")["Body"].read() == b"protected content"
