"""The Lambda control plane built so far, through boto3 at default settings (both versions) and
the aws CLI: CreateFunction from a zip, GetFunctionConfiguration, ListFunctions,
DeleteFunction, and the errors Lambda gives. Invoking comes with the sandboxes (issue 3)."""

import base64
import hashlib
import io
import zipfile

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import unique_name

from conftest import LAMBDA_ROLE as ROLE  # noqa: E402
HANDLER_SOURCE = b"def lambda_handler(event, context):\n    return {'ok': True}\n"


def make_zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def lam(target):
    return boto3.client("lambda", endpoint_url=target.endpoint, region_name="us-east-1",
                        aws_access_key_id=target.access_key,
                        aws_secret_access_key=target.secret,
                        config=Config(retries={"max_attempts": 1}))


@pytest.fixture
def function_names(lam):
    made = []

    def make(prefix="fn"):
        name = unique_name(prefix)
        made.append(name)
        return name

    yield make
    for name in made:
        try:
            lam.delete_function(FunctionName=name)
        except ClientError:
            pass


def create(lam, name, zip_bytes=None, **extra):
    return lam.create_function(FunctionName=name, Runtime="python3.7", Role=ROLE,
                               Handler="lambda_function.lambda_handler",
                               Code={"ZipFile": zip_bytes or make_zip(
                                   {"lambda_function.py": HANDLER_SOURCE})}, **extra)


def assert_lambda_error(e, code, status):
    r = e.response
    assert (r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]) == (code, status), r
    assert r["Error"]["Message"]
    assert r["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-requestid")


def test_create_get_list_delete(lam, function_names):
    name = function_names()
    package = make_zip({"lambda_function.py": HANDLER_SOURCE})
    created = create(lam, name, package, Description="thumbnails",
                     Environment={"Variables": {"BUCKET": "images-1"}})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["FunctionName"] == name
    assert created["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:" + name
    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(package).digest()).decode()
    assert created["CodeSize"] == len(package)
    assert (created["Runtime"], created["MemorySize"], created["Timeout"]) == ("python3.7", 128, 3)
    assert (created["Version"], created["State"], created["LastUpdateStatus"]) == (
        "$LATEST", "Active", "Successful")
    assert created["Environment"] == {"Variables": {"BUCKET": "images-1"}}

    got = lam.get_function_configuration(FunctionName=name)
    for field in ("FunctionArn", "CodeSha256", "CodeSize", "RevisionId", "Handler", "Role",
                  "Description", "LastModified", "EphemeralStorage", "Architectures"):
        assert got[field] == created[field], field
    # The ARN names the same function.
    assert lam.get_function_configuration(FunctionName=created["FunctionArn"])["FunctionName"] == name

    listed = [f["FunctionName"] for page in lam.get_paginator("list_functions").paginate()
              for f in page["Functions"]]
    assert name in listed

    lam.delete_function(FunctionName=name)
    with pytest.raises(ClientError) as e:
        lam.get_function_configuration(FunctionName=name)
    assert_lambda_error(e.value, "ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as e:
        lam.delete_function(FunctionName=name)
    assert_lambda_error(e.value, "ResourceNotFoundException", 404)


def test_list_functions_pages(lam, function_names):
    names = sorted(function_names("page") for _ in range(3))
    for n in names:
        create(lam, n)
    seen, marker, pages = [], None, 0
    while True:
        kwargs = {"MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        page = lam.list_functions(**kwargs)
        assert len(page["Functions"]) <= 2
        seen += [f["FunctionName"] for f in page["Functions"]]
        pages += 1
        marker = page.get("NextMarker")
        if not marker:
            break
    assert [n for n in seen if n in names] == names
    assert pages >= 2
    assert len(seen) == len(set(seen))


def test_create_errors(lam, function_names):
    name = function_names()
    create(lam, name)
    with pytest.raises(ClientError) as e:
        create(lam, name)
    assert_lambda_error(e.value, "ResourceConflictException", 409)

    with pytest.raises(ClientError) as e:
        create(lam, function_names(), Timeout=901)
    assert_lambda_error(e.value, "ValidationException", 400)
    assert "at 'timeout' failed to satisfy constraint" in e.value.response["Error"]["Message"]

    with pytest.raises(ClientError) as e:
        create(lam, function_names(), Environment={"Variables": {"AWS_REGION": "x"}})
    assert_lambda_error(e.value, "InvalidParameterValueException", 400)

    for package in (b"this is not a zip file",
                    make_zip({"../escape.py": b"x = 1\n"}),
                    make_zip({"/etc/cron.d/evil": b"x\n"})):
        with pytest.raises(ClientError) as e:
            create(lam, function_names(), package)
        assert_lambda_error(e.value, "InvalidParameterValueException", 400)
        assert e.value.response["Error"]["Message"].startswith("Could not unzip uploaded file")

    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName=function_names(), Runtime="java17", Role=ROLE,
                            Handler="example.Handler::handleRequest",
                            Code={"ZipFile": make_zip({"a": b"b"})})
    assert_lambda_error(e.value, "InvalidParameterValueException", 400)


def test_wrong_secret_is_rejected(target):
    lam = boto3.client("lambda", endpoint_url=target.endpoint, region_name="us-east-1",
                       aws_access_key_id=target.access_key, aws_secret_access_key="wrong" * 8,
                       config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as e:
        lam.list_functions()
    assert_lambda_error(e.value, "InvalidSignatureException", 403)


def test_aws_cli_create_function_from_zip_file(aws, tmp_path):
    package = tmp_path / "function.zip"
    package.write_bytes(make_zip({"lambda_function.py": HANDLER_SOURCE}))
    name = unique_name("cli-" + aws.name)
    created = aws.json("lambda", "create-function", "--function-name", name, "--runtime",
                       "python3.7", "--handler", "lambda_function.lambda_handler", "--role", ROLE,
                       "--zip-file", "fileb://%s" % package, "--memory-size", "256")
    assert created["FunctionName"] == name and created["MemorySize"] == 256
    assert aws.json("lambda", "get-function-configuration", "--function-name", name)[
        "CodeSha256"] == created["CodeSha256"]
    assert name in [f["FunctionName"] for f in aws.json("lambda", "list-functions")["Functions"]]
    aws.json("lambda", "delete-function", "--function-name", name)
    assert name not in [f["FunctionName"]
                        for f in aws.json("lambda", "list-functions")["Functions"]]


def test_update_configuration_and_code(lam, function_names):
    name = function_names()
    created = create(lam, name)
    updated = lam.update_function_configuration(
        FunctionName=name, MemorySize=512, Timeout=30, Description="bigger",
        Environment={"Variables": {"STAGE": "test"}}, RevisionId=created["RevisionId"])
    assert (updated["MemorySize"], updated["Timeout"], updated["Description"]) == (512, 30, "bigger")
    assert updated["Environment"] == {"Variables": {"STAGE": "test"}}
    assert updated["RevisionId"] != created["RevisionId"]
    assert updated["CodeSha256"] == created["CodeSha256"]
    assert updated["Handler"] == created["Handler"]
    got = lam.get_function_configuration(FunctionName=name)
    assert (got["MemorySize"], got["RevisionId"]) == (512, updated["RevisionId"])

    # A stale RevisionId, or an invalid value, changes nothing.
    with pytest.raises(ClientError) as e:
        lam.update_function_configuration(FunctionName=name, MemorySize=1024,
                                          RevisionId=created["RevisionId"])
    assert_lambda_error(e.value, "PreconditionFailedException", 412)
    with pytest.raises(ClientError) as e:
        lam.update_function_configuration(FunctionName=name, MemorySize=1024, Timeout=1000)
    assert_lambda_error(e.value, "ValidationException", 400)
    assert lam.get_function_configuration(FunctionName=name)["MemorySize"] == 512

    package = make_zip({"lambda_function.py": HANDLER_SOURCE + b"# version 2\n"})
    code = lam.update_function_code(FunctionName=name, ZipFile=package)
    assert code["CodeSha256"] == base64.b64encode(hashlib.sha256(package).digest()).decode()
    assert code["CodeSize"] == len(package)
    assert code["MemorySize"] == 512  # the configuration stays
    assert lam.get_function_configuration(FunctionName=name)["CodeSha256"] == code["CodeSha256"]
    with pytest.raises(ClientError) as e:
        lam.update_function_code(FunctionName=name, ZipFile=make_zip({"../x.py": b"1"}))
    assert_lambda_error(e.value, "InvalidParameterValueException", 400)

    missing = unique_name("missing")
    with pytest.raises(ClientError) as e:
        lam.update_function_configuration(FunctionName=missing, MemorySize=256)
    assert_lambda_error(e.value, "ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as e:
        lam.update_function_code(FunctionName=missing, ZipFile=package)
    assert_lambda_error(e.value, "ResourceNotFoundException", 404)
