"""The rest of the Lambda control plane, through boto3 (Debian's old one) and the aws CLI v1 (new
botocore) and v2: code from evoke's own S3, GetFunction and its download link, the waiters,
reserved concurrency (kept across a restart), GetAccountSettings, layers and function Layers,
with the errors Lambda gives."""

import base64
import hashlib
import io
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import EvokeServer, unique_name

from conftest import LAMBDA_ROLE as ROLE  # noqa: E402
ACCOUNT = "000000000000"
HANDLER = b"def lambda_handler(event, context):\n    return {'ok': True}\n"


def make_zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def big_zip():
    """A package past the 64 KiB that S3 keeps inline: its body lives in a blob file."""
    return make_zip({"lambda_function.py": HANDLER, "data.bin": os.urandom(200 * 1024)})


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def client(target, service, endpoint=None):
    return boto3.client(service, endpoint_url=endpoint or target.endpoint, region_name="us-east-1",
                        aws_access_key_id=target.access_key,
                        aws_secret_access_key=target.secret,
                        config=Config(retries={"max_attempts": 1}))


@pytest.fixture
def lam(target):
    return client(target, "lambda")


@pytest.fixture
def names(lam):
    """Function and layer names, cleaned up afterwards."""
    made = {"functions": [], "layers": []}

    def function(prefix="fn"):
        made["functions"].append(unique_name(prefix))
        return made["functions"][-1]

    def layer(prefix="layer"):
        made["layers"].append(unique_name(prefix))
        return made["layers"][-1]

    function.layer = layer
    yield function
    for name in made["functions"]:
        try:
            lam.delete_function(FunctionName=name)
        except ClientError:
            pass
    for name in made["layers"]:
        for v in lam.list_layer_versions(LayerName=name)["LayerVersions"]:
            lam.delete_layer_version(LayerName=name, VersionNumber=v["Version"])


def create(lam, name, code=None, **extra):
    return lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                               Handler="lambda_function.lambda_handler",
                               Code=code or {"ZipFile": make_zip({"lambda_function.py": HANDLER})},
                               **extra)


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    r = e.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Message"]


def fetch(url):
    """A plain GET with no credentials, as curl would do it: (status, body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


# --- code from S3 --------------------------------------------------------------------------

def test_create_and_update_code_from_s3(lam, target, names, bucket):
    s3 = target.boto3_client()
    small = make_zip({"lambda_function.py": HANDLER})
    big = big_zip()
    s3.put_object(Bucket=bucket, Key="code/small.zip", Body=small)
    s3.put_object(Bucket=bucket, Key="code/big.zip", Body=big)
    name = names()
    created = create(lam, name, {"S3Bucket": bucket, "S3Key": "code/small.zip"})
    assert created["CodeSha256"] == sha256_b64(small)
    assert created["CodeSize"] == len(small)
    updated = lam.update_function_code(FunctionName=name, S3Bucket=bucket, S3Key="code/big.zip")
    assert updated["CodeSha256"] == sha256_b64(big)
    assert updated["CodeSize"] == len(big)
    # The function keeps its own copy: the object may go.
    s3.delete_object(Bucket=bucket, Key="code/big.zip")
    got = lam.get_function(FunctionName=name)
    status, body = fetch(got["Code"]["Location"])
    assert status == 200 and hashlib.sha256(body).digest() == hashlib.sha256(big).digest()
    assert create(lam, names(), {"S3Bucket": bucket, "S3Key": "code/small.zip",
                                 "S3ObjectVersion": "null"})["CodeSha256"] == sha256_b64(small)


def test_code_from_s3_errors(lam, target, names, bucket):
    s3 = target.boto3_client()
    s3.put_object(Bucket=bucket, Key="not-a-zip", Body=b"plain text")
    s3.put_object(Bucket=bucket, Key="ok.zip", Body=make_zip({"lambda_function.py": HANDLER}))
    name = names()
    assert error_of(create, lam, name, {"S3Bucket": bucket, "S3Key": "missing.zip"}) == (
        "InvalidParameterValueException", 400,
        "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The "
        "specified key does not exist.")
    assert error_of(create, lam, name, {"S3Bucket": unique_name("nobucket"), "S3Key": "k"}) == (
        "InvalidParameterValueException", 400,
        "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The "
        "specified bucket does not exist")
    code, status, message = error_of(create, lam, name, {"S3Bucket": bucket, "S3Key": "ok.zip",
                                                         "S3ObjectVersion": "3HL4kqtJlcpXroDTDmJ"})
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert "S3 Error Code: NoSuchVersion" in message
    code, status, message = error_of(create, lam, name, {"S3Bucket": bucket, "S3Key": "not-a-zip"})
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert message.startswith("Could not unzip uploaded file.")
    code, status, _ = error_of(create, lam, name, {"S3Bucket": bucket})
    assert (code, status) == ("InvalidParameterValueException", 400)
    with pytest.raises(ClientError):
        lam.get_function(FunctionName=name)  # nothing was created
    create(lam, name)
    assert error_of(lam.update_function_code, FunctionName=name, S3Bucket=bucket,
                    S3Key="missing.zip")[2].startswith(
        "Error occurred while GetObject. S3 Error Code: NoSuchKey.")
    code, status, message = error_of(lam.update_function_code, FunctionName=name,
                                     ZipFile=make_zip({"a": b"b"}), S3Bucket=bucket, S3Key="ok.zip")
    assert (code, status) == ("InvalidParameterValueException", 400)


# --- GetFunction and its download link --------------------------------------------------------

def test_get_function_and_download_link(lam, target, names):
    name = names()
    package = big_zip()
    created = create(lam, name, {"ZipFile": package})
    got = lam.get_function(FunctionName=name)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    config = got["Configuration"]
    assert config["FunctionName"] == name
    assert config["CodeSha256"] == created["CodeSha256"] == sha256_b64(package)
    assert (config["State"], config["LastUpdateStatus"]) == ("Active", "Successful")
    assert got["Code"]["RepositoryType"] == "S3"
    assert "Concurrency" not in got
    location = got["Code"]["Location"]
    parsed = urllib.parse.urlsplit(location)
    assert parsed.netloc == urllib.parse.urlsplit(target.endpoint).netloc
    query = urllib.parse.parse_qs(parsed.query)
    assert query["X-Amz-Expires"] == ["600"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert target.access_key not in location  # not signed with the caller's key

    status, body = fetch(location)
    assert status == 200
    assert sha256_b64(body) == config["CodeSha256"]
    assert body == package

    # Tampered: another signature, another path, no signature at all.
    sig = query["X-Amz-Signature"][0]
    forged = location.replace(sig, ("0" if sig[0] != "0" else "1") + sig[1:])
    status, _ = fetch(forged)
    assert status == 403
    status, _ = fetch(location.replace("/functions/" + name + "/", "/functions/" + name + "x/"))
    assert status == 403
    status, _ = fetch(location.split("?")[0])
    assert status == 403
    # Signed an hour earlier: the date is part of the signature, and the link would be expired.
    old = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 3600))
    status, _ = fetch(location.replace(query["X-Amz-Date"][0], old))
    assert status == 403

    # The host in the link is the one the client used.
    port = urllib.parse.urlsplit(target.endpoint).port
    by_name = client(target, "lambda", "http://localhost:%d" % port)
    other = by_name.get_function(FunctionName=name)["Code"]["Location"]
    assert urllib.parse.urlsplit(other).netloc == "localhost:%d" % port
    assert fetch(other)[0] == 200

    # After new code, the old link no longer serves the old package.
    lam.update_function_code(FunctionName=name, ZipFile=make_zip({"lambda_function.py": b"#"}))
    status, _ = fetch(location)
    assert status == 404


def test_get_function_errors(lam):
    missing = unique_name("missing")
    assert error_of(lam.get_function, FunctionName=missing) == (
        "ResourceNotFoundException", 404,
        "Function not found: arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, missing))


def test_waiters_return_at_once(lam, names):
    name = names()
    create(lam, name)
    started = time.monotonic()
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Timeout=10)
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    lam.get_waiter("function_active").wait(FunctionName=name)
    lam.get_waiter("function_updated").wait(FunctionName=name)
    assert time.monotonic() - started < 5


# --- concurrency and account settings -----------------------------------------------------------

def test_function_concurrency(lam, names):
    name = names()
    create(lam, name)
    before = lam.get_account_settings()
    limit = before["AccountLimit"]
    assert limit["ConcurrentExecutions"] == 1000
    assert limit["CodeSizeZipped"] == 52428800 and limit["CodeSizeUnzipped"] == 262144000
    assert limit["TotalCodeSize"] == 80530636800
    assert before["AccountUsage"]["FunctionCount"] >= 1
    assert lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions") is None

    put = lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=50)
    assert put["ReservedConcurrentExecutions"] == 50
    assert lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 50
    assert lam.get_function(FunctionName=name)["Concurrency"] == {"ReservedConcurrentExecutions": 50}
    after = lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]
    assert after == limit["UnreservedConcurrentExecutions"] - 50

    code, status, message = error_of(lam.put_function_concurrency, FunctionName=name,
                                     ReservedConcurrentExecutions=after + 1)
    assert (code, status, message) == (
        "InvalidParameterValueException", 400,
        "Specified ReservedConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of [100].")
    # Still 50 after the refusal.
    assert lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 50

    resp = lam.delete_function_concurrency(FunctionName=name)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == \
        limit["UnreservedConcurrentExecutions"]

    # Deleting a function gives its reservation back.
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    lam.delete_function(FunctionName=name)
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == \
        limit["UnreservedConcurrentExecutions"]

    missing = unique_name("missing")
    for call in (lambda: lam.put_function_concurrency(FunctionName=missing,
                                                      ReservedConcurrentExecutions=1),
                 lambda: lam.get_function_concurrency(FunctionName=missing),
                 lambda: lam.delete_function_concurrency(FunctionName=missing)):
        assert error_of(call)[:2] == ("ResourceNotFoundException", 404)


def test_concurrency_validation_over_the_wire(target, names, lam):
    """botocore checks the minimum itself; evoke must too."""
    name = names()
    create(lam, name)
    from botocore.awsrequest import AWSRequest
    from botocore.auth import SigV4Auth
    from botocore.credentials import Credentials
    url = "%s/2017-10-31/functions/%s/concurrency" % (target.endpoint, name)
    for body, want in ((b'{"ReservedConcurrentExecutions": -1}', "Member must have value greater"),
                       (b"{}", "Value null at 'reservedConcurrentExecutions'")):
        req = AWSRequest(method="PUT", url=url, data=body)
        SigV4Auth(Credentials(target.access_key, target.secret), "lambda", "us-east-1").add_auth(req)
        r = urllib.request.Request(url, data=body, method="PUT", headers=dict(req.headers))
        try:
            urllib.request.urlopen(r, timeout=30)
            pytest.fail("accepted %r" % body)
        except urllib.error.HTTPError as e:
            assert e.code == 400
            assert e.headers["x-amzn-ErrorType"] == "ValidationException"
            assert want in json.loads(e.read())["message"]


def test_concurrency_survives_a_restart(tmp_path):
    server = EvokeServer(tmp_path / "data", tmp_path / "logs")
    server.start()
    try:
        lam = boto3.client("lambda", endpoint_url=server.endpoint, region_name="us-east-1",
                           aws_access_key_id=server.access_key,
                           aws_secret_access_key=server.secret,
                           config=Config(retries={"max_attempts": 1}))
        create(lam, "kept")
        create(lam, "other")
        lam.put_function_concurrency(FunctionName="kept", ReservedConcurrentExecutions=600)
        assert server.stop() == 0
        server.start()
        lam = boto3.client("lambda", endpoint_url=server.endpoint, region_name="us-east-1",
                           aws_access_key_id=server.access_key,
                           aws_secret_access_key=server.secret,
                           config=Config(retries={"max_attempts": 1}))
        assert lam.get_function_concurrency(FunctionName="kept")["ReservedConcurrentExecutions"] \
            == 600
        settings = lam.get_account_settings()
        assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 400
        assert settings["AccountUsage"]["FunctionCount"] == 2
        # The accounting knows the 600: 301 more would leave 99.
        code, _, message = error_of(lam.put_function_concurrency, FunctionName="other",
                                    ReservedConcurrentExecutions=301)
        assert code == "InvalidParameterValueException" and "[100]" in message
        lam.put_function_concurrency(FunctionName="other", ReservedConcurrentExecutions=300)
        lam.delete_function(FunctionName="kept")
        assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 700
    finally:
        if server.alive():
            assert server.stop() == 0


# --- layers -----------------------------------------------------------------------------------

def layer_arn(name, version=None):
    arn = "arn:aws:lambda:us-east-1:%s:layer:%s" % (ACCOUNT, name)
    return arn if version is None else "%s:%d" % (arn, version)


def test_layer_versions(lam, target, names, bucket):
    name = names.layer()
    first = make_zip({"python/pillow.py": b"VERSION = 1\n"})
    published = lam.publish_layer_version(
        LayerName=name, Description="Pillow", Content={"ZipFile": first},
        CompatibleRuntimes=["python3.11", "python3.12"], CompatibleArchitectures=["x86_64"],
        LicenseInfo="MIT")
    assert published["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert published["Version"] == 1
    assert published["LayerArn"] == layer_arn(name)
    assert published["LayerVersionArn"] == layer_arn(name, 1)
    assert published["Content"]["CodeSha256"] == sha256_b64(first)
    assert published["Content"]["CodeSize"] == len(first)
    assert published["CompatibleRuntimes"] == ["python3.11", "python3.12"]
    assert published["CompatibleArchitectures"] == ["x86_64"]
    assert (published["Description"], published["LicenseInfo"]) == ("Pillow", "MIT")
    assert published["CreatedDate"].endswith("+0000")

    second = big_zip()
    target.boto3_client().put_object(Bucket=bucket, Key="layer.zip", Body=second)
    v2 = lam.publish_layer_version(LayerName=name, Content={"S3Bucket": bucket, "S3Key": "layer.zip"},
                                   CompatibleRuntimes=["nodejs20.x"])
    assert v2["Version"] == 2
    assert v2["Content"]["CodeSha256"] == sha256_b64(second)

    got = lam.get_layer_version(LayerName=name, VersionNumber=1)
    assert got["LayerVersionArn"] == layer_arn(name, 1)
    status, body = fetch(got["Content"]["Location"])
    assert status == 200 and body == first
    by_arn = lam.get_layer_version_by_arn(Arn=layer_arn(name, 2))
    assert by_arn["Version"] == 2
    assert fetch(by_arn["Content"]["Location"]) == (200, second)
    assert lam.get_layer_version(LayerName=layer_arn(name), VersionNumber=2)["Version"] == 2

    versions = lam.list_layer_versions(LayerName=name)["LayerVersions"]
    assert [v["Version"] for v in versions] == [2, 1]
    assert versions[1]["LicenseInfo"] == "MIT"
    assert [v["Version"] for v in lam.list_layer_versions(
        LayerName=name, CompatibleRuntime="python3.12")["LayerVersions"]] == [1]
    page = lam.list_layer_versions(LayerName=name, MaxItems=1)
    assert [v["Version"] for v in page["LayerVersions"]] == [2]
    rest = lam.list_layer_versions(LayerName=name, MaxItems=1, Marker=page["NextMarker"])
    assert [v["Version"] for v in rest["LayerVersions"]] == [1]
    assert "NextMarker" not in rest

    listed = {l["LayerName"]: l for l in lam.list_layers()["Layers"]}
    assert listed[name]["LayerArn"] == layer_arn(name)
    assert listed[name]["LatestMatchingVersion"]["Version"] == 2
    filtered = {l["LayerName"]: l for l in lam.list_layers(CompatibleRuntime="python3.11")["Layers"]}
    assert filtered[name]["LatestMatchingVersion"]["Version"] == 1

    # Deleted versions are gone, and their numbers are not reused.
    assert lam.delete_layer_version(LayerName=name, VersionNumber=2)[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    lam.delete_layer_version(LayerName=name, VersionNumber=2)  # again: still fine
    assert error_of(lam.get_layer_version, LayerName=name, VersionNumber=2) == (
        "ResourceNotFoundException", 404, "The resource you requested does not exist.")
    assert fetch(by_arn["Content"]["Location"])[0] == 404
    v3 = lam.publish_layer_version(LayerName=name, Content={"ZipFile": first})
    assert v3["Version"] == 3
    assert [v["Version"] for v in lam.list_layer_versions(LayerName=name)["LayerVersions"]] == [3, 1]


def test_layer_errors(lam, names, bucket):
    name = names.layer()
    assert error_of(lam.get_layer_version, LayerName=name, VersionNumber=1)[:2] == (
        "ResourceNotFoundException", 404)
    assert error_of(lam.get_layer_version_by_arn, Arn=layer_arn(name, 7))[:2] == (
        "ResourceNotFoundException", 404)
    code, status, message = error_of(lam.publish_layer_version, LayerName=name,
                                     Content={"S3Bucket": bucket, "S3Key": "nothing.zip"})
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert message.startswith("Error occurred while GetObject. S3 Error Code: NoSuchKey.")
    code, status, message = error_of(lam.publish_layer_version, LayerName=name,
                                     Content={"ZipFile": b"not a zip"})
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert lam.list_layer_versions(LayerName=name)["LayerVersions"] == []


def test_function_layers(lam, names):
    layer = names.layer()
    zip1 = make_zip({"python/a.py": b"A = 1\n"})
    v1 = lam.publish_layer_version(LayerName=layer, Content={"ZipFile": zip1})
    zip2 = big_zip()
    v2 = lam.publish_layer_version(LayerName=layer, Content={"ZipFile": zip2})
    other = names.layer()
    o1 = lam.publish_layer_version(LayerName=other, Content={"ZipFile": zip1})

    name = names()
    created = create(lam, name, Layers=[v1["LayerVersionArn"], o1["LayerVersionArn"]])
    assert created["Layers"] == [{"Arn": v1["LayerVersionArn"], "CodeSize": len(zip1)},
                                 {"Arn": o1["LayerVersionArn"], "CodeSize": len(zip1)}]
    updated = lam.update_function_configuration(FunctionName=name, Layers=[v2["LayerVersionArn"]])
    assert updated["Layers"] == [{"Arn": v2["LayerVersionArn"], "CodeSize": len(zip2)}]
    # Other changes keep the layers.
    assert lam.update_function_configuration(FunctionName=name, Timeout=9)["Layers"] == \
        updated["Layers"]
    assert lam.get_function(FunctionName=name)["Configuration"]["Layers"] == updated["Layers"]

    # A deleted version stays with the function that uses it, but cannot be added again.
    lam.delete_layer_version(LayerName=layer, VersionNumber=2)
    assert lam.get_function_configuration(FunctionName=name)["Layers"] == updated["Layers"]
    missing = v2["LayerVersionArn"]
    assert error_of(lam.update_function_configuration, FunctionName=name, Layers=[missing]) == (
        "InvalidParameterValueException", 400, "Layer version %s does not exist." % missing)
    assert error_of(create, lam, names(), Layers=[layer_arn(layer, 9)]) == (
        "InvalidParameterValueException", 400,
        "Layer version %s does not exist." % layer_arn(layer, 9))
    foreign = "arn:aws:lambda:us-east-1:123456789012:layer:%s:1" % layer
    assert error_of(create, lam, names(), Layers=[foreign])[:2] == (
        "InvalidParameterValueException", 400)
    code, status, _ = error_of(create, lam, names(), Layers=[layer_arn(other, 1)] * 6)
    assert (code, status) == ("InvalidParameterValueException", 400)
    lam.update_function_configuration(FunctionName=name, Layers=[])
    assert "Layers" not in lam.get_function_configuration(FunctionName=name)


# --- the aws CLI --------------------------------------------------------------------------------

def test_aws_cli_control_plane(target, tmp_path, aws, bucket):
    aws = aws.with_env(AWS_MAX_ATTEMPTS="1")
    package = make_zip({"lambda_function.py": HANDLER})
    (tmp_path / "fn.zip").write_bytes(package)
    target.boto3_client().put_object(Bucket=bucket, Key="fn.zip", Body=package)
    name = unique_name("cli-" + aws.name)
    layer = unique_name("cli-layer-" + aws.name)
    try:
        published = aws.json("lambda", "publish-layer-version", "--layer-name", layer,
                             "--zip-file", "fileb://%s" % (tmp_path / "fn.zip"),
                             "--compatible-runtimes", "python3.12")
        assert published["Version"] == 1
        created = aws.json("lambda", "create-function", "--function-name", name, "--runtime",
                           "python3.12", "--role", ROLE, "--handler",
                           "lambda_function.lambda_handler",
                           "--code", "S3Bucket=%s,S3Key=fn.zip" % bucket,
                           "--layers", published["LayerVersionArn"])
        assert created["CodeSha256"] == sha256_b64(package)
        assert created["Layers"][0]["CodeSize"] == len(package)
        aws.json("lambda", "wait", "function-active-v2", "--function-name", name)
        aws.json("lambda", "update-function-code", "--function-name", name, "--s3-bucket",
                 bucket, "--s3-key", "fn.zip")
        aws.json("lambda", "wait", "function-updated-v2", "--function-name", name)
        got = aws.json("lambda", "get-function", "--function-name", name)
        assert fetch(got["Code"]["Location"]) == (200, package)
        assert aws.json("lambda", "put-function-concurrency", "--function-name", name,
                        "--reserved-concurrent-executions", "7") == {
            "ReservedConcurrentExecutions": 7}
        assert aws.json("lambda", "get-function-concurrency", "--function-name", name) == {
            "ReservedConcurrentExecutions": 7}
        settings = aws.json("lambda", "get-account-settings")
        assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000
        aws.json("lambda", "delete-function-concurrency", "--function-name", name)
        assert layer in [l["LayerName"] for l in aws.json("lambda", "list-layers")["Layers"]]
        assert [v["Version"] for v in aws.json("lambda", "list-layer-versions", "--layer-name",
                                               layer)["LayerVersions"]] == [1]
        assert aws.json("lambda", "get-layer-version-by-arn", "--arn",
                        published["LayerVersionArn"])["Version"] == 1
        p = aws.run("lambda", "create-function", "--function-name", name + "x", "--runtime",
                    "python3.12", "--role", ROLE, "--handler", "h.h", "--code",
                    "S3Bucket=%s,S3Key=missing.zip" % bucket, output="json", check=False)
        assert p.returncode != 0, p.stdout
        err = p.stderr.decode()
        assert "InvalidParameterValueException" in err and "NoSuchKey" in err
        aws.json("lambda", "delete-layer-version", "--layer-name", layer, "--version-number", "1")
    finally:
        aws.run("lambda", "delete-function", "--function-name", name, check=False)


@pytest.mark.parametrize("path", ["/2015-03-31/functions/a/b/c",
                                  "/2015-03-31/functions/NAME/anything-unknown",
                                  "/2015-03-31/functions/NAME/configuration/extra"])
def test_signed_request_to_an_unknown_route_is_answered(target, lam, path):
    """Regression: a signed GET of a Lambda path no route matches ended the server (a null
    route dereferenced while the body was read). It is answered, and the server serves on."""
    from botocore.awsrequest import AWSRequest
    from botocore.auth import SigV4Auth
    from botocore.credentials import Credentials
    url = target.endpoint + path
    req = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials(target.access_key, target.secret), "lambda", "us-east-1").add_auth(req)
    try:
        urllib.request.urlopen(urllib.request.Request(url, headers=dict(req.headers)), timeout=30)
        pytest.fail("an unknown route was served")
    except urllib.error.HTTPError as e:
        assert e.code == 501
        assert e.headers["x-amzn-ErrorType"] == "NotImplemented"
    assert "Functions" in lam.list_functions()
