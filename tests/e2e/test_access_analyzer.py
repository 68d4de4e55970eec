"""Checking policies end to end: IAM Access Analyzer's ValidatePolicy (evoke's policy linter) and
IAM's policy simulator (SimulatePrincipalPolicy, SimulateCustomPolicy) through boto3 (run.sh runs
this file under Debian's boto3 1.26 and pyenv's 1.4x) and the aws CLI v2."""

import json
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import unique_name
from test_iam import User

REGION = "us-east-1"
ACCOUNT = "000000000000"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
# Lets a request the model would refuse reach the server, for its own errors.
UNCHECKED = Config(retries={"mode": "standard", "total_max_attempts": 1},
                   parameter_validation=False)


def client(target, service, key=None, secret=None, config=NO_RETRIES):
    return boto3.client(service, endpoint_url=target.endpoint, region_name=REGION,
                        aws_access_key_id=key or target.access_key,
                        aws_secret_access_key=secret or target.secret, config=config)


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    r = e.value.response
    return r["Error"]["Code"], r["Error"].get("Message", ""), r["ResponseMetadata"]["HTTPStatusCode"]


def doc(*statements, version="2012-10-17"):
    d = {"Statement": list(statements)}
    if version:
        d = {"Version": version, "Statement": list(statements)}
    return json.dumps(d, indent=2)


def allow(action, resource="*", **extra):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    s.update(extra)
    return s


def deny(action, resource="*", **extra):
    s = {"Effect": "Deny", "Action": action, "Resource": resource}
    s.update(extra)
    return s


@pytest.fixture
def analyzer(target):
    return client(target, "accessanalyzer")


@pytest.fixture
def iam(target):
    return client(target, "iam")


@pytest.fixture
def user(target, iam):
    u = User(target, iam, unique_name("aa"))
    yield u
    u.delete()


def codes(findings):
    return [(f["findingType"], f["issueCode"]) for f in findings]


# --- ValidatePolicy ------------------------------------------------------------------------------

def test_validate_policy_clean_and_flawed(analyzer):
    clean = doc(allow(["s3:GetObject", "s3:ListBucket"],
                      ["arn:aws:s3:::photos", "arn:aws:s3:::photos/*"]))
    assert analyzer.validate_policy(policyDocument=clean,
                                    policyType="IDENTITY_POLICY")["findings"] == []

    flawed = doc(
        allow("s3:GetObject", "arn:aws:s3:::photos"),          # an object action on a bucket
        allow("s3:ListBucket", "arn:aws:s3:::photos/*"),       # a bucket action on objects
        allow(["s3:GetObjekt", "ec2:Whatever"], "*"),          # a typo; ec2 is not judged
        allow("iam:PassRole", "*"),                            # too broad
        allow("s3:ListBucket", "arn:aws:s3:::photos",
              Condition={"StringLike": {"s3:prefixx": "a/*", "aws:SourceIpp": "1.2.3.4"}}))
    found = analyzer.validate_policy(policyDocument=flawed, policyType="IDENTITY_POLICY")
    assert codes(found["findings"]) == [
        ("ERROR", "EVOKE_ACTION_MATCHES_NO_RESOURCE"),
        ("ERROR", "EVOKE_ACTION_MATCHES_NO_RESOURCE"),
        ("ERROR", "INVALID_ACTION"),
        ("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_RESOURCE"),
        ("ERROR", "INVALID_SERVICE_CONDITION_KEY"),
        ("ERROR", "INVALID_GLOBAL_CONDITION_KEY"),
    ]
    f = found["findings"]
    assert f[2]["findingDetails"] == \
        "The action s3:GetObjekt does not exist. Did you mean s3:GetObject?"
    assert f[2]["learnMoreLink"].endswith(
        "access-analyzer-reference-policy-checks.html"
        "#access-analyzer-reference-policy-checks-error-invalid-action")
    assert f[4]["findingDetails"] == ("The condition key s3:prefixx does not exist in the service "
                                      "s3. Use a valid condition key.")
    # Locations: the path of the element and its span (line from 1, column and offset from 0).
    where = f[0]["locations"][0]
    assert where["path"] == [{"value": "Statement"}, {"index": 0}, {"value": "Action"}]
    start, end = where["span"]["start"], where["span"]["end"]
    assert flawed[start["offset"]:end["offset"]] == '"s3:GetObject"'
    line = flawed.splitlines()[start["line"] - 1]
    assert line[start["column"]:].startswith('"s3:GetObject"')
    typo = f[2]["locations"][0]
    assert typo["path"] == [{"value": "Statement"}, {"index": 2}, {"value": "Action"},
                            {"index": 0}]
    assert flawed[typo["span"]["start"]["offset"]:typo["span"]["end"]["offset"]] == \
        '"s3:GetObjekt"'


def test_validate_policy_syntax_version_and_resource_policies(analyzer):
    broken = '{\n  "Version": "2012-10-17"\n  "Statement": []\n}'
    found = analyzer.validate_policy(policyDocument=broken, policyType="IDENTITY_POLICY")["findings"]
    assert codes(found) == [("ERROR", "JSON_SYNTAX_ERROR")]
    assert found[0]["findingDetails"] == "Fix the JSON syntax error at index 30 line 3 column 2."
    assert found[0]["locations"][0]["span"]["start"] == {"line": 3, "column": 2, "offset": 30}

    no_version = doc(allow("lambda:InvokeFunction"), version=None)
    assert codes(analyzer.validate_policy(policyDocument=no_version,
                                          policyType="IDENTITY_POLICY")["findings"]) == \
        [("WARNING", "MISSING_VERSION")]
    bad_version = doc(allow("lambda:InvokeFunction"), version="2011-01-01")
    assert codes(analyzer.validate_policy(policyDocument=bad_version,
                                          policyType="IDENTITY_POLICY")["findings"]) == \
        [("ERROR", "INVALID_VERSION")]

    public = doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                  "Resource": "arn:aws:s3:::site/*"},
                 {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT},
                  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"},
                 {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"})
    found = analyzer.validate_policy(policyDocument=public, policyType="RESOURCE_POLICY",
                                     validatePolicyResourceType="AWS::S3::Bucket")["findings"]
    assert codes(found) == [("SECURITY_WARNING", "EVOKE_PUBLIC_ACCESS"),
                            ("SECURITY_WARNING", "ALLOW_WITH_NOT_PRINCIPAL"),
                            ("ERROR", "MISSING_PRINCIPAL")]
    # The same document as an identity policy: Principal is refused instead.
    found = analyzer.validate_policy(policyDocument=public, policyType="IDENTITY_POLICY")["findings"]
    assert codes(found)[:2] == [("ERROR", "UNSUPPORTED_PRINCIPAL")] * 2


def test_validate_policy_pages(analyzer):
    many = doc(*[allow("lambda:NoSuchAction%d" % i) for i in range(5)])
    first = analyzer.validate_policy(policyDocument=many, policyType="IDENTITY_POLICY",
                                     maxResults=2)
    assert len(first["findings"]) == 2 and first["nextToken"]
    paginator = analyzer.get_paginator("validate_policy")
    pages = list(paginator.paginate(policyDocument=many, policyType="IDENTITY_POLICY",
                                    PaginationConfig={"PageSize": 2}))
    assert [len(p["findings"]) for p in pages] == [2, 2, 1]
    details = [f["findingDetails"] for p in pages for f in p["findings"]]
    assert details == ["The action lambda:NoSuchAction%d does not exist." % i for i in range(5)]


def test_validate_policy_bad_input(target):
    unchecked = client(target, "accessanalyzer", config=UNCHECKED)
    code, message, status = error_of(unchecked.validate_policy, policyDocument="{}",
                                     policyType="USER_POLICY")
    assert (code, status) == ("ValidationException", 400)
    assert message == ("1 validation error detected: Value 'USER_POLICY' at 'policyType' failed "
                       "to satisfy constraint: Member must satisfy enum value set: "
                       "[IDENTITY_POLICY, RESOURCE_POLICY, SERVICE_CONTROL_POLICY, "
                       "RESOURCE_CONTROL_POLICY]")
    code, message, status = error_of(unchecked.validate_policy, policyType="IDENTITY_POLICY")
    assert (code, status) == ("ValidationException", 400)
    assert "'policyDocument' failed to satisfy constraint: Member must not be null" in message
    huge = doc(allow(["s3:GetObject"] * 20000))
    assert len(huge) > 131072
    code, message, status = error_of(unchecked.validate_policy, policyDocument=huge,
                                     policyType="IDENTITY_POLICY")
    assert (code, status) == ("ValidationException", 400)
    assert "Member must have length less than or equal to 131072" in message
    code, _, status = error_of(unchecked.validate_policy, policyDocument="{}",
                               policyType="IDENTITY_POLICY", maxResults=0)
    assert (code, status) == ("ValidationException", 400)


def test_validate_policy_needs_permission(target, iam, user):
    mine = user.client("accessanalyzer")
    code, message, status = error_of(mine.validate_policy, policyDocument="{}",
                                     policyType="IDENTITY_POLICY")
    assert (code, status) == ("AccessDeniedException", 403)
    assert message == ("User: %s is not authorized to perform: access-analyzer:ValidatePolicy on "
                       "resource: * because no identity-based policy allows the "
                       "access-analyzer:ValidatePolicy action" % user.arn)
    iam.put_user_policy(UserName=user.name, PolicyName="aa",
                        PolicyDocument=doc(allow("access-analyzer:ValidatePolicy")))
    assert codes(mine.validate_policy(policyDocument="{}", policyType="IDENTITY_POLICY")[
        "findings"]) == [("WARNING", "MISSING_VERSION"), ("ERROR", "MISSING_STATEMENT")]


def test_validate_policy_cli_v2(aws_v2, tmp_path):
    p = tmp_path / "p.json"
    p.write_text(doc(allow("s3:GetObject", "arn:aws:s3:::bucket")))
    out = aws_v2.json("accessanalyzer", "validate-policy", "--policy-type", "IDENTITY_POLICY",
                      "--policy-document", "file://" + str(p))
    assert codes(out["findings"]) == [("ERROR", "EVOKE_ACTION_MATCHES_NO_RESOURCE")]
    assert out["findings"][0]["locations"][0]["path"][-1] == {"value": "Action"}
    code, message = aws_v2.error("accessanalyzer", "validate-policy", "--policy-type",
                                 "NOT_A_TYPE", "--policy-document", "{}")
    assert code == "ValidationException" and "policyType" in message


def test_storing_a_never_matching_policy_logs_a_warning(target, iam, user, require_evoke):
    iam.put_user_policy(UserName=user.name, PolicyName="never",
                        PolicyDocument=doc(allow("s3:GetObject", "arn:aws:s3:::nomatch-bucket")))
    wanted = ("the inline policy never of user %s has a part that never works: "
              "EVOKE_ACTION_MATCHES_NO_RESOURCE" % user.name)
    deadline = time.monotonic() + 10
    while wanted not in target.server.stderr_path.read_text():
        assert time.monotonic() < deadline, target.server.diagnostics()
        time.sleep(0.05)
    line = [l for l in target.server.stderr_path.read_text().splitlines() if wanted in l]
    assert len(line) == 1


# --- the policy simulator ------------------------------------------------------------------------

@pytest.fixture
def simulated(iam, user):
    """A user whose inline policy allows reading `data` but denies its secret/ prefix and lists
    it only over TLS, and whose group allows writing."""
    bucket = unique_name("sim")
    iam.put_user_policy(UserName=user.name, PolicyName="read", PolicyDocument=doc(
        allow("s3:GetObject", "arn:aws:s3:::%s/*" % bucket),
        deny("s3:GetObject", "arn:aws:s3:::%s/secret/*" % bucket),
        allow("s3:ListBucket", "arn:aws:s3:::%s" % bucket,
              Condition={"Bool": {"aws:SecureTransport": "true"}})))
    group = unique_name("simgroup")
    iam.create_group(GroupName=group)
    iam.put_group_policy(GroupName=group, PolicyName="write", PolicyDocument=doc(
        allow("s3:PutObject", "arn:aws:s3:::%s/*" % bucket)))
    iam.add_user_to_group(GroupName=group, UserName=user.name)
    yield user, bucket, group
    iam.remove_user_from_group(GroupName=group, UserName=user.name)
    iam.delete_group_policy(GroupName=group, PolicyName="write")
    iam.delete_group(GroupName=group)


def by_action(results):
    return {(r["EvalActionName"], r["EvalResourceName"]): r for r in results}


def test_simulate_principal_policy(iam, simulated):
    user, bucket, group = simulated
    obj, secret = "arn:aws:s3:::%s/a.txt" % bucket, "arn:aws:s3:::%s/secret/k" % bucket
    out = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        ResourceArns=[obj, secret])
    assert out["IsTruncated"] is False
    r = by_action(out["EvaluationResults"])
    assert len(r) == 6
    assert r[("s3:GetObject", obj)]["EvalDecision"] == "allowed"
    assert r[("s3:GetObject", secret)]["EvalDecision"] == "explicitDeny"
    assert r[("s3:PutObject", obj)]["EvalDecision"] == "allowed"
    assert r[("s3:DeleteObject", obj)]["EvalDecision"] == "implicitDeny"
    assert r[("s3:DeleteObject", obj)]["MatchedStatements"] == []
    # The statements that decided, with where they are in their documents.
    read = r[("s3:GetObject", obj)]["MatchedStatements"]
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in read] == [("read", "user")]
    assert read[0]["StartPosition"] == {"Line": 4, "Column": 5}
    assert read[0]["EndPosition"] == {"Line": 8, "Column": 6}
    denied = r[("s3:GetObject", secret)]["MatchedStatements"]
    assert [(m["SourcePolicyId"], m["StartPosition"]["Line"]) for m in denied] == [("read", 9)]
    wrote = r[("s3:PutObject", obj)]["MatchedStatements"]
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in wrote] == [("write", "group")]
    specific = r[("s3:GetObject", secret)]["ResourceSpecificResults"]
    assert [(s["EvalResourceName"], s["EvalResourceDecision"]) for s in specific] == \
        [(secret, "explicitDeny")]

    # Context entries: the listing needs aws:SecureTransport, reported missing until given.
    listing = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["s3:ListBucket"],
        ResourceArns=["arn:aws:s3:::%s" % bucket])["EvaluationResults"][0]
    assert listing["EvalDecision"] == "implicitDeny"
    assert listing["MissingContextValues"] == ["aws:SecureTransport"]
    listing = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["s3:ListBucket"],
        ResourceArns=["arn:aws:s3:::%s" % bucket],
        ContextEntries=[{"ContextKeyName": "aws:SecureTransport", "ContextKeyValues": ["true"],
                         "ContextKeyType": "boolean"}])["EvaluationResults"][0]
    assert listing["EvalDecision"] == "allowed" and listing["MissingContextValues"] == []

    # An extra policy in the simulation, and paging.
    extra = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["s3:DeleteObject"], ResourceArns=[obj],
        PolicyInputList=[doc(allow("s3:DeleteObject"))])["EvaluationResults"][0]
    assert extra["EvalDecision"] == "allowed"
    assert extra["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1"
    page = iam.simulate_principal_policy(PolicySourceArn=user.arn,
                                         ActionNames=["s3:GetObject", "s3:PutObject"], MaxItems=1)
    assert page["IsTruncated"] is True and len(page["EvaluationResults"]) == 1
    assert page["EvaluationResults"][0]["EvalResourceName"] == "*"
    rest = iam.simulate_principal_policy(PolicySourceArn=user.arn,
                                         ActionNames=["s3:GetObject", "s3:PutObject"],
                                         Marker=page["Marker"])
    assert rest["IsTruncated"] is False
    assert [x["EvalActionName"] for x in rest["EvaluationResults"]] == ["s3:PutObject"]
    # The group alone has only the group's policy.
    group_arn = "arn:aws:iam::%s:group/%s" % (ACCOUNT, group)
    alone = iam.simulate_principal_policy(PolicySourceArn=group_arn,
                                          ActionNames=["s3:GetObject", "s3:PutObject"],
                                          ResourceArns=[obj])["EvaluationResults"]
    assert [x["EvalDecision"] for x in alone] == ["implicitDeny", "allowed"]


def test_simulate_custom_policy_with_a_resource_policy(iam):
    caller = "arn:aws:iam::%s:user/someone" % ACCOUNT
    bucket_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": caller}, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::shared/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::shared/private/*",
         "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})
    out = iam.simulate_custom_policy(
        PolicyInputList=[doc(allow("s3:ListBucket"))], ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::shared/a", "arn:aws:s3:::shared/private/b"],
        ResourcePolicy=bucket_policy, CallerArn=caller,
        ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["203.0.113.9"],
                         "ContextKeyType": "ip"}])
    r = {x["EvalResourceName"]: x for x in out["EvaluationResults"]}
    shared = r["arn:aws:s3:::shared/a"]
    assert shared["EvalDecision"] == "allowed"
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in shared["MatchedStatements"]] == \
        [("ResourcePolicy", "resource")]
    assert shared["EvalDecisionDetails"] == {"IAM Policy": "implicitDeny",
                                             "Resource Policy": "allowed"}
    private = r["arn:aws:s3:::shared/private/b"]
    assert private["EvalDecision"] == "explicitDeny"
    # Without a caller, a resource policy cannot be evaluated.
    code, message, status = error_of(iam.simulate_custom_policy,
                                     PolicyInputList=[doc(allow("s3:ListBucket"))],
                                     ActionNames=["s3:GetObject"], ResourcePolicy=bucket_policy)
    assert (code, status) == ("InvalidInput", 400) and "CallerArn" in message


def test_simulate_errors(target, iam, user):
    code, message, status = error_of(iam.simulate_principal_policy,
                                     PolicySourceArn="arn:aws:iam::%s:user/nobody-here" % ACCOUNT,
                                     ActionNames=["s3:GetObject"])
    assert (code, message, status) == (
        "NoSuchEntity", "The user with name nobody-here cannot be found.", 404)
    code, _, status = error_of(iam.simulate_principal_policy,
                               PolicySourceArn="arn:aws:iam::%s:role/no-such-role" % ACCOUNT,
                               ActionNames=["s3:GetObject"])
    assert (code, status) == ("NoSuchEntity", 404)
    # An ARN that is no user, group or role (an assumed role's, here), as AWS words it.
    session = "arn:aws:sts::%s:assumed-role/r/s" % ACCOUNT
    assert error_of(iam.simulate_principal_policy, PolicySourceArn=session,
                    ActionNames=["s3:GetObject"]) == (
        "InvalidInput", "Invalid Entity Arn: " + session, 400)
    code, message, status = error_of(iam.simulate_custom_policy, PolicyInputList=['{"Version":'],
                                     ActionNames=["s3:GetObject"])
    assert (code, message, status) == ("MalformedPolicyDocument", "Syntax errors in policy.", 400)
    assert error_of(iam.simulate_custom_policy, PolicyInputList=[doc(allow("s3:*"))],
                    ActionNames=["s3:GetObject"], ResourceArns=["bucket/key"]) == (
        "InvalidInput", "ResourceNames are not in a valid ARN format: bucket/key.", 400)
    code, _, status = error_of(iam.simulate_custom_policy, PolicyInputList=[doc(allow("s3:*"))],
                               ActionNames=["s3:GetObject"],
                               ContextEntries=[{"ContextKeyName": "aws:SecureTransport",
                                                "ContextKeyValues": ["maybe"],
                                                "ContextKeyType": "boolean"}])
    assert (code, status) == ("InvalidInput", 400)
    unchecked = client(target, "iam", config=UNCHECKED)
    code, message, status = error_of(unchecked.simulate_custom_policy,
                                     PolicyInputList=[doc(allow("s3:*"))])
    assert (code, status) == ("ValidationError", 400)
    assert message == ("1 validation error detected: Value null at 'actionNames' failed to "
                       "satisfy constraint: Member must not be null")
    huge = doc(allow(["s3:GetObject"] * 20000))
    code, _, status = error_of(unchecked.simulate_custom_policy, PolicyInputList=[huge],
                               ActionNames=["s3:GetObject"])
    assert (code, status) == ("ValidationError", 400)
    # A user without permission to simulate is denied, as every IAM operation.
    code, message, status = error_of(user.client("iam").simulate_custom_policy,
                                     PolicyInputList=[doc(allow("s3:*"))],
                                     ActionNames=["s3:GetObject"])
    assert (code, status) == ("AccessDenied", 403)
    assert "iam:SimulateCustomPolicy" in message
    code, message, _ = error_of(user.client("iam").simulate_principal_policy,
                                PolicySourceArn=user.arn, ActionNames=["s3:GetObject"])
    assert code == "AccessDenied"
    assert ("iam:SimulatePrincipalPolicy on resource: %s" % user.arn) in message


def test_simulate_cli_v2(aws_v2, iam, simulated):
    user, bucket, _ = simulated
    obj = "arn:aws:s3:::%s/x" % bucket
    out = aws_v2.json("iam", "simulate-principal-policy", "--policy-source-arn", user.arn,
                      "--action-names", "s3:GetObject", "s3:DeleteObject",
                      "--resource-arns", obj)
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in out["EvaluationResults"]] == \
        [("s3:GetObject", "allowed"), ("s3:DeleteObject", "implicitDeny")]
    out = aws_v2.json("iam", "simulate-custom-policy", "--policy-input-list",
                      doc(deny("lambda:*"), allow("lambda:InvokeFunction")),
                      "--action-names", "lambda:InvokeFunction", "lambda:GetFunction")
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in out["EvaluationResults"]] == \
        [("lambda:InvokeFunction", "explicitDeny"), ("lambda:GetFunction", "explicitDeny")]
    code, message = aws_v2.error("iam", "simulate-principal-policy", "--policy-source-arn",
                                 "arn:aws:iam::%s:user/nobody-at-all" % ACCOUNT,
                                 "--action-names", "s3:GetObject")
    assert code == "NoSuchEntity" and "nobody-at-all" in message
