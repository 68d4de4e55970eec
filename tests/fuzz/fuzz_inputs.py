"""Inputs for the evoke request fuzzer (fuzz_requests.py, its only user): the request model
and its corpus format (Req), valid-looking seed requests per service (S3, Lambda, Logs,
EventBridge, Scheduler, awsQuery, RPCv2-CBOR, /_evoke/), and the mutations applied to them
(bodies per protocol, paths, query strings, headers, X-Amz-Target, signing, transport, raw HTTP).
Pure: no I/O; generate(seed, i, encode) is deterministic in (seed, i).
"""

import base64
import gzip
import hashlib
import hmac
import io
import json
import random
import re
import time
import zipfile
from urllib.parse import quote


class Req:
    """One request before signing: what the corpus stores. sign: SigV4 service name or "none";
    auth: good | bad-secret | bad-signature | bad-date | bad-header | sigv2 | presign;
    transport: normal | truncate (Content-Length larger than sent) | oversize (huge
    Content-Length); raw: literal bytes sent as they are (malformed HTTP; nothing is signed).
    kind (json | xml | form | cbor | bytes) picks the body mutator; md5: Content-MD5 is computed
    at send time (S3 DeleteObjects requires one)."""

    def __init__(self, method, path, query="", headers=(), body=b"", sign="none", auth="good",
                 transport="normal", raw=None, kind="bytes", md5=False, note=""):
        self.method, self.path, self.query = method, path, query
        self.headers = [list(h) for h in headers]
        self.body, self.sign, self.auth, self.transport, self.raw = body, sign, auth, transport, raw
        self.kind, self.md5, self.note = kind, md5, note

    def header(self, name):
        return next((v for n, v in self.headers if n.lower() == name.lower()), None)

    def set_header(self, name, value):
        self.headers = [h for h in self.headers if h[0].lower() != name.lower()]
        if value is not None:
            self.headers.append([name, value])

    def to_json(self):
        d = {"note": self.note, "method": self.method, "path": self.path, "query": self.query,
             "headers": self.headers, "body_b64": base64.b64encode(self.body).decode(),
             "sign": self.sign, "auth": self.auth, "transport": self.transport}
        if self.raw is not None:
            d["raw_b64"] = base64.b64encode(self.raw).decode()
        return json.dumps(d, indent=1) + "\n"

    @classmethod
    def from_json(cls, text):
        d = json.loads(text)
        raw = base64.b64decode(d["raw_b64"]) if "raw_b64" in d else None
        return cls(d.get("method", "GET"), d.get("path", "/"), d.get("query", ""),
                   d.get("headers", []), base64.b64decode(d.get("body_b64", "")),
                   d.get("sign", "none"), d.get("auth", "good"), d.get("transport", "normal"),
                   raw, note=d.get("note", ""))



# --- seeds: valid-looking requests per service ------------------------------------------------

BUCKETS = ["fz-b1", "fz-b2"]
# The server's root credentials (fuzz_requests.py starts it with them; form uploads sign with
# them inside their bodies).
ACCESS_KEY = "AKIDEVOKETEST0000001"
SECRET_KEY = "evokeTestSecretKey0000000000000000000000"
KEYS = ["k", "dir/k2", "a b+c%.txt", "\u00e9t\u00e9", "..", "x" * 300]
FUNCTIONS = ["fz-f1", "fz-f2", "fz-f1:$LATEST",
             "arn:aws:lambda:us-east-1:000000000000:function:fz-f2"]
LOG_GROUPS = ["/aws/lambda/fz-f1", "fz-group"]
RULES = ["fz-rule1", "fz-rule2"]
LAMBDA_ARN = "arn:aws:lambda:us-east-1:000000000000:function:fz-f1"
ROLE = "arn:aws:iam::000000000000:role/fz"


def enc(s, safe="/~"):
    return quote(s, safe=safe)


def tiny_zip(source="def h(event, context):\n    return event\n"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("lambda_function.py", source)
    return buf.getvalue()


# {"Namespace": "fz", "MetricData": [{"MetricName": "m", "Value": 1.5, "Dimensions": [{"Name":
# "a", "Value": "b"}]}]} in CBOR: the seed body of the RPCv2-CBOR requests.
CBOR_SEED = bytes.fromhex(
    "a2694e616d65737061636562667a6a4d65747269634461746181a36a4d65747269634e616d65616d6556616c"
    "7565fb3ff80000000000006a44696d656e73696f6e7381a2644e616d6561616556616c75656162")


def s3_seed(rng):
    b, k = rng.choice(BUCKETS), enc(rng.choice(KEYS))
    deletes = "".join("<Object><Key>%s</Key></Object>" % x for x in ("k", "dir/k2", "nope"))
    choices = [
        ("PUT", "/" + b, "", [], b""),
        ("GET", "/", "", [], b""),
        ("PUT", "/%s/%s" % (b, k), "", [["Content-Type", "text/plain"]], b"hello fuzz"),
        ("GET", "/%s/%s" % (b, k), "", [["Range", "bytes=1-3"]], b""),
        ("HEAD", "/%s/%s" % (b, k), "", [["If-None-Match", '"x"']], b""),
        ("GET", "/" + b, "list-type=2&prefix=d&delimiter=%2F&max-keys=2", [], b""),
        ("GET", "/" + b, "location", [], b""),
        ("DELETE", "/%s/%s" % (b, k), "", [], b""),
        ("POST", "/" + b, "delete", [], ("<Delete><Quiet>false</Quiet>%s</Delete>" % deletes)
         .encode()),
        ("POST", "/%s/%s" % (b, k), "uploads", [], b""),
        ("PUT", "/%s/%s" % (b, k), "partNumber=1&uploadId=fz", [], b"part"),
        ("POST", "/%s/%s" % (b, k), "uploadId=fz", [], b"<CompleteMultipartUpload><Part>"
         b"<PartNumber>1</PartNumber><ETag>\"e\"</ETag></Part></CompleteMultipartUpload>"),
        ("PUT", "/%s/%s" % (b, k), "tagging", [], b"<Tagging><TagSet><Tag><Key>a</Key>"
         b"<Value>b</Value></Tag></TagSet></Tagging>"),
        ("PUT", "/%s/copy" % b, "", [["x-amz-copy-source", "/%s/k" % b]], b""),
        ("PUT", "/" + b, "notification", [], ("<NotificationConfiguration>"
         "<CloudFunctionConfiguration><Id>n</Id><CloudFunction>%s</CloudFunction><Event>"
         "s3:ObjectCreated:*</Event></CloudFunctionConfiguration></NotificationConfiguration>"
         % LAMBDA_ARN).encode()),
        ("PUT", "/%s/%s" % (b, k), "", [["x-amz-content-sha256",
         "STREAMING-UNSIGNED-PAYLOAD-TRAILER"], ["Content-Encoding", "aws-chunked"],
         ["x-amz-decoded-content-length", "5"], ["x-amz-trailer", "x-amz-checksum-crc32"]],
         b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"),
        ("PUT", "/" + b, "policy", [], json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": rng.choice(["Allow", "Deny"]), "Principal": rng.choice(["*", {"AWS": "*"}]),
            "Action": rng.choice(["s3:GetObject", "s3:*"]),
            "Resource": "arn:aws:s3:::%s/*" % b,
            "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}}]}).encode()),
        ("GET", "/" + b, "policy", [], b""),
        ("GET", "/" + b, "policyStatus", [], b""),
        ("DELETE", "/" + b, "policy", [], b""),
        ("PUT", "/" + b, "publicAccessBlock", [], b"<PublicAccessBlockConfiguration>"
         b"<BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>true"
         b"</RestrictPublicBuckets></PublicAccessBlockConfiguration>"),
        ("GET", "/" + b, "publicAccessBlock", [], b""),
        ("DELETE", "/" + b, "publicAccessBlock", [], b""),
        ("PUT", "/" + b, "ownershipControls", [], b"<OwnershipControls><Rule><ObjectOwnership>"
         + rng.choice([b"ObjectWriter", b"BucketOwnerEnforced", b"BucketOwnerPreferred"])
         + b"</ObjectOwnership></Rule></OwnershipControls>"),
        ("GET", "/" + b, "ownershipControls", [], b""),
        ("DELETE", "/" + b, "ownershipControls", [], b""),
        ("PUT", "/" + b, "acl", [["x-amz-acl", rng.choice(["public-read", "private",
                                                           "public-read-write", "bogus"])]], b""),
        ("GET", "/" + b, "acl", [], b""),
        ("PUT", "/%s/%s" % (b, k), "acl", [["x-amz-grant-read", rng.choice([
            'uri="http://acs.amazonaws.com/groups/global/AllUsers"', "id=" + "0" * 64,
            "emailAddress=a@b", "uri=x, id"])]], b""),
        ("PUT", "/%s/%s" % (b, k), "acl", [], (
            '<AccessControlPolicy><Owner><ID>%s</ID></Owner><AccessControlList><Grant>'
            '<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group">'
            '<URI>http://acs.amazonaws.com/groups/global/AuthenticatedUsers</URI></Grantee>'
            '<Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>'
            % ("0" * 64)).encode()),
        ("GET", "/%s/%s" % (b, k), "acl", [], b""),
        ("PUT", "/%s/%s" % (b, k), "", [["x-amz-acl", "public-read"]], b"acl fuzz"),
        ("PUT", "/%s/%s" % (b, k), "", [[rng.choice(["If-None-Match", "If-Match"]),
                                          rng.choice(["*", '"x"', "", '"a", "b"'])]], b"cond"),
        ("PUT", "/" + b, "versioning", [], b"<VersioningConfiguration><Status>"
         + rng.choice([b"Enabled", b"Suspended", b"Disabled", b""]) + b"</Status><MfaDelete>"
         + rng.choice([b"Disabled", b"Enabled", b"x"]) + b"</MfaDelete></VersioningConfiguration>"),
        ("GET", "/" + b, "versioning", [], b""),
        ("GET", "/" + b, rng.choice(["versions", "versions&key-marker=k&version-id-marker=null",
                                     "versions&max-keys=1&delimiter=%2F",
                                     "versions&key-marker=k&version-id-marker=" + "A" * 32]),
         [], b""),
        (rng.choice(["GET", "HEAD", "DELETE"]), "/%s/%s" % (b, k), "versionId=" + rng.choice(
            ["null", "", "A" * 32, "x%2Fy", "." * 32]), [], b""),
        ("GET", "/%s/%s" % (b, k), "tagging&versionId=null", [], b""),
        ("PUT", "/%s/copy" % b, "", [["x-amz-copy-source", "/%s/k?versionId=%s" % (
            b, rng.choice(["null", "", "A" * 32]))]], b""),
        ("POST", "/" + b, "delete", [], b"<Delete><Object><Key>k</Key><VersionId>"
         + rng.choice([b"null", b"", b"A" * 32]) + b"</VersionId></Object></Delete>"),
        ("PUT", "/" + b, "lifecycle", [], b"<LifecycleConfiguration><Rule><ID>r</ID><Filter>"
         + rng.choice([b"<Prefix>tmp/</Prefix>", b"<Tag><Key>a</Key><Value>b</Value></Tag>",
                       b"<And><Prefix>p</Prefix><ObjectSizeGreaterThan>10"
                       b"</ObjectSizeGreaterThan></And>", b""])
         + b"</Filter><Status>" + rng.choice([b"Enabled", b"Disabled", b"x"]) + b"</Status>"
         + rng.choice([b"<Expiration><Days>1</Days></Expiration>",
                       b"<Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>",
                       b"<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays>"
                       b"<NewerNoncurrentVersions>3</NewerNoncurrentVersions>"
                       b"</NoncurrentVersionExpiration>",
                       b"<AbortIncompleteMultipartUpload><DaysAfterInitiation>-1"
                       b"</DaysAfterInitiation></AbortIncompleteMultipartUpload>", b""])
         + b"</Rule></LifecycleConfiguration>"),
        (rng.choice(["GET", "DELETE"]), "/" + b, "lifecycle", [], b""),
        ("PUT", "/" + b, "tagging", [], b"<Tagging><TagSet>" + b"".join(
            b"<Tag><Key>k%d</Key><Value>v</Value></Tag>" % i
            for i in range(rng.choice([0, 1, 50, 51]))) + b"</TagSet></Tagging>"),
        (rng.choice(["GET", "DELETE"]), "/" + b, "tagging", [], b""),
        ("PUT", "/" + b, "cors", [], b"<CORSConfiguration><CORSRule><AllowedOrigin>"
         + rng.choice([b"*", b"https://*.example.com", b"*a*", b""]) + b"</AllowedOrigin>"
         b"<AllowedMethod>" + rng.choice([b"GET", b"PUT", b"PATCH", b""]) + b"</AllowedMethod>"
         b"<AllowedHeader>*</AllowedHeader><MaxAgeSeconds>" + rng.choice([b"3000", b"-1", b"x"])
         + b"</MaxAgeSeconds></CORSRule></CORSConfiguration>"),
        (rng.choice(["GET", "DELETE"]), "/" + b, "cors", [], b""),
        ("OPTIONS", rng.choice(["/" + b, "/%s/%s" % (b, k)]), "", [
            ["Origin", rng.choice(["https://a.example.com", "", "null"])],
            ["Access-Control-Request-Method", rng.choice(["GET", "PUT", "BREW"])],
            ["Access-Control-Request-Headers", rng.choice(["content-type, x-amz-date", ",,", ""])]],
         b""),
    ] + object_lock_seeds(rng, k) + attributes_encryption_seeds(rng, b, k) + metrics_seeds(rng, b)
    m, p, q, h, body = rng.choice(choices)
    kind = "xml" if body.startswith(b"<") else "json" if body.startswith(b"{") else "bytes"
    # S3 requires Content-MD5 on these (the bucket's tagging, not an object's).
    md5 = (q in ("delete", "lifecycle", "cors", "encryption") or (q == "tagging" and p.count("/") == 1) or
           q.split("&")[0] in ("object-lock", "retention", "legal-hold") or
           any(name.startswith("x-amz-object-lock") for name, _ in h))
    return Req(m, p, q, h, body, "s3", kind=kind, md5=md5)


def attributes_encryption_seeds(rng, b, k):
    """GetObjectAttributes (its headers valid or not, of a version), the bucket default
    encryption configuration, and the encryption headers of a PUT."""
    return [
        ("GET", "/%s/%s" % (b, k), "attributes" + rng.choice(["", "&versionId=null",
                                                             "&versionId=" + "A" * 32]), [
            ["x-amz-object-attributes", rng.choice([
                "ETag,Checksum,ObjectParts,StorageClass,ObjectSize", "ObjectParts", "", ",,",
                "Bogus", "ETag, ObjectSize"])],
            ["x-amz-max-parts", rng.choice(["1", "0", "1000", "5000", "-1", "x", "99999999999"])],
            ["x-amz-part-number-marker", rng.choice(["0", "1", "10001", "-2", "z"])]], b""),
        ("PUT", "/" + b, "encryption", [], b"<ServerSideEncryptionConfiguration><Rule>"
         b"<ApplyServerSideEncryptionByDefault><SSEAlgorithm>"
         + rng.choice([b"AES256", b"aws:kms", b"aws:kms:dsse", b"AES512", b""])
         + b"</SSEAlgorithm>" + rng.choice([b"", b"<KMSMasterKeyID>alias/k</KMSMasterKeyID>"])
         + b"</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>"
         + rng.choice([b"true", b"false", b"x"]) + b"</BucketKeyEnabled>"
         + rng.choice([b"", b"<BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType>"
                           b"</BlockedEncryptionTypes>"])
         + b"</Rule></ServerSideEncryptionConfiguration>"),
        (rng.choice(["GET", "DELETE"]), "/" + b, "encryption", [], b""),
        ("PUT", "/%s/%s" % (b, k), "", [[rng.choice([
            "x-amz-server-side-encryption", "x-amz-server-side-encryption-customer-algorithm",
            "x-amz-server-side-encryption-aws-kms-key-id"]),
            rng.choice(["AES256", "aws:kms", "aws:kms:dsse", "", "x"])]], b"sse fuzz"),
    ]


def metrics_seeds(rng, b):
    """Bucket metrics configurations: Put (Ids and filters valid or not), Get, List (with
    continuation tokens), Delete."""
    ident = rng.choice(["all", "a.b-c_d", "", "has space", "x" * 65, "%2F"])
    filt = rng.choice([
        b"", b"<Filter/>", b"<Filter><Prefix>logs/</Prefix></Filter>",
        b"<Filter><Tag><Key>env</Key><Value>prod</Value></Tag></Filter>",
        b"<Filter><AccessPointArn>arn:aws:s3:us-east-1:123456789012:accesspoint/a</AccessPointArn>"
        b"</Filter>",
        b"<Filter><And><Prefix>p/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter>",
        b"<Filter><And><Prefix>p/</Prefix></And></Filter>",
        b"<Filter><Prefix>a</Prefix><Prefix>b</Prefix></Filter>"])
    return [
        ("PUT", "/" + b, "metrics&id=" + ident, [],
         b"<MetricsConfiguration><Id>" + rng.choice([ident.encode(), b"other", b""]) + b"</Id>"
         + filt + b"</MetricsConfiguration>"),
        (rng.choice(["GET", "DELETE"]), "/" + b, "metrics&id=" + ident, [], b""),
        ("GET", "/" + b, "metrics" + rng.choice(["", "&continuation-token=aWQtMDAx",
                                                 "&continuation-token=%25%25"]), [], b""),
    ]


LOCK_BUCKET = "fz-lock"


def object_lock_seeds(rng, k):
    """S3 Object Lock: a bucket made with it, its configuration, writes with lock headers, a
    version's retention and legal hold, and deletes that bypass governance retention."""
    b = rng.choice([LOCK_BUCKET, LOCK_BUCKET, BUCKETS[0]])
    version = rng.choice(["", "&versionId=null", "&versionId=" + "A" * 32, "&versionId="])
    date = rng.choice(["2099-01-01T00:00:00Z", "2001-01-01T00:00:00Z", "2099-13-45T99:99:99Z",
                       "tomorrow", "", "2099-01-01T00:00:00.123456789+05:30"])
    mode = rng.choice(["GOVERNANCE", "COMPLIANCE", "governance", "", "X" * 300])
    period = rng.choice([b"<Days>1</Days>", b"<Years>1</Years>", b"<Days>0</Days>",
                         b"<Days>-1</Days>", b"<Days>99999999999999999999</Days>",
                         b"<Days>1</Days><Years>1</Years>", b"<Years>101</Years>", b""])
    return [
        ("PUT", "/" + LOCK_BUCKET, "", [["x-amz-bucket-object-lock-enabled",
                                         rng.choice(["true", "True", "false", "x", ""])]], b""),
        ("PUT", "/" + b, "object-lock", [], b"<ObjectLockConfiguration><ObjectLockEnabled>"
         + rng.choice([b"Enabled", b"Disabled", b""]) + b"</ObjectLockEnabled>"
         + rng.choice([b"", b"<Rule><DefaultRetention><Mode>" + mode.encode() + b"</Mode>"
                       + period + b"</DefaultRetention></Rule>", b"<Rule/>"])
         + b"</ObjectLockConfiguration>"),
        ("GET", "/" + b, "object-lock", [], b""),
        ("PUT", "/%s/%s" % (b, k), "", [["x-amz-object-lock-mode", mode],
                                        ["x-amz-object-lock-retain-until-date", date],
                                        ["x-amz-object-lock-legal-hold",
                                         rng.choice(["ON", "OFF", "on", ""])]], b"locked"),
        ("POST", "/%s/%s" % (b, k), "uploads", [["x-amz-object-lock-mode", mode],
                                                ["x-amz-object-lock-retain-until-date", date]],
         b""),
        ("PUT", "/%s/%s" % (b, k), "retention" + version,
         [["x-amz-bypass-governance-retention", rng.choice(["true", "false", "x"])]],
         rng.choice([b"<Retention/>", b"<Retention><Mode>" + mode.encode() + b"</Mode>"
                     b"<RetainUntilDate>" + date.encode() + b"</RetainUntilDate></Retention>",
                     b"<Retention><Mode>GOVERNANCE</Mode></Retention>"])),
        ("GET", "/%s/%s" % (b, k), "retention" + version, [], b""),
        ("PUT", "/%s/%s" % (b, k), "legal-hold" + version, [], b"<LegalHold><Status>"
         + rng.choice([b"ON", b"OFF", b"on", b""]) + b"</Status></LegalHold>"),
        ("GET", "/%s/%s" % (b, k), "legal-hold" + version, [], b""),
        ("DELETE", "/%s/%s" % (b, k), version.lstrip("&"),
         [["x-amz-bypass-governance-retention", rng.choice(["true", "false"])]], b""),
        ("POST", "/" + b, "delete", [["x-amz-bypass-governance-retention", "true"]],
         b"<Delete><Object><Key>k</Key><VersionId>" + rng.choice([b"null", b"A" * 32])
         + b"</VersionId></Object></Delete>"),
    ]


def lambda_seed(rng):
    f = enc(rng.choice(FUNCTIONS), safe="")
    create = {"FunctionName": rng.choice(FUNCTIONS[:2]), "Runtime": "python3.12", "Role": ROLE,
              "Handler": "lambda_function.h", "Timeout": 3, "MemorySize": 128,
              "Code": {"ZipFile": base64.b64encode(tiny_zip()).decode()},
              "Environment": {"Variables": {"AB": "c"}}, "Layers": [],
              "EphemeralStorage": {"Size": 512}}
    choices = [
        ("POST", "/2015-03-31/functions", "", create),  # three times: the others need one
        ("POST", "/2015-03-31/functions", "", create),
        ("POST", "/2015-03-31/functions", "", create),
        ("GET", "/2015-03-31/functions", "MaxItems=2&Marker=x", None),
        ("GET", "/2015-03-31/functions/" + f, "", None),
        ("GET", "/2015-03-31/functions/%s/configuration" % f, "Qualifier=%24LATEST", None),
        ("PUT", "/2015-03-31/functions/%s/configuration" % f, "", {"Timeout": 5,
         "Environment": {"Variables": {"XY": "z"}}, "Description": "d"}),
        ("PUT", "/2015-03-31/functions/%s/code" % f, "", {"ZipFile": create["Code"]["ZipFile"]}),
        ("POST", "/2015-03-31/functions/%s/invocations" % f, "", {"a": 1}),
        ("POST", "/2015-03-31/functions/%s/policy" % f, "", {"StatementId": "s",
         "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com",
         "SourceArn": "arn:aws:s3:::fz-b1"}),
        ("GET", "/2015-03-31/functions/%s/policy" % f, "", None),
        ("DELETE", "/2015-03-31/functions/%s/policy/s" % f, "", None),
        ("PUT", "/2017-10-31/functions/%s/concurrency" % f, "",
         {"ReservedConcurrentExecutions": 2}),
        ("GET", "/2019-09-30/functions/%s/concurrency" % f, "", None),
        ("PUT", "/2019-09-25/functions/%s/event-invoke-config" % f, "",
         {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 60}),
        ("GET", "/2019-09-25/functions/%s/event-invoke-config/list" % f, "", None),
        ("GET", "/2016-08-19/account-settings", "", None),
        ("OPTIONS", "/2015-03-31/functions/%s/invocations" % f, "", None),
        ("POST", "/2018-10-31/layers/fz-layer/versions", "", {"Content": {"ZipFile":
         create["Code"]["ZipFile"]}, "CompatibleRuntimes": ["python3.12"]}),
        ("GET", "/2018-10-31/layers", "CompatibleRuntime=python3.12", None),
        ("GET", "/2018-10-31/layers/fz-layer/versions/1", "", None),
        ("DELETE", "/2015-03-31/functions/" + f, "", None),
        ("GET", "/2015-03-31/functions/a/b/c", "", None),
        ("GET", "/2015-03-31/functions/%s/anything-unknown" % f, "", None),
    ]
    m, p, q, doc = rng.choice(choices)
    headers = [["Content-Type", "application/json"]] if doc is not None else []
    if p.endswith("/invocations"):
        headers.append(["X-Amz-Invocation-Type",
                        rng.choice(["RequestResponse", "Event", "DryRun"])])
        headers.append(["X-Amz-Log-Type", "Tail"])
    body = json.dumps(doc).encode() if doc is not None else b""
    return Req(m, p, q, headers, body, "lambda", kind="json" if doc is not None else "bytes")


def json_rpc_seed(rng):
    group, now_ms = rng.choice(LOG_GROUPS), int(time.time() * 1000)
    rule = rng.choice(RULES)
    ops = [
        ("logs", "Logs_20140328.CreateLogGroup", {"logGroupName": group}),
        ("logs", "Logs_20140328.CreateLogStream", {"logGroupName": group, "logStreamName": "s"}),
        ("logs", "Logs_20140328.PutLogEvents", {"logGroupName": group, "logStreamName": "s",
         "logEvents": [{"timestamp": now_ms, "message": "m1"}, {"timestamp": now_ms + 1,
                                                                 "message": "ERROR x"}]}),
        ("logs", "Logs_20140328.GetLogEvents", {"logGroupName": group, "logStreamName": "s",
         "startFromHead": True, "limit": 5}),
        ("logs", "Logs_20140328.FilterLogEvents", {"logGroupName": group,
         "filterPattern": rng.choice(["ERROR", '"m 1"', "?ERROR ?m1", "-x ERROR", "",
                                      '[a, b = "x*"]', "{$.a = 1}"]), "interleaved": True}),
        ("logs", "Logs_20140328.DescribeLogGroups", {"logGroupNamePrefix": "/aws", "limit": 1}),
        ("logs", "Logs_20140328.DescribeLogStreams", {"logGroupName": group,
         "orderBy": "LastEventTime", "descending": True}),
        ("logs", "Logs_20140328.PutRetentionPolicy", {"logGroupName": group,
                                                      "retentionInDays": 1}),
        ("logs", "Logs_20140328.DeleteLogGroup", {"logGroupName": group}),
        ("events", "AWSEvents.PutRule", {"Name": rule, "ScheduleExpression": "rate(5 minutes)",
                                         "State": "ENABLED"}),
        ("events", "AWSEvents.PutRule", {"Name": rule, "EventPattern": json.dumps(
            {"source": ["aws.s3"], "detail": {"bucket": {"name": [{"prefix": "fz"}]}}})}),
        ("events", "AWSEvents.PutTargets", {"Rule": rule, "Targets": [
            {"Id": "t1", "Arn": LAMBDA_ARN, "Input": '{"a":1}'}]}),
        ("events", "AWSEvents.ListRules", {"NamePrefix": "fz", "Limit": 1}),
        ("events", "AWSEvents.DescribeRule", {"Name": rule}),
        ("events", "AWSEvents.ListTargetsByRule", {"Rule": rule}),
        ("events", "AWSEvents.RemoveTargets", {"Rule": rule, "Ids": ["t1"]}),
        ("events", "AWSEvents.DisableRule", {"Name": rule}),
        ("events", "AWSEvents.DeleteRule", {"Name": rule}),
        ("monitoring", "GraniteServiceVersion20100801.ListMetrics", {"Namespace": "fz"}),
    ]
    service, target, doc = rng.choice(ops)
    return Req("POST", "/", "", [["X-Amz-Target", target],
                                 ["Content-Type", "application/x-amz-json-1.1"]],
               json.dumps(doc).encode(), service, kind="json")


def scheduler_seed(rng):
    name, group = rng.choice(["fz-s1", "fz-s2"]), rng.choice(["default", "fz-g"])
    sched = {"ScheduleExpression": rng.choice(["rate(1 hour)", "cron(0 12 * * ? *)",
                                               "at(2030-01-01T00:00:00)"]),
             "ScheduleExpressionTimezone": "Europe/Paris", "FlexibleTimeWindow": {"Mode": "OFF"},
             "Target": {"Arn": LAMBDA_ARN, "RoleArn": ROLE, "Input": "{}",
                        "RetryPolicy": {"MaximumRetryAttempts": 1}}, "GroupName": group}
    choices = [("POST", "/schedules/" + name, "", sched), ("PUT", "/schedules/" + name, "", sched),
               ("GET", "/schedules/" + name, "groupName=" + group, None),
               ("DELETE", "/schedules/" + name, "groupName=" + group, None),
               ("GET", "/schedules", "NamePrefix=fz&MaxResults=1&State=ENABLED", None),
               ("POST", "/schedule-groups/fz-g", "", {"Tags": [{"Key": "a", "Value": "b"}]}),
               ("GET", "/schedule-groups/fz-g", "", None),
               ("GET", "/schedule-groups", "", None),
               ("DELETE", "/schedule-groups/fz-g", "", None)]
    m, p, q, doc = rng.choice(choices)
    body = json.dumps(doc).encode() if doc is not None else b""
    return Req(m, p, q, [["Content-Type", "application/json"]], body, "scheduler",
               kind="json" if doc is not None else "bytes")


def iam_seed(rng):
    """IAM and STS (awsQuery): entities, policy documents, sessions."""
    user, role, group = (rng.choice(["fz-u1", "fz-u2"]), rng.choice(["fz-r1", "fz-r2"]),
                         rng.choice(["fz-g1", "fz-g2"]))
    policy_arn = "arn:aws:iam::000000000000:policy/" + rng.choice(["fz-p1", "fz-p2"])
    doc = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": rng.choice(["Allow", "Deny"]), "Action": rng.choice(["s3:GetObject", "s3:*",
                                                                      ["sts:AssumeRole"]]),
        "Resource": rng.choice(["*", "arn:aws:s3:::fz-b1/${aws:username}/*"]),
        "Condition": {"StringLike": {"s3:prefix": ["a/*"]},
                      "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": rng.choice([{"Service": "lambda.amazonaws.com"},
                                                    {"AWS": "arn:aws:iam::000000000000:root"},
                                                    "*"]),
        "Action": "sts:AssumeRole"}]})
    service, params = rng.choice([
        ("iam", {"Action": "CreateUser", "UserName": user, "Path": "/fz/",
                 "Tags.member.1.Key": "team", "Tags.member.1.Value": "a"}),
        ("iam", {"Action": "ListUsers", "MaxItems": "1", "PathPrefix": "/fz/"}),
        ("iam", {"Action": "CreateAccessKey", "UserName": user}),
        ("iam", {"Action": "ListAccessKeys", "UserName": user}),
        ("iam", {"Action": "UpdateAccessKey", "UserName": user, "Status": "Inactive",
                 "AccessKeyId": "AKIAFUZZ000000000000"}),
        ("iam", {"Action": "DeleteUser", "UserName": user}),
        ("iam", {"Action": "CreateGroup", "GroupName": group}),
        ("iam", {"Action": "AddUserToGroup", "GroupName": group, "UserName": user}),
        ("iam", {"Action": "CreateRole", "RoleName": role, "AssumeRolePolicyDocument": trust,
                 "MaxSessionDuration": "3600"}),
        ("iam", {"Action": "UpdateAssumeRolePolicy", "RoleName": role, "PolicyDocument": trust}),
        ("iam", {"Action": "PutUserPolicy", "UserName": user, "PolicyName": "p",
                 "PolicyDocument": doc}),
        ("iam", {"Action": "PutRolePolicy", "RoleName": role, "PolicyName": "p",
                 "PolicyDocument": doc}),
        ("iam", {"Action": "CreatePolicy", "PolicyName": policy_arn.rsplit("/", 1)[1],
                 "PolicyDocument": doc}),
        ("iam", {"Action": "CreatePolicyVersion", "PolicyArn": policy_arn, "PolicyDocument": doc,
                 "SetAsDefault": "true"}),
        ("iam", {"Action": "AttachUserPolicy", "UserName": user, "PolicyArn": policy_arn}),
        ("iam", {"Action": "AttachRolePolicy", "RoleName": role,
                 "PolicyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}),
        ("iam", {"Action": "ListEntitiesForPolicy", "PolicyArn": policy_arn}),
        ("iam", {"Action": "DeletePolicy", "PolicyArn": policy_arn}),
        ("iam", {"Action": "ListPolicies", "Scope": "AWS", "MaxItems": "3"}),
        ("iam", {"Action": "SimulatePrincipalPolicy",
                 "PolicySourceArn": "arn:aws:iam::000000000000:" + rng.choice(
                     ["user/" + user, "role/" + role, "group/" + group]),
                 "ActionNames.member.1": "s3:GetObject", "ActionNames.member.2": "s3:ListBucket",
                 "ResourceArns.member.1": "arn:aws:s3:::fz-b1/fz-u1/k",
                 "PolicyInputList.member.1": doc, "MaxItems": "1",
                 "ContextEntries.member.1.ContextKeyName": "aws:SourceIp",
                 "ContextEntries.member.1.ContextKeyValues.member.1": "10.1.2.3",
                 "ContextEntries.member.1.ContextKeyType": "ip"}),
        ("iam", {"Action": "SimulateCustomPolicy", "PolicyInputList.member.1": doc,
                 "ActionNames.member.1": rng.choice(["s3:GetObject", "sts:AssumeRole", "x"]),
                 "ResourcePolicy": trust.replace('"sts:AssumeRole"',
                                                 '"s3:*", "Resource": "*"'),
                 "CallerArn": "arn:aws:iam::000000000000:user/" + user,
                 "PermissionsBoundaryPolicyInputList.member.1": doc, "Marker": "1"}),
        ("sts", {"Action": "GetCallerIdentity"}),
        ("sts", {"Action": "AssumeRole", "RoleArn": "arn:aws:iam::000000000000:role/" + role,
                 "RoleSessionName": "fz", "DurationSeconds": "900", "Policy": doc}),
        ("sts", {"Action": "GetSessionToken", "DurationSeconds": "900"}),
        ("sts", {"Action": "GetAccessKeyInfo", "AccessKeyId": "AKIAFUZZ000000000000"})])
    params["Version"] = "2011-06-15" if service == "sts" else "2010-05-08"
    form = "&".join("%s=%s" % (k, enc(v, safe="")) for k, v in params.items())
    return Req("POST", "/", "", [["Content-Type", "application/x-www-form-urlencoded"]],
               form.encode(), service, kind="form")


def access_analyzer_seed(rng):
    """IAM Access Analyzer's ValidatePolicy (rest-json, POST /policy/validation)."""
    document = rng.choice([
        json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "iam:PassRole",
                                          "lambda:Nope"],
            "Resource": ["arn:aws:s3:::fz-b1", "*"],
            "Condition": {"StringLike": {"s3:prefix": "a/*", "aws:Nope": "x"}}}]}, indent=2),
        json.dumps({"Statement": {"Effect": "Allow", "Principal": "*", "NotAction": "s3:*",
                                  "NotResource": "arn:aws:s3:::fz-b1/*"}}),
        '{"Version": "2012-10-17", "Statement": [',
        "[" * 200])
    doc = {"policyDocument": document,
           "policyType": rng.choice(["IDENTITY_POLICY", "RESOURCE_POLICY",
                                     "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "X"])}
    if rng.random() < 0.3:
        doc["validatePolicyResourceType"] = "AWS::S3::Bucket"
    if rng.random() < 0.3:
        doc["locale"] = "EN"
    query = rng.choice(["", "maxResults=1", "maxResults=2&nextToken=1", "nextToken=x"])
    return Req("POST", "/policy/validation", query, [["Content-Type", "application/json"]],
               json.dumps(doc).encode(), "access-analyzer", kind="json")


def other_seed(rng):
    """Protocols evoke is about to speak (awsQuery, RPCv2-CBOR) and its own /_evoke/ paths."""
    choice = rng.randrange(4)
    if choice == 0:
        return Req("POST", "/", "", [["Content-Type", "application/x-www-form-urlencoded"]],
                   b"Action=PutMetricData&Version=2010-08-01&Namespace=fz&MetricData."
                   b"member.1.MetricName=m&MetricData.member.1.Value=1.5", "monitoring",
                   kind="form")
    if choice == 1:
        op = rng.choice(["PutMetricData", "GetMetricData", "ListMetrics", "Nope"])
        return Req("POST", "/service/GraniteServiceVersion20100801/operation/" + op, "",
                   [["smithy-protocol", "rpc-v2-cbor"], ["Content-Type", "application/cbor"],
                    ["Accept", "application/cbor"]], CBOR_SEED, "monitoring", kind="cbor")
    path = rng.choice(["/_evoke/test/clock", "/_evoke/", "/_evoke/x/y", "/_evoke/../",
                       "/_evoke/metrics", "/_evoke/metrics/"])
    return Req(rng.choice(["GET", "POST", "HEAD"]), path, "", [], b'{"advanceSeconds": 0}',
               rng.choice(["none", "s3", "lambda"]), kind="json")


def cloudwatch_seed(rng):
    """CloudWatch metrics in its three protocols: awsQuery forms (strings), awsJson1.0 (numbers,
    NaN as a string, epoch timestamps), RPCv2-CBOR (botocore's PutMetricData body), and a gzip
    PutMetricData (its model's requestcompression)."""
    now = int(time.time())
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - rng.choice([0, 600, 20 * 86400])))
    forms = [
        "Action=PutMetricData&Version=2010-08-01&Namespace=fz&MetricData.member.1.MetricName=m"
        "&MetricData.member.1.Values.member.1=1.5&MetricData.member.1.Values.member.2=nan"
        "&MetricData.member.1.Counts.member.1=2&MetricData.member.1.Timestamp=" + iso,
        "Action=PutMetricData&Version=2010-08-01&Namespace=fz&MetricData.member.1.MetricName=m"
        "&MetricData.member.1.StatisticValues.SampleCount=2&MetricData.member.1.StatisticValues."
        "Sum=3&MetricData.member.1.StatisticValues.Minimum=1&MetricData.member.1.StatisticValues."
        "Maximum=2&MetricData.member.1.StorageResolution=1&MetricData.member.1.Unit=Seconds",
        "Action=GetMetricStatistics&Version=2010-08-01&Namespace=fz&MetricName=m&StartTime=" + iso +
        "&EndTime=" + time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 60)) +
        "&Period=" + rng.choice(["60", "1", "45", "0", "-60", "86400"]) +
        "&Statistics.member.1=Sum&ExtendedStatistics.member.1=p99",
        "Action=ListMetrics&Version=2010-08-01&Namespace=fz&Dimensions.member.1.Name=d"
        "&RecentlyActive=PT3H&NextToken=" + rng.choice(["", "x", "ZXZva2UtbWV0cmljczox"]),
        "Action=GetMetricData&Version=2010-08-01&StartTime=" + iso + "&EndTime=" +
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 60)) +
        "&MetricDataQueries.member.1.Id=m1&MetricDataQueries.member.1.MetricStat.Metric.Namespace=fz"
        "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=m"
        "&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat="
        + rng.choice(["Sum", "p99", "tm99", "x"]) + "&MetricDataQueries.member.2.Id=e1"
        "&MetricDataQueries.member.2.Expression=" + rng.choice(["m1*2", "SUM(METRICS())", "e1",
                                                                 "RATE(m1%29", "m1%2B%2B"]) +
        "&MaxDatapoints=" + rng.choice(["1", "0", "100800"]) + "&NextToken=" +
        rng.choice(["", "x", "Z21kMTox"]),
    ]
    docs = [
        ("PutMetricData", {"Namespace": "fz", "MetricData": [
            {"MetricName": "m", "Value": rng.choice([1.5, "NaN", "Infinity", 2 ** 400, -0.0]),
             "Timestamp": now - rng.choice([0, 3600, 15 * 86400, -3 * 3600]),
             "Dimensions": [{"Name": "d%d" % i, "Value": "v"} for i in range(rng.choice([1, 31]))]}]}),
        ("GetMetricStatistics", {"Namespace": "fz", "MetricName": "m", "StartTime": now - 3600,
                                 "EndTime": now, "Period": 60, "Statistics": ["Average", "Sum"],
                                 "Unit": rng.choice(["Count", "Nope"])}),
        ("ListMetrics", {"Namespace": "fz", "Dimensions": [{"Name": "d0"}]}),
        ("GetMetricData", {"StartTime": now - 3600, "EndTime": now, "MaxDatapoints": 2,
                           "ScanBy": rng.choice(["TimestampAscending", "Nope"]),
                           "MetricDataQueries": [
            {"Id": "m1", "ReturnData": rng.choice([True, False]), "MetricStat": {
                "Metric": {"Namespace": "fz", "MetricName": "m"}, "Period": 60, "Stat": "Sum"}},
            {"Id": "e1", "Expression": rng.choice([
                "m1 * 2", "IF(m1 > 1, m1, 0)", "FILL(m1, REPEAT)", "e2", "e1",
                "SEARCH('{fz} m', 'Average', 60)", "SUM(METRICS())" * 40, "(" * 300])},
            {"Id": "e2", "Expression": "e1 + 1", "Period": 60}]}),
    ]
    choice = rng.randrange(4)
    if choice == 0:
        return Req("POST", "/", "", [["Content-Type", "application/x-www-form-urlencoded"]],
                   rng.choice(forms).encode(), "monitoring", kind="form")
    if choice == 1:
        op, doc = rng.choice(docs)
        return Req("POST", "/", "", [["X-Amz-Target", "GraniteServiceVersion20100801." + op],
                                     ["Content-Type", "application/x-amz-json-1.0"]],
                   json.dumps(doc).encode(), "monitoring", kind="json")
    if choice == 2:
        op = rng.choice(["PutMetricData", "GetMetricStatistics", "ListMetrics", "GetMetricData"])
        return Req("POST", "/service/GraniteServiceVersion20100801/operation/" + op, "",
                   [["smithy-protocol", "rpc-v2-cbor"], ["Content-Type", "application/cbor"]],
                   CBOR_SEED, "monitoring", kind="cbor")
    body = gzip.compress(forms[0].encode(), mtime=0) if rng.random() < 0.8 else b"\x1f\x8b not gzip"
    return Req("POST", "/", "", [["Content-Type", "application/x-www-form-urlencoded"],
                                 ["Content-Encoding", "gzip"]], body, "monitoring", kind="bytes")


def alarm_seed(rng):
    """CloudWatch metric alarms: PutMetricAlarm (good, and with the values CloudWatch refuses),
    DescribeAlarms, DescribeAlarmHistory, SetAlarmState, DeleteAlarms, Enable/DisableAlarmActions,
    as awsQuery forms and awsJson1.0 documents."""
    name = rng.choice(["fz-alarm", "fz-alarm-2", "", "x" * 300])
    action = rng.choice(["arn:aws:lambda:us-east-1:000000000000:function:fz",
                         "arn:aws:sns:us-east-1:000000000000:t", "not-an-arn"])
    forms = [
        "Action=PutMetricAlarm&Version=2010-08-01&AlarmName=" + name + "&Namespace=" +
        rng.choice(["AWS/Lambda", "fz", ""]) + "&MetricName=Errors&Statistic=" +
        rng.choice(["Sum", "Average", "p99", "Nope"]) + "&Period=" +
        rng.choice(["60", "30", "10", "45", "0", "86400"]) + "&EvaluationPeriods=" +
        rng.choice(["1", "0", "3", "99999"]) + "&DatapointsToAlarm=" + rng.choice(["1", "5"]) +
        "&Threshold=" + rng.choice(["0", "nan", "1e400"]) + "&ComparisonOperator=" +
        rng.choice(["GreaterThanThreshold", "LessThanLowerThreshold", "Bigger"]) +
        "&TreatMissingData=" + rng.choice(["missing", "ignore", "sometimes"]) +
        "&AlarmActions.member.1=" + action,
        "Action=DescribeAlarms&Version=2010-08-01&AlarmNamePrefix=fz&StateValue=" +
        rng.choice(["ALARM", "OK", "BAD"]) + "&MaxRecords=" + rng.choice(["1", "0", "101"]) +
        "&NextToken=" + rng.choice(["", "zz", "667a"]),
        "Action=DescribeAlarmHistory&Version=2010-08-01&AlarmName=" + name +
        "&HistoryItemType=" + rng.choice(["Action", "StateUpdate", "Nope"]) + "&ScanBy=" +
        rng.choice(["TimestampAscending", "Sideways"]) + "&NextToken=" + rng.choice(["", "3a"]),
        "Action=SetAlarmState&Version=2010-08-01&AlarmName=" + name + "&StateValue=" +
        rng.choice(["ALARM", "OK", "INSUFFICIENT_DATA", "x"]) + "&StateReason=fz" +
        "&StateReasonData=" + rng.choice(["%7B%7D", "%7B", ""]),
        "Action=" + rng.choice(["DeleteAlarms", "EnableAlarmActions", "DisableAlarmActions"]) +
        "&Version=2010-08-01&AlarmNames.member.1=" + name,
    ]
    docs = [
        ("PutMetricAlarm", {"AlarmName": name, "Namespace": "fz", "MetricName": "m",
                            "ExtendedStatistic": rng.choice(["p99", "p100.5", "tm99"]),
                            "Period": 60, "EvaluationPeriods": rng.choice([1, 0, -1, 2 ** 40]),
                            "Threshold": rng.choice([1.5, "NaN", None]),
                            "ComparisonOperator": "LessThanThreshold",
                            "Metrics": rng.choice([[], [{"Id": "m1", "Expression": "1"}]]),
                            "OKActions": [action] * rng.choice([1, 6])}),
        ("DescribeAlarms", {"AlarmNames": [name] * rng.choice([1, 101]),
                            "AlarmTypes": rng.choice([["MetricAlarm"], ["CompositeAlarm"], ["X"]])}),
        ("DescribeAlarmHistory", {"StartDate": 0, "EndDate": rng.choice([2 ** 40, -1]),
                                  "MaxRecords": rng.choice([1, 100, 0])}),
        ("SetAlarmState", {"AlarmName": name, "StateValue": "ALARM", "StateReason": "fz",
                           "StateReasonData": rng.choice(["{}", "[", "x" * 5000])}),
        ("DeleteAlarms", {"AlarmNames": rng.choice([[name], [], ["fz-nope"]])}),
    ]
    if rng.random() < 0.5:
        return Req("POST", "/", "", [["Content-Type", "application/x-www-form-urlencoded"]],
                   rng.choice(forms).encode(), "monitoring", kind="form")
    op, doc = rng.choice(docs)
    return Req("POST", "/", "", [["X-Amz-Target", "GraniteServiceVersion20100801." + op],
                                 ["Content-Type", "application/x-amz-json-1.0"]],
               json.dumps(doc).encode(), "monitoring", kind="json")

def s3_post_seed(rng):
    """A browser form upload (POST Object): multipart/form-data with a SigV4, SigV2 or no
    signature over a policy, whose conditions, fields and framing the fuzzer then varies."""
    b = rng.choice(BUCKETS)
    now = time.gmtime()
    date = time.strftime("%Y%m%d", now)
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", now)
    credential = "%s/%s/us-east-1/s3/aws4_request" % (ACCESS_KEY, date)
    conditions = [{"bucket": b}, ["starts-with", "$key", rng.choice(["", "up/", "$"])],
                  ["content-length-range", rng.choice([0, 5, "1"]), rng.choice([10, "x", -1])],
                  {"x-amz-algorithm": "AWS4-HMAC-SHA256"}, {"x-amz-credential": credential},
                  {"x-amz-date": amz_date}, ["starts-with", "$Content-Type", ""],
                  ["eq", "$success_action_status", "201"]]
    policy = base64.b64encode(json.dumps({
        "expiration": rng.choice(["2099-01-01T00:00:00.000Z", "2000-01-01T00:00:00Z", "x"]),
        "conditions": conditions}).encode()).decode()
    fields = [("key", rng.choice(["up/${filename}", "up/k", "", "${filename}"])),
              ("Content-Type", rng.choice(["text/plain", "image/png, text/plain", ""])),
              ("success_action_status", rng.choice(["201", "200", "204", "303"])),
              ("tagging", rng.choice(["", "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value>"
                                          "</Tag></TagSet></Tagging>"]))]
    how = rng.choice(["v4", "v4", "v2", "none"])
    if how == "v4":
        key = ("AWS4" + SECRET_KEY).encode()
        for part in (date, "us-east-1", "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        fields += [("policy", policy), ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
                   ("x-amz-credential", credential), ("x-amz-date", amz_date),
                   ("x-amz-signature", hmac.new(key, policy.encode(), hashlib.sha256).hexdigest())]
    elif how == "v2":
        fields += [("AWSAccessKeyId", ACCESS_KEY), ("policy", policy), ("signature",
                   base64.b64encode(hmac.new(SECRET_KEY.encode(), policy.encode(),
                                             hashlib.sha1).digest()).decode())]
    if rng.random() < 0.2:
        fields.append(("success_action_redirect", rng.choice(["http://example.com/?a=b", "/x"])))
    boundary = rng.choice(["----fz7MA4YWxkTrZu0gW", "x", "a b", "-" * 70])
    body = b"".join(b"--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (boundary.encode(), n.encode(), v.encode()) for n, v in fields)
    body += (b"--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
             b"Content-Type: text/plain\r\n\r\n%s\r\n--%s--\r\n"
             % (boundary.encode(), rng.choice([b"a.txt", b"C:\\x\\b.txt", b"", b"\"q"]),
                rng.choice([b"", b"hello", b"--" + boundary.encode(), b"x" * 70000]),
                boundary.encode()))
    content_type = "multipart/form-data; boundary=" + rng.choice([boundary, '"%s"' % boundary, ""])
    return Req("POST", "/" + b, "", [["Content-Type", content_type]], body, "none", kind="bytes")


def xray_seed(rng):
    now = time.time()
    root = "1-%08x-%s" % (int(now), "ab" * 12)
    segment = {"id": rng.choice(["70de5b6f19ff9a0a", "x", ""]), "trace_id": rng.choice([root, "1-x"]),
               "name": rng.choice(["svc", "a<b>", "", "n" * 300]), "start_time": now - 1,
               "end_time": now, "parent_id": "53995c3f42cd8ad8",
               "type": rng.choice(["subsegment", "segment", 3]), "in_progress": rng.choice([True, "y"]),
               "http": {"response": {"status": rng.choice([200, 500, "x"])}}}
    choices = [
        ("/TraceSegments", {"TraceSegmentDocuments": [json.dumps(segment),
                                                      rng.choice(["{}", "[]", "x", "x" * 70000])]}),
        ("/TraceSummaries", {"StartTime": now - rng.choice([60, 90000]), "EndTime": now,
                             "TimeRangeType": rng.choice(["TraceId", "Event", "x"]),
                             "NextToken": rng.choice(["0", "100", "x"])}),
        ("/Traces", {"TraceIds": [root, rng.choice(["1-" + "a" * 40, "", root])]}),
    ]
    p, doc = rng.choice(choices)
    return Req("POST", p, "", [["Content-Type", "application/json"]], json.dumps(doc).encode(),
               "xray", kind="json")


SEEDS = [s3_seed, s3_seed, s3_post_seed, lambda_seed, lambda_seed, lambda_seed, json_rpc_seed, json_rpc_seed,
         scheduler_seed, iam_seed, iam_seed, access_analyzer_seed, other_seed, cloudwatch_seed,
         xray_seed, alarm_seed]

# --- mutations --------------------------------------------------------------------------------

WEIRD_VALUES = [None, True, False, 0, -1, 2**31, 2**63, -2**63 - 1, 2**64 + 1, 1e308, -0.0, 0.5,
                "", " ", "x" * 70000, "\u0000", "\ud800", "%00", "../../etc/passwd", "*",
                "arn:aws:lambda:us-east-1:000000000000:function:x", "rate(0 minutes)",
                "cron(* * * * * *)", "at(9999-99-99T99:99:99)", [], {}, [[[[[]]]]],
                {"a": {"b": {}}}, "9" * 400, "2026-01-01T00:00:00Z", -1e20, "\u00e9\u2603",
                "$LATEST", "python3.12", "provided.al2023", ["x"] * 1000]
TOKENS = [b"{", b"}", b"[", b"]", b'"', b"\\", b"\\u", b"\x00", b"\xff", b"\xc3", b",", b":",
          b"<", b">", b"</", b"&", b"%", b"%zz", b"=", b"\r\n", b"\n", b"]]>", b"<![CDATA[",
          b"&#0;", b"&lt", b"\xf0\x9f\x98", b"1e99999", b"-", b"null", b"\xbf", b"\x9f\xff"]
ODD_SEGMENTS = ["", ".", "..", "%", "%00", "%2F", "%2f%2e", "a" * 3000, "\u00e9", "%FF%FE",
                "anything-unknown", "a/b/c", "$LATEST", "versions", "1", "-1",
                "99999999999999999999", "%24LATEST", ";", "~", "*"]
EXTRA_HEADERS = [
    ("Content-Type", ["application/json", "application/x-amz-json-1.0", "text/xml", "",
                      "application/cbor", "multipart/form-data; boundary=x"]),
    ("x-amz-content-sha256", ["UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                              "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "zz", "0" * 64]),
    ("Content-Encoding", ["aws-chunked", "gzip", "br"]),
    ("x-amz-decoded-content-length", ["0", "-1", "99999999999999999999", "x"]),
    ("Range", ["bytes=0-", "bytes=-0", "bytes=5-1", "bytes=0-1,3-4", "bytes=99999999999999999999-",
               "chars=1-2", "bytes="]),
    ("x-amz-copy-source", ["/fz-b1/k", "fz-b1", "/", "/fz-b1/%zz", "/fz-b2/k?versionId=x"]),
    ("X-Amz-Invocation-Type", ["Event", "DryRun", "bogus", ""]),
    ("X-Amz-Client-Context", ["e30=", "!!", base64.b64encode(b"[" * 3000).decode()]),
    ("x-amz-checksum-crc32", ["AAAAAA==", "zz"]), ("x-amz-checksum-sha256", ["bad"]),
    ("x-amz-sdk-checksum-algorithm", ["CRC32", "CRC64NVME", "MD5X"]),
    ("If-Match", ["*", '"x"', ""]), ("If-Modified-Since", ["garbage", "Thu, 01 Jan 1970"]),
    ("Expect", ["100-continue"]), ("Connection", ["close", "keep-alive", "upgrade"]),
    ("Transfer-Encoding", ["chunked", "identity", "gzip, chunked"]),
    ("x-amz-meta-a", ["b" * 9000, "\u00e9"]), ("x-amz-tagging", ["a=b&c", "%zz=1"]),
    ("X-Amz-Target", ["AWSEvents.", "Logs_20140328.Nope", "AWSEvents.PutRule"]),
    ("smithy-protocol", ["rpc-v2-cbor", "json"]), ("x-amz-security-token", ["tok"]),
    # Sampled traces: S3 records a segment of each such request (s3/trace_segment.h).
    ("X-Amzn-Trace-Id", ["Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;"
                         "Sampled=1", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
                         "Root=;Sampled=1", "Sampled=1;" * 500, "Root=1-zz-zz;Parent=x;Sampled=1"]),
    ("Authorization", ["AWS4-HMAC-SHA256 Credential=", "Bearer x", "AWS4-HMAC-SHA256 "
                       "Credential=AKIDEVOKETEST0000001/20260101/us-east-1/lambda/aws4_request, "
                       "SignedHeaders=;;, Signature=zz"]),
]
TARGET_PREFIXES = ["AWSEvents.", "Logs_20140328.", "GraniteServiceVersion20100801.",
                   "AmazonSQS.", "AWSSecurityTokenServiceV20110615.", "Bogus_2020."]
TARGET_OPS = ["PutRule", "PutLogEvents", "CreateLogGroup", "FilterLogEvents", "PutTargets",
              "ListRules", "GetCallerIdentity", "", "Nope", "__proto__", "a" * 2000, ".", "%00"]


def mutate_bytes(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randint(0, len(data))
        op = rng.randrange(6)
        if op == 0 and data:
            data[min(pos, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == 2:
            del data[pos:pos + rng.randint(1, 64)]
        elif op == 3:
            data[pos:pos] = rng.choice(TOKENS) * rng.choice([1, 1, 2, 50])
        elif op == 4 and data:
            start = rng.randrange(len(data))
            data[pos:pos] = data[start:start + rng.randint(1, 256)] * rng.randint(1, 20)
        elif op == 5:
            del data[pos:]
    return bytes(data)


def dumps(doc):
    try:
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        return b"[" * 5000
    except UnicodeEncodeError:  # lone surrogates: sent as \\ud800 escapes
        return json.dumps(doc).encode()


def mutate_json(rng, body):
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return mutate_bytes(rng, body)
    slots = []  # (container, key) of every value in the document

    def walk(v):
        for k in (v.keys() if isinstance(v, dict) else range(len(v)) if isinstance(v, list)
                  else ()):
            slots.append((v, k))
            walk(v[k])
    try:
        walk(doc)
    except RecursionError:
        return mutate_bytes(rng, body)
    op = rng.randrange(8)
    if op == 0 or not slots:
        depth = rng.choice([100, 1000, 10000, 100000])
        return (b'{"a":' * depth + b"1" + b"}" * depth) if rng.random() < 0.5 else \
            b"[" * depth + b"]" * rng.choice([depth, 0])
    if op == 1:
        return mutate_bytes(rng, body)
    if op == 2:
        return dumps(rng.choice(WEIRD_VALUES))  # a document of the wrong type
    if op == 3:  # a duplicate key, spelled in the text
        return body.replace(b"{", b'{"%s": 1, ' % rng.choice([b"Name", b"logGroupName",
                                                             b"FunctionName", b"Rule"]), 1)
    for _ in range(rng.randint(1, 3)):
        cont, key = rng.choice(slots)
        if op == 4 and isinstance(cont, dict):
            del cont[key]
            break
        if op == 5 and isinstance(cont, dict):
            cont[rng.choice(["Unknown", key + "x", "", "__proto__"])] = rng.choice(WEIRD_VALUES)
        else:
            cont[key] = rng.choice(WEIRD_VALUES)
    return dumps(doc)


def mutate_xml(rng, body):
    op = rng.randrange(5)
    if op == 0:
        depth = rng.choice([100, 10000, 200000])
        return b"<a>" * depth + b"</a>" * rng.choice([depth, 1])
    if op == 1:
        return b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "eeeeeeeeee"><!ENTITY f "&e;&e;' \
            b'&e;&e;&e;&e;&e;&e;">]>' + body.replace(b"</Key>", b"&f;</Key>", 1)
    if op == 2:
        m = re.search(rb"<(\w+)>[^<]*</\1>", body)
        if m:
            return body.replace(m.group(0), m.group(0) * rng.choice([2, 1001, 20000]), 1)
    if op == 3:
        return re.sub(rb">([^<]+)<", lambda m: b">" + rng.choice(
            [b"", b"-1", b"x" * 2000, b"\x00", b"&amp;&#xD800;", b"99999999999999999999"])
            + b"<", body, count=1)
    return mutate_bytes(rng, body)


def mutate_form(rng, body):
    pairs = body.split(b"&")
    op = rng.randrange(4)
    if op == 0 and pairs:
        pairs.pop(rng.randrange(len(pairs)))
    elif op == 1:
        pairs.append(rng.choice([b"Action=", b"=", b"%", b"a%zz=1", b"MetricData.member.99999."
                                 b"Value=x", b"Action=Nope", b"Version=1999", b"x" * 5000,
                                 b"PolicyDocument=%7B%22Statement%22%3A%5B%5B%5B%5B",
                                 b"PolicyDocument=" + b"%5B" * 5000, b"Tags.member.0.Key=x",
                                 b"Tags.member.99999999999999999999.Key=x",
                                 b"DurationSeconds=99999999999999999999"]))
    elif op == 2 and pairs:
        i = rng.randrange(len(pairs))
        pairs[i] = pairs[i].partition(b"=")[0] + b"=" + rng.choice(TOKENS) * rng.randint(1, 9)
    else:
        return mutate_bytes(rng, body)
    return b"&".join(pairs)


def mutate_path(rng, req):
    segs = req.path.split("/")
    op = rng.randrange(5)
    if op == 0:
        segs.insert(rng.randint(1, len(segs)), rng.choice(ODD_SEGMENTS))
    elif op == 1 and len(segs) > 2:
        segs.pop(rng.randrange(1, len(segs)))
    elif op == 2 and len(segs) > 1:
        segs[rng.randrange(1, len(segs))] = rng.choice(ODD_SEGMENTS)
    elif op == 3:
        segs.append(rng.choice(["", "x", "anything-unknown"]))
    else:
        segs[1] = rng.choice(["2015-03-31", "2017-10-31", "2019-09-25", "2018-10-31", "schedules",
                              "schedule-groups", "_evoke", "2014-11-13", "service"])
    req.path = "/".join(segs) or "/"


def mutate_query(rng, req):
    params = [p for p in req.query.split("&") if p]
    op = rng.randrange(4)
    if op == 0 and params:
        params.pop(rng.randrange(len(params)))
    elif op == 1 and params:
        params.append(params[rng.randrange(len(params))])
    else:
        params.append(rng.choice(["list-type=2", "max-keys=-1", "max-keys=99999999999999999999",
                                  "continuation-token=%zz", "uploads", "delete", "tagging",
                                  "versionId=null", "partNumber=0", "uploadId=", "Qualifier=1",
                                  "MaxItems=0", "Marker=" + "m" * 500, "=", "%", "a=%E2%82",
                                  "X-Amz-Credential=x%2F", "X-Amz-Algorithm=AWS4-HMAC-SHA256",
                                  "groupName=..%2F", "NextToken=%00", "prefix=%FF",
                                  "start-after=" + "z" * 2000, "encoding-type=url"]))
    req.query = "&".join(params)


def mutate_headers(rng, req):
    op = rng.randrange(4)
    if op == 0 and req.headers:
        req.headers.pop(rng.randrange(len(req.headers)))
    elif op == 1:
        name, values = rng.choice(EXTRA_HEADERS)
        req.set_header(name, rng.choice(values))
    elif op == 2:
        name = rng.choice(["X-Fuzz", "Content-Type", "X-Amz-Target", "x-amz-meta-" + "m" * 200])
        req.headers.append([name, rng.choice(["", " x ", "a" * 10000, "\u00e9", "a\x01b"])])
    else:
        req.set_header("X-Amz-Target", rng.choice(TARGET_PREFIXES) + rng.choice(TARGET_OPS))


def mutate_raw(rng, data):
    """Malformed HTTP: the signed request with its request line or headers broken."""
    head, _, body = data.partition(b"\r\n\r\n")
    op = rng.randrange(9)
    if op == 0:
        head = head.replace(b"\r\n", b"\n")
    elif op == 1:
        head = head.replace(b" HTTP/1.1", rng.choice([b" HTTP/9.9", b"", b" HTTP/1.1 x",
                                                      b" http/1.1", b" HTTP/1.0"]), 1)
    elif op == 2:
        head += rng.choice([b"\r\nContent-Length: 5\r\nContent-Length: 6",
                            b"\r\nContent-Length: -1", b"\r\nContent-Length: 0x10",
                            b"\r\nContent-Length: +5", b"\r\nno colon here",
                            b"\r\n : empty name", b"\r\nX-A: b\r\n folded", b"\r\nX\x00Y: z",
                            b"\r\nTransfer-Encoding: chunked"])
        if b"chunked" in head:
            body = rng.choice([b"5\r\nhello\r\n0\r\n\r\n", b"zz\r\n", b"ffffffffffffffff\r\nab"])
    elif op == 3:
        head += b"".join(b"\r\nX-H%d: v" % i for i in range(rng.choice([200, 5000])))
    elif op == 4:
        head = head.replace(b" /", b" /" + b"a" * rng.choice([9000, 100000]), 1)
    elif op == 5:
        head = rng.choice([b"", b"\r\n", b"GET", b"\x16\x03\x01\x02\x00", b"PRI * HTTP/2.0\r\n"
                           b"\r\nSM"]) + head
    elif op == 6:  # pipelined: a second request right behind the first
        return data + data
    elif op == 7:
        return mutate_bytes(rng, head) + b"\r\n\r\n" + body
    else:
        head = head.replace(b": ", b":", 2).replace(b"Host:", b"host :", 1)
    return head + b"\r\n\r\n" + body


def random_request(rng):
    """A request from nothing: random method, path, headers, body."""
    path = "/" + "/".join(rng.choice(ODD_SEGMENTS + ["fz-b1", "k", "2015-03-31", "functions"])
                          for _ in range(rng.randint(0, 5)))
    body = bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 10, 1000])))
    return Req(rng.choice(["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS", "FOO"]),
               path, "", [], body, rng.choice(["none", "s3", "lambda", "logs", "events",
                                               "scheduler", "sts", "iam", "access-analyzer",
                                               "monitoring", "x"]))


BODY_MUTATORS = {"json": mutate_json, "xml": mutate_xml, "form": mutate_form,
                 "cbor": mutate_bytes, "bytes": mutate_bytes}


def generate(seed, i, encode):
    """Request i of the run, deterministic in (seed, i); encode(req) gives the bytes a request
    is sent as (fuzz_requests.wire), which raw mutations break."""
    rng = random.Random("%s:%d" % (seed, i))
    req = random_request(rng) if rng.random() < 0.05 else rng.choice(SEEDS)(rng)
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        what = rng.randrange(6)
        if what <= 1:
            req.body = BODY_MUTATORS[req.kind](rng, req.body)
        elif what == 2:
            mutate_path(rng, req)
        elif what == 3:
            mutate_query(rng, req)
        elif what == 4:
            mutate_headers(rng, req)
        else:
            req.method = rng.choice(["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"])
    r = rng.random()
    if r < 0.06:
        req.sign = "none"
    elif r < 0.16:
        req.auth = rng.choice(["bad-secret", "bad-signature", "bad-date", "bad-header", "sigv2"])
    elif r < 0.20 and req.sign != "none":
        req.auth = "presign"
    r = rng.random()
    if r < 0.04:
        req.transport = "truncate"
    elif r < 0.07:
        req.transport = "oversize"
    elif r < 0.10:
        req.raw = mutate_raw(rng, encode(req))
    req.note = "seed %s request %d" % (seed, i)
    return req
