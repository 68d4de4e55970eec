r"""S3 browser uploads ("POST Object"): an HTML form POSTed to the bucket URL as
multipart/form-data, authorized by a signed POST policy instead of a signed request.

Forms come from boto3's own generate_presigned_post (SigV4 with Config(signature_version='s3v4'),
SigV2 with 's3'; the default client of both boto3 versions signs POST policies with SigV2 in
us-east-1), or, where a test needs a policy botocore would not write, from a policy signed here
(the signer is checked against AWS's published example and against botocore first). Bodies are
built here byte by byte (field order, name case, parts after the file, broken bodies) and sent
with http.client; one test sends botocore's form with `requests` as boto3's documentation does.
run.sh runs this file under both boto3 versions.

AWS behaviour is the spec. The sources, cited by short name next to the assertions:
  RESTObjectPOST   Developer guide, "POST Object" (RESTObjectPOST): form fields,
                   success_action_status, the 201 PostResponse elements (Bucket, Key, ETag,
                   Location), x-amz-version-id, "the file field is the last field", Content-MD5
  v2-forms         Developer guide, "HTML forms (AWS signature version 2)" (HTTPPOSTForms): the
                   field table ("Any fields below [file] are ignored", `${filename}` keeps only
                   what follows the last / or \, success_action_redirect "appends the bucket,
                   key, and etag values as query string parameters", "If Amazon S3 cannot
                   interpret the URL, it ignores the field", status "set to an invalid value ...
                   204", "Requests without a security policy are considered anonymous and will
                   succeed only on publicly writable buckets"), policy construction (expiration
                   required; every field but AWSAccessKeyId, signature, file, policy and
                   x-ignore-* needs a condition; eq in both forms; starts-with "" matches
                   anything; content-length-range) and the SigV2 signature (base64 HMAC-SHA1 of
                   the base64 policy)
  v4-policy        Developer guide, "POST Policy" (sigv4-HTTPPOSTConstructPolicy): conditions
                   table, the coverage rule ("except x-amz-signature, file, policy, and field
                   names that have an x-ignore- prefix"), "Matching Content-Types in a
                   Comma-Separated List"
  v4-auth          Developer guide, "Authenticating Requests: Browser-Based Uploads Using POST
                   (AWS Signature Version 4)" (sigv4-authentication-HTTPPOST): policy,
                   x-amz-algorithm, x-amz-credential, x-amz-date, x-amz-signature; the policy
                   must carry the algorithm, credential and date
  v4-forms         Developer guide, "Creating an HTML Form (Using AWS Signature Version 4)"
                   (sigv4-HTTPPOSTForms): "The form data and boundaries (excluding the contents
                   of the file) cannot exceed 20KB"; session credentials need one
                   x-amz-security-token field
  v4-example       Developer guide, "Example: Browser-Based Upload using HTTP POST (Using AWS
                   Signature Version 4)" (sigv4-post-example): the signing test vector, the
                   example form, "The post parameters are case insensitive"
  errors           API reference, "Error responses" (ErrorResponses): the codes and their
                   statuses (MalformedPOSTRequest, MaxPostPreDataLengthExceededError,
                   InvalidPolicyDocument, EntityTooLarge/EntityTooSmall, InvalidAccessKeyId,
                   SignatureDoesNotMatch, NoSuchBucket, BadDigest, ...)
  events           User guide, "Event notification types and destinations": s3:ObjectCreated:Post
  ownership        User guide, "Controlling ownership of objects and disabling ACLs": with
                   BucketOwnerEnforced, requests that set an ACL other than
                   bucket-owner-full-control fail with 400 AccessControlListNotSupported
  boto3-docs       boto3 guide "Presigned URLs": generate_presigned_post, then
                   requests.post(url, data=fields, files={'file': ...})
  localstack       LocalStack's AWS-validated recordings of S3 (tests/aws/services/s3/
                   test_s3.py, class TestS3PresignedPost, with .snapshot.json; marked
                   markers.aws.validated): exact codes, messages and elements as S3 sent them
  captures         S3's answers pasted into issue trackers, cited by repository#issue
  s3-tests         ceph/s3-tests test_post_object_* (statuses only; none is fails_on_aws)
Where the error table (errors) and S3's observed answers disagree, the tests follow what S3
sends (a client sees that), and the comment says so. Where no source settles a case, the test
says UNVERIFIED and accepts the outcomes the sources leave open."""

import base64
import datetime
import hashlib
import hmac
import json
import socket
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import unique_name
from s3e2e import (MIB, REGION, Response, amz_now, assert_error_response, deterministic_bytes,
                   key_path, md5_b64, md5_hex, parse_error_xml, sha256_hex, signing_key)
# lam and recorder are fixtures (a Lambda client; a function that writes down its events).
from test_events import (allow_s3, function_arn, lam, lambda_rule, put_notifications,  # noqa: F401
                         recorder, seen, wait_for)
from test_iam import User, allow, client as iam_client, doc
from test_s3_cors_tagging import ORIGIN, assert_cors, assert_no_cors, preflight, put_rules

ALGORITHM = "AWS4-HMAC-SHA256"
ISO8601 = "%Y-%m-%dT%H:%M:%SZ"  # botocore's expiration format (auth.py ISO8601)
EMPTY_ETAG = '"d41d8cd98f00b204e9800998ecf8427e"'
CHUNK = 256 * 1024


# ---- Forms -----------------------------------------------------------------------------------

class File:
    """The form's file part: `name` "file" unless a test says otherwise; no filename parameter
    when filename is None; no part Content-Type unless given (a browser sends the file's)."""

    def __init__(self, content, filename="upload.bin", content_type=None, name="file"):
        self.content = content
        self.filename = filename
        self.content_type = content_type
        self.name = name


def as_bytes(value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def encode_form(parts, boundary):
    """multipart/form-data as browsers write it (RFC 7578, WHATWG HTML): each part is the
    delimiter line, Content-Disposition (and a Content-Type for a file that has one), a blank
    line and the value; then the close delimiter. `parts`: (name, value) pairs and Files, in
    order."""
    b = as_bytes(boundary)
    out = []
    for part in parts:
        if isinstance(part, File):
            disposition = 'form-data; name="%s"' % part.name
            if part.filename is not None:
                disposition += '; filename="%s"' % part.filename
            head = "Content-Disposition: %s\r\n" % disposition
            if part.content_type is not None:
                head += "Content-Type: %s\r\n" % part.content_type
            value = part.content
        else:
            name, value = part
            head = 'Content-Disposition: form-data; name="%s"\r\n' % name
        out.append(b"--" + b + b"\r\n" + head.encode("utf-8") + b"\r\n" + as_bytes(value) +
                   b"\r\n")
    out.append(b"--" + b + b"--\r\n")
    return b"".join(out)


def new_boundary():
    return "----evokeFormBoundary" + uuid.uuid4().hex


def send(raw, method, path, headers, body, timeout=60):
    """One request on its own connection; the body goes out in pieces. A server that answers
    before it has read the whole body (and stops reading) still has its answer read."""
    conn = raw.connect(timeout)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        try:
            for i in range(0, len(body), CHUNK):
                conn.send(body[i:i + CHUNK])
        except (BrokenPipeError, ConnectionResetError):
            pass
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, r.reason, {k.lower(): v for k, v in r.getheaders()}, data)
    finally:
        conn.close()


def post_form(raw, bucket, parts, boundary=None, content_type=None, body=None, host=None,
              path=None, headers=None):
    """POSTs a form to the bucket URL (path style unless host/path say otherwise), unsigned:
    the form carries its own authorization."""
    boundary = boundary or new_boundary()
    if body is None:
        body = encode_form(parts, boundary)
    h = {"Host": host or raw.netloc,
         "Content-Type": ("multipart/form-data; boundary=" + boundary
                          if content_type is None else content_type),
         "Content-Length": str(len(body))}
    if content_type == "":
        del h["Content-Type"]
    h.update(headers or {})
    return send(raw, "POST", path or key_path(bucket), h, body)


def boto_form(client, bucket, key, fields=None, conditions=None, expires_in=600):
    """generate_presigned_post's fields, in the order botocore gives them."""
    post = client.generate_presigned_post(bucket, key, Fields=fields, Conditions=conditions,
                                          ExpiresIn=expires_in)
    return list(post["fields"].items())


def with_file(fields, content, after=(), **file_kwargs):
    return list(fields) + [File(content, **file_kwargs)] + list(after)


def replaced(fields, name, value):
    assert any(k == name for k, _ in fields), (name, fields)
    return [(k, value if k == name else v) for k, v in fields]


def without(fields, *names):
    return [(k, v) for k, v in fields if k not in names]


def field(fields, name):
    return dict(fields)[name]


def expires_at(seconds, fmt=ISO8601):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return t.strftime(fmt)


def policy_signature_v4(secret, amz_date, policy_b64, region=REGION):
    """v4-auth: "Create the signature as an HMAC-SHA256 hash of the string to sign" (the base64
    policy) with the SigV4 signing key of the date, region and s3; hex."""
    key = signing_key(secret, amz_date[:8], region, "s3")
    return hmac.new(key, policy_b64.encode(), hashlib.sha256).hexdigest()


def policy_signature_v2(secret, policy_b64):
    """v2-forms "Constructing a signature": HMAC-SHA1 of the base64 policy, base64."""
    return base64.b64encode(hmac.new(secret.encode(), policy_b64.encode(),
                                     hashlib.sha1).digest()).decode()


def credential(access_key, amz_date, region=REGION):
    return "%s/%s/%s/s3/aws4_request" % (access_key, amz_date[:8], region)


def b64(text):
    return base64.b64encode(text.encode("utf-8")).decode()


def hand_form(target, bucket, key, conditions=(), fields=(), key_condition="eq", expires_in=600,
              expiration=None, document=None, policy_text=None, policy_b64=None,
              access_key=None, secret=None, algorithm=ALGORITHM, region=REGION):
    """A SigV4 form whose policy is signed here, in botocore's shape: key, `fields`, then
    x-amz-algorithm, x-amz-credential, x-amz-date, policy, x-amz-signature. The conditions are
    `conditions`, then {"bucket"}, the key's ({"key": key}; key_condition=None leaves it out),
    and the three auth fields. `document` replaces the whole policy document, `policy_text` its
    JSON text, `policy_b64` the field as sent; the signature is always over what is sent."""
    access_key = access_key or target.access_key
    secret = secret or target.secret
    amz_date = amz_now()
    cred = credential(access_key, amz_date, region)
    if policy_b64 is None:
        if policy_text is None:
            if document is None:
                conds = list(conditions) + [{"bucket": bucket}]
                if key_condition == "eq":
                    conds.append({"key": key})
                conds += [{"x-amz-algorithm": algorithm}, {"x-amz-credential": cred},
                          {"x-amz-date": amz_date}]
                document = {"expiration": expiration or expires_at(expires_in),
                            "conditions": conds}
            policy_text = json.dumps(document)
        policy_b64 = b64(policy_text)
    out = ([("key", key)] if key is not None else []) + list(fields)
    out += [("x-amz-algorithm", algorithm), ("x-amz-credential", cred),
            ("x-amz-date", amz_date), ("policy", policy_b64),
            ("x-amz-signature", policy_signature_v4(secret, amz_date, policy_b64, region))]
    return out


def auth_conditions(fields):
    """The auth-field conditions a policy must carry (v4-auth), from a form's fields."""
    return [{name: field(fields, name)}
            for name in ("x-amz-algorithm", "x-amz-credential", "x-amz-date")]


# ---- Assertions ------------------------------------------------------------------------------

def etag_of(content):
    return '"%s"' % md5_hex(content)


def assert_created(r, content, status=204):
    """A stored upload: the status asked for, the object's ETag (RESTObjectPOST: "The entity tag
    ... is an MD5 hash of the object"; the 204 carries ETag and Location: captures
    localstack/localstack#3404, a 204 from S3 with `Location:`)."""
    assert r.status == status, r
    assert r.headers.get("etag") == etag_of(content), r
    return r


def assert_location(location, bucket, key):
    """The object's URL: S3 percent-encodes the key in it (captures: s3rver#504
    `.../pr%C3%A9sident.jpg`, ceph#20330 `.../prefix%2F111222`), so it is compared decoded;
    the host is the server's."""
    assert location.startswith("http://") or location.startswith("https://"), location
    assert urllib.parse.unquote(location).endswith("/%s/%s" % (bucket, key)), location


def assert_stored(s3, bucket, key, content):
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == content
    return got


def assert_absent(s3, bucket, key):
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key=key)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def assert_empty(s3, bucket):
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def refused(r, code, status, message=None):
    """An S3 error document (code, status, Message, RequestId = x-amz-request-id)."""
    fields = assert_error_response(r, code, status, "POST")
    if message is not None:
        assert fields["Message"] == message, r
    return fields


def refused_one_of(r, codes, status):
    assert r.status == status, r
    fields = parse_error_xml(r.body)
    assert fields["Code"] in codes, r
    assert fields["RequestId"] == r.headers.get("x-amz-request-id"), r
    return fields


def condition_failed(condition):
    """S3 prints the failed condition as JSON, simple conditions as "eq" arrays (captures:
    boto/boto3#4514 `Invalid according to Policy: Policy Condition failed: ["eq", "$key",
    "/2025/0267$$Copy.csv"]`; localstack: `["eq", "$success_action_redirect", "..."]`)."""
    return "Invalid according to Policy: Policy Condition failed: " + json.dumps(condition)


def refused_by_policy(r, message):
    """Failed conditions, extra fields, expiry: 403 AccessDenied "Invalid according to Policy:
    ..." (localstack; captures). The error table's 400 InvalidPolicyDocument is what S3 sends
    for a policy it cannot read (see test_malformed_policy), not for one the form fails."""
    return refused(r, "AccessDenied", 403, message)


def assert_still_serving(s3, bucket):
    s3.put_object(Bucket=bucket, Key="alive-check", Body=b"alive")
    assert s3.get_object(Bucket=bucket, Key="alive-check")["Body"].read() == b"alive"
    s3.delete_object(Bucket=bucket, Key="alive-check")


# ---- Fixtures --------------------------------------------------------------------------------

@pytest.fixture
def v4(target):
    """Forms signed with SigV4."""
    return target.boto3_client(config=Config(signature_version="s3v4"))


@pytest.fixture
def v2(target):
    """Forms signed with SigV2."""
    return target.boto3_client(config=Config(signature_version="s3"))


@pytest.fixture
def acl_bucket(s3, bucket):
    """A bucket with ACLs enabled (ObjectWriter) and no Block Public Access (test_s3_acl's)."""
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.delete_public_access_block(Bucket=bucket)
    return bucket


@pytest.fixture
def iam(target):
    return iam_client(target, "iam")


# ---- The policy signer (no server needed) -----------------------------------------------------

# v4-example's POST policy, byte for byte ("it should have carriage returns and new lines for
# your computed hash to match"), signed with its example credentials on 20151229.
AWS_EXAMPLE_POLICY = "\r\n".join([
    '{ "expiration": "2015-12-30T12:00:00.000Z",',
    '  "conditions": [',
    '    {"bucket": "sigv4examplebucket"},',
    '    ["starts-with", "$key", "user/user1/"],',
    '    {"acl": "public-read"},',
    '    {"success_action_redirect": '
    '"http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},',
    '    ["starts-with", "$Content-Type", "image/"],',
    '    {"x-amz-meta-uuid": "14365123651274"},',
    '    {"x-amz-server-side-encryption": "AES256"},',
    '    ["starts-with", "$x-amz-meta-tag", ""],',
    '',
    '    {"x-amz-credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},',
    '    {"x-amz-algorithm": "AWS4-HMAC-SHA256"},',
    '    {"x-amz-date": "20151229T000000Z" }',
    '  ]',
    '}'])


def test_policy_signature_matches_the_aws_example():
    policy = b64(AWS_EXAMPLE_POLICY)
    assert len(AWS_EXAMPLE_POLICY.encode()) == 648 and len(policy) == 864
    assert policy_signature_v4("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20151229T000000Z",
                               policy) == \
        "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"


@pytest.mark.parametrize("version", ["s3v4", "s3", None])
def test_policy_signature_matches_botocore(version):
    ak, sk = "AKIDSIGNERSELFCHECK1", "signerSelfCheckSecret0000000000000000000"
    client = boto3.client("s3", endpoint_url="http://127.0.0.1:9", region_name=REGION,
                          aws_access_key_id=ak, aws_secret_access_key=sk,
                          config=Config(signature_version=version) if version else None)
    post = client.generate_presigned_post("bkt", "up/${filename}", ExpiresIn=600)
    assert post["url"] == "http://127.0.0.1:9/bkt"
    fields = post["fields"]
    conditions = json.loads(base64.b64decode(fields["policy"]))["conditions"]
    assert {"bucket": "bkt"} in conditions and ["starts-with", "$key", "up/"] in conditions
    if "x-amz-signature" in fields:
        assert version == "s3v4" or version is None
        assert fields["x-amz-algorithm"] == ALGORITHM
        assert fields["x-amz-credential"] == credential(ak, fields["x-amz-date"])
        assert fields["x-amz-signature"] == policy_signature_v4(sk, fields["x-amz-date"],
                                                                fields["policy"])
    else:  # SigV2: what the default client of both boto3 versions writes in us-east-1
        assert version in ("s3", None)
        assert fields["AWSAccessKeyId"] == ak
        assert fields["signature"] == policy_signature_v2(sk, fields["policy"])


# ---- Uploads that succeed --------------------------------------------------------------------

# Headers a form may set (v2-forms: "Cache-Control, Content-Type, Content-Disposition,
# Content-Encoding, Expires"; x-amz-meta-*), each covered by its own condition.
HEADER_FIELDS = {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "max-age=60, private",
    "Content-Disposition": 'attachment; filename="report.txt"',
    "Expires": "Wed, 21 Oct 2037 07:28:00 GMT",
    "x-amz-meta-camera": "X100",
    "x-amz-meta-album": "holidays 2026",
}


@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_upload_and_read_back(target, s3, raw, bucket, version):
    client = target.boto3_client(config=Config(signature_version=version))
    post = client.generate_presigned_post(bucket, "docs/report.txt", Fields=HEADER_FIELDS,
                                          Conditions=[{k: v} for k, v in HEADER_FIELDS.items()])
    # The form's action is the bucket's URL (v2-forms "HTML form declaration").
    assert post["url"] == "%s/%s" % (target.endpoint, bucket)
    content = b"quarterly numbers\n" * 100
    r = post_form(raw, bucket, with_file(post["fields"].items(), content, filename="r.txt"))
    # No success_action_status: "an empty document with a 204 status code" (RESTObjectPOST).
    assert_created(r, content, 204)
    assert r.body == b""
    assert_location(r.headers.get("location", ""), bucket, "docs/report.txt")
    got = assert_stored(s3, bucket, "docs/report.txt", content)
    assert got["ContentType"] == HEADER_FIELDS["Content-Type"]
    assert got["CacheControl"] == HEADER_FIELDS["Cache-Control"]
    assert got["ContentDisposition"] == HEADER_FIELDS["Content-Disposition"]
    assert got["Metadata"] == {"camera": "X100", "album": "holidays 2026"}
    assert got["ETag"] == etag_of(content)
    g = raw.request("GET", key_path(bucket, "docs/report.txt"))
    assert g.status == 200 and g.headers.get("expires") == HEADER_FIELDS["Expires"], g


def test_upload_with_requests_as_boto3_documents_it(v4, s3, bucket):
    import requests  # both interpreters of run.sh have it
    # boto3-docs: "response = requests.post(response['url'], data=response['fields'],
    # files=files)". requests puts the file after the fields, name "file", with its filename.
    post = v4.generate_presigned_post(bucket, "from-requests.txt", ExpiresIn=600)
    with requests.Session() as session:
        session.trust_env = False  # no proxy of the environment
        r = session.post(post["url"], data=post["fields"],
                         files={"file": ("local name.txt", b"uploaded with requests")},
                         timeout=60)
    assert r.status_code == 204, r.content
    assert r.headers.get("ETag") == etag_of(b"uploaded with requests")
    assert_stored(s3, bucket, "from-requests.txt", b"uploaded with requests")


def test_virtual_host_style(v4, s3, raw, bucket):
    # v2-forms: the action "must be set to the URL of the bucket", e.g.
    # http://johnsmith.s3.amazonaws.com/: POST / with the bucket in the Host.
    fields = boto_form(v4, bucket, "vhost.txt")
    r = post_form(raw, bucket, with_file(fields, b"via vhost"), path="/",
                  host="%s.localhost:%d" % (bucket, raw.port))
    assert_created(r, b"via vhost")
    assert_stored(s3, bucket, "vhost.txt", b"via vhost")


def test_aws_example_form(target, s3, raw, bucket):
    """v4-example's policy and form, for this bucket and these keys: expiration with
    milliseconds, CRLF line ends, the example's field names (X-Amz-Credential, X-Amz-Algorithm,
    X-Amz-Date, Policy, X-Amz-Signature against lower-case conditions: "The post parameters
    are case insensitive"), an empty x-amz-meta-tag, and a submit field after the file. (The
    example's x-amz-server-side-encryption field is left out.)"""
    amz_date = amz_now()
    cred = credential(target.access_key, amz_date)
    redirect = "http://app.example.com/successful_upload.html"
    policy_text = "\r\n".join([
        '{ "expiration": "%s",' % expires_at(600, "%Y-%m-%dT%H:%M:%S.000Z"),
        '  "conditions": [',
        '    {"bucket": "%s"},' % bucket,
        '    ["starts-with", "$key", "user/user1/"],',
        '    {"success_action_redirect": "%s"},' % redirect,
        '    ["starts-with", "$Content-Type", "image/"],',
        '    {"x-amz-meta-uuid": "14365123651274"},',
        '    ["starts-with", "$x-amz-meta-tag", ""],',
        '',
        '    {"x-amz-credential": "%s"},' % cred,
        '    {"x-amz-algorithm": "AWS4-HMAC-SHA256"},',
        '    {"x-amz-date": "%s" }' % amz_date,
        '  ]',
        '}'])
    policy = b64(policy_text)
    content = b"\xff\xd8\xff\xe0 not really a jpeg"
    parts = [("key", "user/user1/${filename}"), ("success_action_redirect", redirect),
             ("Content-Type", "image/jpeg"), ("x-amz-meta-uuid", "14365123651274"),
             ("X-Amz-Credential", cred), ("X-Amz-Algorithm", ALGORITHM), ("X-Amz-Date", amz_date),
             ("x-amz-meta-tag", ""), ("Policy", policy),
             ("X-Amz-Signature", policy_signature_v4(target.secret, amz_date, policy)),
             File(content, filename="MyPicture.jpg", content_type="image/jpeg"),
             ("submit", "Upload to Amazon S3")]
    r = post_form(raw, bucket, parts)
    assert r.status == 303, r
    query = urllib.parse.parse_qsl(urllib.parse.urlsplit(r.headers["location"]).query)
    assert query == [("bucket", bucket), ("key", "user/user1/MyPicture.jpg"),
                     ("etag", etag_of(content))], r
    got = assert_stored(s3, bucket, "user/user1/MyPicture.jpg", content)
    assert got["ContentType"] == "image/jpeg"
    assert got["Metadata"].get("uuid") == "14365123651274"
    assert got["Metadata"].get("tag", "") == ""


def test_form_as_aws_sdk_js_v3_builds_it(target, s3, raw, bucket):
    """The shape of aws-sdk-js-v3's createPresignedPost (a browser app's form): a `bucket`
    field, capitalized X-Amz-* and Policy names, condition keys spelled as the fields, compact
    JSON. Field and condition names match without regard to case (v4-example; localstack:
    `$content-type` for Content-Type accepted); metadata keys are stored in lower case (user
    guide "Working with object metadata": "Amazon S3 stores user-defined metadata keys in
    lowercase"; localstack: x-amz-meta-TEST-2 stored as test-2)."""
    amz_date = amz_now()
    cred = credential(target.access_key, amz_date)
    key = "js/upload.png"
    conditions = [{"bucket": bucket}, {"X-Amz-Algorithm": ALGORITHM}, {"X-Amz-Credential": cred},
                  {"X-Amz-Date": amz_date}, {"key": key}, {"x-amz-meta-camera": "X100"},
                  ["starts-with", "$content-type", "image/"]]
    policy = b64(json.dumps({"expiration": expires_at(600), "conditions": conditions},
                            separators=(",", ":")))
    parts = [("bucket", bucket), ("X-Amz-Algorithm", ALGORITHM), ("X-Amz-Credential", cred),
             ("X-Amz-Date", amz_date), ("Key", key), ("X-Amz-Meta-Camera", "X100"),
             ("Content-Type", "image/png"), ("Policy", policy),
             ("X-Amz-Signature", policy_signature_v4(target.secret, amz_date, policy)),
             File(b"\x89PNG...", filename="upload.png", content_type="image/png")]
    assert_created(post_form(raw, bucket, parts), b"\x89PNG...")
    got = assert_stored(s3, bucket, key, b"\x89PNG...")
    assert got["ContentType"] == "image/png"
    assert got["Metadata"] == {"camera": "X100"}


def test_acl_field_public_read(v4, s3, raw, acl_bucket):
    # v2-forms: acl, one of the canned ACLs; a public-read object is readable by anyone.
    fields = boto_form(v4, acl_bucket, "public.jpg", fields={"acl": "public-read"},
                       conditions=[{"acl": "public-read"}])
    assert_created(post_form(raw, acl_bucket, with_file(fields, b"for everyone")),
                   b"for everyone")
    r = raw.request("GET", key_path(acl_bucket, "public.jpg"), sign=False)
    assert r.status == 200 and r.body == b"for everyone", r
    # Without an acl field the object is private ("Default: private").
    fields = boto_form(v4, acl_bucket, "private.jpg")
    assert_created(post_form(raw, acl_bucket, with_file(fields, b"mine")), b"mine")
    r = raw.request("GET", key_path(acl_bucket, "private.jpg"), sign=False)
    assert_error_response(r, "AccessDenied", 403)


def test_acl_field_on_a_bucket_without_acls(v4, s3, raw, bucket):
    # New buckets enforce bucket-owner ownership: an ACL other than bucket-owner-full-control is
    # refused, 400 AccessControlListNotSupported (ownership; as PutObject in test_s3_acl).
    fields = boto_form(v4, bucket, "k", fields={"acl": "public-read"},
                       conditions=[{"acl": "public-read"}])
    refused(post_form(raw, bucket, with_file(fields, b"x")), "AccessControlListNotSupported",
            400, "The bucket does not allow ACLs")
    assert_absent(s3, bucket, "k")
    fields = boto_form(v4, bucket, "k", fields={"acl": "bucket-owner-full-control"},
                       conditions=[{"acl": "bucket-owner-full-control"}])
    assert_created(post_form(raw, bucket, with_file(fields, b"x")), b"x")


TAGGING = ("<Tagging><TagSet><Tag><Key>project</Key><Value>thumbs</Value></Tag>"
           "<Tag><Key>stage</Key><Value>raw</Value></Tag></TagSet></Tagging>")


def test_tagging_field(v4, s3, raw, bucket):
    # RESTObjectPOST: tagging, "<Tagging><TagSet><Tag><Key>TagName</Key><Value>TagValue</Value>
    # </Tag>...</TagSet></Tagging>" (s3-tests test_post_object_tags_authenticated_request).
    fields = boto_form(v4, bucket, "tagged", fields={"tagging": TAGGING},
                       conditions=[["starts-with", "$tagging", ""]])
    assert_created(post_form(raw, bucket, with_file(fields, b"tagged")), b"tagged")
    assert s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"] == [
        {"Key": "project", "Value": "thumbs"}, {"Key": "stage", "Value": "raw"}]
    # Not XML: 400 MalformedXML (localstack, "not-xml").
    fields = boto_form(v4, bucket, "badly-tagged", fields={"tagging": "not-xml"},
                       conditions=[["starts-with", "$tagging", ""]])
    refused(post_form(raw, bucket, with_file(fields, b"x")), "MalformedXML", 400,
            "The XML you provided was not well-formed or did not validate against our "
            "published schema")
    assert_absent(s3, bucket, "badly-tagged")


@pytest.mark.parametrize("filename,stored_as", [
    ("photo.jpg", "photo.jpg"),
    # v2-forms: "If the browser or client provides a full or partial path to the file, only the
    # text following the last slash (/) or backslash (\) will be used. For example,
    # "C:\Program Files\directory1\file.txt" will be interpreted as "file.txt"."
    ("C:\\Program Files\\directory1\\my file.txt", "my file.txt"),
    ("albums/2026/summer.png", "summer.png"),
], ids=["plain", "windows-path", "unix-path"])
def test_filename_variable(v4, s3, raw, bucket, filename, stored_as):
    # v2-forms: "${filename} is automatically replaced with the name of the file provided by
    # the user and is recognized by all form fields". botocore turns a key ending in
    # ${filename} into ["starts-with", "$key", "uploads/"]: conditions see expanded values.
    fields = boto_form(v4, bucket, "uploads/${filename}",
                       fields={"x-amz-meta-original": "was ${filename}"},
                       conditions=[["starts-with", "$x-amz-meta-original", "was "]])
    r = post_form(raw, bucket, with_file(fields, b"named by the user", filename=filename))
    assert_created(r, b"named by the user")
    assert_location(r.headers.get("location", ""), bucket, "uploads/" + stored_as)
    got = assert_stored(s3, bucket, "uploads/" + stored_as, b"named by the user")
    assert got["Metadata"] == {"original": "was " + stored_as}


@pytest.mark.parametrize("value,status", [
    ("200", 200), ("204", 204), (None, 204),
    # "If the value is not set or if it is set to an invalid value, Amazon S3 returns an empty
    # document with a 204 status code" (v2-forms; s3-tests set_invalid_success_code: 404).
    ("404", 204), ("302", 204), ("not a status", 204),
], ids=["200", "204", "unset", "404", "302", "text"])
def test_success_action_status(v4, s3, raw, bucket, value, status):
    extra = {} if value is None else {"success_action_status": value}
    fields = boto_form(v4, bucket, "status", fields=extra, conditions=[extra] if extra else None)
    r = post_form(raw, bucket, with_file(fields, b"status body"))
    # 200 and 204: "an empty document" (RESTObjectPOST).
    assert_created(r, b"status body", status)
    assert r.body == b"", r
    assert_stored(s3, bucket, "status", b"status body")


def test_success_action_status_201(v4, s3, raw, bucket):
    # 201: "Amazon S3 returns an XML document with a 201 status code" (RESTObjectPOST), whose
    # elements are Bucket, ETag, Key and Location (ancestor PostResponse). No namespace (every
    # capture, e.g. s3rver#504, ceph#20330; s3-tests set_success_code reads
    # ET.fromstring(body).find('Key')). Key raw, Location percent-encoded, ETag quoted.
    key = "uploads/président.jpg"
    fields = boto_form(v4, bucket, key, fields={"success_action_status": "201"},
                       conditions=[{"success_action_status": "201"}])
    content = b"le fichier"
    r = post_form(raw, bucket, with_file(fields, content))
    assert_created(r, content, 201)
    assert "xml" in r.headers.get("content-type", ""), r
    root = ET.fromstring(r.body)
    assert root.tag == "PostResponse", r.body
    elements = {child.tag: child.text for child in root}
    assert set(elements) == {"Location", "Bucket", "Key", "ETag"}, r.body
    assert elements["Bucket"] == bucket
    assert elements["Key"] == key
    assert elements["ETag"] == etag_of(content) == r.headers["etag"]
    assert_location(elements["Location"], bucket, key)
    # The Location header is the element (localstack: "Header Location equals the element").
    assert r.headers.get("location") == elements["Location"], r
    assert_stored(s3, bucket, key, content)


@pytest.mark.parametrize("redirect", [
    "https://app.example.com/uploaded",
    "https://app.example.com/uploaded?from=form&n=1",
], ids=["plain", "with-query"])
def test_success_action_redirect(v4, s3, raw, bucket, redirect):
    # v2-forms: "The URL to which the client is redirected upon successful upload. Amazon S3
    # appends the bucket, key, and etag values as query string parameters to the URL." 303
    # (v2 examples "HTTP/1.1 303 Redirect"; localstack). A URL's own query is kept and the three
    # follow it, form-encoded, the ETag quoted (captures: layervault_ruby_client#8
    # "...&bucket=...&key=8329%2F...+copy.sketch&etag=%22...%22"; s3-tests
    # success_redirect_action: ?bucket=B&key=foo.txt&etag=%22<etag>%22).
    key = "uploads/my photo.jpg"
    fields = boto_form(v4, bucket, key, fields={"success_action_redirect": redirect},
                       conditions=[{"success_action_redirect": redirect}])
    r = post_form(raw, bucket, with_file(fields, b"redirected"))
    assert r.status == 303, r
    location = urllib.parse.urlsplit(r.headers.get("location", ""))
    wanted = urllib.parse.urlsplit(redirect)
    assert location[:3] == wanted[:3], r
    assert urllib.parse.parse_qsl(location.query, keep_blank_values=True) == \
        urllib.parse.parse_qsl(wanted.query) + [("bucket", bucket), ("key", key),
                                                ("etag", etag_of(b"redirected"))], r
    assert_stored(s3, bucket, key, b"redirected")


def test_success_action_redirect_wins_over_the_status(v4, raw, bucket):
    # success_action_status counts only "if success_action_redirect is not specified"
    # (v2-forms).
    extra = {"success_action_redirect": "https://app.example.com/done",
             "success_action_status": "201"}
    fields = boto_form(v4, bucket, "both", fields=extra, conditions=[{k: v} for k, v in
                                                                    extra.items()])
    r = post_form(raw, bucket, with_file(fields, b"both"))
    assert r.status == 303, r
    assert r.headers["location"].startswith("https://app.example.com/done?bucket="), r


def test_success_action_redirect_that_is_not_a_url(v4, s3, raw, bucket):
    # "If Amazon S3 cannot interpret the URL, it ignores the field" (v2-forms): a relative
    # redirect got 204 (localstack, "/wrong/redirect/relative").
    extra = {"success_action_redirect": "/wrong/redirect/relative"}
    fields = boto_form(v4, bucket, "relative", fields=extra, conditions=[extra])
    assert_created(post_form(raw, bucket, with_file(fields, b"kept")), b"kept", 204)
    assert_stored(s3, bucket, "relative", b"kept")


def test_fields_after_the_file_are_ignored(v4, s3, raw, bucket):
    # "The file or content must be the last field in the form. Any fields below it are
    # ignored." (v2-forms); the example forms end with a submit field after the file
    # (v4-example). Ignored means neither applied nor checked against the policy.
    fields = boto_form(v4, bucket, "first-key")
    after = [("x-amz-meta-late", "1"), ("Content-Type", "text/evil"), ("key", "second-key"),
             ("submit", "Upload to Amazon S3")]
    r = post_form(raw, bucket, with_file(fields, b"file last", after=after))
    assert_created(r, b"file last")
    got = assert_stored(s3, bucket, "first-key", b"file last")
    assert got["Metadata"] == {}
    assert got["ContentType"] != "text/evil"
    assert_absent(s3, bucket, "second-key")


def test_x_ignore_fields_need_no_condition(v4, s3, raw, bucket):
    # The coverage rule exempts "field names that have an x-ignore- prefix" (v4-policy,
    # v2-forms; s3-tests ignored_header).
    fields = boto_form(v4, bucket, "ignored")
    parts = with_file(fields + [("x-ignore-tracking", "abc"), ("X-Ignore-Flash", "filename")],
                      b"ignored fields")
    assert_created(post_form(raw, bucket, parts), b"ignored fields")
    assert assert_stored(s3, bucket, "ignored", b"ignored fields")["Metadata"] == {}


def test_content_type_defaults(v4, s3, raw, bucket):
    # No Content-Type field: the object gets S3's default, binary/octet-stream (localstack:
    # a file part without filename or type, stored as binary/octet-stream).
    fields = boto_form(v4, bucket, "untyped")
    assert_created(post_form(raw, bucket, with_file(fields, b"?", filename=None)), b"?")
    assert s3.head_object(Bucket=bucket, Key="untyped")["ContentType"] == "binary/octet-stream"


def test_content_md5_field(v4, s3, raw, bucket):
    # RESTObjectPOST: "use the Content-MD5 form field. ... If they do not match, Amazon S3
    # returns an error": BadDigest, 400 (errors).
    content = b"checked content"
    for key, md5, ok in (("md5-ok", md5_b64(content), True),
                         ("md5-wrong", md5_b64(b"other content"), False)):
        fields = boto_form(v4, bucket, key, fields={"Content-MD5": md5},
                           conditions=[["starts-with", "$Content-MD5", ""]])
        r = post_form(raw, bucket, with_file(fields, content))
        if ok:
            assert_created(r, content)
        else:
            refused(r, "BadDigest", 400)
            assert_absent(s3, bucket, key)


def test_versioned_bucket_returns_the_version_id(v4, s3, raw, bucket):
    # RESTObjectPOST response headers: x-amz-version-id.
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    ids = []
    for content in (b"first", b"second"):
        r = post_form(raw, bucket, with_file(boto_form(v4, bucket, "doc"), content))
        assert_created(r, content)
        ids.append(r.headers.get("x-amz-version-id"))
    listed = s3.list_object_versions(Bucket=bucket, Prefix="doc")["Versions"]
    assert [v["VersionId"] for v in listed] == ids[::-1] and None not in ids
    assert s3.get_object(Bucket=bucket, Key="doc", VersionId=ids[0])["Body"].read() == b"first"
    assert_stored(s3, bucket, "doc", b"second")


def test_object_lock_from_the_bucket_default_and_from_fields(v4, v2, s3, raw):
    # RESTObjectPOST takes the x-amz-object-lock-* fields a PUT takes as headers, and S3 asks
    # "Content-MD5 OR x-amz-checksum-* HTTP header is required for Put Object requests with
    # Object Lock parameters" (docs/object-lock.md), which for a form is the Content-MD5 field.
    # The bucket's default retention applies to a form as to a PUT.
    bucket = "e2e-lock-" + uuid.uuid4().hex[:16]
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    content = b"locked by default"
    r = post_form(raw, bucket, with_file(boto_form(v4, bucket, "no-md5"), content))
    refused(r, "InvalidRequest", 400)
    assert_absent(s3, bucket, "no-md5")
    fields = boto_form(v4, bucket, "default", fields={"Content-MD5": md5_b64(content)},
                       conditions=[["starts-with", "$Content-MD5", ""]])
    assert_created(post_form(raw, bucket, with_file(fields, content)), content)
    head = s3.head_object(Bucket=bucket, Key="default")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)
    lock = {"Content-MD5": md5_b64(content), "x-amz-object-lock-mode": "COMPLIANCE",
            "x-amz-object-lock-retain-until-date": until.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "x-amz-object-lock-legal-hold": "ON"}
    fields = boto_form(v4, bucket, "asked", fields=lock,
                       conditions=[{k: v} for k, v in lock.items()])
    assert_created(post_form(raw, bucket, with_file(fields, content)), content)
    head = s3.head_object(Bucket=bucket, Key="asked")
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockLegalHoldStatus"] == "ON"
    version = head["VersionId"]
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=bucket, Key="asked", VersionId=version)
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    # As for a PUT, lock parameters need a SigV4 signature.
    fields = boto_form(v2, bucket, "v2", fields=lock, conditions=[{k: v} for k, v in lock.items()])
    refused(post_form(raw, bucket, with_file(fields, content)), "InvalidArgument", 400)
    assert_absent(s3, bucket, "v2")


def test_server_side_encryption_fields(v4, s3, raw, bucket):
    # RESTObjectPOST takes x-amz-server-side-encryption as a field and answers with the header,
    # as PutObject does (docs/encryption.md: SSE-S3 recorded and reported; no KMS in evoke).
    content = b"sse"
    fields = boto_form(v4, bucket, "sse", fields={"x-amz-server-side-encryption": "AES256"},
                       conditions=[{"x-amz-server-side-encryption": "AES256"}])
    r = post_form(raw, bucket, with_file(fields, content))
    assert_created(r, content)
    assert r.headers.get("x-amz-server-side-encryption") == "AES256"
    assert s3.head_object(Bucket=bucket, Key="sse")["ServerSideEncryption"] == "AES256"
    fields = boto_form(v4, bucket, "bogus", fields={"x-amz-server-side-encryption": "bogus"},
                       conditions=[{"x-amz-server-side-encryption": "bogus"}])
    refused(post_form(raw, bucket, with_file(fields, content)), "InvalidArgument", 400)
    assert_absent(s3, bucket, "bogus")


def test_large_upload_is_streamed(v4, s3, raw, bucket):
    # Larger than any buffer: 12 MiB and a few bytes, within a content-length-range of 1 byte to
    # 16 MiB (v2-forms "Specifying Ranges"; s3-tests upload_larger_than_chunk).
    content = deterministic_bytes("post-large", 12 * MIB + 5)
    fields = boto_form(v4, bucket, "large.bin",
                       conditions=[["content-length-range", 1, 16 * MIB]])
    r = post_form(raw, bucket, with_file(fields, content))
    assert_created(r, content)
    head = s3.head_object(Bucket=bucket, Key="large.bin")
    assert head["ContentLength"] == len(content) and head["ETag"] == etag_of(content)
    got = s3.get_object(Bucket=bucket, Key="large.bin")["Body"].read()
    assert sha256_hex(got) == sha256_hex(content)


def test_empty_file(v4, s3, raw, bucket):
    # An empty file is an upload of nothing (captures: s3_direct_upload#155, ETag
    # "d41d8cd98f00b204e9800998ecf8427e", the MD5 of nothing); 0 is within a range from 0.
    fields = boto_form(v4, bucket, "empty", conditions=[["content-length-range", 0, 10]])
    r = post_form(raw, bucket, with_file(fields, b""))
    assert_created(r, b"")
    assert r.headers["etag"] == EMPTY_ETAG
    head = s3.head_object(Bucket=bucket, Key="empty")
    assert head["ContentLength"] == 0 and head["ETag"] == EMPTY_ETAG


def test_session_credentials(target, iam, s3, raw, bucket):
    # v4-forms: "If the request is using session credentials, it requires one
    # x-amz-security-token form"; botocore adds the field and its condition.
    user = User(target, iam, unique_name("post"))
    try:
        iam.put_user_policy(UserName=user.name, PolicyName="put", PolicyDocument=doc(
            allow("s3:PutObject", "arn:aws:s3:::%s/*" % bucket)))
        creds = user.client("sts").get_session_token(DurationSeconds=900)["Credentials"]
        ak, sk, token = creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]

        def session_client(tok):
            return boto3.client("s3", endpoint_url=target.endpoint, region_name=REGION,
                                aws_access_key_id=ak, aws_secret_access_key=sk,
                                aws_session_token=tok,
                                config=Config(signature_version="s3v4",
                                              retries={"total_max_attempts": 1}))

        fields = boto_form(session_client(token), bucket, "by-session")
        assert ("x-amz-security-token", token) in fields
        assert_created(post_form(raw, bucket, with_file(fields, b"session upload")),
                       b"session upload")
        assert_stored(s3, bucket, "by-session", b"session upload")

        # Without the token, or with a forged one, the form is refused as a PutObject with the
        # same credentials is (test_iam: InvalidToken for a forged token).
        forged = token[:-8] + ("A" * 8 if not token.endswith("A" * 8) else "B" * 8)
        for tok, form in ((None, without(fields, "x-amz-security-token")),
                          (forged, boto_form(session_client(forged), bucket, "by-session"))):
            with pytest.raises(ClientError) as e:
                session_client(tok).put_object(Bucket=bucket, Key="by-session", Body=b"x")
            want = e.value.response
            r = post_form(raw, bucket, with_file(form, b"refused"))
            refused(r, want["Error"]["Code"], want["ResponseMetadata"]["HTTPStatusCode"])
        assert_stored(s3, bucket, "by-session", b"session upload")
    finally:
        user.delete()


# ---- The policy enforced ---------------------------------------------------------------------

@pytest.mark.parametrize("condition", [
    ["eq", "$x-amz-meta-color", "blue"],
    {"x-amz-meta-color": "blue"},
], ids=["eq", "object"])
def test_exact_match(v4, s3, raw, bucket, condition):
    # v2-forms "Exact Matches": {"acl": "public-read"} and its "alternate way"
    # ["eq", "$acl", "public-read"]. Values compare with case (localstack: HTTP:// vs http://
    # refused).
    for value in ("green", "Blue", "blue "):
        fields = boto_form(v4, bucket, "eq", fields={"x-amz-meta-color": value},
                           conditions=[condition])
        r = post_form(raw, bucket, with_file(fields, b"x"))
        refused_by_policy(r, condition_failed(["eq", "$x-amz-meta-color", "blue"]))
    assert_absent(s3, bucket, "eq")
    fields = boto_form(v4, bucket, "eq", fields={"x-amz-meta-color": "blue"},
                       conditions=[condition])
    assert_created(post_form(raw, bucket, with_file(fields, b"x")), b"x")


def test_starts_with(v4, s3, raw, bucket):
    # v2-forms "Starts With": ["starts-with", "$key", "user/betty/"]. The policy is what is
    # signed, not the fields: a form whose key is changed keeps a valid signature and fails the
    # condition (localstack: wrong prefix and wrong-case prefix refused, 403).
    fields = boto_form(v4, bucket, "user/betty/${filename}")
    for key in ("user/eric/photo.jpg", "User/betty/photo.jpg", "user/betty"):
        r = post_form(raw, bucket, with_file(replaced(fields, "key", key), b"x"))
        refused_by_policy(r, condition_failed(["starts-with", "$key", "user/betty/"]))
    assert_empty(s3, bucket)
    r = post_form(raw, bucket, with_file(replaced(fields, "key", "user/betty/chosen.jpg"), b"x"))
    assert_created(r, b"x")
    assert_stored(s3, bucket, "user/betty/chosen.jpg", b"x")


def test_starts_with_empty_matches_anything(v4, s3, raw, bucket):
    # v2-forms "Matching Any Content": ["starts-with", "$success_action_redirect", ""]; the AWS
    # example form sends x-amz-meta-tag "" against ["starts-with", "$x-amz-meta-tag", ""].
    for value in ("", "anything at all", "$"):
        fields = boto_form(v4, bucket, "any", fields={"x-amz-meta-note": value},
                           conditions=[["starts-with", "$x-amz-meta-note", ""]])
        assert_created(post_form(raw, bucket, with_file(fields, b"x")), b"x")
        assert s3.head_object(Bucket=bucket, Key="any")["Metadata"].get("note", "") == value
    extra = {"success_action_redirect": "https://anywhere.example.net/x"}
    fields = boto_form(v4, bucket, "any", fields=extra,
                       conditions=[["starts-with", "$success_action_redirect", ""]])
    r = post_form(raw, bucket, with_file(fields, b"x"))
    assert r.status == 303 and r.headers["location"].startswith(extra["success_action_redirect"])


@pytest.mark.parametrize("content_type,ok", [
    ("image/png", True),
    # v4-policy "Matching Content-Types in a Comma-Separated List": "Each value in the list
    # must meet the condition for the whole condition to pass": "image/jpg,image/png,image/gif"
    # passes, "image/jpg,text/plain" does not.
    ("image/jpg,image/png,image/gif", True),
    ("text/plain", False),
    ("image/jpg,text/plain", False),
    ("IMAGE/PNG", False),
])
def test_starts_with_on_content_type(v4, s3, raw, bucket, content_type, ok):
    fields = boto_form(v4, bucket, "typed", fields={"Content-Type": content_type},
                       conditions=[["starts-with", "$Content-Type", "image/"]])
    r = post_form(raw, bucket, with_file(fields, b"pixels"))
    if ok:
        assert_created(r, b"pixels")
        assert s3.head_object(Bucket=bucket, Key="typed")["ContentType"] == content_type
    else:
        refused_by_policy(r, condition_failed(["starts-with", "$Content-Type", "image/"]))
        assert_absent(s3, bucket, "typed")


@pytest.mark.parametrize("bounds", [(5, 10), ("5", "10")], ids=["numbers", "strings"])
def test_content_length_range(v4, s3, raw, bucket, bounds):
    # v2-forms "Specifying Ranges": ["content-length-range", min, max]. Outside it: 400
    # EntityTooSmall / EntityTooLarge (errors) with ProposedSize and MinSizeAllowed or
    # MaxSizeAllowed, messages "Your proposed upload is smaller than the minimum allowed size"
    # and "... exceeds the maximum allowed size" (localstack; the error table's texts end in
    # "object size." but S3 sends these). Both bounds are inclusive, and bounds written as
    # strings work the same (localstack).
    fields = boto_form(v4, bucket, "sized", conditions=[["content-length-range"] + list(bounds)])
    for size in (0, 4):
        fields_ = refused(post_form(raw, bucket, with_file(fields, b"s" * size)), "EntityTooSmall",
                          400, "Your proposed upload is smaller than the minimum allowed size")
        assert (fields_.get("ProposedSize"), fields_.get("MinSizeAllowed")) == (str(size), "5")
    for size in (11, 1000):
        fields_ = refused(post_form(raw, bucket, with_file(fields, b"l" * size)), "EntityTooLarge",
                          400, "Your proposed upload exceeds the maximum allowed size")
        assert (fields_.get("ProposedSize"), fields_.get("MaxSizeAllowed")) == (str(size), "10")
    assert_absent(s3, bucket, "sized")
    for size in (5, 7, 10):
        assert_created(post_form(raw, bucket, with_file(fields, b"k" * size)), b"k" * size)
        assert_stored(s3, bucket, "sized", b"k" * size)


@pytest.mark.parametrize("name", ["x-amz-meta-extra", "success_action_status", "x-custom"])
def test_field_the_policy_does_not_cover(v4, s3, raw, bucket, name):
    # "Each form field that you specify in a form (except x-amz-signature, file, policy, and
    # field names that have an x-ignore- prefix) must appear in the list of conditions"
    # (v4-policy): 403 AccessDenied "Invalid according to Policy: Extra input fields: <name>"
    # (captures: moxiecode/moxie#165, s3-beam#42, vue-dropzone#471).
    fields = boto_form(v4, bucket, "extra")
    r = post_form(raw, bucket, with_file(fields + [(name, "201")], b"x"))
    refused_by_policy(r, "Invalid according to Policy: Extra input fields: " + name)
    assert_absent(s3, bucket, "extra")


def test_condition_on_a_field_the_form_lacks(v4, s3, raw, bucket):
    # A condition on a field the form does not send fails (s3-tests
    # request_missing_policy_specified_field: 403).
    fields = boto_form(v4, bucket, "lacking", conditions=[["eq", "$x-amz-meta-color", "blue"]])
    r = post_form(raw, bucket, with_file(fields, b"x"))
    refused_by_policy(r, condition_failed(["eq", "$x-amz-meta-color", "blue"]))
    assert_absent(s3, bucket, "lacking")


def test_form_of_another_bucket(v4, s3, raw, bucket_factory):
    # A policy names its bucket ({"bucket": ...}, v4-policy: "Specifies the acceptable bucket
    # name"): posted to another bucket it is refused (s3-tests wrong_bucket: 403).
    signed_for, posted_to = bucket_factory("post-a"), bucket_factory("post-b")
    fields = boto_form(v4, signed_for, "k")
    r = post_form(raw, posted_to, with_file(fields, b"x"))
    refused_by_policy(r, condition_failed(["eq", "$bucket", signed_for]))
    assert_empty(s3, posted_to)
    assert_empty(s3, signed_for)


def test_expired_policy(target, s3, raw, bucket):
    # "The expiration element specifies the expiration date of the policy"; past it: 403
    # AccessDenied "Invalid according to Policy: Policy expired." (localstack; s3-tests
    # expired_policy: 403).
    for expiration in (expires_at(-3600), expires_at(-60, "%Y-%m-%dT%H:%M:%S.000Z")):
        fields = hand_form(target, bucket, "late", expiration=expiration)
        refused_by_policy(post_form(raw, bucket, with_file(fields, b"x")),
                          "Invalid according to Policy: Policy expired.")
    assert_absent(s3, bucket, "late")


def malformed_policies(bucket, key):
    future = expires_at(3600)
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    return [
        # (id, hand_form keyword, message or None for "Invalid Policy: ..." only)
        ("not-base64", {"policy_b64": "%%% not base64 %%%"}, None),
        # Captures: tpyo/amazon-s3-php-class#53, "Invalid Policy: Invalid JSON."
        ("not-json", {"policy_text": '{"expiration": "%s", "conditions": [' % future},
         "Invalid Policy: Invalid JSON."),
        # "Expiration is required in a policy" (v2-forms); "The POST policy always contains the
        # expiration and conditions elements" (v4-policy); s3-tests missing_expires_condition
        # and missing_conditions_list: 400.
        ("no-expiration", {"document": {"conditions": [{"bucket": bucket}, {"key": key}]}}, None),
        ("no-conditions", {"document": {"expiration": future}}, None),
        ("conditions-not-a-list", {"document": {"expiration": future,
                                                "conditions": {"bucket": bucket}}}, None),
        # An offset instead of Z: captures carrierwave_direct#2, "Invalid Policy: Invalid
        # 'expiration' value: '2011-09-13T07:52:58+02:00'".
        ("expiration-with-offset", {"expiration": later.strftime("%Y-%m-%dT%H:%M:%S+02:00")},
         "Invalid Policy: Invalid 'expiration' value: '%s'"
         % later.strftime("%Y-%m-%dT%H:%M:%S+02:00")),
        # localstack: {"bucket": B, "success_action_redirect": R}, "Invalid Policy: Invalid
        # Simple-Condition: Simple-Conditions must have exactly one property specified."
        ("two-properties", {"conditions": [{"x-amz-meta-a": "1", "x-amz-meta-b": "2"}]},
         "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one "
         "property specified."),
        # Captures: toniopelo/modbox#10, {"Content-Length": 6199034}, "Invalid Policy: Invalid
        # Simple-Condition: value must be a string."
        ("number-value", {"conditions": [{"x-amz-meta-n": 5}]},
         "Invalid Policy: Invalid Simple-Condition: value must be a string."),
        # DERIVED: an operation the language lacks makes a policy S3 cannot read (S3 clones
        # answer "Invalid Policy: Invalid Condition: unknown operation ...").
        ("unknown-operation", {"conditions": [["matches", "$key", "k"]]}, None),
    ]


@pytest.mark.parametrize("case", [c[0] for c in malformed_policies("b", "k")])
def test_malformed_policy(target, s3, raw, bucket, case):
    # A policy S3 cannot read, correctly signed: 400 InvalidPolicyDocument, "Invalid Policy:
    # ..." (errors; captures). The signature is over the base64 text as sent, so it is checked
    # first and holds (localstack: a truncated policy is SignatureDoesNotMatch, see
    # test_wrong_signature).
    _, kwargs, message = [c for c in malformed_policies(bucket, "k") if c[0] == case][0]
    fields = hand_form(target, bucket, "k", **kwargs)
    fields_ = refused(post_form(raw, bucket, with_file(fields, b"x")), "InvalidPolicyDocument",
                      400, message)
    assert fields_["Message"].startswith("Invalid Policy: "), fields_
    assert_absent(s3, bucket, "k")


@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_wrong_signature(target, s3, raw, bucket, version):
    # 403 SignatureDoesNotMatch (errors; s3-tests invalid_signature). S3's error carries
    # StringToSign, the policy as sent (localstack).
    client = target.boto3_client(config=Config(signature_version=version))
    fields = boto_form(client, bucket, "forged")
    name = "x-amz-signature" if version == "s3v4" else "signature"
    sig = field(fields, name)
    bad = ("0" if sig[0] != "0" else "1") + sig[1:]
    # A changed policy under its old signature: a wider range, a later expiration.
    policy = json.loads(base64.b64decode(field(fields, "policy")))
    policy["expiration"] = expires_at(10 * 365 * 86400)
    policy["conditions"].append(["content-length-range", 0, 5 * 1024 ** 3])
    for form in (replaced(fields, name, bad),
                 replaced(fields, "policy", b64(json.dumps(policy))),
                 replaced(fields, "policy", field(fields, "policy")[:-2])):
        fields_ = refused(post_form(raw, bucket, with_file(form, b"x")), "SignatureDoesNotMatch",
                          403)
        assert fields_.get("StringToSign") in (None, field(form, "policy")), fields_
    assert_absent(s3, bucket, "forged")


@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_unknown_access_key(target, s3, raw, bucket, version):
    # 403 InvalidAccessKeyId, "The AWS Access Key Id you provided does not exist in our
    # records." (errors; captures: aws-sdk-js#3878; s3-tests invalid_access_key: 403).
    stranger = boto3.client("s3", endpoint_url=target.endpoint, region_name=REGION,
                            aws_access_key_id="AKIDUNKNOWNPOSTKEY01",
                            aws_secret_access_key="u" * 40,
                            config=Config(signature_version=version))
    fields = boto_form(stranger, bucket, "stranger")
    fields_ = refused(post_form(raw, bucket, with_file(fields, b"x")), "InvalidAccessKeyId", 403,
                      "The AWS Access Key Id you provided does not exist in our records.")
    assert fields_.get("AWSAccessKeyId") in (None, "AKIDUNKNOWNPOSTKEY01"), fields_
    assert_absent(s3, bucket, "stranger")


def test_wrong_algorithm(target, s3, raw, bucket):
    # v4-auth: "For AWS Signature Version 4, the value is AWS4-HMAC-SHA256." Another value,
    # signed into a policy that asks for it, is refused as a bad request. UNVERIFIED: no
    # capture of S3's code; the ones S3 uses for malformed authorization are accepted.
    fields = hand_form(target, bucket, "algo", algorithm="AWS4-HMAC-SHA512")
    refused_one_of(post_form(raw, bucket, with_file(fields, b"x")),
                   {"InvalidArgument", "InvalidRequest", "AuthorizationQueryParametersError"}, 400)
    assert_absent(s3, bucket, "algo")


def test_wrong_region_in_the_credential(target, s3, raw, bucket):
    # "The bucket must be in the region that you specified in the credential scope"
    # (v4-example): 400 InvalidArgument, "the region 'us-east-1' is wrong; expecting
    # 'us-west-1'", ArgumentName X-Amz-Credential, <Region> (captures: meteor-slingshot#150,
    # aws-sdk-js#2529).
    fields = hand_form(target, bucket, "region", region="eu-west-1")
    fields_ = refused(post_form(raw, bucket, with_file(fields, b"x")), "InvalidArgument", 400,
                      "the region 'eu-west-1' is wrong; expecting 'us-east-1'")
    assert fields_.get("Region") in (None, REGION), fields_
    assert_absent(s3, bucket, "region")


@pytest.mark.parametrize("version,name,named", [
    ("s3v4", "x-amz-signature", "X-Amz-Signature"), ("s3", "signature", "Signature")])
def test_missing_signature_field(target, s3, raw, bucket, version, name, named):
    # localstack: 400 InvalidArgument "Bucket POST must contain a field named
    # 'X-Amz-Signature'.  If it is specified, please check the order of the fields." (two
    # spaces), ArgumentName X-Amz-Signature; 'Signature' for SigV2. s3-tests missing_signature:
    # 400.
    client = target.boto3_client(config=Config(signature_version=version))
    fields = without(boto_form(client, bucket, "unsigned"), name)
    fields_ = refused(post_form(raw, bucket, with_file(fields, b"x")), "InvalidArgument", 400,
                      "Bucket POST must contain a field named '%s'.  If it is specified, please "
                      "check the order of the fields." % named)
    assert fields_.get("ArgumentName") in (None, named), fields_
    assert_absent(s3, bucket, "unsigned")


@pytest.mark.parametrize("where", ["absent", "after-the-file"])
def test_missing_key_field(v4, s3, raw, bucket, where):
    # key is required (v2-forms). S3 answers 400 InvalidArgument "Bucket POST must contain a
    # field named 'key'.  If it is specified, please check the order of the fields.",
    # ArgumentName key (captures: nukulb/s3-angular-file-upload#1, ryuzee/SlideHub#213,
    # grafana/k6#1382 "anything below the file prop is reported as missing"). The error table
    # names UserKeyMustBeSpecified; S3 sends InvalidArgument. s3-tests no_key_specified: 400.
    fields = boto_form(v4, bucket, "keyless")
    after = [("key", "keyless")] if where == "after-the-file" else []
    r = post_form(raw, bucket, with_file(without(fields, "key"), b"x", after=after))
    fields_ = refused(r, "InvalidArgument", 400,
                      "Bucket POST must contain a field named 'key'.  If it is specified, please "
                      "check the order of the fields.")
    assert fields_.get("ArgumentName") in (None, "key"), fields_
    assert_empty(s3, bucket)


def test_missing_file_field(v4, s3, raw, bucket):
    # 400 InvalidArgument "POST requires exactly one file upload per request.", ArgumentName
    # file, ArgumentValue 0 (captures: itinance/react-native-fs#992,
    # danialfarid/ng-file-upload#809; the error table's code is
    # IncorrectNumberOfFilesInPostRequest, S3 sends InvalidArgument).
    fields = boto_form(v4, bucket, "fileless")
    for parts in (fields,
                  # A part with a filename under another name is a field, not the file (only a
                  # form-data part named file is: captures, a "file" part that was not
                  # form-data counted as a field); x-ignore- so no condition is missing.
                  fields + [File(b"x", name="x-ignore-upload", content_type="text/plain")]):
        r = post_form(raw, bucket, parts)
        fields_ = refused(r, "InvalidArgument", 400,
                          "POST requires exactly one file upload per request.")
        assert fields_.get("ArgumentName") in (None, "file"), fields_
        assert fields_.get("ArgumentValue") in (None, "0"), fields_
    assert_empty(s3, bucket)


def test_two_file_fields(v4, s3, raw, bucket):
    # "You cannot upload more than one file at a time" (v2-forms), and "Any fields below [the
    # file] are ignored". UNVERIFIED which S3 applies to a second file part: either 400
    # InvalidArgument "POST requires exactly one file upload per request." (errors'
    # IncorrectNumberOfFilesInPostRequest text) and nothing stored, or the first file stored and
    # the second ignored. Never the second.
    fields = boto_form(v4, bucket, "twice")
    parts = fields + [File(b"first file", filename="a.txt"), File(b"second file", filename="b.txt")]
    r = post_form(raw, bucket, parts)
    if r.status == 400:
        refused_one_of(r, {"InvalidArgument", "IncorrectNumberOfFilesInPostRequest"}, 400)
        assert parse_error_xml(r.body)["Message"] == \
            "POST requires exactly one file upload per request."
        assert_empty(s3, bucket)
    else:
        assert_created(r, b"first file")
        assert_stored(s3, bucket, "twice", b"first file")


@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded", "text/plain", "application/json", ""],
    ids=["urlencoded", "text", "json", "none"])
def test_not_multipart(v4, s3, raw, bucket, content_type):
    # "The enclosure type (enctype) must be specified and must be set to multipart/form-data"
    # (v2-forms). S3: 412 PreconditionFailed "At least one of the pre-conditions you specified
    # did not hold", <Condition>Bucket POST must be of the enclosure-type
    # multipart/form-data</Condition> (localstack, text/html; a captured S3 error in
    # synq's aws_err.xml test sample). The error table's RequestIsNotMultiPartContent is not
    # what S3 sends. The urlencoded body is what a form without enctype submits.
    fields = boto_form(v4, bucket, "not-multipart")
    body = urllib.parse.urlencode(fields + [("file", "content")]).encode()
    r = post_form(raw, bucket, None, content_type=content_type, body=body)
    fields_ = refused(r, "PreconditionFailed", 412,
                      "At least one of the pre-conditions you specified did not hold")
    assert fields_.get("Condition") == \
        "Bucket POST must be of the enclosure-type multipart/form-data", r
    assert_absent(s3, bucket, "not-multipart")


def test_bucket_that_does_not_exist(v4, raw, bucket_name):
    # 404 NoSuchBucket, "The specified bucket does not exist" (errors).
    fields = boto_form(v4, bucket_name, "k")
    fields_ = refused(post_form(raw, bucket_name, with_file(fields, b"x")), "NoSuchBucket", 404,
                      "The specified bucket does not exist")
    assert fields_.get("BucketName") in (None, bucket_name), fields_


# ---- Who may post ----------------------------------------------------------------------------

def test_user_without_put_object_is_denied(target, iam, s3, raw, bucket):
    # RESTObjectPOST: "To add an object to a bucket, you must have WRITE access on the bucket":
    # the form's signer needs s3:PutObject (errors: 403 AccessDenied). The POST is refused as a
    # PutObject by the same user is, message and all.
    user = User(target, iam, unique_name("post"))
    try:
        client = boto3.client("s3", endpoint_url=target.endpoint, region_name=REGION,
                              aws_access_key_id=user.key, aws_secret_access_key=user.secret,
                              config=Config(signature_version="s3v4",
                                            retries={"total_max_attempts": 1}))
        with pytest.raises(ClientError) as e:
            client.put_object(Bucket=bucket, Key="denied", Body=b"x")
        want = e.value.response["Error"]
        assert want["Code"] == "AccessDenied" and "s3:PutObject" in want["Message"]
        fields = boto_form(client, bucket, "denied")
        refused(post_form(raw, bucket, with_file(fields, b"x")), "AccessDenied", 403,
                want["Message"])
        assert_absent(s3, bucket, "denied")
        # Given s3:PutObject on the bucket's objects, the same form works.
        iam.put_user_policy(UserName=user.name, PolicyName="put", PolicyDocument=doc(
            allow("s3:PutObject", "arn:aws:s3:::%s/*" % bucket)))
        assert_created(post_form(raw, bucket, with_file(fields, b"allowed")), b"allowed")
        assert_stored(s3, bucket, "denied", b"allowed")
    finally:
        user.delete()


def test_anonymous_post(s3, raw, bucket):
    # "Requests without a security policy are considered anonymous and will succeed only on
    # publicly writable buckets" (v2-forms): refused on a private bucket (403 AccessDenied,
    # localstack: "Access Denied"), accepted once a bucket policy lets anyone s3:PutObject
    # (s3-tests anonymous_request: 204).
    parts = [("key", "anonymous.txt"), ("Content-Type", "text/plain"),
             ("x-amz-meta-from", "anyone"), File(b"from nobody", filename="n.txt")]
    refused(post_form(raw, bucket, parts), "AccessDenied", 403)
    assert_absent(s3, bucket, "anonymous.txt")
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::%s/*" % bucket}]}))
    assert_created(post_form(raw, bucket, parts), b"from nobody")
    got = assert_stored(s3, bucket, "anonymous.txt", b"from nobody")
    assert got["ContentType"] == "text/plain" and got["Metadata"] == {"from": "anyone"}


# ---- Events ----------------------------------------------------------------------------------

def test_post_sends_an_object_created_post_event(lam, s3, v4, raw, bucket, recorder):
    # events: s3:ObjectCreated:Post, "An object was created by an HTTP POST operation"; a rule
    # for Put does not see it. The record as test_events checks a Put's.
    name, out = recorder()
    allow_s3(lam, name, bucket)
    put_notifications(s3, bucket, [
        lambda_rule(function_arn(name), events=["s3:ObjectCreated:Post"], prefix="post/",
                    rule_id="posts"),
        lambda_rule(function_arn(name), events=["s3:ObjectCreated:Put"], prefix="put/",
                    rule_id="puts")])
    content = b"posted from a form"
    r = post_form(raw, bucket, with_file(boto_form(v4, bucket, "post/a b.txt"), content))
    assert_created(r, content)
    assert_created(post_form(raw, bucket, with_file(boto_form(v4, bucket, "put/by-post.txt"),
                                                    b"no event")), b"no event")
    s3.put_object(Bucket=bucket, Key="put/by-put.txt", Body=b"put")
    wait_for(lambda: (lambda e: e if len(e) >= 2 else None)(seen(s3, out)), what="two events")
    time.sleep(1)  # nothing else may arrive
    records = [e["Records"][0] for _, e in seen(s3, out)]
    assert sorted(x["eventName"] for x in records) == ["ObjectCreated:Post", "ObjectCreated:Put"]
    [post] = [x for x in records if x["eventName"] == "ObjectCreated:Post"]
    [put] = [x for x in records if x["eventName"] == "ObjectCreated:Put"]
    assert put["s3"]["object"]["key"] == "put%2Fby-put.txt"
    assert post["eventSource"] == "aws:s3" and post["awsRegion"] == REGION
    assert post["requestParameters"]["sourceIPAddress"] == "127.0.0.1"
    assert post["responseElements"]["x-amz-request-id"] == r.headers["x-amz-request-id"]
    assert post["s3"]["configurationId"] == "posts"
    assert post["s3"]["bucket"]["name"] == bucket
    obj = post["s3"]["object"]
    assert obj["key"] == "post%2Fa+b.txt"
    assert obj["size"] == len(content) and obj["eTag"] == md5_hex(content)
    int(obj["sequencer"], 16)


# ---- Broken bodies ---------------------------------------------------------------------------

def broken_bodies(fields, boundary):
    """(id, Content-Type, body): a valid form (for its bucket and key "broken") broken one way."""
    ct = "multipart/form-data; boundary=" + boundary
    valid = encode_form(with_file(fields, b"file content"), boundary)
    close = b"--" + boundary.encode() + b"--\r\n"
    return [
        # A Content-Type without a boundary: 400 MalformedPOSTRequest (captures: re:Post
        # QUeXkR-SeeSaCFrB_koqLpKA).
        ("no-boundary-parameter", "multipart/form-data", valid),
        ("boundary-not-in-the-body", "multipart/form-data; boundary=X" + boundary, valid),
        ("no-close-delimiter", ct, valid[:-len(close)]),
        ("cut-inside-a-field", ct, valid[:valid.index(b'name="policy"') + 40]),
        ("no-blank-line-after-part-headers", ct,
         valid.replace(b'name="key"\r\n\r\n', b'name="key"\r\n', 1)),
        ("close-delimiter-not-on-its-own-line", ct,
         valid.replace(b"\r\n" + close, close)),
        ("empty", ct, b""),
        ("garbage", ct, deterministic_bytes("post-garbage", 4096)),
    ]


BROKEN_IDS = [b[0] for b in broken_bodies([("key", "k"), ("policy", "p" * 50)], "b")]


@pytest.mark.parametrize("case", BROKEN_IDS)
def test_malformed_multipart_body(v4, s3, raw, bucket, case):
    # "The body of your POST request is not well-formed multipart/form-data": 400
    # MalformedPOSTRequest (errors). Well-formed is RFC 2046 5.1.1 / RFC 7578: delimiters on
    # their own lines after a CRLF, headers then a blank line, a close delimiter. The server
    # answers, stores nothing, and goes on serving.
    boundary = new_boundary()
    [(_, content_type, body)] = [b for b in broken_bodies(boto_form(v4, bucket, "broken"),
                                                          boundary) if b[0] == case]
    r = post_form(raw, bucket, None, content_type=content_type, body=body)
    refused(r, "MalformedPOSTRequest", 400,
            "The body of your POST request is not well-formed multipart/form-data.")
    assert_absent(s3, bucket, "broken")
    assert_still_serving(s3, bucket)


# Fields before the file, as the limit counts them ("The form data and boundaries (excluding
# the contents of the file) cannot exceed 20KB", v4-forms). x-ignore- fields need no condition,
# so size is all that is wrong with them.
PRE_DATA = {
    "one-64-KiB-field": [("x-ignore-big", "a" * 65536)],
    "one-1-MiB-field": [("x-ignore-big", "a" * MIB)],
    "400-small-fields": [("x-ignore-%03d" % i, "v" * 100) for i in range(400)],
}
# What S3 sends: MaxPostPreDataLengthExceeded, "Your POST request fields preceeding the upload
# file was too large." (sic), <MaxPostPreDataLengthBytes>20480 (captures:
# benefitcloud/ember-uploader#45, s3_direct_upload#45, react-native-background-upload#55); the
# error table writes MaxPostPreDataLengthExceededError and "Your POST request fields preceding
# the upload file were too large.".
PRE_DATA_CODES = {"MaxPostPreDataLengthExceeded", "MaxPostPreDataLengthExceededError"}
PRE_DATA_MESSAGES = {"Your POST request fields preceeding the upload file was too large.",
                     "Your POST request fields preceding the upload file were too large."}


@pytest.mark.parametrize("case", sorted(PRE_DATA))
def test_fields_before_the_file_too_large(v4, s3, raw, bucket, case):
    fields = boto_form(v4, bucket, "big-fields")
    r = post_form(raw, bucket, with_file(fields + PRE_DATA[case], b"x"))
    fields_ = refused_one_of(r, PRE_DATA_CODES, 400)
    assert fields_["Message"] in PRE_DATA_MESSAGES, r
    assert fields_.get("MaxPostPreDataLengthBytes") in (None, "20480"), r
    assert_absent(s3, bucket, "big-fields")
    assert_still_serving(s3, bucket)


def test_fields_before_the_file_within_the_limit(v4, s3, raw, bucket):
    # Well under 20 KB of fields (about 9 KB with the policy): accepted.
    fields = boto_form(v4, bucket, "padded")
    r = post_form(raw, bucket, with_file(fields + [("x-ignore-pad", "p" * 8000)], b"ok"))
    assert_created(r, b"ok")


def test_huge_part_header(v4, s3, raw, bucket):
    # A 64 KiB field name: too much before the file, or not a form S3 can read; 400 either way
    # (UNVERIFIED which).
    fields = boto_form(v4, bucket, "huge-name")
    r = post_form(raw, bucket, with_file(fields + [("x-ignore-" + "n" * 65536, "v")], b"x"))
    refused_one_of(r, PRE_DATA_CODES | {"MalformedPOSTRequest"}, 400)
    assert_absent(s3, bucket, "huge-name")
    assert_still_serving(s3, bucket)


def test_connection_closed_inside_the_body(v4, s3, raw, bucket):
    # A browser closed mid-upload: "Amazon S3 never stores partial objects" (RESTObjectPOST).
    # Cut in the fields and in the file; once while other requests are being served, once at
    # once. Nothing is stored and the server goes on serving.
    boundary = new_boundary()
    body = encode_form(with_file(boto_form(v4, bucket, "cut"),
                                 deterministic_bytes("post-cut", 200_000)), boundary)
    head = ("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=%s\r\n"
            "Content-Length: %d\r\n\r\n" % (key_path(bucket), raw.netloc, boundary, len(body)))
    for cut in (300, len(body) // 2):
        s = socket.create_connection((raw.host, raw.port), timeout=10)
        try:
            s.sendall(head.encode() + body[:cut])
            assert_still_serving(s3, bucket)  # served meanwhile
        finally:
            s.close()
        assert_still_serving(s3, bucket)
        assert_absent(s3, bucket, "cut")


# ---- CORS ------------------------------------------------------------------------------------

def test_cors_post_from_a_page(target, v4, s3, raw, bucket):
    # A page on another origin posts the form (a simple request: no preflight needed, but one
    # is answered). With a rule allowing POST from the origin the answer carries the rule's
    # headers, on success and on error, so the page can read ETag, Location and the error
    # (User guide "Elements of a CORS configuration"; test_s3_cors_tagging for the header set).
    put_rules(s3, bucket, [{"AllowedOrigins": [ORIGIN], "AllowedMethods": ["POST"],
                            "ExposeHeaders": ["ETag", "Location"]}])
    r = preflight(raw, bucket, method="POST")
    assert r.status == 200, r
    assert r.headers.get("access-control-allow-origin") == ORIGIN, r
    fields = boto_form(v4, bucket, "from-page.jpg")
    r = post_form(raw, bucket, with_file(fields, b"jpeg"), headers={"Origin": ORIGIN})
    assert_created(r, b"jpeg")
    assert_cors(r, ORIGIN, "POST", expose="ETag, Location")
    expired = hand_form(target, bucket, "refused", expiration=expires_at(-60))
    r = post_form(raw, bucket, with_file(expired, b"jpeg"), headers={"Origin": ORIGIN})
    refused_by_policy(r, "Invalid according to Policy: Policy expired.")
    assert_cors(r, ORIGIN, "POST", expose="ETag, Location")
    # No Origin, or one no rule names: served without CORS headers.
    for headers in ({}, {"Origin": "https://elsewhere.example.org"}):
        r = post_form(raw, bucket, with_file(fields, b"jpeg"), headers=headers)
        assert_created(r, b"jpeg")
        assert_no_cors(r)
