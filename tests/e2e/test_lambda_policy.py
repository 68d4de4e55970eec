"""Resource-based policies on functions (AddPermission, GetPolicy, RemovePermission) through
boto3 and the aws CLI, with the documents and errors Lambda gives. The tutorial's
`aws lambda add-permission` for S3 is the first use."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import unique_name
from test_functions import ROLE, lambda_client, make_zip


@pytest.fixture
def lam(target):
    return lambda_client(target.endpoint, target.access_key, target.secret)


@pytest.fixture
def function(lam):
    name = unique_name("pol")
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": make_zip({"app.py": b"def handler(e, c):\n    return e\n"})})
    yield name
    try:
        lam.delete_function(FunctionName=name)
    except ClientError:
        pass


def test_add_get_remove_permission(lam, function):
    arn = lam.get_function_configuration(FunctionName=function)["FunctionArn"]
    with pytest.raises(ClientError) as e:
        lam.get_policy(FunctionName=function)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"

    r = lam.add_permission(FunctionName=function, StatementId="s3invoke",
                           Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                           SourceArn="arn:aws:s3:::images-1", SourceAccount="000000000000")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert json.loads(r["Statement"]) == {
        "Sid": "s3invoke", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": arn,
        "Condition": {"StringEquals": {"AWS:SourceAccount": "000000000000"},
                      "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::images-1"}}}
    lam.add_permission(FunctionName=function, StatementId="account", Action="lambda:*",
                       Principal="123456789012")
    policy = lam.get_policy(FunctionName=function)
    doc = json.loads(policy["Policy"])
    assert doc["Version"] == "2012-10-17" and doc["Id"] == "default"
    assert [s["Sid"] for s in doc["Statement"]] == ["s3invoke", "account"]
    assert doc["Statement"][1]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert policy["RevisionId"]

    with pytest.raises(ClientError) as e:
        lam.add_permission(FunctionName=function, StatementId="s3invoke",
                           Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert e.value.response["Error"]["Code"] == "ResourceConflictException"
    assert "The statement id (s3invoke) provided already exists" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        lam.add_permission(FunctionName=function, StatementId="bad id!",
                           Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert e.value.response["Error"]["Code"] == "ValidationException"

    lam.remove_permission(FunctionName=function, StatementId="s3invoke")
    doc = json.loads(lam.get_policy(FunctionName=function)["Policy"])
    assert [s["Sid"] for s in doc["Statement"]] == ["account"]
    with pytest.raises(ClientError) as e:
        lam.remove_permission(FunctionName=function, StatementId="s3invoke")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    lam.remove_permission(FunctionName=function, StatementId="account")
    with pytest.raises(ClientError) as e:
        lam.get_policy(FunctionName=function)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        lam.add_permission(FunctionName=unique_name("missing"), StatementId="x",
                           Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_policy_size_limit(lam, function):
    with pytest.raises(ClientError) as e:
        for i in range(200):
            lam.add_permission(FunctionName=function, StatementId="s%d" % i,
                               Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                               SourceArn="arn:aws:s3:::" + "b" * 60)
    assert e.value.response["Error"]["Code"] == "PolicyLengthExceededException"


def test_aws_cli_add_permission(aws_v2, function):
    p = aws_v2.run("lambda", "add-permission", "--function-name", function, "--principal",
                   "s3.amazonaws.com", "--statement-id", "s3invoke", "--action",
                   "lambda:InvokeFunction", "--source-arn", "arn:aws:s3:::images-1",
                   "--source-account", "000000000000", check=False, text=True)
    assert p.returncode == 0, p.stderr
    assert json.loads(json.loads(p.stdout)["Statement"])["Sid"] == "s3invoke"
    p = aws_v2.run("lambda", "get-policy", "--function-name", function, check=False, text=True)
    assert p.returncode == 0, p.stderr
    assert "s3.amazonaws.com" in json.loads(p.stdout)["Policy"]
