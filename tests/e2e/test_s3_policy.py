"""S3 access control end to end: bucket policies (Put/Get/DeleteBucketPolicy,
GetBucketPolicyStatus, S3's MalformedPolicy), anonymous requests decided by the bucket policy,
Block Public Access (on for new buckets, refusing public policies until removed;
RestrictPublicBuckets), and the face-detection app's public-read bucket step by step with the
aws CLI, as the README shows it."""

import json
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import EvokeServer, unique_name

ACCOUNT = "000000000000"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1},
                    s3={"addressing_style": "path"})


def client(target, service, key=None, secret=None):
    return boto3.client(service, endpoint_url=target.endpoint, region_name="us-east-1",
                        aws_access_key_id=key or target.access_key,
                        aws_secret_access_key=secret or target.secret, config=NO_RETRIES)


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    r = e.value.response
    return r["Error"]["Code"], r["Error"].get("Message", ""), r["ResponseMetadata"]["HTTPStatusCode"]


def anonymous(endpoint, method, path, body=None):
    """An unsigned request: (status, body)."""
    req = urllib.request.Request(endpoint + path, data=body, method=method)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def public_read(bucket):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::%s/*" % bucket}]})


@pytest.fixture
def s3c(target):
    return client(target, "s3")


def test_new_buckets_block_public_access(target, s3c, bucket):
    block = s3c.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                     "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    code, message, status = error_of(s3c.put_bucket_policy, Bucket=bucket,
                                     Policy=public_read(bucket))
    assert (code, status) == ("AccessDenied", 403)
    assert message.endswith("because public policies are blocked by the BlockPublicPolicy block "
                            "public access setting."), message
    assert error_of(s3c.get_bucket_policy, Bucket=bucket)[:3] == (
        "NoSuchBucketPolicy", "The bucket policy does not exist", 404)
    # A policy that is not public is fine under the block.
    private = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % bucket}]})
    s3c.put_bucket_policy(Bucket=bucket, Policy=private)
    assert s3c.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}


def test_public_read_bucket(target, s3c, bucket):
    s3c.put_object(Bucket=bucket, Key="marked/face.jpg", Body=b"jpeg")
    assert anonymous(target.endpoint, "GET", "/%s/marked/face.jpg" % bucket)[0] == 403
    s3c.delete_public_access_block(Bucket=bucket)
    assert error_of(s3c.get_public_access_block, Bucket=bucket)[0] == \
        "NoSuchPublicAccessBlockConfiguration"
    s3c.put_bucket_policy(Bucket=bucket, Policy=public_read(bucket))
    assert json.loads(s3c.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(
        public_read(bucket))
    assert s3c.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": True}
    # Anyone reads; nobody anonymous writes, deletes or lists.
    assert anonymous(target.endpoint, "GET", "/%s/marked/face.jpg" % bucket) == (200, b"jpeg")
    status, body = anonymous(target.endpoint, "PUT", "/%s/marked/evil.jpg" % bucket, b"x")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body
    assert anonymous(target.endpoint, "DELETE", "/%s/marked/face.jpg" % bucket)[0] == 403
    assert anonymous(target.endpoint, "GET", "/%s" % bucket)[0] == 403
    assert anonymous(target.endpoint, "GET", "/%s/missing.jpg" % bucket)[0] == 404
    assert s3c.get_object(Bucket=bucket, Key="marked/face.jpg")["Body"].read() == b"jpeg"
    # RestrictPublicBuckets alone stops the public policy from granting anything.
    s3c.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "RestrictPublicBuckets": True})
    assert anonymous(target.endpoint, "GET", "/%s/marked/face.jpg" % bucket)[0] == 403
    s3c.delete_public_access_block(Bucket=bucket)
    assert anonymous(target.endpoint, "GET", "/%s/marked/face.jpg" % bucket)[0] == 200
    # With the policy gone, anonymous reads stop.
    s3c.delete_bucket_policy(Bucket=bucket)
    assert anonymous(target.endpoint, "GET", "/%s/marked/face.jpg" % bucket)[0] == 403


def test_anonymous_callers_never_manage_a_bucket(target, s3c, bucket):
    """Even a policy granting everyone s3:* from this address leaves the bucket's policy and
    Block Public Access to the account."""
    s3c.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::" + bucket, "arn:aws:s3:::%s/*" % bucket],
            "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/24"}}}]}))
    assert s3c.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}
    for method in ("GET", "DELETE"):
        status, body = anonymous(target.endpoint, method, "/%s?policy" % bucket)
        assert status == 405 and b"MethodNotAllowed" in body, (method, body)
    status, body = anonymous(target.endpoint, "PUT", "/%s?policy" % bucket,
                             public_read(bucket).encode())
    assert status == 405
    for method in ("GET", "DELETE"):
        status, body = anonymous(target.endpoint, method, "/%s?publicAccessBlock" % bucket)
        assert status == 403 and b"AccessDenied" in body, (method, body)
    assert s3c.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"][
        "BlockPublicPolicy"]
    # What the policy grants, it grants: objects from this address.
    s3c.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert anonymous(target.endpoint, "GET", "/%s/k" % bucket) == (200, b"v")
    s3c.delete_bucket_policy(Bucket=bucket)


def test_bucket_policy_grants_and_denies_iam_users(target, s3c, bucket):
    iam = client(target, "iam")
    name = unique_name("bp")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    try:
        user_s3 = client(target, "s3", key["AccessKeyId"], key["SecretAccessKey"])
        s3c.put_object(Bucket=bucket, Key="shared/a", Body=b"a")
        s3c.put_object(Bucket=bucket, Key="secret/b", Body=b"b")
        assert error_of(user_s3.get_object, Bucket=bucket, Key="shared/a")[0] == "AccessDenied"
        user_arn = "arn:aws:iam::%s:user/%s" % (ACCOUNT, name)
        s3c.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::%s/*" % bucket},
                {"Effect": "Deny", "Principal": {"AWS": user_arn}, "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::%s/secret/*" % bucket}]}))
        # The bucket policy alone grants the user (same account) ...
        assert user_s3.get_object(Bucket=bucket, Key="shared/a")["Body"].read() == b"a"
        # ... and its Deny wins over the user's own Allow.
        iam.attach_user_policy(UserName=name,
                               PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        code, message, _ = error_of(user_s3.get_object, Bucket=bucket, Key="secret/b")
        assert code == "AccessDenied"
        assert message.endswith("with an explicit deny in a resource-based policy"), message
    finally:
        s3c.delete_bucket_policy(Bucket=bucket)
        iam.detach_user_policy(UserName=name,
                               PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName=name)


def test_object_tag_condition_keys(target, s3c, bucket):
    """s3:ExistingObjectTag/<key> (the object's tags as they are) and s3:RequestObjectTag/<key>
    (the tags PutObjectTagging's body asks for), in an IAM user's policy."""
    iam = client(target, "iam")
    name = unique_name("tags")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    objects = "arn:aws:s3:::%s/*" % bucket
    iam.put_user_policy(UserName=name, PolicyName="tags", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": objects,
             "Condition": {"StringEquals": {"s3:ExistingObjectTag/classification": "public"}}},
            {"Effect": "Allow", "Action": "s3:PutObjectTagging", "Resource": objects,
             "Condition": {"StringEquals": {"s3:RequestObjectTag/project": "blue"},
                           "ForAllValues:StringEquals": {
                               "s3:RequestObjectTagKeys": ["project", "classification"]}}}]}))
    try:
        user_s3 = client(target, "s3", key["AccessKeyId"], key["SecretAccessKey"])
        s3c.put_object(Bucket=bucket, Key="open", Body=b"o", Tagging="classification=public")
        s3c.put_object(Bucket=bucket, Key="closed", Body=b"c", Tagging="classification=secret")
        s3c.put_object(Bucket=bucket, Key="untagged", Body=b"u")
        assert user_s3.get_object(Bucket=bucket, Key="open")["Body"].read() == b"o"
        assert error_of(user_s3.get_object, Bucket=bucket, Key="closed")[0] == "AccessDenied"
        assert error_of(user_s3.get_object, Bucket=bucket, Key="untagged")[0] == "AccessDenied"
        # Retagging decides on the tags asked for ...
        code, message, _ = error_of(user_s3.put_object_tagging, Bucket=bucket, Key="closed",
                                    Tagging={"TagSet": [{"Key": "project", "Value": "red"}]})
        assert code == "AccessDenied" and "s3:PutObjectTagging" in message, message
        assert error_of(user_s3.put_object_tagging, Bucket=bucket, Key="closed", Tagging={
            "TagSet": [{"Key": "project", "Value": "blue"}, {"Key": "owner", "Value": "x"}]})[0] \
            == "AccessDenied"
        assert s3c.get_object_tagging(Bucket=bucket, Key="closed")["TagSet"] == [
            {"Key": "classification", "Value": "secret"}]
        user_s3.put_object_tagging(Bucket=bucket, Key="closed", Tagging={"TagSet": [
            {"Key": "project", "Value": "blue"}, {"Key": "classification", "Value": "public"}]})
        # A copy reads its source under the source's tags.
        iam.put_user_policy(UserName=name, PolicyName="put", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject",
                                                    "Resource": objects}]}))
        assert error_of(user_s3.copy_object, Bucket=bucket, Key="copy",
                        CopySource={"Bucket": bucket, "Key": "untagged"})[0] == "AccessDenied"
        user_s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "open"})
        # ... and the object's tags as they now are open it.
        assert user_s3.get_object(Bucket=bucket, Key="closed")["Body"].read() == b"c"
    finally:
        for policy in iam.list_user_policies(UserName=name)["PolicyNames"]:
            iam.delete_user_policy(UserName=name, PolicyName=policy)
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName=name)


def test_a_stored_bucket_policy_that_cannot_work_is_logged(target, s3c, bucket, require_evoke):
    """S3 stores a policy with a condition key that does not exist; evoke says so in its log."""
    s3c.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % bucket,
            "Condition": {"StringEquals": {"aws:SourceIpp": "10.0.0.1"}}}]}))
    log = target.server.stderr_path.read_text()
    assert "the policy of bucket %s" % bucket in log, log[-2000:]


@pytest.mark.parametrize("policy, message", [
    ("not json", "Policies must be valid JSON and the first byte must be '{'"),
    (json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::some-other-bucket/*"}]}), "Policy has invalid resource"),
    (json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket",
        "Resource": "arn:aws:s3:::BUCKET/*"}]}),
     "Action does not apply to any resource(s) in statement"),
    (json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "not-a-principal"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::BUCKET/*"}]}), "Invalid principal in policy"),
    (json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::BUCKET/*", "Bogus": 1}]}), None),
    ("{" * 5000, None),
])
def test_malformed_bucket_policies(s3c, bucket, policy, message):
    s3c.delete_public_access_block(Bucket=bucket)
    code, got, status = error_of(s3c.put_bucket_policy, Bucket=bucket,
                                 Policy=policy.replace("BUCKET", bucket))
    assert (code, status) == ("MalformedPolicy", 400), got
    if message:
        assert got == message
    assert error_of(s3c.get_bucket_policy, Bucket=bucket)[0] == "NoSuchBucketPolicy"


def test_policy_requests_on_a_missing_bucket_and_odd_methods(target, s3c, raw):
    missing = unique_name("nobucket")
    for call in (s3c.get_bucket_policy, s3c.get_bucket_policy_status,
                 s3c.get_public_access_block):
        assert error_of(call, Bucket=missing)[0] == "NoSuchBucket"
    assert error_of(s3c.put_bucket_policy, Bucket=missing, Policy="{}")[0] == "NoSuchBucket"
    # A method the sub-resource does not have is refused, never taken as another action.
    name = unique_name("odd")
    r = raw.request("PUT", "/" + name, query=[("policyStatus", "")])
    assert r.status == 405
    assert error_of(s3c.head_bucket, Bucket=name)[2] == 404  # no bucket was made


@pytest.mark.parametrize("body", [
    b"",
    b"<not xml",
    b"<Other><BlockPublicAcls>true</BlockPublicAcls></Other>",
    b"<PublicAccessBlockConfiguration><BlockPublicAcls>maybe</BlockPublicAcls>"
    b"</PublicAccessBlockConfiguration>",
    b"<PublicAccessBlockConfiguration><Bogus>true</Bogus></PublicAccessBlockConfiguration>",
])
def test_malformed_public_access_block(raw, s3c, bucket, body):
    r = raw.request("PUT", "/" + bucket, query=[("publicAccessBlock", "")], body=body)
    assert r.status == 400, r
    assert s3c.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True}


def test_public_access_block_default_off(tmp_path):
    server = EvokeServer(tmp_path / "data", tmp_path / "logs",
                         extra_args=("--public-access-block-default", "off"))
    server.start()
    try:
        s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id=server.access_key,
                          aws_secret_access_key=server.secret, config=NO_RETRIES)
        s3.create_bucket(Bucket="old-style")
        assert error_of(s3.get_public_access_block, Bucket="old-style")[0] == \
            "NoSuchPublicAccessBlockConfiguration"
        s3.put_bucket_policy(Bucket="old-style", Policy=public_read("old-style"))
        s3.put_object(Bucket="old-style", Key="k", Body=b"v")
        assert anonymous(server.endpoint, "GET", "/old-style/k") == (200, b"v")
    finally:
        assert server.stop() == 0


def test_face_detection_bucket_with_the_cli(aws, tmp_path, s3c):
    """The README's steps for the public-read bucket of marked images."""
    aws = aws.in_dir(tmp_path)
    bucket = unique_name("marked-faces")
    aws.run("s3", "mb", "s3://" + bucket)
    (tmp_path / "public-read.json").write_text(public_read(bucket))
    code, _ = aws.error("s3api", "put-bucket-policy", "--bucket", bucket, "--policy",
                        "file://public-read.json")
    assert code == "AccessDenied"
    aws.run("s3api", "delete-public-access-block", "--bucket", bucket)
    aws.run("s3api", "put-bucket-policy", "--bucket", bucket, "--policy",
            "file://public-read.json")
    status = aws.json("s3api", "get-bucket-policy-status", "--bucket", bucket)
    assert status == {"PolicyStatus": {"IsPublic": True}}
    (tmp_path / "face.jpg").write_bytes(b"marked")
    aws.run("s3", "cp", "face.jpg", "s3://%s/face.jpg" % bucket)
    assert anonymous(aws.endpoint, "GET", "/%s/face.jpg" % bucket) == (200, b"marked")
    s3c.delete_object(Bucket=bucket, Key="face.jpg")
    s3c.delete_bucket(Bucket=bucket)
