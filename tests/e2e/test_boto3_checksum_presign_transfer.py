"""Additional checksums, presigned URLs and s3transfer (upload_file/download_file) through boto3 at
default settings."""

import hashlib
import http.client
import io
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from s3e2e import (MIB, SigV4, assert_client_error, assert_error_response, crc32_b64, crc32c_b64, deterministic_bytes,
                   key_path, multipart_etag, parse_error_xml, presign_v2, sha1_b64, sha256_b64,
                   Response)

ALGORITHMS = {
    "CRC32": crc32_b64,
    "CRC32C": crc32c_b64,
    "SHA1": sha1_b64,
    "SHA256": sha256_b64,
}


@pytest.mark.parametrize("algorithm", sorted(ALGORITHMS))
def test_put_with_checksum_algorithm(s3, bucket, algorithm):
    data = deterministic_bytes("checksum-" + algorithm, 70_000)
    expected = ALGORITHMS[algorithm](data)
    field = "Checksum" + algorithm
    try:
        r = s3.put_object(Bucket=bucket, Key="c", Body=data, ChecksumAlgorithm=algorithm)
    except botocore.exceptions.MissingDependencyException:
        # This botocore computes CRC32C only with awscrt: send the value we computed ourselves.
        assert algorithm == "CRC32C"
        r = s3.put_object(Bucket=bucket, Key="c", Body=data, ChecksumCRC32C=expected)
    assert r[field] == expected
    for call in (s3.head_object, s3.get_object):
        g = call(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
        assert g[field] == expected, (call, g)
        if "Body" in g:
            assert g["Body"].read() == data
    # Without checksum mode, HeadObject does not return it.
    h = s3.head_object(Bucket=bucket, Key="c")
    assert field not in h or h.get(field) is None


def test_put_with_wrong_checksum_value(s3, capture, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="bad", Body=b"payload", ChecksumSHA256=sha256_b64(b"x"))
    assert_client_error(e.value, "BadDigest", 400, capture)
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="bad")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


# ---------------------------------------------------------------------------------------------
# Presigned URLs


def curl_get(url):
    out = subprocess.run(["curl", "-sS", "--noproxy", "*", "-o", "-", "-w", "\n%{http_code}",
                          url], check=True, capture_output=True)
    body, _, code = out.stdout.rpartition(b"\n")
    return int(code), body


def urllib_request(url, method="GET", data=None, headers=None):
    req = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=30) as r:
            return Response(r.status, r.reason, {k.lower(): v for k, v in r.getheaders()},
                            r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.reason, {k.lower(): v for k, v in e.headers.items()}, e.read())


def http_put(url, data):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request("PUT", u.path + "?" + u.query, body=data)
        r = conn.getresponse()
        return Response(r.status, r.reason, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


@pytest.mark.parametrize("signature_version", ["default", "s3v4"])
def test_presigned_get(target, bucket, signature_version):
    # boto3's default for S3 presigning in us-east-1 is SigV2 query auth (AWSAccessKeyId,
    # Expires, Signature); s3v4 gives X-Amz-* parameters. Real clients send both.
    config = None if signature_version == "default" else Config(signature_version="s3v4")
    s3 = target.boto3_client(config=config) if config else target.boto3_client()
    key = "presigned dir/ünï+file.bin"
    data = deterministic_bytes(key, 100_000)
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                    ExpiresIn=600)
    if signature_version == "s3v4":
        assert "X-Amz-Signature=" in url
    code, body = curl_get(url)
    assert code == 200, body[:500]
    assert body == data
    r = urllib_request(url)
    assert r.status == 200
    assert r.body == data
    # A range through a presigned URL.
    r = urllib_request(url, headers={"Range": "bytes=10-19"})
    assert r.status == 206 and r.body == data[10:20]


@pytest.mark.parametrize("signature_version", ["default", "s3v4"])
def test_presigned_put(target, bucket, signature_version):
    config = None if signature_version == "default" else Config(signature_version="s3v4")
    s3 = target.boto3_client(config=config) if config else target.boto3_client()
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up"},
                                    ExpiresIn=600)
    data = deterministic_bytes("presigned-put", 50_000)
    # No Content-Type: it was not part of what was signed (and urllib would add a form type).
    r = http_put(url, data)
    assert r.status == 200, r
    assert r.headers["etag"] == '"%s"' % hashlib.md5(data).hexdigest()
    assert s3.get_object(Bucket=bucket, Key="up")["Body"].read() == data


def http_put_with(url, data, headers):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request("PUT", u.path + "?" + u.query, body=data, headers=headers)
        r = conn.getresponse()
        return Response(r.status, r.reason, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


def test_presigned_v2_put_applies_what_it_signed(target, s3, bucket):
    # SigV2 presigning moves Content-Type and x-amz-* into the query: they are signed there and
    # must apply to the object; a header that contradicts them was not signed.
    v2 = target.boto3_client(config=Config(signature_version="s3"))
    url = v2.generate_presigned_url("put_object", ExpiresIn=600, Params={
        "Bucket": bucket, "Key": "v2", "ContentType": "text/x-signed",
        "Metadata": {"color": "blue"}})
    assert "AWSAccessKeyId=" in url and "content-type=" in url.lower(), url
    r = http_put_with(url, b"body", {"Content-Type": "text/html"})
    assert_error_response(r, "AccessDenied", 403, "PUT")
    r = http_put_with(url, b"body", {"x-amz-meta-color": "red"})
    assert_error_response(r, "AccessDenied", 403, "PUT")
    r = http_put_with(url, b"body", {})
    assert r.status == 200, r
    h = s3.head_object(Bucket=bucket, Key="v2")
    assert h["ContentType"] == "text/x-signed"
    assert h["Metadata"] == {"color": "blue"}


def test_presigned_url_expired(target, s3, bucket):
    s3.put_object(Bucket=bucket, Key="old", Body=b"old")
    path = key_path(bucket, "old")
    host = urllib.parse.urlsplit(target.endpoint).netloc
    # SigV4: signed two hours ago, valid for one hour.
    signer = SigV4(target.access_key, target.secret)
    two_hours_ago = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 7200))
    url = target.endpoint + signer.presign("GET", host, path, expires=3600, amz_date=two_hours_ago)
    r = urllib_request(url)
    assert_error_response(r, "AccessDenied", 403)
    code, body = curl_get(url)
    assert code == 403 and parse_error_xml(body)["Code"] == "AccessDenied"
    # SigV2: Expires a minute in the past.
    url = target.endpoint + presign_v2(target.access_key, target.secret, path,
                                       int(time.time()) - 60)
    r = urllib_request(url)
    assert_error_response(r, "AccessDenied", 403)
    # The same URLs with a future expiry work (the signing code above is right).
    url = target.endpoint + signer.presign("GET", host, path, expires=600)
    assert urllib_request(url).body == b"old"
    url = target.endpoint + presign_v2(target.access_key, target.secret, path,
                                       int(time.time()) + 600)
    assert urllib_request(url).body == b"old"


def test_presigned_expiry_bounds(target, s3, bucket):
    """X-Amz-Expires of 0 (never valid), negative, or past a week, and an expired presigned PUT."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"k")
    path = key_path(bucket, "k")
    host = urllib.parse.urlsplit(target.endpoint).netloc
    signer = SigV4(target.access_key, target.secret)
    r = urllib_request(target.endpoint + signer.presign("GET", host, path, expires=0))
    assert_error_response(r, "AccessDenied", 403)
    r = urllib_request(target.endpoint + signer.presign("GET", host, path, expires=-5))
    assert_error_response(r, "AuthorizationQueryParametersError", 400)
    assert b"X-Amz-Expires must be non-negative" in r.body
    r = urllib_request(target.endpoint + signer.presign("GET", host, path, expires=604801))
    assert_error_response(r, "AuthorizationQueryParametersError", 400)
    assert urllib_request(target.endpoint + signer.presign("GET", host, path,
                                                           expires=604800)).body == b"k"
    two_hours_ago = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 7200))
    url = target.endpoint + signer.presign("PUT", host, path, expires=3600,
                                           amz_date=two_hours_ago)
    r = http_put(url, b"late")
    assert_error_response(r, "AccessDenied", 403, "PUT")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"k"


# ---------------------------------------------------------------------------------------------
# s3transfer


def test_upload_file_download_file_20mib(s3, bucket, tmp_path):
    data = deterministic_bytes("transfer-20mib", 20 * MIB)
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    s3.upload_file(str(src), bucket, "big/20mib.bin")
    h = s3.head_object(Bucket=bucket, Key="big/20mib.bin")
    assert h["ContentLength"] == 20 * MIB
    # s3transfer's defaults: multipart above 8 MiB, 8 MiB parts.
    chunk = 8 * MIB
    assert h["ETag"] == multipart_etag([data[i:i + chunk] for i in range(0, len(data), chunk)])
    dst = tmp_path / "dst.bin"
    s3.download_file(bucket, "big/20mib.bin", str(dst))
    assert hashlib.sha256(dst.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()

    # upload_fileobj / download_fileobj below the multipart threshold.
    small = deterministic_bytes("transfer-small", 1 * MIB)
    s3.upload_fileobj(io.BytesIO(small), bucket, "small.bin")
    out = io.BytesIO()
    s3.download_fileobj(bucket, "small.bin", out)
    assert out.getvalue() == small
