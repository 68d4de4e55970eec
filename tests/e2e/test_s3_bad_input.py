"""Bad input on the wire: malformed XML, oversize headers, truncated bodies and garbage bytes.
Each must get the AWS error (where there is one) and leave the server serving."""

import socket
import time

import pytest
from botocore.exceptions import ClientError

from s3e2e import (Response, assert_error_response, deterministic_bytes, key_path, md5_b64,
                   parse_raw_response, raw_socket_exchange, sha256_hex)


def assert_still_serving(s3, bucket=None):
    s3.list_buckets()
    if bucket is not None:
        s3.put_object(Bucket=bucket, Key="alive-check", Body=b"alive")
        assert s3.get_object(Bucket=bucket, Key="alive-check")["Body"].read() == b"alive"


@pytest.mark.parametrize("body", [
    b"<Delete><Object><Key>a</Key></Object>",               # truncated document
    b"<Delete><Object><Key>a</Key></Objekt></Delete>",      # mismatched tags
    b"not xml at all",
    b"<NotDelete><Object><Key>a</Key></Object></NotDelete>",  # well-formed, wrong schema
])
def test_delete_objects_malformed_xml(raw, s3, bucket, body):
    s3.put_object(Bucket=bucket, Key="a", Body=b"kept")
    r = raw.request("POST", key_path(bucket), query=[("delete", "")], body=body,
                    headers={"Content-MD5": md5_b64(body), "Content-Type": "application/xml"})
    assert_error_response(r, "MalformedXML", 400, "POST")
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == b"kept"


def test_complete_multipart_malformed_xml(raw, s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    body = b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
    r = raw.request("POST", key_path(bucket, "mp"), query=[("uploadId", uid)], body=body)
    assert_error_response(r, "MalformedXML", 400, "POST")
    s3.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId=uid)


def test_oversize_header_section(raw, s3, bucket):
    request = (b"GET /%s HTTP/1.1\r\nHost: %s\r\nX-Padding: %s\r\n\r\n"
               % (bucket.encode(), raw.netloc.encode(), b"p" * (100 * 1024)))
    data = raw_socket_exchange(raw.host, raw.port, request)
    assert data, "the server closed the connection without an answer"
    status, headers, body = parse_raw_response(data)
    assert status == 400, data[:500]
    # S3: 400 RequestHeaderSectionTooLarge ("Your request header section exceeds the maximum
    # allowed size.").
    assert_error_response(Response(status, "", headers, body[:int(headers["content-length"])]),
                          "RequestHeaderSectionTooLarge", 400)
    assert_still_serving(s3, bucket)


def test_truncated_body_then_close(raw, s3, bucket):
    path = key_path(bucket, "truncated")
    intended = deterministic_bytes("truncated", 1000)
    headers = {"Host": raw.netloc, "Content-Length": "1000"}
    raw.signer.sign_headers("PUT", path, [], headers, sha256_hex(intended))
    head = "PUT %s HTTP/1.1\r\n%s\r\n" % (
        path, "".join("%s: %s\r\n" % kv for kv in headers.items()))
    s = socket.create_connection((raw.host, raw.port), timeout=10)
    s.sendall(head.encode() + intended[:10])
    s.close()
    assert_still_serving(s3, bucket)
    for _ in range(2):  # before and after other traffic went through
        with pytest.raises(ClientError) as e:
            s3.head_object(Bucket=bucket, Key="truncated")
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
        assert_still_serving(s3, bucket)
    # The same request complete succeeds (the request itself was valid).
    r = raw.request("PUT", path, body=intended)
    assert r.status == 200, r


def test_truncated_body_over_time(raw, s3, bucket):
    # The client goes silent halfway and then disappears: nothing is stored, nothing hangs.
    path = key_path(bucket, "silent")
    intended = deterministic_bytes("silent", 100_000)
    headers = {"Host": raw.netloc, "Content-Length": str(len(intended))}
    raw.signer.sign_headers("PUT", path, [], headers, sha256_hex(intended))
    head = "PUT %s HTTP/1.1\r\n%s\r\n" % (
        path, "".join("%s: %s\r\n" % kv for kv in headers.items()))
    s = socket.create_connection((raw.host, raw.port), timeout=10)
    s.sendall(head.encode() + intended[:50_000])
    assert_still_serving(s3, bucket)  # other connections are served meanwhile
    s.close()
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="silent")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


GARBAGE = [
    b"\x00\xff\xfe\xfdGARBAGE\r\n\r\n" + bytes(range(256)) * 4,
    b"GET\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nthis header has no colon\r\n\r\n",
    b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\nabc",
    b"PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nabc",
    b"PUT /b/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nxx\r\n",
    b"GET /" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\r\n" * 1000,
]


@pytest.mark.parametrize("payload", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_on_raw_socket(raw, s3, bucket, payload):
    try:
        data = raw_socket_exchange(raw.host, raw.port, payload, timeout=5, half_close=True)
    except (BrokenPipeError, ConnectionResetError):
        data = b""
    if data.startswith(b"HTTP/"):
        status = int(data.split()[1])
        assert 400 <= status < 500, data[:300]
    assert_still_serving(s3, bucket)


def test_many_connections_opened_and_dropped(raw, s3, bucket):
    deadline = time.monotonic() + 20
    for i in range(50):
        s = socket.create_connection((raw.host, raw.port), timeout=5)
        if i % 2:
            s.sendall(b"GET /%s HTTP/1.1\r\nHost: x\r\n" % bucket.encode())  # unfinished
        s.close()
        assert time.monotonic() < deadline
    assert_still_serving(s3, bucket)
