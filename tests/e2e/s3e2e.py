"""Helpers shared by the e2e tests: a small SigV4/SigV2 signer, raw HTTP requests, aws-chunked
bodies, checksums and the assertions every S3 error must pass.

Standard library only (plus botocore where a caller passes a botocore error), so it imports under
every interpreter the suite runs with.
"""

import base64
import datetime
import os
import hashlib
import hmac
import http.client
import random
import socket
import urllib.parse
import xml.etree.ElementTree as ET
import zlib

REGION = "us-east-1"
SERVICE = "s3"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
KIB = 1024
MIB = 1024 * 1024
# EVOKE_E2E_RELAXED=1 skips the x-amz-request-id checks (moto_server sends x-amzn-requestid).
RELAXED = os.environ.get("EVOKE_E2E_RELAXED") == "1"


# ---------------------------------------------------------------------------------------------
# Encoding, hashing, checksums


def uri_encode(s, safe="-_.~"):
    """RFC 3986 encoding as SigV4 wants it (UTF-8, every byte but unreserved escaped)."""
    if isinstance(s, bytes):
        s = s.decode("utf-8")
    return urllib.parse.quote(s, safe=safe)


def key_path(bucket, key=None):
    """Path-style request path for a bucket (and key), encoded as the wire carries it."""
    path = "/" + uri_encode(bucket)
    if key is not None:
        path += "/" + uri_encode(key, safe="-_.~/")
    return path


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def md5_b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def md5_hex(data):
    return hashlib.md5(data).hexdigest()


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def sha1_b64(data):
    return base64.b64encode(hashlib.sha1(data).digest()).decode()


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    table = _CRC32C_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def crc32c_b64(data):
    return base64.b64encode(crc32c(data).to_bytes(4, "big")).decode()


def multipart_etag(parts):
    """The ETag S3 gives a completed multipart upload: md5 of the parts' binary md5s, "-N"."""
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return '"%s-%d"' % (digest, len(parts))


def deterministic_bytes(seed, size):
    """Reproducible content for a seed (a key): the same seed always gives the same bytes."""
    return random.Random(seed).randbytes(size)


# ---------------------------------------------------------------------------------------------
# SigV4 / SigV2


def amz_now(offset_seconds=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return t.strftime("%Y%m%dT%H%M%SZ")


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret, date, region=REGION, service=SERVICE):
    k = _hmac(("AWS4" + secret).encode("utf-8"), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def canonical_query(query):
    """query: list of (name, value) pairs, unencoded."""
    pairs = sorted((uri_encode(k), uri_encode(v)) for k, v in query)
    return "&".join("%s=%s" % kv for kv in pairs)


def encoded_query(query):
    """The query string as sent: same encoding as the canonical one, original order."""
    return "&".join("%s=%s" % (uri_encode(k), uri_encode(v)) for k, v in query)


class SigV4:
    """Signs requests the way an AWS SDK does, with a caller-chosen clock."""

    def __init__(self, access_key, secret, region=REGION, service=SERVICE):
        self.access_key = access_key
        self.secret = secret
        self.region = region
        self.service = service

    def scope(self, amz_date):
        return "%s/%s/%s/aws4_request" % (amz_date[:8], self.region, self.service)

    def signature(self, amz_date, string_to_sign):
        key = signing_key(self.secret, amz_date[:8], self.region, self.service)
        return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()

    def canonical_request(self, method, path, query, headers, signed_headers, payload_hash):
        lower = {k.lower(): " ".join(str(v).strip().split()) for k, v in headers.items()}
        canon_headers = "".join("%s:%s\n" % (h, lower[h]) for h in signed_headers)
        return "\n".join([method, path, canonical_query(query), canon_headers,
                          ";".join(signed_headers), payload_hash])

    def sign_headers(self, method, path, query, headers, payload_hash, amz_date=None):
        """Adds x-amz-date, x-amz-content-sha256 and Authorization to `headers` (a dict with a
        Host entry). Signs every header given. Returns the seed signature."""
        amz_date = amz_date or amz_now()
        headers["x-amz-date"] = amz_date
        headers["x-amz-content-sha256"] = payload_hash
        signed = sorted(k.lower() for k in headers)
        creq = self.canonical_request(method, path, query, headers, signed, payload_hash)
        sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, self.scope(amz_date),
                         sha256_hex(creq.encode("utf-8"))])
        sig = self.signature(amz_date, sts)
        headers["Authorization"] = (
            "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
            % (self.access_key, self.scope(amz_date), ";".join(signed), sig))
        return sig

    def presign(self, method, host, path, expires=3600, amz_date=None, query=()):
        """Returns the path?query of a presigned URL (UNSIGNED-PAYLOAD, only host signed)."""
        amz_date = amz_date or amz_now()
        q = list(query) + [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "%s/%s" % (self.access_key, self.scope(amz_date))),
            ("X-Amz-Date", amz_date),
            ("X-Amz-Expires", str(expires)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        creq = self.canonical_request(method, path, q, {"host": host}, ["host"], UNSIGNED_PAYLOAD)
        sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, self.scope(amz_date),
                         sha256_hex(creq.encode("utf-8"))])
        q.append(("X-Amz-Signature", self.signature(amz_date, sts)))
        return path + "?" + encoded_query(q)

    def chunk_signature(self, amz_date, previous_signature, chunk):
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, self.scope(amz_date),
                         previous_signature, EMPTY_SHA256, sha256_hex(chunk)])
        return self.signature(amz_date, sts)


def presign_v2(access_key, secret, path, expires_epoch, method="GET"):
    """SigV2 query-string authentication (what boto3 generate_presigned_url produces by default
    for S3 in us-east-1). `path` is the encoded path."""
    sts = "%s\n\n\n%d\n%s" % (method, expires_epoch, path)
    sig = base64.b64encode(hmac.new(secret.encode(), sts.encode(), hashlib.sha1).digest())
    return "%s?AWSAccessKeyId=%s&Expires=%d&Signature=%s" % (
        path, uri_encode(access_key), expires_epoch, uri_encode(sig.decode()))


def aws_chunked_signed(signer, amz_date, seed_signature, data, chunk_size=64 * 1024):
    """An aws-chunked body with chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD).
    Returns a list of (chunk_data, encoded_bytes) so callers can tamper with one."""
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    out = []
    prev = seed_signature
    for c in chunks:
        sig = signer.chunk_signature(amz_date, prev, c)
        out.append((c, b"%x;chunk-signature=%s\r\n%s\r\n" % (len(c), sig.encode(), c)))
        prev = sig
    return out


def aws_chunked_signed_length(data_len, chunk_size=64 * 1024):
    n_full, rest = divmod(data_len, chunk_size)
    sizes = [chunk_size] * n_full + ([rest] if rest else []) + [0]
    return sum(len("%x" % s) + len(";chunk-signature=") + 64 + 2 + s + 2 for s in sizes)


def aws_chunked_unsigned_trailer(data, trailer_name, trailer_value, chunk_size=64 * 1024):
    """An aws-chunked body without chunk signatures, ending with one trailer (the shape botocore
    sends for STREAMING-UNSIGNED-PAYLOAD-TRAILER)."""
    body = b""
    for i in range(0, len(data), chunk_size):
        c = data[i:i + chunk_size]
        body += b"%x\r\n%s\r\n" % (len(c), c)
    body += b"0\r\n%s:%s\r\n\r\n" % (trailer_name.encode(), trailer_value.encode())
    return body


# ---------------------------------------------------------------------------------------------
# Raw HTTP


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-case names
        self.body = body

    def __repr__(self):
        return "Response(%d %s, %r, %r)" % (self.status, self.reason, self.headers, self.body[:500])


class RawClient:
    """Sends one request per connection with http.client; signs with SigV4 unless told not to."""

    def __init__(self, endpoint, access_key, secret):
        u = urllib.parse.urlsplit(endpoint)
        self.host = u.hostname
        self.port = u.port
        self.netloc = u.netloc
        self.access_key = access_key
        self.secret = secret
        self.signer = SigV4(access_key, secret)

    def connect(self, timeout=30):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def send(self, method, path_and_query, headers, body=b"", timeout=30):
        conn = self.connect(timeout)
        try:
            conn.putrequest(method, path_and_query, skip_host=True, skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.endheaders()
            if body:
                conn.send(body)
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, r.reason, {k.lower(): v for k, v in r.getheaders()}, data)
        finally:
            conn.close()

    def request(self, method, path, query=(), headers=None, body=b"", sign=True,
                payload_hash=None, amz_date=None, signer=None, host=None, content_length=True):
        headers = dict(headers or {})
        headers.setdefault("Host", host or self.netloc)
        if content_length and (body or method in ("PUT", "POST")):
            headers.setdefault("Content-Length", str(len(body)))
        if sign:
            (signer or self.signer).sign_headers(
                method, path, list(query), headers,
                payload_hash if payload_hash is not None else sha256_hex(body), amz_date)
        target = path + ("?" + encoded_query(query) if query else "")
        return self.send(method, target, headers, body)

    def get_object(self, bucket, key):
        return self.request("GET", key_path(bucket, key))


def raw_socket_exchange(host, port, data, timeout=10, half_close=False):
    """Writes raw bytes, returns whatever the server answers before closing (or timeout)."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        try:
            s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server stopped reading (EPIPE, ECONNRESET, ENOTCONN); its answer may
            # still be there
        chunks = []
        while True:
            try:
                c = s.recv(65536)
            except OSError:  # timeout, reset
                break
            if not c:
                break
            chunks.append(c)
            if b"\r\n\r\n" in b"".join(chunks) and not half_close:
                # Enough to see a status line and headers; read the rest if Content-Length says.
                head, _, rest = b"".join(chunks).partition(b"\r\n\r\n")
                length = None
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length is not None and len(rest) >= length:
                    break
        return b"".join(chunks)
    finally:
        s.close()


def parse_raw_response(data):
    """(status, headers, body) from raw bytes of one HTTP/1.1 response."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode()] = value.strip().decode("latin-1")
    return status, headers, body


# ---------------------------------------------------------------------------------------------
# Error assertions


def parse_error_xml(body):
    """Returns {Code, Message, RequestId, ...} from an S3 <Error> document; asserts its shape."""
    assert body, "error response has no body"
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        raise AssertionError("error body is not XML (%s): %r" % (e, body[:300]))
    tag = root.tag.split("}")[-1]
    assert tag == "Error", "error root element is %r, not Error: %r" % (root.tag, body[:300])
    fields = {child.tag.split("}")[-1]: (child.text or "") for child in root}
    for name in ("Code", "Message", "RequestId"):
        assert name in fields, "error XML lacks <%s>: %r" % (name, body[:300])
    assert fields["Code"], "empty <Code>"
    return fields


def assert_error_response(resp, code, status, method="GET"):
    """For raw responses: exact status, x-amz-request-id header, and (unless HEAD) an XML body
    with Code (== code), Message and RequestId (== the header)."""
    assert resp.status == status, "expected %d %s, got %r" % (status, code, resp)
    rid = resp.headers.get("x-amz-request-id")
    assert rid or RELAXED, "no x-amz-request-id header on error response: %r" % resp
    if method == "HEAD":
        return None
    fields = parse_error_xml(resp.body)
    assert fields["Code"] == code, "expected code %s, got %r" % (code, resp)
    assert fields["RequestId"] == rid or RELAXED, "RequestId in body %r != header %r" % (
        fields["RequestId"], rid)
    ctype = resp.headers.get("content-type", "")
    assert "xml" in ctype, "error Content-Type is %r" % ctype
    return fields


class RawCapture:
    """Keeps the last raw HTTP response a boto3 client received (registered on after-call), so
    error tests can check the XML body itself, not only what botocore made of it."""

    def __init__(self, client):
        self.last = None
        client.meta.events.register("after-call.s3", self._after_call)
        # Errors that raise go through after-call too (botocore emits it before raising).

    def _after_call(self, http_response=None, **kwargs):
        self.last = http_response


def assert_client_error(err, code, status, capture=None):
    """For botocore ClientError: exact code and status, and the raw response carried
    x-amz-request-id and (for non-HEAD) a well-formed <Error> XML body."""
    resp = err.response
    got_status = resp["ResponseMetadata"]["HTTPStatusCode"]
    got_code = resp["Error"].get("Code")
    assert (got_code, got_status) == (code, status), \
        "expected %s/%d, got %s/%d: %r" % (code, status, got_code, got_status, resp)
    headers = resp["ResponseMetadata"].get("HTTPHeaders", {})
    assert headers.get("x-amz-request-id") or RELAXED, "no x-amz-request-id header: %r" % resp
    if capture is not None and capture.last is not None:
        raw = capture.last
        if raw.status_code == status and raw.content:
            fields = parse_error_xml(raw.content)
            assert fields["Code"] == code
            assert RELAXED or fields["RequestId"] == headers["x-amz-request-id"]
    return resp
