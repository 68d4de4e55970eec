"""Identity end to end: IAM users, access keys, groups, roles and policies, STS sessions, and
the policy decision on S3, Lambda, CloudWatch Logs, IAM and STS requests, through boto3 (run.sh
runs this file under Debian's boto3 1.26 and pyenv's 1.4x) and the aws CLI v1 and v2."""

import json
import pathlib
import time
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import LAMBDA_ROLE, unique_name
from test_functions import make_zip

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "samples"

REGION = "us-east-1"
ACCOUNT = "000000000000"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})

S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def client(target, service, key=None, secret=None, token=None):
    """A boto3 client of `service`; root's keys unless others are given."""
    return boto3.client(service, endpoint_url=target.endpoint, region_name=REGION,
                        aws_access_key_id=key or target.access_key,
                        aws_secret_access_key=secret or target.secret,
                        aws_session_token=token, config=NO_RETRIES)


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    r = e.value.response
    return r["Error"]["Code"], r["Error"].get("Message", ""), r["ResponseMetadata"]["HTTPStatusCode"]


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    s.update(extra)
    return s


def trust(principal):
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


class User:
    """An IAM user with one access key, and clients that sign with it."""

    def __init__(self, target, iam, name):
        self.target, self.iam, self.name = target, iam, name
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        self.key, self.secret = key["AccessKeyId"], key["SecretAccessKey"]
        self.arn = "arn:aws:iam::%s:user/%s" % (ACCOUNT, name)

    def client(self, service):
        return client(self.target, service, self.key, self.secret)

    def delete(self):
        iam = self.iam
        for k in iam.list_access_keys(UserName=self.name)["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=self.name, AccessKeyId=k["AccessKeyId"])
        for p in iam.list_user_policies(UserName=self.name)["PolicyNames"]:
            iam.delete_user_policy(UserName=self.name, PolicyName=p)
        for p in iam.list_attached_user_policies(UserName=self.name)["AttachedPolicies"]:
            iam.detach_user_policy(UserName=self.name, PolicyArn=p["PolicyArn"])
        for g in iam.list_groups_for_user(UserName=self.name)["Groups"]:
            iam.remove_user_from_group(UserName=self.name, GroupName=g["GroupName"])
        iam.delete_user(UserName=self.name)


@pytest.fixture
def iam(target):
    return client(target, "iam")


@pytest.fixture
def user(target, iam):
    u = User(target, iam, unique_name("user"))
    yield u
    u.delete()


def fetch(url_or_request):
    """urlopen without any proxy of the environment."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return opener.open(url_or_request, timeout=30)


# --- users and access keys ---------------------------------------------------------------------

def test_user_lifecycle(iam):
    name = unique_name("life")
    created = iam.create_user(UserName=name, Path="/team/", Tags=[{"Key": "k", "Value": "v"}])["User"]
    assert created["UserName"] == name
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert created["Arn"] == "arn:aws:iam::%s:user/team/%s" % (ACCOUNT, name)
    assert created["Path"] == "/team/"
    got = iam.get_user(UserName=name)["User"]
    assert got["UserId"] == created["UserId"] and got["Tags"] == [{"Key": "k", "Value": "v"}]
    # Names ignore case: the same name in other case is the same user.
    assert error_of(iam.create_user, UserName=name.upper())[:2] == (
        "EntityAlreadyExists", "User with name %s already exists." % name.upper())
    assert iam.get_user(UserName=name.upper())["User"]["UserName"] == name
    listed = [u["UserName"] for u in iam.list_users(PathPrefix="/team/")["Users"]]
    assert name in listed
    assert name not in [u["UserName"] for u in iam.list_users(PathPrefix="/other/")["Users"]]
    iam.tag_user(UserName=name, Tags=[{"Key": "k2", "Value": "v2"}])
    assert len(iam.list_user_tags(UserName=name)["Tags"]) == 2
    iam.untag_user(UserName=name, TagKeys=["k"])
    assert iam.list_user_tags(UserName=name)["Tags"] == [{"Key": "k2", "Value": "v2"}]
    renamed = name + "-2"
    iam.update_user(UserName=name, NewUserName=renamed)
    assert error_of(iam.get_user, UserName=name)[:2] == (
        "NoSuchEntity", "The user with name %s cannot be found." % name)
    assert iam.get_user(UserName=renamed)["User"]["UserId"] == created["UserId"]
    iam.delete_user(UserName=renamed)
    assert error_of(iam.delete_user, UserName=renamed)[0] == "NoSuchEntity"


def test_access_keys(target, iam, user):
    keys = iam.list_access_keys(UserName=user.name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [user.key]
    assert user.key.startswith("AKIA") and len(user.key) == 20 and len(user.secret) == 40
    second = iam.create_access_key(UserName=user.name)["AccessKey"]
    assert error_of(iam.create_access_key, UserName=user.name)[:3] == (
        "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409)
    # Deleting a user with keys is refused.
    assert error_of(iam.delete_user, UserName=user.name)[:2] == (
        "DeleteConflict", "Cannot delete entity, must delete access keys first.")
    # Who the key is.
    me = user.client("sts").get_caller_identity()
    assert me["Arn"] == user.arn and me["Account"] == ACCOUNT and me["UserId"].startswith("AIDA")
    # An inactive key is refused as an unknown one, by every service; active again, it works.
    iam.update_access_key(UserName=user.name, AccessKeyId=user.key, Status="Inactive")
    assert error_of(user.client("sts").get_caller_identity)[:3] == (
        "InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    assert error_of(user.client("s3").list_buckets)[0] == "InvalidAccessKeyId"
    assert error_of(user.client("lambda").list_functions)[0] == "UnrecognizedClientException"
    iam.update_access_key(UserName=user.name, AccessKeyId=user.key, Status="Active")
    assert user.client("sts").get_caller_identity()["Arn"] == user.arn
    # A deleted key is refused.
    iam.delete_access_key(UserName=user.name, AccessKeyId=second["AccessKeyId"])
    other = client(target, "sts", second["AccessKeyId"], second["SecretAccessKey"])
    assert error_of(other.get_caller_identity)[0] == "InvalidClientTokenId"
    assert error_of(iam.delete_access_key, UserName=user.name,
                    AccessKeyId=second["AccessKeyId"])[:2] == (
        "NoSuchEntity", "The Access Key with id %s cannot be found." % second["AccessKeyId"])
    assert error_of(iam.update_access_key, UserName=user.name, AccessKeyId=user.key,
                    Status="Sleeping")[0] == "ValidationError"


def test_deleted_users_keys_and_presigned_urls_stop_working(target, iam):
    u = User(target, iam, unique_name("gone"))
    iam.attach_user_policy(UserName=u.name, PolicyArn=S3_READ_ONLY)
    root_s3 = client(target, "s3")
    b = unique_name("gone")
    root_s3.create_bucket(Bucket=b)
    try:
        root_s3.put_object(Bucket=b, Key="k", Body=b"data")
        url = u.client("s3").generate_presigned_url("get_object", Params={"Bucket": b, "Key": "k"})
        assert fetch(url).read() == b"data"
        u.delete()
        with pytest.raises(urllib.error.HTTPError) as e:
            fetch(url)
        assert e.value.code == 403 and b"InvalidAccessKeyId" in e.value.read()
    finally:
        root_s3.delete_object(Bucket=b, Key="k")
        root_s3.delete_bucket(Bucket=b)


# --- the decision --------------------------------------------------------------------------------

def test_a_user_without_policies_is_denied_everything(user, bucket):
    code, message, status = error_of(user.client("s3").list_objects_v2, Bucket=bucket)
    assert (code, status) == ("AccessDenied", 403)
    assert message == ("User: %s is not authorized to perform: s3:ListBucket on resource: "
                       "arn:aws:s3:::%s because no identity-based policy allows the s3:ListBucket "
                       "action" % (user.arn, bucket))
    assert error_of(user.client("s3").put_object, Bucket=bucket, Key="k", Body=b"x")[0] == \
        "AccessDenied"
    assert error_of(user.client("lambda").list_functions)[:3] == (
        "AccessDeniedException",
        "User: %s is not authorized to perform: lambda:ListFunctions on resource: * because no "
        "identity-based policy allows the lambda:ListFunctions action" % user.arn, 403)
    assert error_of(user.client("logs").describe_log_groups)[0] == "AccessDeniedException"
    assert error_of(user.client("events").list_rules)[0] == "AccessDeniedException"
    assert error_of(user.client("scheduler").list_schedules)[0] == "AccessDeniedException"
    code, message, status = error_of(user.client("iam").list_users)
    assert (code, status) == ("AccessDenied", 403)
    assert "iam:ListUsers" in message
    # Who am I needs no permission.
    assert user.client("sts").get_caller_identity()["Arn"] == user.arn


def test_s3_read_only_access(target, iam, user, bucket):
    root_s3 = client(target, "s3")
    root_s3.put_object(Bucket=bucket, Key="a/one", Body=b"1")
    iam.attach_user_policy(UserName=user.name, PolicyArn=S3_READ_ONLY)
    s3 = user.client("s3")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["a/one"]
    assert s3.get_object(Bucket=bucket, Key="a/one")["Body"].read() == b"1"
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    code, message, _ = error_of(s3.put_object, Bucket=bucket, Key="a/two", Body=b"2")
    assert code == "AccessDenied" and "s3:PutObject" in message
    assert error_of(s3.delete_object, Bucket=bucket, Key="a/one")[0] == "AccessDenied"
    assert root_s3.get_object(Bucket=bucket, Key="a/one")["Body"].read() == b"1"
    listed = iam.list_attached_user_policies(UserName=user.name)["AttachedPolicies"]
    assert listed == [{"PolicyName": "AmazonS3ReadOnlyAccess", "PolicyArn": S3_READ_ONLY}]
    assert iam.get_policy(PolicyArn=S3_READ_ONLY)["Policy"]["AttachmentCount"] >= 1
    # Detached, the permission is gone at once.
    iam.detach_user_policy(UserName=user.name, PolicyArn=S3_READ_ONLY)
    assert error_of(s3.get_object, Bucket=bucket, Key="a/one")[0] == "AccessDenied"


def test_prefix_scoped_user_lists_only_its_prefix(target, iam, user, bucket):
    root_s3 = client(target, "s3")
    for key in ("home/%s/mine" % user.name, "home/other/theirs"):
        root_s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    iam.put_user_policy(UserName=user.name, PolicyName="home", PolicyDocument=doc(
        allow("s3:ListBucket", "arn:aws:s3:::" + bucket,
              Condition={"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}),
        allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::%s/home/${aws:username}/*" % bucket)))
    s3 = user.client("s3")
    mine = "home/%s/" % user.name
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=mine)["Contents"]] == [
        mine + "mine"]
    assert error_of(s3.list_objects_v2, Bucket=bucket, Prefix="home/other/")[0] == "AccessDenied"
    assert error_of(s3.list_objects_v2, Bucket=bucket)[0] == "AccessDenied"
    s3.put_object(Bucket=bucket, Key=mine + "new", Body=b"y")
    assert error_of(s3.get_object, Bucket=bucket, Key="home/other/theirs")[0] == "AccessDenied"
    got = iam.get_user_policy(UserName=user.name, PolicyName="home")
    assert got["PolicyDocument"]["Statement"][0]["Condition"]["StringLike"]["s3:prefix"] == [
        "home/${aws:username}/*"]


def test_principal_tags_as_policy_variables(target, iam, user, bucket):
    root_s3 = client(target, "s3")
    for team in ("red", "blue"):
        root_s3.put_object(Bucket=bucket, Key="teams/%s/plan" % team, Body=team.encode())
    iam.put_user_policy(UserName=user.name, PolicyName="team", PolicyDocument=doc(
        allow("s3:GetObject", "arn:aws:s3:::%s/teams/${aws:PrincipalTag/team}/*" % bucket)))
    s3 = user.client("s3")
    # No tag: the variable is missing, so the Allow does not apply.
    assert error_of(s3.get_object, Bucket=bucket, Key="teams/red/plan")[0] == "AccessDenied"
    iam.tag_user(UserName=user.name, Tags=[{"Key": "team", "Value": "red"}])
    assert s3.get_object(Bucket=bucket, Key="teams/red/plan")["Body"].read() == b"red"
    assert error_of(s3.get_object, Bucket=bucket, Key="teams/blue/plan")[0] == "AccessDenied"
    # A changed tag takes effect on the next request.
    iam.tag_user(UserName=user.name, Tags=[{"Key": "team", "Value": "blue"}])
    assert s3.get_object(Bucket=bucket, Key="teams/blue/plan")["Body"].read() == b"blue"
    assert error_of(s3.get_object, Bucket=bucket, Key="teams/red/plan")[0] == "AccessDenied"


def test_explicit_deny_wins_and_groups_grant(target, iam, user, bucket):
    group = unique_name("grp")
    iam.create_group(GroupName=group)
    try:
        iam.add_user_to_group(GroupName=group, UserName=user.name)
        iam.attach_group_policy(GroupName=group, PolicyArn=S3_READ_ONLY)
        s3 = user.client("s3")
        s3.list_objects_v2(Bucket=bucket)
        assert [u["UserName"] for u in iam.get_group(GroupName=group)["Users"]] == [user.name]
        iam.put_user_policy(UserName=user.name, PolicyName="deny", PolicyDocument=doc(
            {"Effect": "Deny", "Action": "s3:ListBucket", "Resource": "*"}))
        code, message, _ = error_of(s3.list_objects_v2, Bucket=bucket)
        assert code == "AccessDenied"
        assert message.endswith("with an explicit deny in an identity-based policy"), message
        assert error_of(iam.delete_group, GroupName=group)[:2] == (
            "DeleteConflict", "Cannot delete entity, must remove users from group first.")
    finally:
        iam.remove_user_from_group(GroupName=group, UserName=user.name)
        iam.detach_group_policy(GroupName=group, PolicyArn=S3_READ_ONLY)
        iam.delete_group(GroupName=group)


# --- managed policies ----------------------------------------------------------------------------

def test_customer_managed_policy_versions(iam, user, bucket):
    name = unique_name("pol")
    v1 = doc(allow("s3:ListBucket", "arn:aws:s3:::" + bucket))
    policy = iam.create_policy(PolicyName=name, PolicyDocument=v1, Description="d")["Policy"]
    arn = policy["Arn"]
    assert arn == "arn:aws:iam::%s:policy/%s" % (ACCOUNT, name)
    assert policy["PolicyId"].startswith("ANPA") and policy["DefaultVersionId"] == "v1"
    assert error_of(iam.create_policy, PolicyName=name, PolicyDocument=v1)[:2] == (
        "EntityAlreadyExists",
        "A policy called %s already exists. Duplicate names are not allowed." % name)
    iam.attach_user_policy(UserName=user.name, PolicyArn=arn)
    s3 = user.client("s3")
    s3.list_objects_v2(Bucket=bucket)
    # A second version that allows nothing, made the default: access is gone.
    v2 = doc(allow("s3:GetObject", "arn:aws:s3:::nothing/*"))
    made = iam.create_policy_version(PolicyArn=arn, PolicyDocument=v2, SetAsDefault=True)
    assert made["PolicyVersion"]["VersionId"] == "v2" and made["PolicyVersion"]["IsDefaultVersion"]
    assert error_of(s3.list_objects_v2, Bucket=bucket)[0] == "AccessDenied"
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    s3.list_objects_v2(Bucket=bucket)
    got = iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]
    assert got["Document"] == json.loads(v2) and not got["IsDefaultVersion"]
    versions = [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]]
    assert versions == ["v2", "v1"]
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=v2)
    assert error_of(iam.create_policy_version, PolicyArn=arn, PolicyDocument=v2)[:3] == (
        "LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new "
        "version, you must delete an existing version.", 409)
    assert error_of(iam.delete_policy_version, PolicyArn=arn, VersionId="v1")[:2] == (
        "DeleteConflict", "Cannot delete the default version of a policy.")
    assert error_of(iam.delete_policy, PolicyArn=arn)[:2] == (
        "DeleteConflict", "Cannot delete a policy attached to entities.")
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == [user.name]
    iam.detach_user_policy(UserName=user.name, PolicyArn=arn)
    for v in ("v2", "v3", "v4", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=v)
    iam.delete_policy(PolicyArn=arn)
    assert error_of(iam.get_policy, PolicyArn=arn)[:3] == (
        "NoSuchEntity", "Policy %s was not found." % arn, 404)


def test_aws_managed_policies_are_listed_with_their_documents(iam):
    names = set()
    for page in iam.get_paginator("list_policies").paginate(Scope="AWS", PaginationConfig={
            "PageSize": 7}):
        names.update(p["PolicyName"] for p in page["Policies"])
    for expected in ("AWSLambdaBasicExecutionRole", "AWSLambdaExecute", "AWSLambdaRole",
                     "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess", "CloudWatchLogsFullAccess",
                     "AWSLambda_FullAccess", "AWSLambda_ReadOnlyAccess", "AdministratorAccess"):
        assert expected in names
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    actions = version["PolicyVersion"]["Document"]["Statement"][0]["Action"]
    assert set(actions) == {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}
    assert error_of(iam.delete_policy, PolicyArn=arn)[0] == "InvalidInput"


# --- roles and sessions --------------------------------------------------------------------------

@pytest.fixture
def role(iam, user):
    name = unique_name("role")
    created = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"AWS": user.arn}),
                              Description="for tests")["Role"]
    yield created
    for p in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=p)
    for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=name, PolicyArn=p["PolicyArn"])
    try:
        iam.delete_role(RoleName=name)
    except ClientError:
        pass


def test_assume_role_and_use_the_session(target, iam, user, role, bucket):
    assert role["RoleId"].startswith("AROA")
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": user.arn}
    iam.put_role_policy(RoleName=role["RoleName"], PolicyName="rw", PolicyDocument=doc(
        allow(["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::%s/*" % bucket)))
    # The trust policy names the user: no identity policy is needed to assume it.
    assumed = user.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1",
                                             DurationSeconds=900)
    creds = assumed["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    session_arn = "arn:aws:sts::%s:assumed-role/%s/s1" % (ACCOUNT, role["RoleName"])
    assert assumed["AssumedRoleUser"] == {"AssumedRoleId": role["RoleId"] + ":s1",
                                          "Arn": session_arn}
    left = creds["Expiration"].timestamp() - time.time()
    assert 800 < left <= 901, left

    def session(service):
        return client(target, service, creds["AccessKeyId"], creds["SecretAccessKey"],
                      creds["SessionToken"])

    me = session("sts").get_caller_identity()
    assert me["Arn"] == session_arn and me["UserId"] == role["RoleId"] + ":s1"
    s3 = session("s3")
    s3.put_object(Bucket=bucket, Key="by-role", Body=b"r")
    assert s3.get_object(Bucket=bucket, Key="by-role")["Body"].read() == b"r"
    code, message, _ = error_of(s3.list_objects_v2, Bucket=bucket)
    assert code == "AccessDenied" and message.startswith("User: %s is not" % session_arn)
    # Presigned with the session's token.
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "by-role"})
    assert "x-amz-security-token=" in url.lower()
    assert fetch(url).read() == b"r"
    # A changed token, or none, is refused.
    forged = creds["SessionToken"][:-8] + ("A" * 8 if not creds["SessionToken"].endswith("A" * 8)
                                           else "B" * 8)
    bad = client(target, "sts", creds["AccessKeyId"], creds["SecretAccessKey"], forged)
    assert error_of(bad.get_caller_identity)[:3] == (
        "InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    assert error_of(client(target, "s3", creds["AccessKeyId"], creds["SecretAccessKey"],
                           forged).get_object, Bucket=bucket, Key="by-role")[0] == "InvalidToken"
    no_token = client(target, "sts", creds["AccessKeyId"], creds["SecretAccessKey"])
    assert error_of(no_token.get_caller_identity)[0] == "InvalidClientTokenId"
    # A session cannot get a session token.
    assert error_of(session("sts").get_session_token)[:2] == (
        "AccessDenied", "Cannot call GetSessionToken with session credentials")
    # The role's policies are read at each request: removing them takes the access away.
    iam.delete_role_policy(RoleName=role["RoleName"], PolicyName="rw")
    assert error_of(s3.get_object, Bucket=bucket, Key="by-role")[0] == "AccessDenied"


def test_session_policy_narrows_the_role(target, iam, user, role, bucket):
    iam.put_role_policy(RoleName=role["RoleName"], PolicyName="rw", PolicyDocument=doc(
        allow(["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::%s/*" % bucket)))
    creds = user.client("sts").assume_role(
        RoleArn=role["Arn"], RoleSessionName="narrow",
        Policy=doc(allow("s3:GetObject", "arn:aws:s3:::%s/*" % bucket)))["Credentials"]
    s3 = client(target, "s3", creds["AccessKeyId"], creds["SecretAccessKey"],
                creds["SessionToken"])
    client(target, "s3").put_object(Bucket=bucket, Key="k", Body=b"v")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    code, message, _ = error_of(s3.put_object, Bucket=bucket, Key="k2", Body=b"v")
    assert code == "AccessDenied" and message.endswith(
        "because no session policy allows the s3:PutObject action"), message


def test_assume_role_is_refused_without_trust(target, iam, user, role):
    other = User(target, iam, unique_name("other"))
    try:
        code, message, status = error_of(other.client("sts").assume_role, RoleArn=role["Arn"],
                                         RoleSessionName="xy")
        assert (code, status) == ("AccessDenied", 403)
        assert message == ("User: %s is not authorized to perform: sts:AssumeRole on resource: %s"
                           % (other.arn, role["Arn"]))
        # Trusting the account is not enough without an identity policy that allows it...
        iam.update_assume_role_policy(RoleName=role["RoleName"],
                                      PolicyDocument=trust({"AWS": "arn:aws:iam::%s:root" % ACCOUNT}))
        assert error_of(other.client("sts").assume_role, RoleArn=role["Arn"],
                        RoleSessionName="xy")[0] == "AccessDenied"
        # ... with one, it is.
        iam.put_user_policy(UserName=other.name, PolicyName="assume",
                            PolicyDocument=doc(allow("sts:AssumeRole", role["Arn"])))
        other.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="xy")
        # The root user may not assume roles, as on AWS.
        assert error_of(client(target, "sts").assume_role, RoleArn=role["Arn"],
                        RoleSessionName="xy")[:2] == (
            "AccessDenied", "Roles may not be assumed by root accounts.")
        # A role that does not exist.
        assert error_of(other.client("sts").assume_role,
                        RoleArn="arn:aws:iam::%s:role/no-such-role" % ACCOUNT,
                        RoleSessionName="xy")[0] == "AccessDenied"
        assert error_of(other.client("sts").assume_role, RoleArn=role["Arn"],
                        RoleSessionName="xy", DurationSeconds=7200)[:2] == (
            "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set "
            "for this role.")
    finally:
        other.delete()


def test_get_session_token(target, user, iam, bucket):
    iam.attach_user_policy(UserName=user.name, PolicyArn=S3_READ_ONLY)
    creds = user.client("sts").get_session_token(DurationSeconds=900)["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    sts = client(target, "sts", creds["AccessKeyId"], creds["SecretAccessKey"],
                 creds["SessionToken"])
    assert sts.get_caller_identity()["Arn"] == user.arn
    s3 = client(target, "s3", creds["AccessKeyId"], creds["SecretAccessKey"],
                creds["SessionToken"])
    s3.list_objects_v2(Bucket=bucket)
    assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"")[0] == "AccessDenied"


def test_role_lifecycle(iam):
    name = unique_name("life")
    t = trust({"Service": "lambda.amazonaws.com"})
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=t, MaxSessionDuration=7200,
                    Tags=[{"Key": "team", "Value": "a"}])
    got = iam.get_role(RoleName=name)["Role"]
    assert got["MaxSessionDuration"] == 7200 and got["Tags"] == [{"Key": "team", "Value": "a"}]
    assert name in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    iam.update_role(RoleName=name, Description="new")
    assert iam.get_role(RoleName=name)["Role"]["Description"] == "new"
    iam.attach_role_policy(RoleName=name, PolicyArn=S3_READ_ONLY)
    assert error_of(iam.delete_role, RoleName=name)[:3] == (
        "DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
    iam.detach_role_policy(RoleName=name, PolicyArn=S3_READ_ONLY)
    assert error_of(iam.detach_role_policy, RoleName=name, PolicyArn=S3_READ_ONLY)[0] == \
        "NoSuchEntity"
    iam.delete_role(RoleName=name)
    assert error_of(iam.get_role, RoleName=name)[:3] == (
        "NoSuchEntity", "The role with name %s cannot be found." % name, 404)


# --- S3 operations that need more than one permission -------------------------------------------

def test_delete_objects_and_copies_check_each_object(target, iam, user, bucket):
    root_s3 = client(target, "s3")
    for key in ("tmp/a", "keep/b", "src/c"):
        root_s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    iam.put_user_policy(UserName=user.name, PolicyName="p", PolicyDocument=doc(
        allow("s3:DeleteObject", "arn:aws:s3:::%s/tmp/*" % bucket),
        allow("s3:PutObject", "arn:aws:s3:::%s/dst/*" % bucket)))
    s3 = user.client("s3")
    # DeleteObjects asks for s3:DeleteObject on each key: one deleted, one refused.
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "tmp/a"},
                                                               {"Key": "keep/b"}]})
    assert [d["Key"] for d in out.get("Deleted", [])] == ["tmp/a"]
    assert [(e["Key"], e["Code"]) for e in out["Errors"]] == [("keep/b", "AccessDenied")]
    assert root_s3.get_object(Bucket=bucket, Key="keep/b")["Body"].read() == b"keep/b"
    # A copy reads its source: PutObject on the destination is not enough.
    code, message, _ = error_of(s3.copy_object, Bucket=bucket, Key="dst/c",
                                CopySource={"Bucket": bucket, "Key": "src/c"})
    assert code == "AccessDenied"
    assert "s3:GetObject on resource: arn:aws:s3:::%s/src/c" % bucket in message
    iam.put_user_policy(UserName=user.name, PolicyName="read", PolicyDocument=doc(
        allow("s3:GetObject", "arn:aws:s3:::%s/src/*" % bucket)))
    s3.copy_object(Bucket=bucket, Key="dst/c", CopySource={"Bucket": bucket, "Key": "src/c"})
    assert root_s3.get_object(Bucket=bucket, Key="dst/c")["Body"].read() == b"src/c"


# --- functions run as their role -----------------------------------------------------------------

PROBE = """import json, os
import boto3


def handler(event, context):
    out = {"arn": boto3.client("sts").get_caller_identity()["Arn"],
           "key": os.environ["AWS_ACCESS_KEY_ID"], "token": "AWS_SESSION_TOKEN" in os.environ}
    try:
        listed = boto3.client("s3").list_objects_v2(Bucket=event["bucket"])
        out["keys"] = [o["Key"] for o in listed.get("Contents", [])]
    except Exception as e:
        out["error"] = e.response["Error"]["Code"]
    return out
"""

LAMBDA_TRUST = trust({"Service": "lambda.amazonaws.com"})


@pytest.fixture
def roles(iam):
    """Makes roles (name -> ARN) and deletes them afterwards."""
    made = []

    def make(trust_policy=LAMBDA_TRUST, managed=(), inline=None):
        name = unique_name("fnrole")
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy)["Role"]["Arn"]
        made.append(name)
        for p in managed:
            iam.attach_role_policy(RoleName=name, PolicyArn=p)
        if inline:
            iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=inline)
        return arn

    yield make
    for name in made:
        for p in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=p)
        for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=name, PolicyArn=p["PolicyArn"])
        iam.delete_role(RoleName=name)


@pytest.fixture
def functions(target):
    lam = client(target, "lambda")
    made = []

    def make(role, files, handler="probe.handler"):
        name = unique_name("fn")
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler=handler,
                            Timeout=30, Code={"ZipFile": make_zip(files)})
        made.append(name)
        return name

    yield lam, make
    for name in made:
        lam.delete_function(FunctionName=name)


def run(lam, name, payload):
    r = lam.invoke(FunctionName=name, Payload=json.dumps(payload).encode())
    return r.get("FunctionError"), json.loads(r["Payload"].read())


def test_functions_run_as_their_role(target, bucket, roles, functions):
    client(target, "s3").put_object(Bucket=bucket, Key="x", Body=b"x")
    lam, make = functions
    basic_role = roles(managed=["arn:aws:iam::aws:policy/service-role/"
                                "AWSLambdaBasicExecutionRole"])
    reader_role = roles(managed=[S3_READ_ONLY])
    basic = make(basic_role, {"probe.py": PROBE.encode()})
    reader = make(reader_role, {"probe.py": PROBE.encode()})

    error, out = run(lam, basic, {"bucket": bucket})
    assert error is None, out
    role_name = basic_role.rsplit("/", 1)[1]
    assert out["arn"] == "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCOUNT, role_name, basic)
    assert out["key"].startswith("ASIA") and out["key"] != target.access_key and out["token"]
    assert out["error"] == "AccessDenied" and "keys" not in out

    error, out = run(lam, reader, {"bucket": bucket})
    assert error is None, out
    assert out["keys"] == ["x"] and "error" not in out
    assert out["arn"].endswith(":assumed-role/%s/%s" % (reader_role.rsplit("/", 1)[1], reader))

    # The role's policies are read at each request: detached, the warm sandbox loses access.
    client(target, "iam").detach_role_policy(RoleName=reader_role.rsplit("/", 1)[1],
                                             PolicyArn=S3_READ_ONLY)
    error, out = run(lam, reader, {"bucket": bucket})
    assert out["error"] == "AccessDenied"


def test_start_up_warns_about_functions_whose_role_is_gone(tmp_path):
    """A function whose role was deleted fails every cold start; the server says so at start."""
    from conftest import EvokeServer
    server = EvokeServer(tmp_path / "data", tmp_path / "logs")
    server.start()
    try:
        lam = boto3.client("lambda", endpoint_url=server.endpoint, region_name="us-east-1",
                           aws_access_key_id=server.access_key,
                           aws_secret_access_key=server.secret, config=NO_RETRIES)
        iam_c = boto3.client("iam", endpoint_url=server.endpoint, region_name="us-east-1",
                             aws_access_key_id=server.access_key,
                             aws_secret_access_key=server.secret, config=NO_RETRIES)
        iam_c.create_role(RoleName="short-lived", AssumeRolePolicyDocument=LAMBDA_TRUST)
        for name in ("orphan", "fine"):
            role = "short-lived" if name == "orphan" else LAMBDA_ROLE.rsplit("/", 1)[1]
            lam.create_function(FunctionName=name, Runtime="python3.11",
                                Role="arn:aws:iam::%s:role/%s" % (ACCOUNT, role),
                                Handler="probe.handler",
                                Code={"ZipFile": make_zip({"probe.py": PROBE.encode()})})
        iam_c.delete_role(RoleName="short-lived")
        assert server.stop() == 0
        server.start()
        log = server.stderr_path.read_text()
        assert "function orphan cannot start: its role arn:aws:iam::%s:role/short-lived" % \
            ACCOUNT in log, log
        assert "function fine" not in log
    finally:
        assert server.stop() == 0


def test_a_function_policy_grants_users_of_the_account(target, user, roles, functions):
    """A function's resource-based policy (AddPermission) naming a user lets it invoke with no
    identity policy of its own; naming only the account grants nothing by itself."""
    lam, make = functions
    name = make(roles(), {"echo.py": b"def handler(event, context):\n    return event\n"},
                handler="echo.handler")
    user_lambda = user.client("lambda")
    code, message, _ = error_of(user_lambda.invoke, FunctionName=name, Payload=b"{}")
    assert code == "AccessDeniedException" and "lambda:InvokeFunction" in message, message
    lam.add_permission(FunctionName=name, StatementId="account", Action="lambda:InvokeFunction",
                       Principal=ACCOUNT)
    assert error_of(user_lambda.invoke, FunctionName=name, Payload=b"{}")[0] == \
        "AccessDeniedException"
    lam.add_permission(FunctionName=name, StatementId="user", Action="lambda:InvokeFunction",
                       Principal=user.arn)
    r = user_lambda.invoke(FunctionName=name, Payload=b'{"hello": 1}')
    assert json.loads(r["Payload"].read()) == {"hello": 1}
    # The grant is for that action only, and goes with RemovePermission.
    assert error_of(user_lambda.get_function_configuration, FunctionName=name)[0] == \
        "AccessDeniedException"
    lam.add_permission(FunctionName=name, StatementId="read",
                       Action="lambda:GetFunctionConfiguration", Principal=user.arn)
    assert user_lambda.get_function_configuration(FunctionName=name)["FunctionName"] == name
    lam.remove_permission(FunctionName=name, StatementId="user")
    assert error_of(user_lambda.invoke, FunctionName=name, Payload=b"{}")[0] == \
        "AccessDeniedException"


def test_a_role_lambda_cannot_assume_is_refused(target, user, roles, functions):
    lam, make = functions
    message = "The role defined for the function cannot be assumed by Lambda."
    files = {"probe.py": PROBE.encode()}
    for role in (roles(trust_policy=trust({"AWS": user.arn})),         # trusts someone else
                 roles(trust_policy=trust({"Service": "s3.amazonaws.com"})),
                 "arn:aws:iam::%s:role/no-such-role" % ACCOUNT,
                 "arn:aws:iam::111111111111:role/other-account"):
        with pytest.raises(ClientError) as e:
            make(role, files)
        err = e.value.response["Error"]
        assert (err["Code"], err["Message"]) == ("InvalidParameterValueException", message), role
    good_role = roles()
    good = make(good_role, files)
    with pytest.raises(ClientError) as e:
        lam.update_function_configuration(FunctionName=good,
                                          Role="arn:aws:iam::%s:role/no-such-role" % ACCOUNT)
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert lam.get_function_configuration(FunctionName=good)["Role"] == good_role


def test_passing_a_role_needs_iam_pass_role(target, iam, user, bucket, roles):
    """A user who may create functions and schedules may hand them only the roles iam:PassRole
    allows: else it could run code, or invoke functions, as any role."""
    role = roles()
    sched_role = roles(trust_policy=trust({"Service": "scheduler.amazonaws.com"}))
    iam.put_user_policy(UserName=user.name, PolicyName="deploy", PolicyDocument=doc(
        allow(["lambda:CreateFunction", "lambda:DeleteFunction", "scheduler:CreateSchedule"])))
    lam, scheduler = user.client("lambda"), user.client("scheduler")
    name = unique_name("passed")
    files = {"probe.py": PROBE.encode()}
    code, message, status = error_of(
        lam.create_function, FunctionName=name, Runtime="python3.11", Role=role,
        Handler="probe.handler", Code={"ZipFile": make_zip(files)})
    assert (code, status) == ("AccessDeniedException", 403)
    assert message == ("User: %s is not authorized to perform: iam:PassRole on resource: %s "
                       "because no identity-based policy allows the iam:PassRole action"
                       % (user.arn, role)), message
    target_arn = "arn:aws:lambda:us-east-1:%s:function:x" % ACCOUNT
    assert error_of(scheduler.create_schedule, Name=name, ScheduleExpression="rate(1 hour)",
                    FlexibleTimeWindow={"Mode": "OFF"},
                    Target={"Arn": target_arn, "RoleArn": sched_role})[0] == \
        "AccessDeniedException"
    # PassRole limited to Lambda lets the function through, not the schedule.
    iam.put_user_policy(UserName=user.name, PolicyName="pass", PolicyDocument=doc(
        allow("iam:PassRole", [role, sched_role],
              Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}})))
    lam.create_function(FunctionName=name, Runtime="python3.11", Role=role,
                        Handler="probe.handler", Code={"ZipFile": make_zip(files)})
    assert error_of(scheduler.create_schedule, Name=name, ScheduleExpression="rate(1 hour)",
                    FlexibleTimeWindow={"Mode": "OFF"},
                    Target={"Arn": target_arn, "RoleArn": sched_role})[0] == \
        "AccessDeniedException"
    # Code from S3 is read with the caller's permissions.
    client(target, "s3").put_object(Bucket=bucket, Key="code.zip", Body=make_zip(files))
    code, message, _ = error_of(lam.create_function, FunctionName=name + "-s3",
                                Runtime="python3.11", Role=role, Handler="probe.handler",
                                Code={"S3Bucket": bucket, "S3Key": "code.zip"})
    assert code == "InvalidParameterValueException" and "AccessDenied" in message
    # ... and with the bucket's policy, as S3 would decide: naming the user grants it.
    root_s3 = client(target, "s3")
    root_s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::%s/code.zip" % bucket}]}))
    try:
        lam.create_function(FunctionName=name + "-s3", Runtime="python3.11", Role=role,
                            Handler="probe.handler",
                            Code={"S3Bucket": bucket, "S3Key": "code.zip"})
        lam.delete_function(FunctionName=name + "-s3")
    finally:
        root_s3.delete_bucket_policy(Bucket=bucket)
    lam.delete_function(FunctionName=name)


def test_hourly_cleanup_under_a_narrow_role(target, bucket, roles, functions):
    """The cleanup function's role may list tmp/ and delete tmp/* only."""
    root_s3 = client(target, "s3")
    for key in ("tmp/1", "tmp/2", "keep/3"):
        root_s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    narrow = roles(managed=["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
                   inline=doc(allow("s3:ListBucket", "arn:aws:s3:::" + bucket,
                                    Condition={"StringLike": {"s3:prefix": ["tmp/*"]}}),
                              allow("s3:DeleteObject", "arn:aws:s3:::%s/tmp/*" % bucket)))
    sample = (SAMPLES / "cleanup" / "lambda_function.py").read_bytes()
    lam, make = functions
    cleanup = make(narrow, {"lambda_function.py": sample}, "lambda_function.lambda_handler")
    error, out = run(lam, cleanup, {"bucket": bucket, "prefix": "tmp/"})
    assert (error, out) == (None, {"deleted": 2})
    remaining = [o["Key"] for o in root_s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert remaining == ["keep/3"]
    # Anything else is denied: listing keep/ fails the function with S3's AccessDenied.
    error, out = run(lam, cleanup, {"bucket": bucket, "prefix": "keep/"})
    assert error == "Unhandled" and "AccessDenied" in out["errorMessage"], out
    assert [o["Key"] for o in root_s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["keep/3"]


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("document, message", [
    ("{", "Syntax errors in policy."),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "s3:*",
                                                         "Resource": "*"}]}), None),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
                                                         "Resource": "*",
                                                         "Principal": "*"}]}),
     "Policy document should not specify a principal."),
])
def test_malformed_policy_documents_are_refused(iam, user, document, message):
    code, got, status = error_of(iam.put_user_policy, UserName=user.name, PolicyName="p",
                                 PolicyDocument=document)
    assert (code, status) == ("MalformedPolicyDocument", 400)
    if message:
        assert got == message
    assert iam.list_user_policies(UserName=user.name)["PolicyNames"] == []


def test_bad_input_gets_iams_errors(iam, user):
    assert error_of(iam.create_user, UserName="has space")[:3] == (
        "ValidationError", "1 validation error detected: Value 'has space' at 'userName' failed "
        "to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", 400)
    assert error_of(iam.create_user, UserName="x" * 65)[0] == "ValidationError"
    assert error_of(iam.create_user, UserName="p", Path="no-slash")[0] == "ValidationError"
    assert error_of(iam.get_user, UserName="no-such-user-here")[:3] == (
        "NoSuchEntity", "The user with name no-such-user-here cannot be found.", 404)
    assert error_of(iam.attach_user_policy, UserName=user.name,
                    PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy")[:2] == (
        "NoSuchEntity", "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not "
        "attachable.")
    too_big = doc(*[allow("s3:GetObject", "arn:aws:s3:::b/%04d" % i) for i in range(200)])
    assert error_of(iam.create_policy, PolicyName=unique_name("big"),
                    PolicyDocument=too_big)[:2] == (
        "LimitExceeded", "Cannot exceed quota for PolicySize: 6144")
    assert error_of(iam.put_user_policy, UserName=user.name, PolicyName="big",
                    PolicyDocument=too_big)[0] == "LimitExceeded"
    assert error_of(iam.list_users, MaxItems=0 + 1001)[0] == "ValidationError"
    assert error_of(iam.create_role, RoleName=unique_name("r"),
                    AssumeRolePolicyDocument=doc(allow("s3:*")))[0] == "MalformedPolicyDocument"
    # An operation IAM has but evoke does not.
    assert error_of(iam.create_login_profile, UserName=user.name, Password="Pa55word!!")[:3] == (
        "NotImplemented", "evoke does not implement IAM's CreateLoginProfile operation yet.", 501)


def test_raw_query_requests(target):
    """Unknown, missing and malformed actions, and a signature by an unknown key, get the query
    services' errors in their XML."""
    from test_boto3_protocol_errors import signed
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    status, _, data = signed(target, "iam", "POST", "/", b"Action=ListUsers&Version=2010-05-08",
                             form)
    assert status == 200 and b"<ListUsersResponse" in data, data
    for body, code, want in [(b"Action=NoSuchThing&Version=2010-05-08", "InvalidAction", 400),
                             (b"Version=2010-05-08", "MissingAction", 400),
                             (b"Action=ListUsers&Marker=%zz", "MalformedQueryString", 404)]:
        status, headers, data = signed(target, "iam", "POST", "/", body, form)
        assert status == want and b"<Code>%s</Code>" % code.encode() in data, (status, data)
        assert headers["Content-Type"].startswith("text/xml")
    req = urllib.request.Request(target.endpoint + "/", data=b"Action=ListUsers&Version=2010-05-08",
                                 headers=dict(form, Authorization=(
                                     "AWS4-HMAC-SHA256 Credential=AKIAXXXXXXXXXXXXXXXX/20260101/"
                                     "us-east-1/iam/aws4_request, SignedHeaders=host, "
                                     "Signature=" + "0" * 64)))
    with pytest.raises(urllib.error.HTTPError) as e:
        fetch(req)
    body = e.value.read()
    assert e.value.code == 403 and b"<ErrorResponse" in body, body


# --- the aws CLI ---------------------------------------------------------------------------------

def test_cli_iam_and_sts(aws, target, tmp_path):
    name = unique_name("cli")
    aws.json("iam", "create-user", "--user-name", name)
    try:
        key = aws.json("iam", "create-access-key", "--user-name", name)["AccessKey"]
        policy = tmp_path / "p.json"
        policy.write_text(doc(allow("s3:ListAllMyBuckets")))
        aws.run("iam", "put-user-policy", "--user-name", name, "--policy-name", "p",
                "--policy-document", "file://" + str(policy))
        got = aws.json("iam", "get-user-policy", "--user-name", name, "--policy-name", "p")
        assert got["PolicyDocument"] == json.loads(policy.read_text())
        as_user = aws.with_env(AWS_ACCESS_KEY_ID=key["AccessKeyId"],
                               AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"])
        me = as_user.json("sts", "get-caller-identity")
        assert me["Arn"] == "arn:aws:iam::%s:user/%s" % (ACCOUNT, name)
        as_user.json("s3api", "list-buckets")
        code, message = as_user.with_env(AWS_MAX_ATTEMPTS="1").error("iam", "list-users")
        assert code == "AccessDenied" and "iam:ListUsers" in message
        code, _ = as_user.with_env(AWS_MAX_ATTEMPTS="1").error("s3", "mb", "s3://" + unique_name())
        assert code == "AccessDenied"
    finally:
        for k in aws.json("iam", "list-access-keys", "--user-name", name)["AccessKeyMetadata"]:
            aws.run("iam", "delete-access-key", "--user-name", name, "--access-key-id",
                    k["AccessKeyId"])
        aws.run("iam", "delete-user-policy", "--user-name", name, "--policy-name", "p")
        aws.run("iam", "delete-user", "--user-name", name)
