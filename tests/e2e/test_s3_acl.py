"""S3 Object Ownership and ACLs end to end: new buckets have ACLs disabled (BucketOwnerEnforced:
reading an ACL shows the owner's FULL_CONTROL, setting any other gets AccessControlListNotSupported),
a bucket with ACLs enabled keeps bucket and object ACLs (canned ACLs, x-amz-grant-* headers,
AccessControlPolicy documents) and they decide access for anonymous and IAM callers, Block Public
Access refuses (BlockPublicAcls) or ignores (IgnorePublicAcls) public ones, and the public-read
face-detection flow the pre-2023 way (`aws s3 cp --acl public-read`) with the aws CLI."""

import boto3
import pytest

from conftest import EvokeServer, unique_name
from test_s3_policy import NO_RETRIES, anonymous, client, error_of

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def grants_of(acl):
    """{(grantee, permission)} with the owner as "owner" and groups by URI."""
    out = set()
    for g in acl["Grants"]:
        grantee = g["Grantee"]
        who = grantee.get("URI") or ("owner" if grantee["ID"] == acl["Owner"]["ID"] else grantee["ID"])
        out.add((who, g["Permission"]))
    return out


@pytest.fixture
def s3c(target):
    return client(target, "s3")


@pytest.fixture
def acl_bucket(s3c, bucket):
    """A bucket with ACLs enabled (ObjectWriter) and no Block Public Access."""
    s3c.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3c.delete_public_access_block(Bucket=bucket)
    return bucket


@pytest.fixture
def iam_user(target):
    """An IAM user without any policy: (s3 client, user name)."""
    iam = client(target, "iam")
    name = unique_name("acl")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    yield client(target, "s3", key["AccessKeyId"], key["SecretAccessKey"]), name
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    iam.delete_user(UserName=name)


def test_new_buckets_have_acls_disabled(s3c, bucket):
    controls = s3c.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert controls == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    acl = s3c.get_bucket_acl(Bucket=bucket)
    assert grants_of(acl) == {("owner", "FULL_CONTROL")}
    assert len(acl["Owner"]["ID"]) == 64
    for call, kwargs in [(s3c.put_object, {"Key": "k", "Body": b"x", "ACL": "public-read"}),
                         (s3c.put_object, {"Key": "k", "Body": b"x", "ACL": "private"}),
                         (s3c.put_bucket_acl, {"ACL": "public-read"}),
                         (s3c.put_bucket_acl, {"ACL": "private"}),
                         (s3c.create_multipart_upload, {"Key": "m", "ACL": "public-read"})]:
        assert error_of(call, Bucket=bucket, **kwargs) == (
            "AccessControlListNotSupported", "The bucket does not allow ACLs", 400), kwargs
    assert "Contents" not in s3c.list_objects_v2(Bucket=bucket)
    # What the setting accepts: no ACL, or the bucket owner's full control.
    s3c.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    assert grants_of(s3c.get_object_acl(Bucket=bucket, Key="k")) == {("owner", "FULL_CONTROL")}
    owner = acl["Owner"]["ID"]
    s3c.put_object_acl(Bucket=bucket, Key="k", GrantFullControl="id=" + owner)
    assert error_of(s3c.put_object_acl, Bucket=bucket, Key="k", ACL="public-read")[0] == \
        "AccessControlListNotSupported"
    assert error_of(s3c.copy_object, Bucket=bucket, Key="k2", ACL="authenticated-read",
                    CopySource={"Bucket": bucket, "Key": "k"})[0] == \
        "AccessControlListNotSupported"


def test_ownership_controls_lifecycle(s3c, bucket):
    s3c.delete_bucket_ownership_controls(Bucket=bucket)
    assert error_of(s3c.get_bucket_ownership_controls, Bucket=bucket) == (
        "OwnershipControlsNotFoundError", "The bucket ownership controls were not found", 404)
    s3c.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    assert s3c.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerPreferred"}]
    s3c.delete_public_access_block(Bucket=bucket)
    s3c.put_bucket_acl(Bucket=bucket, ACL="public-read")
    # ACLs cannot be disabled while the bucket ACL grants anyone but the owner.
    code, message, status = error_of(
        s3c.put_bucket_ownership_controls, Bucket=bucket,
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    assert (code, status) == ("InvalidBucketAclWithObjectOwnership", 400)
    assert message == "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
    s3c.put_bucket_acl(Bucket=bucket, ACL="private")
    s3c.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    assert s3c.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}]


def test_create_bucket_with_ownership_and_acl(s3c):
    name = unique_name("own")
    code, message, status = error_of(s3c.create_bucket, Bucket=name, ACL="public-read")
    assert (code, status) == ("InvalidBucketAclWithObjectOwnership", 400)
    assert error_of(s3c.head_bucket, Bucket=name)[2] == 404
    assert error_of(s3c.create_bucket, Bucket=name, ObjectOwnership="Nobody")[0] == \
        "InvalidArgument"
    # ACLs enabled at creation; Block Public Access (on for new buckets) refuses a public one.
    assert error_of(s3c.create_bucket, Bucket=name, ObjectOwnership="ObjectWriter",
                    ACL="public-read")[:3:2] == ("AccessDenied", 403)
    s3c.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter", ACL="private")
    try:
        assert s3c.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"] == [
            {"ObjectOwnership": "ObjectWriter"}]
        assert grants_of(s3c.get_bucket_acl(Bucket=name)) == {("owner", "FULL_CONTROL")}
    finally:
        s3c.delete_bucket(Bucket=name)


def test_object_acls_decide_anonymous_and_user_access(target, s3c, acl_bucket, iam_user):
    bucket = acl_bucket
    user_s3, _ = iam_user
    s3c.put_object(Bucket=bucket, Key="public.jpg", Body=b"pub", ACL="public-read")
    s3c.put_object(Bucket=bucket, Key="private.jpg", Body=b"priv")
    s3c.put_object(Bucket=bucket, Key="members.jpg", Body=b"mem", ACL="authenticated-read")
    assert grants_of(s3c.get_object_acl(Bucket=bucket, Key="public.jpg")) == {
        ("owner", "FULL_CONTROL"), (ALL_USERS, "READ")}
    ep = target.endpoint
    assert anonymous(ep, "GET", "/%s/public.jpg" % bucket) == (200, b"pub")
    assert anonymous(ep, "HEAD", "/%s/public.jpg" % bucket)[0] == 200
    assert anonymous(ep, "GET", "/%s/private.jpg" % bucket)[0] == 403
    assert anonymous(ep, "GET", "/%s/members.jpg" % bucket)[0] == 403
    # READ on an object is not WRITE on the bucket, nor READ_ACP, nor listing.
    assert anonymous(ep, "PUT", "/%s/public.jpg" % bucket, b"overwrite")[0] == 403
    assert anonymous(ep, "DELETE", "/%s/public.jpg" % bucket)[0] == 403
    assert anonymous(ep, "GET", "/%s/public.jpg?acl" % bucket)[0] == 403
    assert anonymous(ep, "GET", "/%s" % bucket)[0] == 403
    # AuthenticatedUsers: any signed caller, here an IAM user with no policy at all.
    assert user_s3.get_object(Bucket=bucket, Key="members.jpg")["Body"].read() == b"mem"
    assert user_s3.get_object(Bucket=bucket, Key="public.jpg")["Body"].read() == b"pub"
    assert error_of(user_s3.get_object, Bucket=bucket, Key="private.jpg")[0] == "AccessDenied"
    # An overwrite without an ACL makes the object private again.
    s3c.put_object(Bucket=bucket, Key="public.jpg", Body=b"pub2")
    assert anonymous(ep, "GET", "/%s/public.jpg" % bucket)[0] == 403
    # PutObjectAcl with a document, and with grant headers.
    acl = s3c.get_object_acl(Bucket=bucket, Key="private.jpg")
    s3c.put_object_acl(Bucket=bucket, Key="private.jpg", AccessControlPolicy={
        "Owner": acl["Owner"],
        "Grants": acl["Grants"] + [{"Grantee": {"Type": "Group", "URI": ALL_USERS},
                                    "Permission": "READ"}]})
    assert anonymous(ep, "GET", "/%s/private.jpg" % bucket) == (200, b"priv")
    s3c.put_object_acl(Bucket=bucket, Key="private.jpg", GrantRead='uri="%s"' % AUTHENTICATED)
    assert grants_of(s3c.get_object_acl(Bucket=bucket, Key="private.jpg")) == {
        (AUTHENTICATED, "READ")}
    assert anonymous(ep, "GET", "/%s/private.jpg" % bucket)[0] == 403
    # A copy takes the ACL it asks for, never its source's.
    s3c.put_object_acl(Bucket=bucket, Key="private.jpg", ACL="public-read")
    s3c.copy_object(Bucket=bucket, Key="copy.jpg", CopySource={"Bucket": bucket,
                                                               "Key": "private.jpg"})
    assert anonymous(ep, "GET", "/%s/copy.jpg" % bucket)[0] == 403
    s3c.copy_object(Bucket=bucket, Key="copy2.jpg", ACL="public-read",
                    CopySource={"Bucket": bucket, "Key": "private.jpg"})
    assert anonymous(ep, "GET", "/%s/copy2.jpg" % bucket) == (200, b"priv")
    # The stored ACL is never sent back as a header.
    head = s3c.head_object(Bucket=bucket, Key="copy2.jpg")
    assert "x-amz-acl" not in head["ResponseMetadata"]["HTTPHeaders"]


def test_multipart_upload_keeps_its_acl(target, s3c, acl_bucket):
    bucket = acl_bucket
    up = s3c.create_multipart_upload(Bucket=bucket, Key="big", ACL="public-read")
    part = s3c.upload_part(Bucket=bucket, Key="big", UploadId=up["UploadId"], PartNumber=1,
                           Body=b"m" * 1024)
    s3c.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=up["UploadId"],
                                  MultipartUpload={"Parts": [{"PartNumber": 1,
                                                              "ETag": part["ETag"]}]})
    assert anonymous(target.endpoint, "GET", "/%s/big" % bucket) == (200, b"m" * 1024)


def test_bucket_acls_grant_listing_and_writing(target, s3c, acl_bucket):
    bucket = acl_bucket
    ep = target.endpoint
    s3c.put_object(Bucket=bucket, Key="a", Body=b"a")
    assert anonymous(ep, "GET", "/%s?list-type=2" % bucket)[0] == 403
    s3c.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert grants_of(s3c.get_bucket_acl(Bucket=bucket)) == {("owner", "FULL_CONTROL"),
                                                            (ALL_USERS, "READ")}
    status, body = anonymous(ep, "GET", "/%s?list-type=2" % bucket)
    assert status == 200 and b"<Key>a</Key>" in body
    # Listing is not reading: the object stays private.
    assert anonymous(ep, "GET", "/%s/a" % bucket)[0] == 403
    assert anonymous(ep, "PUT", "/%s/b" % bucket, b"b")[0] == 403
    s3c.put_bucket_acl(Bucket=bucket, ACL="public-read-write")
    assert anonymous(ep, "PUT", "/%s/b" % bucket, b"b")[0] == 200
    assert s3c.get_object(Bucket=bucket, Key="b")["Body"].read() == b"b"
    assert anonymous(ep, "DELETE", "/%s/b" % bucket)[0] == 204
    # Never the bucket's settings.
    assert anonymous(ep, "PUT", "/%s?acl" % bucket, b"")[0] == 403
    s3c.put_bucket_acl(Bucket=bucket, ACL="private")
    assert anonymous(ep, "GET", "/%s?list-type=2" % bucket)[0] == 403


def test_block_public_access_refuses_and_ignores_public_acls(target, s3c, acl_bucket):
    bucket = acl_bucket
    ep = target.endpoint
    s3c.put_object(Bucket=bucket, Key="p", Body=b"p", ACL="public-read")
    assert anonymous(ep, "GET", "/%s/p" % bucket) == (200, b"p")
    s3c.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False})
    assert anonymous(ep, "GET", "/%s/p" % bucket)[0] == 403
    s3c.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False})
    assert anonymous(ep, "GET", "/%s/p" % bucket) == (200, b"p")
    for call, kwargs in [(s3c.put_object, {"Key": "q", "Body": b"q", "ACL": "public-read"}),
                         (s3c.put_object_acl, {"Key": "p", "ACL": "authenticated-read"}),
                         (s3c.put_bucket_acl, {"ACL": "public-read"}),
                         (s3c.put_bucket_acl, {"GrantRead": "uri=" + ALL_USERS})]:
        assert error_of(call, Bucket=bucket, **kwargs)[::2] == ("AccessDenied", 403), kwargs
    # Private ACLs are still fine.
    s3c.put_object(Bucket=bucket, Key="q", Body=b"q", ACL="private")
    s3c.put_object_acl(Bucket=bucket, Key="p", ACL="private")
    assert anonymous(ep, "GET", "/%s/p" % bucket)[0] == 403


def test_bad_acl_input(target, s3c, acl_bucket, raw):
    bucket = acl_bucket
    s3c.put_object(Bucket=bucket, Key="k", Body=b"k")
    owner = s3c.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    assert error_of(s3c.put_object, Bucket=bucket, Key="k", Body=b"k", ACL="public")[::2] == (
        "InvalidArgument", 400)
    assert error_of(s3c.put_object_acl, Bucket=bucket, Key="k",
                    GrantRead="id=" + "f" * 64)[::2] == ("InvalidArgument", 400)
    assert error_of(s3c.put_object_acl, Bucket=bucket, Key="k",
                    GrantRead="uri=http://acs.amazonaws.com/groups/global/Everyone")[0] == \
        "InvalidArgument"
    assert error_of(s3c.put_bucket_acl, Bucket=bucket,
                    GrantRead="emailAddress=someone@example.com")[0] == \
        "UnresolvableGrantByEmailAddress"
    assert error_of(s3c.put_object_acl, Bucket=bucket, Key="k", ACL="private",
                    GrantRead="id=" + owner)[0] == "InvalidRequest"
    assert error_of(s3c.put_object_acl, Bucket=bucket, Key="missing", ACL="private")[::2] == (
        "NoSuchKey", 404)
    assert error_of(s3c.get_object_acl, Bucket=bucket, Key="missing")[::2] == ("NoSuchKey", 404)
    assert error_of(s3c.get_bucket_acl, Bucket=unique_name("none"))[::2] == ("NoSuchBucket", 404)
    for body in [b"", b"not xml", b"<AccessControlPolicy/>",
                 b"<AccessControlPolicy><Owner><ID>%s</ID></Owner><AccessControlList><Grant>"
                 b"<Grantee><ID>x</ID></Grantee><Permission>READ</Permission></Grant>"
                 b"</AccessControlList></AccessControlPolicy>" % owner.encode(),
                 b"<AccessControlPolicy><Owner><ID>%s</ID></Owner><AccessControlList><Grant>"
                 b"<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                 b"xsi:type=\"Group\"><URI>%s</URI></Grantee><Permission>ALL</Permission>"
                 b"</Grant></AccessControlList></AccessControlPolicy>" % (owner.encode(),
                                                                         ALL_USERS.encode())]:
        r = raw.request("PUT", "/%s/k" % bucket, query=[("acl", "")], body=body)
        assert r.status == 400, (body, r.body)
        assert b"MalformedACLError" in r.body or b"MissingSecurityHeader" in r.body, r.body
    for body in [b"nope", b"<OwnershipControls/>",
                 b"<OwnershipControls><Rule><ObjectOwnership>Mine</ObjectOwnership></Rule>"
                 b"</OwnershipControls>"]:
        r = raw.request("PUT", "/" + bucket, query=[("ownershipControls", "")], body=body)
        assert (r.status, b"MalformedXML" in r.body) == (400, True), r.body
    # Methods the sub-resources do not have are refused, never a fall-through.
    assert raw.request("DELETE", "/" + bucket, query=[("acl", "")]).status == 405
    assert raw.request("POST", "/%s/k" % bucket, query=[("acl", "")]).status == 405
    assert s3c.get_object(Bucket=bucket, Key="k")["Body"].read() == b"k"
    assert s3c.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "ObjectWriter"}]


def test_an_acl_on_upload_needs_put_object_acl(target, s3c, acl_bucket, iam_user):
    user_s3, name = iam_user
    bucket = acl_bucket
    iam = client(target, "iam")
    iam.put_user_policy(UserName=name, PolicyName="put", PolicyDocument="""{
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::%s/*"}]}""" % bucket)
    try:
        user_s3.put_object(Bucket=bucket, Key="plain", Body=b"p")
        code, message, _ = error_of(user_s3.put_object, Bucket=bucket, Key="public", Body=b"p",
                                    ACL="public-read")
        assert code == "AccessDenied" and "s3:PutObjectAcl" in message, message
        assert error_of(s3c.head_object, Bucket=bucket, Key="public")[2] == 404
        assert anonymous(target.endpoint, "GET", "/%s/plain" % bucket)[0] == 403
    finally:
        iam.delete_user_policy(UserName=name, PolicyName="put")


def test_acl_permissions_are_iam_actions(target, s3c, acl_bucket, iam_user):
    """GetBucketAcl/PutObjectAcl/... are decided as s3:GetBucketAcl/s3:PutObjectAcl/...."""
    user_s3, name = iam_user
    bucket = acl_bucket
    s3c.put_object(Bucket=bucket, Key="k", Body=b"k")
    code, message, _ = error_of(user_s3.get_bucket_acl, Bucket=bucket)
    assert code == "AccessDenied" and "s3:GetBucketAcl" in message, message
    iam = client(target, "iam")
    iam.put_user_policy(UserName=name, PolicyName="acl", PolicyDocument="""{
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["s3:GetObjectAcl", "s3:GetBucketOwnershipControls"],
        "Resource": ["arn:aws:s3:::%s", "arn:aws:s3:::%s/*"]}]}""" % (bucket, bucket))
    try:
        assert grants_of(user_s3.get_object_acl(Bucket=bucket, Key="k")) == {
            ("owner", "FULL_CONTROL")}
        user_s3.get_bucket_ownership_controls(Bucket=bucket)
        code, message, _ = error_of(user_s3.put_object_acl, Bucket=bucket, Key="k",
                                    ACL="public-read")
        assert code == "AccessDenied" and "s3:PutObjectAcl" in message, message
    finally:
        iam.delete_user_policy(UserName=name, PolicyName="acl")


def test_public_read_acl_the_pre_2023_way_with_the_cli(aws, tmp_path, s3c):
    """Tutorials written before April 2023: `aws s3 cp --acl public-read`. As on AWS today it
    needs ACLs enabled and the block lifted first."""
    aws = aws.in_dir(tmp_path)
    bucket = unique_name("faces-acl")
    aws.run("s3", "mb", "s3://" + bucket)
    (tmp_path / "face.jpg").write_bytes(b"marked")
    code, _ = aws.error("s3api", "put-object", "--bucket", bucket, "--key", "face.jpg",
                        "--body", "face.jpg", "--acl", "public-read")
    assert code == "AccessControlListNotSupported"
    aws.run("s3api", "put-bucket-ownership-controls", "--bucket", bucket,
            "--ownership-controls", "Rules=[{ObjectOwnership=ObjectWriter}]")
    aws.run("s3api", "delete-public-access-block", "--bucket", bucket)
    aws.run("s3", "cp", "face.jpg", "s3://%s/face.jpg" % bucket, "--acl", "public-read")
    assert anonymous(aws.endpoint, "GET", "/%s/face.jpg" % bucket) == (200, b"marked")
    acl = aws.json("s3api", "get-object-acl", "--bucket", bucket, "--key", "face.jpg")
    assert (ALL_USERS, "READ") in grants_of(acl)
    s3c.delete_object(Bucket=bucket, Key="face.jpg")
    s3c.delete_bucket(Bucket=bucket)


def test_pre_2023_defaults_enable_acls(tmp_path):
    """--public-access-block-default off: new buckets as before April 2023, ACLs enabled."""
    server = EvokeServer(tmp_path / "data", tmp_path / "logs",
                         extra_args=("--public-access-block-default", "off"))
    server.start()
    try:
        s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id=server.access_key,
                          aws_secret_access_key=server.secret, config=NO_RETRIES)
        s3.create_bucket(Bucket="old-acl", ACL="public-read")
        assert error_of(s3.get_bucket_ownership_controls, Bucket="old-acl")[0] == \
            "OwnershipControlsNotFoundError"
        s3.put_object(Bucket="old-acl", Key="k", Body=b"v", ACL="public-read")
        assert anonymous(server.endpoint, "GET", "/old-acl/k") == (200, b"v")
        assert anonymous(server.endpoint, "GET", "/old-acl?list-type=2")[0] == 200
        # Settings survive a restart.
        server.stop()
        server.start()
        assert anonymous(server.endpoint, "GET", "/old-acl/k") == (200, b"v")
    finally:
        assert server.stop() == 0
