r"""S3 bucket tagging and CORS end to end, and the Lambda API's answers to web pages:
Put/Get/DeleteBucketTagging (round trip, the 50-tag limit, the tags S3 refuses);
Put/Get/DeleteBucketCors (round trip, every refused configuration); the browser's preflight
(OPTIONS, unsigned) allowed and refused (exact origin, origin and header wildcards, methods and
headers not allowed, no configuration, no Origin, no bucket); actual requests with an Origin
(signed, as the page's SDK sends them) getting the matched rule's headers on results and on
errors, and none without an Origin or without a match; DeleteBucketCors making preflights fail
again; the Lambda API's preflight and an Invoke from a page. Everything runs under both boto3
versions (run.sh). No real-browser test: the checkout has no node_modules/playwright-core.

AWS behaviour is the spec. The sources, cited by short name next to the assertions:
  PutBucketCors      API reference (answers 200 with an empty body, replaces the configuration,
                     "uses the first CORSRule rule that matches")
  CORSRule           API reference (AllowedMethod values GET, PUT, HEAD, POST, DELETE)
  elements           User Guide, "Elements of a CORS configuration" (ManageCorsUsing): up to 100
                     rules, one '*' in an AllowedOrigin or AllowedHeader, `x-amz-*`
  OPTIONS            Developer Guide, "Appendix: OPTIONS object" (RESTOPTIONSobject): 403 when
                     the bucket has no CORS configuration
  testing            User Guide, "Testing CORS" (the preflight answer's headers)
  repost             AWS re:Post knowledge center "s3-configure-cors" (no Origin: no CORS
                     headers; scheme, host and port must match)
  localstack         LocalStack's AWS-validated recordings of S3 (tests/aws/services/s3/
                     test_s3_cors.py and test_s3_api.py with their .snapshot.json, marked
                     markers.aws.validated): exact codes, messages and headers as S3 sent them
  s3-tests           ceph/s3-tests test_cors_origin_response (no test there is fails_on_aws)
  aws-sdk-js-1080    aws/aws-sdk-js issue 1080: a capture of the Lambda endpoint's preflight
  API_control_Tag    API reference, S3 Control's Tag data type: key 1-128 and value 0-256
                     Unicode characters of [\p{L}\p{Z}\p{N}_.:/=+\-@]
Where a code comes from S3 clones only, the comment says so."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import unique_name
from s3e2e import SigV4, assert_client_error, assert_error_response, key_path, md5_b64, sha256_hex
from test_functions import ROLE, lambda_client, make_zip

NS = "http://s3.amazonaws.com/doc/2006-03-01/"
ORIGIN = "https://app.example.com"
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
# S3's message when no rule allows a preflight (localstack; "evalution" is S3's spelling).
NOT_ALLOWED = ("CORSResponse: This CORS request is not allowed. This is usually because the "
               "evalution of Origin, request method / Access-Control-Request-Method or "
               "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")
NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket."
NO_ORIGIN = "Insufficient information. Origin request header needed."


def client_error(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    return e.value


def status_of(response):
    return response["ResponseMetadata"]["HTTPStatusCode"]


# ---- Raw requests: what a browser sends ----------------------------------------------------------

def preflight(raw, bucket, key=None, origin=ORIGIN, method="GET", request_headers=None):
    """A browser's preflight: OPTIONS, unsigned; None leaves a header out."""
    headers = {}
    if origin is not None:
        headers["Origin"] = origin
    if method is not None:
        headers["Access-Control-Request-Method"] = method
    if request_headers is not None:
        headers["Access-Control-Request-Headers"] = request_headers
    return raw.request("OPTIONS", key_path(bucket, key), headers=headers, sign=False)


def from_page(raw, method, path, origin=ORIGIN, headers=None, body=b"", sign=True):
    """An actual request as a page's SDK sends it: signed, then the browser adds Origin (which
    the page cannot set, so it is not among the signed headers)."""
    h = {"Host": raw.netloc}
    h.update(headers or {})
    if body or method in ("PUT", "POST"):
        h["Content-Length"] = str(len(body))
    if sign:
        raw.signer.sign_headers(method, path, [], h, sha256_hex(body))
    if origin is not None:
        h["Origin"] = origin
    return raw.send(method, path, h, body)


def access_control(resp):
    return {k: v for k, v in resp.headers.items() if k.startswith("access-control-")}


def assert_cors(resp, origin, methods, expose=None, max_age=None, allow_headers=None,
                credentials=True):
    """Exactly the Access-Control-* headers of a matched rule (localstack test_cors_match_origins,
    test_cors_expose_headers, test_put_cors_default_values; testing): the origin (or `*`), the
    rule's methods joined by ", ", the requested headers (preflight only), the rule's expose
    headers and max age when it has them, Allow-Credentials except for `*`; and Vary."""
    want = {"access-control-allow-origin": origin, "access-control-allow-methods": methods}
    if expose is not None:
        want["access-control-expose-headers"] = expose
    if max_age is not None:
        want["access-control-max-age"] = str(max_age)
    if allow_headers is not None:
        want["access-control-allow-headers"] = allow_headers
    if credentials:
        want["access-control-allow-credentials"] = "true"
    assert access_control(resp) == want, resp
    assert resp.headers.get("vary") == VARY, resp


def assert_no_cors(resp):
    """No CORS headers and no Vary: what S3 answers a request without Origin, or one no rule
    matches (localstack get-no-origin, get-wrong-origin; repost)."""
    assert access_control(resp) == {}, resp
    assert "vary" not in resp.headers, resp


def assert_preflight_ok(resp):
    assert resp.status == 200, resp
    assert resp.body == b"", resp


def assert_preflight_refused(resp, message, method, resource_type):
    """403 AccessForbidden with S3's <Method> and <ResourceType>, and no Access-Control-*
    header: "If any of the requested headers is not allowed, ... nor will the response contain
    any of the headers with the Access-Control prefix" (OPTIONS)."""
    fields = assert_error_response(resp, "AccessForbidden", 403, "OPTIONS")
    assert fields["Message"] == message
    assert (fields.get("Method"), fields.get("ResourceType")) == (method, resource_type), resp
    assert access_control(resp) == {}, resp


# ---- Bucket tagging ------------------------------------------------------------------------------

def tags(*pairs):
    return {"TagSet": [{"Key": k, "Value": v} for k, v in pairs]}


def test_bucket_tagging_round_trip(s3, capture, bucket):
    # Never tagged: NoSuchTagSet, 404, "The TagSet does not exist" (localstack
    # test_bucket_tagging_crud).
    err = client_error(s3.get_bucket_tagging, Bucket=bucket)
    assert_client_error(err, "NoSuchTagSet", 404, capture)
    assert err.response["Error"]["Message"] == "The TagSet does not exist"
    # Letters, digits, spaces and _ . : / = + - @ (API_control_Tag's pattern); an empty value.
    sent = tags(("project", "thumbnails"), ("empty", ""), ("Café", "naïve value"),
                ("path", "a+b=c/d:e@f _.-"))
    r = s3.put_bucket_tagging(Bucket=bucket, Tagging=sent)
    assert status_of(r) == 204  # localstack put-bucket-tags
    got = s3.get_bucket_tagging(Bucket=bucket)
    assert status_of(got) == 200
    assert got["TagSet"] == sent["TagSet"]
    # "When this operation sets the tags for a bucket, it will overwrite any current tags the
    # bucket already has" (PutBucketTagging).
    r = s3.put_bucket_tagging(Bucket=bucket, Tagging=tags(("only", "one")))
    assert status_of(r) == 204
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags(("only", "one"))["TagSet"]
    # Object tags are another thing: an object in the bucket has none.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    r = s3.delete_bucket_tagging(Bucket=bucket)
    assert status_of(r) == 204
    err = client_error(s3.get_bucket_tagging, Bucket=bucket)
    assert_client_error(err, "NoSuchTagSet", 404, capture)
    # Deleting again is still 204 (localstack: "test idempotency of delete").
    assert status_of(s3.delete_bucket_tagging(Bucket=bucket)) == 204


def test_bucket_tagging_empty_tag_set_removes_the_tags(s3, capture, bucket):
    # An empty TagSet is accepted (204) and leaves the bucket without tags (localstack
    # put-bucket-tags-empty).
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tags(("a", "1")))
    r = s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})
    assert status_of(r) == 204
    err = client_error(s3.get_bucket_tagging, Bucket=bucket)
    assert_client_error(err, "NoSuchTagSet", 404, capture)


def test_bucket_tagging_fifty_tags_of_the_longest_sizes(s3, bucket):
    # A bucket takes 50 tags, an object 10 (boto3 issue 1213, from S3's answers); keys of up to
    # 128 and values of up to 256 Unicode characters (S3 Control's Tag data type,
    # API_control_Tag).
    sent = tags(*[("key-%02d-" % i + "k" * 121, "é" * 256) for i in range(50)])
    assert all(len(t["Key"]) == 128 for t in sent["TagSet"])
    assert status_of(s3.put_bucket_tagging(Bucket=bucket, Tagging=sent)) == 204
    got = s3.get_bucket_tagging(Bucket=bucket)
    assert got["TagSet"] == sent["TagSet"]


def test_bucket_tagging_more_than_fifty_tags(s3, capture, bucket):
    # 51 tags: BadRequest, 400, "Bucket tag count cannot be greater than 50". S3 answers the
    # object limit's "Object tags cannot be greater than 10" with BadRequest (boto3 issue 1213
    # and Terraform captures of S3's answers); for buckets the code and message are those of
    # every S3 clone that checks the limit (Scality cloudserver, which its authors compared with
    # S3, MinIO, OpenStack Swift's s3api).
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tags(("kept", "yes")))
    err = client_error(s3.put_bucket_tagging, Bucket=bucket,
                       Tagging=tags(*[("k%d" % i, "v") for i in range(51)]))
    assert_client_error(err, "BadRequest", 400, capture)
    assert err.response["Error"]["Message"] == "Bucket tag count cannot be greater than 50"
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags(("kept", "yes"))["TagSet"]


# (tag set, code, message or None when only the code is known). The messages with a source are
# localstack's recordings of S3 (test_tagging_validation); S3 also names the tag (<TagKey>). A
# comma is outside API_control_Tag's pattern [\p{L}\p{Z}\p{N}_.:/=+\-@].
BAD_TAGS = [
    pytest.param([("Key1", "Val1"), ("Key1", "Val1")], "InvalidTag",
                 "Cannot provide multiple Tags with the same key", id="duplicate-keys"),
    pytest.param([("aws:prefixed", "Val1")], "InvalidTag",
                 "System tags cannot be added/updated by requester", id="aws-prefix"),
    pytest.param([("Key1,Key2", "Val1")], "InvalidTag",
                 "The TagKey you have provided is invalid", id="comma-in-key"),
    pytest.param([("Key1", "Val1,Val2")], "InvalidTag",
                 "The TagValue you have provided is invalid", id="comma-in-value"),
    # Over 128 and 256 characters (API_control_Tag): InvalidTag (versitygw issues 246 and 1232,
    # written against S3); the key's message is the one S3 gives any invalid key.
    pytest.param([("k" * 129, "v")], "InvalidTag", "The TagKey you have provided is invalid",
                 id="key-129-chars"),
    pytest.param([("k", "v" * 257)], "InvalidTag", None, id="value-257-chars"),
]


@pytest.mark.parametrize("pairs,code,message", BAD_TAGS)
def test_bucket_tagging_refused_tags(s3, capture, bucket, pairs, code, message):
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tags(("kept", "yes")))
    err = client_error(s3.put_bucket_tagging, Bucket=bucket, Tagging=tags(*pairs))
    assert_client_error(err, code, 400, capture)
    if message is not None:
        assert err.response["Error"]["Message"] == message
    # Nothing of a refused PUT is kept.
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags(("kept", "yes"))["TagSet"]


def put_tagging_xml(raw, bucket, body, integrity=True):
    headers = {"Content-Type": "application/xml"}
    if integrity:
        headers["Content-MD5"] = md5_b64(body)
    return raw.request("PUT", key_path(bucket), query=[("tagging", "")], body=body,
                       headers=headers)


def test_bucket_tagging_raw_documents(raw, s3, capture, bucket):
    good = ('<Tagging xmlns="%s"><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet>'
            '</Tagging>' % NS).encode()
    # PutBucketTagging needs an integrity header ("Content-MD5 ... Required: Yes", and botocore
    # marks it requestChecksumRequired); without one S3 answers InvalidRequest, 400
    # ("Missing required header for this request: Content-MD5", aws-cli issue 229).
    r = put_tagging_xml(raw, bucket, good, integrity=False)
    assert_error_response(r, "InvalidRequest", 400, "PUT")
    for body in (b"<Tagging><TagSet><Tag><Key>a</Key>", b"not xml",
                 b"<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>"):
        r = put_tagging_xml(raw, bucket, body)
        assert_error_response(r, "MalformedXML", 400, "PUT")
    err = client_error(s3.get_bucket_tagging, Bucket=bucket)
    assert_client_error(err, "NoSuchTagSet", 404, capture)
    r = put_tagging_xml(raw, bucket, good)
    assert r.status == 204 and r.body == b"", r
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags(("a", "1"))["TagSet"]


def test_bucket_tagging_of_a_missing_bucket(s3, capture, bucket_name):
    # NoSuchBucket, 404, for all three (localstack test_bucket_tagging_exc).
    for call, kwargs in ((s3.get_bucket_tagging, {}), (s3.delete_bucket_tagging, {}),
                         (s3.put_bucket_tagging, {"Tagging": {"TagSet": []}})):
        err = client_error(call, Bucket=bucket_name, **kwargs)
        assert_client_error(err, "NoSuchBucket", 404, capture)


# ---- Put/Get/DeleteBucketCors --------------------------------------------------------------------

FULL_RULES = [
    {"ID": "uploads", "AllowedHeaders": ["x-amz-*", "Content-Type"],
     "AllowedMethods": ["PUT", "POST", "DELETE"],
     "AllowedOrigins": ["https://app.example.com", "https://*.example.com", "http://test.com:80"],
     "ExposeHeaders": ["ETag", "x-amz-request-id"], "MaxAgeSeconds": 3000},
    {"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["*"]},
]


def put_rules(s3, bucket, rules):
    r = s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    # "Amazon S3 returns 200 OK with an empty HTTP body" (PutBucketCors; localstack put-cors).
    assert status_of(r) == 200
    return r


def test_cors_round_trip(s3, capture, bucket):
    # Never configured: NoSuchCORSConfiguration, 404, "The CORS configuration does not exist"
    # (localstack test_get_cors).
    err = client_error(s3.get_bucket_cors, Bucket=bucket)
    assert_client_error(err, "NoSuchCORSConfiguration", 404, capture)
    assert err.response["Error"]["Message"] == "The CORS configuration does not exist"
    put_rules(s3, bucket, FULL_RULES)
    got = s3.get_bucket_cors(Bucket=bucket)
    assert status_of(got) == 200
    # Rules and their lists in the order sent, values as sent (cases, ports), only the members
    # set (localstack test_put_cors, test_get_cors, test_cors_match_headers).
    assert got["CORSRules"] == FULL_RULES
    # A PUT replaces the whole configuration (PutBucketCors).
    only = [{"AllowedMethods": ["GET"], "AllowedOrigins": ["https://other.example.org"]}]
    put_rules(s3, bucket, only)
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == only
    r = s3.delete_bucket_cors(Bucket=bucket)
    assert status_of(r) == 204
    err = client_error(s3.get_bucket_cors, Bucket=bucket)
    assert_client_error(err, "NoSuchCORSConfiguration", 404, capture)
    # 204 again without a configuration (localstack delete-cors-before-set).
    assert status_of(s3.delete_bucket_cors(Bucket=bucket)) == 204


def test_cors_a_hundred_rules(s3, bucket):
    # "You can add up to 100 rules to the configuration" (elements).
    rules = [{"AllowedMethods": ["GET"], "AllowedOrigins": ["https://site%d.example.com" % i]}
             for i in range(100)]
    put_rules(s3, bucket, rules)
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules


def test_cors_refused_through_boto3(s3, capture, bucket):
    # localstack test_put_cors_invalid_rules: an unknown method, then no rules at all.
    err = client_error(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["*", "https://test.com"],
         "AllowedMethods": ["GET", "PUT", "HEAD", "MYMETHOD"]}]})
    assert_client_error(err, "InvalidRequest", 400, capture)
    assert err.response["Error"]["Message"] == (
        "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD")
    err = client_error(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": []})
    assert_client_error(err, "MalformedXML", 400, capture)
    err = client_error(s3.get_bucket_cors, Bucket=bucket)
    assert_client_error(err, "NoSuchCORSConfiguration", 404, capture)


def xml_rule(origins=(ORIGIN,), methods=("GET",), headers=(), expose=(), extra=""):
    parts = ["<AllowedOrigin>%s</AllowedOrigin>" % o for o in origins]
    parts += ["<AllowedMethod>%s</AllowedMethod>" % m for m in methods]
    parts += ["<AllowedHeader>%s</AllowedHeader>" % h for h in headers]
    parts += ["<ExposeHeader>%s</ExposeHeader>" % e for e in expose]
    return "<CORSRule>%s%s</CORSRule>" % ("".join(parts), extra)


def cors_document(*rules):
    return ('<CORSConfiguration xmlns="%s">%s</CORSConfiguration>' % (NS, "".join(rules))).encode()


def put_cors_xml(raw, bucket, body, integrity=True):
    headers = {"Content-Type": "application/xml"}
    if integrity:
        headers["Content-MD5"] = md5_b64(body)
    return raw.request("PUT", key_path(bucket), query=[("cors", "")], body=body, headers=headers)


UNSUPPORTED = "Found unsupported HTTP method in CORS config. Unsupported method is %s"

# (document, code, message or None when only the code is known)
BAD_CORS = [
    # The schema's violations are MalformedXML: no rule (localstack put-cors-exc-empty); a rule
    # without an origin or a method ("Each CORSRule must identify at least one origin and one
    # method", PutBucketCors 2019; versitygw issue 1863 from S3's answers); an element the
    # schema does not have; a MaxAgeSeconds that is not an integer (CORSRule: Integer), or two
    # ("A CORSRule can have at most one MaxAgeSeconds element", PutBucketCors 2019).
    pytest.param(cors_document(), "MalformedXML", None, id="no-rules"),
    pytest.param(cors_document("<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>"),
                 "MalformedXML", None, id="no-origin"),
    pytest.param(cors_document("<CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule>"),
                 "MalformedXML", None, id="no-method"),
    pytest.param(cors_document("<CORSRule/>"), "MalformedXML", None, id="empty-rule"),
    pytest.param(cors_document(xml_rule(extra="<AllowedMethods>GET</AllowedMethods>")),
                 "MalformedXML", None, id="unknown-element"),
    pytest.param(cors_document(xml_rule(extra="<MaxAgeSeconds>ten</MaxAgeSeconds>")),
                 "MalformedXML", None, id="max-age-not-a-number"),
    pytest.param(cors_document(xml_rule(
        extra="<MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>2</MaxAgeSeconds>")),
        "MalformedXML", None, id="two-max-ages"),
    pytest.param(b"<CORSConfiguration><CORSRule>", "MalformedXML", None, id="truncated"),
    pytest.param(b"not xml at all", "MalformedXML", None, id="not-xml"),
    # Methods other than the five: InvalidRequest with S3's message (localstack MYMETHOD;
    # aws-sdk-js issue 3667 for OPTIONS; versitygw issue 1863 for an empty one).
    pytest.param(cors_document(xml_rule(methods=("GET", "PATCH"))), "InvalidRequest",
                 UNSUPPORTED % "PATCH", id="method-patch"),
    pytest.param(cors_document(xml_rule(methods=("OPTIONS",))), "InvalidRequest",
                 UNSUPPORTED % "OPTIONS", id="method-options"),
    pytest.param(cors_document(xml_rule(methods=("",))), "InvalidRequest",
                 UNSUPPORTED % "", id="method-empty"),
    # "The origin string can contain only one * wildcard character" (elements); S3's answer
    # (versitygw issue 1870). The same rule for AllowedHeader (elements); its answer's message
    # is not recorded.
    pytest.param(cors_document(xml_rule(origins=("https://*.*.example.com",))), "InvalidRequest",
                 'AllowedOrigin "https://*.*.example.com" can not have more than one wildcard.',
                 id="origin-two-wildcards"),
    pytest.param(cors_document(xml_rule(headers=("x-*-meta-*",))), "InvalidRequest", None,
                 id="header-two-wildcards"),
    # More than 100 rules (elements): InvalidRequest, "The number of CORS rules should not exceed
    # allowed limit of 100 rules." in S3 clones (MinIO); S3's own answer is not recorded.
    pytest.param(cors_document(*[xml_rule(origins=("https://s%d.example.com" % i,))
                                 for i in range(101)]),
                 "InvalidRequest", None, id="101-rules"),
]


@pytest.mark.parametrize("body,code,message", BAD_CORS)
def test_cors_refused_configurations(raw, s3, capture, bucket, body, code, message):
    r = put_cors_xml(raw, bucket, body)
    fields = assert_error_response(r, code, 400, "PUT")
    if message is not None:
        assert fields["Message"] == message
    err = client_error(s3.get_bucket_cors, Bucket=bucket)
    assert_client_error(err, "NoSuchCORSConfiguration", 404, capture)


def test_cors_put_needs_an_integrity_header(raw, s3, bucket):
    # Content-MD5 or a checksum (PutBucketCors: "Required: Yes" until 2019; botocore:
    # requestChecksumRequired); without either, InvalidRequest "Missing required header for this
    # request: Content-MD5" (aws-cli issue 229, amazonka issue 610).
    body = cors_document(xml_rule())
    assert_error_response(put_cors_xml(raw, bucket, body, integrity=False), "InvalidRequest", 400,
                          "PUT")
    r = put_cors_xml(raw, bucket, body)
    assert r.status == 200 and r.body == b"", r
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [
        {"AllowedMethods": ["GET"], "AllowedOrigins": [ORIGIN]}]


def test_cors_of_a_missing_bucket(s3, capture, bucket_name):
    for call, kwargs in ((s3.get_bucket_cors, {}), (s3.delete_bucket_cors, {}),
                         (s3.put_bucket_cors, {"CORSConfiguration": {"CORSRules": [
                             {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]}})):
        err = client_error(call, Bucket=bucket_name, **kwargs)
        assert_client_error(err, "NoSuchBucket", 404, capture)


def test_aws_cli_cors_and_tagging(aws, bucket, tmp_path):
    rules = [{"AllowedHeaders": ["*"], "AllowedMethods": ["GET", "PUT"],
              "AllowedOrigins": [ORIGIN], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 300}]
    cors = tmp_path / "cors.json"
    cors.write_text(json.dumps({"CORSRules": rules}))
    aws.run("s3api", "put-bucket-cors", "--bucket", bucket, "--cors-configuration",
            "file://%s" % cors)
    assert aws.json("s3api", "get-bucket-cors", "--bucket", bucket)["CORSRules"] == rules
    tag_set = [{"Key": "team", "Value": "media"}, {"Key": "cost-center", "Value": "42"}]
    tagging = tmp_path / "tagging.json"
    tagging.write_text(json.dumps({"TagSet": tag_set}))
    aws.run("s3api", "put-bucket-tagging", "--bucket", bucket, "--tagging", "file://%s" % tagging)
    assert aws.json("s3api", "get-bucket-tagging", "--bucket", bucket)["TagSet"] == tag_set
    aws.run("s3api", "delete-bucket-cors", "--bucket", bucket)
    aws.run("s3api", "delete-bucket-tagging", "--bucket", bucket)
    code, _ = aws.error("s3api", "get-bucket-cors", "--bucket", bucket)
    assert code == "NoSuchCORSConfiguration"
    code, _ = aws.error("s3api", "get-bucket-tagging", "--bucket", bucket)
    assert code == "NoSuchTagSet"


# ---- Preflight -----------------------------------------------------------------------------------

KEY = "photos/cat.jpg"  # never created: a preflight does not look the key up (localstack)


def test_preflight_allowed_for_an_exact_origin(s3, raw, bucket):
    put_rules(s3, bucket, [{
        "AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET", "PUT"],
        "AllowedHeaders": ["x-amz-*", "content-type"],
        "ExposeHeaders": ["ETag", "x-amz-request-id"], "MaxAgeSeconds": 600}])
    for key in (KEY, None):  # an object and the bucket itself
        r = preflight(raw, bucket, key, method="PUT", request_headers="content-type, x-amz-date")
        assert_preflight_ok(r)
        # The origin echoed, the rule's methods, the requested headers, expose headers, max
        # age, credentials and Vary (testing's sample answer; localstack opt-right-origin,
        # test_cors_expose_headers).
        assert_cors(r, ORIGIN, "GET, PUT", expose="ETag, x-amz-request-id", max_age=600,
                    allow_headers="content-type, x-amz-date")
    # Without Access-Control-Request-Headers: no Access-Control-Allow-Headers (localstack
    # opt-right-origin).
    r = preflight(raw, bucket, KEY, method="GET")
    assert_preflight_ok(r)
    assert_cors(r, ORIGIN, "GET, PUT", expose="ETag, x-amz-request-id", max_age=600)


def test_preflight_any_origin_and_the_defaults(s3, raw, bucket):
    # A rule of `*` and GET only: Allow-Origin `*`, no Allow-Credentials, no Max-Age or Expose
    # when the rule has none (localstack test_put_cors_default_values, opt-random-wildcard-origin;
    # s3-tests test_cors_origin_wildcard). An origin need not be a URL.
    put_rules(s3, bucket, [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}])
    for origin in ("http://random:1234", "localhost:4566"):
        r = preflight(raw, bucket, KEY, origin=origin, method="GET")
        assert_preflight_ok(r)
        assert_cors(r, "*", "GET", credentials=False)
    # A rule without AllowedHeader allows no requested header (localstack opt-get-headers;
    # s3-tests test_cors_header_option).
    r = preflight(raw, bucket, KEY, method="GET", request_headers="x-amz-request-payer")
    assert_preflight_refused(r, NOT_ALLOWED, "GET", "OBJECT")


@pytest.mark.parametrize("origin,allowed", [
    ("https://app.example.com", True),
    ("https://media-1.example.com", True),
    ("https://example.com", False),            # '*' stands for characters, the dot stays
    ("http://app.example.com", False),         # the scheme must match (repost)
    ("https://app.example.com:8443", False),   # so must the port (repost)
    ("https://app.example.com/", False),       # a trailing slash (localstack
    #                                            test_cors_options_fails_partial_origin)
    ("https://app.example.com.evil.test", False),  # anchored at both ends (s3-tests)
    ("https://app.example.org", False),
])
def test_preflight_origin_wildcard(s3, raw, bucket, origin, allowed):
    # "The origin string can contain only one * wildcard character, such as
    # http://*.example.com" (elements); a match is echoed (localstack
    # test_cors_options_match_partial_origin).
    put_rules(s3, bucket, [{"AllowedOrigins": ["https://*.example.com"],
                            "AllowedMethods": ["GET"]}])
    r = preflight(raw, bucket, KEY, origin=origin, method="GET")
    if allowed:
        assert_preflight_ok(r)
        assert_cors(r, origin, "GET")
    else:
        assert_preflight_refused(r, NOT_ALLOWED, "GET", "OBJECT")


def test_preflight_header_wildcards(s3, raw, bucket):
    put_rules(s3, bucket, [
        {"AllowedOrigins": ["https://one.example.com"], "AllowedMethods": ["PUT"],
         "AllowedHeaders": ["*"]},
        {"AllowedOrigins": ["https://two.example.com"], "AllowedMethods": ["PUT"],
         "AllowedHeaders": ["x-amz-*"]},
    ])
    # `*` allows any header; the answer names the requested ones, in the order requested
    # (localstack opt-get-two).
    asked = "x-amz-meta-color, content-type, x-custom-thing"
    r = preflight(raw, bucket, KEY, origin="https://one.example.com", method="PUT",
                  request_headers=asked)
    assert_preflight_ok(r)
    assert_cors(r, "https://one.example.com", "PUT", allow_headers=asked)
    # "<AllowedHeader>x-amz-*</AllowedHeader> will enable all Amazon-specific headers"
    # (elements) ...
    r = preflight(raw, bucket, KEY, origin="https://two.example.com", method="PUT",
                  request_headers="x-amz-meta-color, x-amz-date")
    assert_preflight_ok(r)
    assert_cors(r, "https://two.example.com", "PUT", allow_headers="x-amz-meta-color, x-amz-date")
    # ... and only those: "Each header name in the Access-Control-Request-Headers header must
    # match" (elements).
    r = preflight(raw, bucket, KEY, origin="https://two.example.com", method="PUT",
                  request_headers="x-amz-date, content-type")
    assert_preflight_refused(r, NOT_ALLOWED, "PUT", "OBJECT")


def test_preflight_header_names_ignore_case(s3, raw, bucket):
    # Header names match without regard to case and come back lower case, joined by ", " with or
    # without a space in the request (localstack test_cors_match_headers, recorded 2025-07-07:
    # "x-AMZ-expected-BUCKET-owner" against an AllowedHeader in another case). GetBucketCors
    # keeps the configured case.
    rules = [{"AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET"],
              "AllowedHeaders": ["x-AMZ-meta-Color", "X-Amz-Date"]}]
    put_rules(s3, bucket, rules)
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules
    for asked in ("X-AMZ-META-COLOR, x-amz-date", "x-amz-meta-color,X-Amz-Date"):
        r = preflight(raw, bucket, KEY, method="GET", request_headers=asked)
        assert_preflight_ok(r)
        assert_cors(r, ORIGIN, "GET", allow_headers="x-amz-meta-color, x-amz-date")


def test_preflight_method_not_allowed(s3, raw, bucket):
    put_rules(s3, bucket, [{"AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET", "PUT"],
                            "AllowedHeaders": ["*"]}])
    # 403 AccessForbidden with <Method> the requested method and <ResourceType> OBJECT for a key
    # (localstack opt-put, opt-wrong-origin); BUCKET on the bucket itself (localstack
    # test_cors_options_fails_partial_origin).
    assert_preflight_refused(preflight(raw, bucket, KEY, method="DELETE"), NOT_ALLOWED, "DELETE",
                             "OBJECT")
    assert_preflight_refused(preflight(raw, bucket, None, method="POST"), NOT_ALLOWED, "POST",
                             "BUCKET")
    # An origin no rule names (localstack opt-wrong-origin).
    assert_preflight_refused(preflight(raw, bucket, KEY, origin="https://evil.test", method="GET"),
                             NOT_ALLOWED, "GET", "OBJECT")


def test_preflight_first_matching_rule_answers(s3, raw, bucket):
    # "uses the first CORSRule rule that matches the incoming browser request", where matching
    # takes the origin, the method and every requested header (PutBucketCors).
    put_rules(s3, bucket, [
        {"AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET"], "MaxAgeSeconds": 100},
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PUT", "DELETE"],
         "AllowedHeaders": ["*"], "MaxAgeSeconds": 200},
    ])
    r = preflight(raw, bucket, KEY, method="GET")
    assert_preflight_ok(r)
    assert_cors(r, ORIGIN, "GET", max_age=100)
    r = preflight(raw, bucket, KEY, method="PUT")  # the first rule lacks the method
    assert_preflight_ok(r)
    assert_cors(r, "*", "GET, PUT, DELETE", max_age=200, credentials=False)
    r = preflight(raw, bucket, KEY, method="GET", request_headers="x-amz-date")  # ... the header
    assert_preflight_ok(r)
    assert_cors(r, "*", "GET, PUT, DELETE", max_age=200, allow_headers="x-amz-date",
                credentials=False)


def test_preflight_without_a_cors_configuration(raw, bucket):
    # "If cors is not enabled on the bucket, then Amazon S3 returns a 403 Forbidden response"
    # (OPTIONS): AccessForbidden "CORSResponse: CORS is not enabled for this bucket.", with
    # <Method> the requested method and <ResourceType> BUCKET although the URL names an object
    # (localstack test_cors_http_options_no_config, options-with-origin-and-method).
    assert_preflight_refused(preflight(raw, bucket, KEY, origin="whatever", method="PUT"),
                             NOT_ENABLED, "PUT", "BUCKET")


def test_preflight_without_a_cors_configuration_nor_a_method(raw, bucket):
    # An Origin alone, no configuration: the same 403, <Method> OPTIONS; S3 looks at the
    # configuration before the missing Access-Control-Request-Method (localstack
    # options-with-origin-no-method).
    assert_preflight_refused(preflight(raw, bucket, KEY, origin="whatever", method=None),
                             NOT_ENABLED, "OPTIONS", "BUCKET")


def test_preflight_without_origin(s3, raw, bucket):
    # No Origin: 400 BadRequest "Insufficient information. Origin request header needed.", with
    # or without a configuration (localstack options-no-origin, opt-no-origin); a Referer is no
    # Origin (localstack opt-referer).
    for _ in range(2):
        for headers in ({}, {"Access-Control-Request-Method": "PUT"},
                        {"Referer": ORIGIN, "Access-Control-Request-Method": "PUT"}):
            r = raw.request("OPTIONS", key_path(bucket, KEY), headers=headers, sign=False)
            fields = assert_error_response(r, "BadRequest", 400, "OPTIONS")
            assert fields["Message"] == NO_ORIGIN
            assert access_control(r) == {}
        put_rules(s3, bucket, [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PUT"],
                                "AllowedHeaders": ["*"]}])


def test_preflight_without_request_method(s3, raw, bucket):
    # A configured bucket, an Origin and no Access-Control-Request-Method: 400 (s3-tests
    # test_cors_origin_response, OPTIONS with only an Origin; the code is BadRequest in S3
    # clones, e.g. Scality's "Invalid Access-Control-Request-Method: null").
    put_rules(s3, bucket, [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}])
    r = preflight(raw, bucket, KEY, method=None)
    assert_error_response(r, "BadRequest", 400, "OPTIONS")
    assert access_control(r) == {}


def test_preflight_on_a_missing_bucket(raw, bucket_name):
    # 403 AccessForbidden "CORSResponse: Bucket not found", not NoSuchBucket (localstack
    # test_cors_http_options_non_existent_bucket, an Origin alone).
    r = preflight(raw, bucket_name, KEY, origin="whatever", method=None)
    assert_preflight_refused(r, "CORSResponse: Bucket not found", "OPTIONS", "BUCKET")


def test_preflight_with_a_method_on_a_missing_bucket(raw, bucket_name):
    # The same with a method, as a browser sends it (DERIVED from the recording above: the
    # bucket is looked up before the method is); <Method> and <ResourceType> not asserted.
    r = preflight(raw, bucket_name, KEY, method="GET")
    fields = assert_error_response(r, "AccessForbidden", 403, "OPTIONS")
    assert fields["Message"] == "CORSResponse: Bucket not found"
    assert access_control(r) == {}


def test_delete_bucket_cors_makes_preflights_fail_again(s3, raw, bucket):
    put_rules(s3, bucket, [{"AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET", "PUT"]}])
    s3.put_object(Bucket=bucket, Key=KEY, Body=b"meow")
    assert_cors(preflight(raw, bucket, KEY, method="PUT"), ORIGIN, "GET, PUT")
    # A new configuration replaces the old one at once.
    put_rules(s3, bucket, [{"AllowedOrigins": ["https://new.example.com"],
                            "AllowedMethods": ["GET"]}])
    assert_preflight_refused(preflight(raw, bucket, KEY, method="GET"), NOT_ALLOWED, "GET",
                             "OBJECT")
    assert_cors(preflight(raw, bucket, KEY, origin="https://new.example.com", method="GET"),
                "https://new.example.com", "GET")
    assert s3.delete_bucket_cors(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    # (Method and ResourceType of this answer: test_preflight_without_a_cors_configuration.)
    r = preflight(raw, bucket, KEY, origin="https://new.example.com", method="GET")
    fields = assert_error_response(r, "AccessForbidden", 403, "OPTIONS")
    assert fields["Message"] == NOT_ENABLED
    assert access_control(r) == {}
    # Actual requests lose their headers too.
    r = from_page(raw, "GET", key_path(bucket, KEY), origin="https://new.example.com")
    assert r.status == 200 and r.body == b"meow", r
    assert_no_cors(r)


# ---- Actual requests with an Origin --------------------------------------------------------------

PAGE_RULES = [{"AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET", "PUT"],
               "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag", "x-amz-version-id"],
               "MaxAgeSeconds": 3000}]


def assert_page_headers(r):
    # The matched rule's headers but Allow-Headers (localstack get-right-origin; Scality
    # cloudserver's notes: "With the exception Access-Control-Allow-Headers").
    assert_cors(r, ORIGIN, "GET, PUT", expose="ETag, x-amz-version-id", max_age=3000)


def test_actual_put_and_get_from_a_page(s3, raw, bucket):
    put_rules(s3, bucket, PAGE_RULES)
    path = key_path(bucket, KEY)
    r = from_page(raw, "PUT", path, body=b"meow", headers={"Content-Type": "image/jpeg"})
    assert r.status == 200, r
    assert_page_headers(r)
    r = from_page(raw, "GET", path)
    assert r.status == 200 and r.body == b"meow", r
    assert_page_headers(r)
    r = from_page(raw, "HEAD", path)  # HEAD is not in the rule
    assert r.status == 200, r
    assert_no_cors(r)
    # Without an Origin, S3 "doesn't treat the request as a cross-origin request, and doesn't
    # send CORS response headers" (repost; localstack get-no-origin).
    for method, body in (("PUT", b"purr"), ("GET", b"")):
        r = from_page(raw, method, path, origin=None, body=body)
        assert r.status == 200, r
        assert_no_cors(r)
    assert s3.get_object(Bucket=bucket, Key=KEY)["Body"].read() == b"purr"


def test_actual_requests_no_rule_matches(s3, raw, bucket):
    put_rules(s3, bucket, [{"AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET"]}])
    path = key_path(bucket, KEY)
    # A method the rule lacks: the request is served, without CORS headers (localstack put-op:
    # "S3 refuses only preflights").
    r = from_page(raw, "PUT", path, body=b"meow")
    assert r.status == 200, r
    assert_no_cors(r)
    # An origin no rule names: served, no CORS headers, no Vary (localstack get-wrong-origin).
    r = from_page(raw, "GET", path, origin="http://app.example.com")
    assert r.status == 200 and r.body == b"meow", r
    assert_no_cors(r)
    r = from_page(raw, "GET", path)
    assert_cors(r, ORIGIN, "GET")


def test_actual_requests_without_a_configuration(s3, raw, bucket):
    # localstack test_cors_http_get_no_config: no CORS headers with or without an Origin.
    s3.put_object(Bucket=bucket, Key=KEY, Body=b"meow")
    for origin in (ORIGIN, None):
        r = from_page(raw, "GET", key_path(bucket, KEY), origin=origin)
        assert r.status == 200 and r.body == b"meow", r
        assert_no_cors(r)


def test_error_answers_carry_the_cors_headers(s3, raw, bucket):
    put_rules(s3, bucket, PAGE_RULES)
    s3.put_object(Bucket=bucket, Key=KEY, Body=b"meow")
    # A missing key: 404 NoSuchKey with the rule's headers, so the page can read the error
    # (s3-tests test_cors_origin_response: GET of a missing key with a matching Origin, 404 with
    # Allow-Origin and Allow-Methods).
    r = from_page(raw, "GET", key_path(bucket, "no/such/key"))
    assert_error_response(r, "NoSuchKey", 404)
    assert_page_headers(r)
    # An anonymous request refused: 403 AccessDenied, with the headers too (s3-tests: an
    # unauthenticated PUT, 403, with them; xinu-os/boot.xinu-os.org issue 8: S3's 403
    # SignatureDoesNotMatch with them).
    r = from_page(raw, "GET", key_path(bucket, KEY), sign=False)
    assert_error_response(r, "AccessDenied", 403)
    assert_page_headers(r)
    # The same errors from an origin no rule names: none.
    r = from_page(raw, "GET", key_path(bucket, "no/such/key"), origin="https://evil.test")
    assert_error_response(r, "NoSuchKey", 404)
    assert_no_cors(r)


def test_actual_request_any_origin(s3, raw, bucket):
    put_rules(s3, bucket, [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}])
    s3.put_object(Bucket=bucket, Key=KEY, Body=b"meow")
    r = from_page(raw, "GET", key_path(bucket, KEY), origin="http://random:1234")
    assert r.status == 200, r
    assert_cors(r, "*", "GET", credentials=False)  # localstack get-random-wildcard-origin


@pytest.mark.parametrize("method,extra,matches", [
    # An actual request carrying Access-Control-Request-Method is matched by that method, not
    # its own (localstack test_cors_match_methods get-wrong-op, recorded 2025-03-17; s3-tests:
    # a PUT with Access-Control-Request-Method: GET gets the GET rule's headers).
    ("GET", {"Access-Control-Request-Method": "PUT"}, False),
    ("PUT", {"Access-Control-Request-Method": "GET"}, True),
    # ... and one carrying Access-Control-Request-Headers has them checked as a preflight's
    # (localstack get-non-allowed-with-acl), while its real headers are not (get-non-allowed).
    ("GET", {"Access-Control-Request-Headers": "x-amz-request-payer"}, False),
    ("GET", {"x-amz-request-payer": "requester"}, True),
], ids=["acrm-put-on-get", "acrm-get-on-put", "acrh-not-allowed", "real-header-not-checked"])
def test_actual_requests_with_preflight_headers(s3, raw, bucket, method, extra, matches):
    put_rules(s3, bucket, [{"AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET"],
                            "AllowedHeaders": ["x-amz-expected-bucket-owner"]}])
    s3.put_object(Bucket=bucket, Key=KEY, Body=b"meow")
    r = from_page(raw, method, key_path(bucket, KEY), headers=extra,
                  body=b"purr" if method == "PUT" else b"")
    assert r.status == 200, r
    if matches:
        assert_cors(r, ORIGIN, "GET")
    else:
        assert_no_cors(r)


# ---- The Lambda API from a web page --------------------------------------------------------------

EXPOSED = {"x-amzn-requestid", "x-amz-function-error", "x-amz-log-result",
           "x-amz-executed-version"}
# What the JavaScript SDK v3 asks for before an Invoke (sorted, lower case, as a browser writes
# them: Fetch, "CORS-preflight fetch").
SDK_HEADERS = ("amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,"
               "x-amz-content-sha256,x-amz-date,x-amz-log-type,x-amz-user-agent")


def names(value):
    return {v.strip().lower() for v in (value or "").split(",") if v.strip()}


@pytest.mark.parametrize("path", ["/2015-03-31/functions/%s/invocations" % "fn-never-made",
                                  "/2015-03-31/functions/"])
def test_lambda_preflight(raw, path):
    # Lambda's endpoint answers any origin's preflight: 200, Allow-Origin `*`, POST among the
    # methods, the requested headers allowed, Max-Age 172800 (aws-sdk-js issue 1080, a capture
    # of lambda.us-east-1.amazonaws.com). It looks nothing up: the function need not exist.
    r = raw.request("OPTIONS", path, sign=False, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": SDK_HEADERS})
    assert r.status == 200, r
    assert r.headers.get("access-control-allow-origin") == "*", r
    assert "POST" in {m.upper() for m in names(r.headers.get("access-control-allow-methods"))}, r
    assert names(SDK_HEADERS) <= names(r.headers.get("access-control-allow-headers")), r
    assert r.headers.get("access-control-max-age") == "172800", r


PAGE_FUNCTION = b"""
def ok(event, context):
    print("called from a page")
    return {"ok": True, "event": event}

def fails(event, context):
    raise ValueError("broken on purpose")
"""


@pytest.fixture
def page_lambda(target):
    """A Lambda client whose requests a browser would send: Origin added after signing."""
    lam = lambda_client(target.endpoint, target.access_key, target.secret)

    def add_origin(request, **kwargs):
        request.headers["Origin"] = ORIGIN

    lam.meta.events.register("before-send.lambda", add_origin)
    made = []
    yield lam, made
    for name in made:
        try:
            lam.delete_function(FunctionName=name)
        except ClientError:
            pass


def assert_lambda_cors(headers):
    # Every answer to a page: Allow-Origin `*` and the headers the SDK reads exposed
    # (aws-sdk-js issue 1080: x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date,
    # x-amz-log-result, x-amz-function-error).
    assert headers.get("access-control-allow-origin") == "*", headers
    assert EXPOSED <= names(headers.get("access-control-expose-headers")), headers


def test_lambda_invoke_from_a_page(page_lambda):
    lam, made = page_lambda
    name = unique_name("fn")
    created = lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                                  Handler="app.ok",
                                  Code={"ZipFile": make_zip({"app.py": PAGE_FUNCTION})})
    made.append(name)
    assert_lambda_cors(created["ResponseMetadata"]["HTTPHeaders"])
    r = lam.invoke(FunctionName=name, Payload=b'{"from": "page"}', LogType="Tail")
    assert r["StatusCode"] == 200 and "FunctionError" not in r
    assert json.loads(r["Payload"].read()) == {"ok": True, "event": {"from": "page"}}
    headers = r["ResponseMetadata"]["HTTPHeaders"]
    assert_lambda_cors(headers)
    assert "x-amz-log-result" in headers and "x-amz-executed-version" in headers
    # A function error: the page reads X-Amz-Function-Error.
    failing = unique_name("fn")
    lam.create_function(FunctionName=failing, Runtime="python3.12", Role=ROLE,
                        Handler="app.fails", Code={"ZipFile": make_zip({"app.py": PAGE_FUNCTION})})
    made.append(failing)
    r = lam.invoke(FunctionName=failing, Payload=b"{}")
    assert r["FunctionError"] == "Unhandled"
    assert json.loads(r["Payload"].read())["errorType"] == "ValueError"
    assert_lambda_cors(r["ResponseMetadata"]["HTTPHeaders"])
    # An error answer carries them too.
    err = client_error(lam.invoke, FunctionName=unique_name("fn-missing"), Payload=b"{}")
    assert err.response["Error"]["Code"] == "ResourceNotFoundException"
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert_lambda_cors(err.response["ResponseMetadata"]["HTTPHeaders"])


def test_lambda_invoke_from_a_page_raw(target, raw, page_lambda):
    """The same Invoke as a page's fetch() sends it, headers and all, after its preflight."""
    lam, made = page_lambda
    name = unique_name("fn")
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.ok",
                        Code={"ZipFile": make_zip({"app.py": PAGE_FUNCTION})})
    made.append(name)
    path = "/2015-03-31/functions/%s/invocations" % name
    r = raw.request("OPTIONS", path, sign=False, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-amz-date"})
    assert r.status == 200 and r.headers.get("access-control-allow-origin") == "*", r
    body = b'{"n": 1}'
    headers = {"Host": raw.netloc, "Content-Type": "application/json",
               "Content-Length": str(len(body))}
    SigV4(target.access_key, target.secret, service="lambda").sign_headers(
        "POST", path, [], headers, sha256_hex(body))
    headers["Origin"] = ORIGIN
    r = raw.send("POST", path, headers, body)
    assert r.status == 200, r
    assert json.loads(r.body) == {"ok": True, "event": {"n": 1}}
    assert_lambda_cors(r.headers)

