"""Asynchronous invocation configuration through boto3 (both versions, see run.sh) and the aws
CLI v2: Put/Update/Get/Delete/ListFunctionEventInvokeConfig(s) with the documents and errors
Lambda gives, destinations evoke can reach (a function, an S3 bucket for failures) and those it
cannot, DeadLetterConfig refused as Lambda refuses a queue the role cannot reach, and the
configuration surviving a restart. Delivery of the events themselves is tested with the
dispatcher."""

import datetime
import io
import json
import time
import zipfile

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import EvokeServer, unique_name

from conftest import LAMBDA_ROLE as ROLE  # noqa: E402
ACCOUNT = "000000000000"


def make_zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def lambda_client(endpoint, access_key, secret, **config):
    return boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=access_key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}, **config))


def fn_arn(name):
    return "arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, name)


def create(lam, name, **extra):
    return lam.create_function(
        FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": b"def handler(e, c):\n    return e\n"})}, **extra)


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    r = e.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Message"]


@pytest.fixture
def lam(target):
    return lambda_client(target.endpoint, target.access_key, target.secret)


@pytest.fixture
def functions(lam):
    made = []

    def make(prefix="eic", **extra):
        name = unique_name(prefix)
        create(lam, name, **extra)
        made.append(name)
        return name

    yield make
    for name in made:
        try:
            lam.delete_function(FunctionName=name)
        except ClientError:
            pass


def no_config_message(name):
    return "The function %s:$LATEST doesn't have an EventInvokeConfig" % fn_arn(name)


def test_put_get_update_list_delete(lam, functions):
    name = functions()
    target = functions("target")
    assert error_of(lam.get_function_event_invoke_config, FunctionName=name) == (
        "ResourceNotFoundException", 404, no_config_message(name))
    assert lam.list_function_event_invoke_configs(FunctionName=name)[
        "FunctionEventInvokeConfigs"] == []

    before = time.time()
    put = lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0,
                                               MaximumEventAgeInSeconds=3600)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert put["FunctionArn"] == fn_arn(name) + ":$LATEST"
    assert (put["MaximumRetryAttempts"], put["MaximumEventAgeInSeconds"]) == (0, 3600)
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    # LastModified is a timestamp (epoch seconds on the wire): boto3 parses it to a datetime.
    assert before - 5 <= put["LastModified"].timestamp() <= time.time() + 5

    got = lam.get_function_event_invoke_config(FunctionName=name)
    for field in ("FunctionArn", "MaximumRetryAttempts", "MaximumEventAgeInSeconds",
                  "DestinationConfig", "LastModified"):
        assert got[field] == put[field], field
    # The ARN and the $LATEST qualifier name the same configuration.
    assert lam.get_function_event_invoke_config(FunctionName=fn_arn(name))["FunctionArn"] == \
        put["FunctionArn"]
    assert lam.get_function_event_invoke_config(FunctionName=name, Qualifier="$LATEST")[
        "MaximumEventAgeInSeconds"] == 3600

    # Update merges: only the members given change.
    updated = lam.update_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnFailure": {"Destination": fn_arn(target)}})
    assert (updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]) == (0, 3600)
    assert updated["DestinationConfig"] == {"OnSuccess": {},
                                            "OnFailure": {"Destination": fn_arn(target)}}
    updated = lam.update_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=2)
    assert updated["MaximumRetryAttempts"] == 2
    assert updated["DestinationConfig"]["OnFailure"] == {"Destination": fn_arn(target)}

    listed = lam.list_function_event_invoke_configs(FunctionName=name, MaxItems=10)
    assert [c["FunctionArn"] for c in listed["FunctionEventInvokeConfigs"]] == [
        fn_arn(name) + ":$LATEST"]
    assert listed["FunctionEventInvokeConfigs"][0]["MaximumRetryAttempts"] == 2
    assert "NextMarker" not in listed

    # Put replaces the whole configuration: unspecified members are reset.
    put = lam.put_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=60)
    assert put["MaximumEventAgeInSeconds"] == 60
    assert "MaximumRetryAttempts" not in put
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    got = lam.get_function_event_invoke_config(FunctionName=name)
    assert "MaximumRetryAttempts" not in got and got["MaximumEventAgeInSeconds"] == 60

    deleted = lam.delete_function_event_invoke_config(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert error_of(lam.get_function_event_invoke_config, FunctionName=name) == (
        "ResourceNotFoundException", 404, no_config_message(name))
    assert error_of(lam.delete_function_event_invoke_config, FunctionName=name) == (
        "ResourceNotFoundException", 404, no_config_message(name))
    assert error_of(lam.update_function_event_invoke_config, FunctionName=name,
                    MaximumRetryAttempts=1) == (
        "ResourceNotFoundException", 404, no_config_message(name))

    # Other function settings are not touched by it, nor it by them.
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
    lam.update_function_configuration(FunctionName=name, Timeout=10)
    lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com")
    assert lam.get_function_event_invoke_config(FunctionName=name)["MaximumRetryAttempts"] == 1
    assert lam.get_function_configuration(FunctionName=name)["Timeout"] == 10
    assert "s3.amazonaws.com" in lam.get_policy(FunctionName=name)["Policy"]


def test_missing_function_and_qualifiers(lam, functions):
    missing = unique_name("missing")
    assert error_of(lam.put_function_event_invoke_config, FunctionName=missing,
                    MaximumRetryAttempts=1) == (
        "ResourceNotFoundException", 404, "The function doesn't exist.")
    assert error_of(lam.update_function_event_invoke_config, FunctionName=missing,
                    MaximumRetryAttempts=1) == (
        "ResourceNotFoundException", 404, "The function doesn't exist.")
    assert error_of(lam.get_function_event_invoke_config, FunctionName=missing) == (
        "ResourceNotFoundException", 404, no_config_message(missing))
    assert error_of(lam.delete_function_event_invoke_config, FunctionName=missing) == (
        "ResourceNotFoundException", 404, no_config_message(missing))
    assert error_of(lam.list_function_event_invoke_configs, FunctionName=missing) == (
        "ResourceNotFoundException", 404, "The function doesn't exist.")
    name = functions()
    code, status, _ = error_of(lam.put_function_event_invoke_config, FunctionName=name,
                               Qualifier="live", MaximumRetryAttempts=1)
    assert (code, status) == ("ResourceNotFoundException", 404)
    # Deleting the function takes its configuration with it.
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
    lam.delete_function(FunctionName=name)
    create(lam, name)
    assert error_of(lam.get_function_event_invoke_config, FunctionName=name)[0] == \
        "ResourceNotFoundException"


def test_validation(target, lam, functions):
    name = functions()
    code, status, message = error_of(lam.put_function_event_invoke_config, FunctionName=name,
                                     MaximumRetryAttempts=3, MaximumEventAgeInSeconds=21601)
    assert (code, status) == ("ValidationException", 400)
    assert message == (
        "2 validation errors detected: Value '3' at 'maximumRetryAttempts' failed to satisfy "
        "constraint: Member must have value less than or equal to 2; Value '21601' at "
        "'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value less "
        "than or equal to 21600")
    # The SDKs check the lower bounds themselves; without that check the server does.
    raw = lambda_client(target.endpoint, target.access_key, target.secret,
                        parameter_validation=False)
    code, status, message = error_of(raw.put_function_event_invoke_config, FunctionName=name,
                                     MaximumEventAgeInSeconds=59)
    assert (code, status) == ("ValidationException", 400)
    assert message == (
        "1 validation error detected: Value '59' at 'maximumEventAgeInSeconds' failed to "
        "satisfy constraint: Member must have value greater than or equal to 60")
    code, _, message = error_of(raw.put_function_event_invoke_config, FunctionName=name,
                                MaximumRetryAttempts=-1)
    assert code == "ValidationException" and "greater than or equal to 0" in message
    assert error_of(lam.put_function_event_invoke_config, FunctionName=name) == (
        "InvalidParameterValueException", 400,
        "You must specify at least one of error handling or destination setting.")
    code, _, message = error_of(lam.put_function_event_invoke_config, FunctionName=name,
                                DestinationConfig={"OnFailure": {"Destination": "queue"}})
    assert code == "ValidationException"
    assert "Value 'queue' at 'destinationConfig.onFailure.destination'" in message
    code, _, message = error_of(raw.list_function_event_invoke_configs, FunctionName=name,
                                MaxItems=0)
    assert code == "ValidationException" and "at 'maxItems'" in message
    code, _, _ = error_of(lam.list_function_event_invoke_configs, FunctionName=name, MaxItems=51)
    assert code == "ValidationException"
    # Nothing was stored by the failed calls.
    assert error_of(lam.get_function_event_invoke_config, FunctionName=name)[0] == \
        "ResourceNotFoundException"


def test_destinations(target, lam, functions):
    name = functions()
    other = functions("dest")
    s3 = target.boto3_client()
    bucket = unique_name("failures")
    s3.create_bucket(Bucket=bucket)
    try:
        both = lam.put_function_event_invoke_config(
            FunctionName=name,
            DestinationConfig={"OnSuccess": {"Destination": fn_arn(other)},
                               "OnFailure": {"Destination": "arn:aws:s3:::" + bucket}})
        assert both["DestinationConfig"] == {
            "OnSuccess": {"Destination": fn_arn(other)},
            "OnFailure": {"Destination": "arn:aws:s3:::" + bucket}}

        def refused(on_success=None, on_failure=None):
            config = {}
            if on_success:
                config["OnSuccess"] = {"Destination": on_success}
            if on_failure:
                config["OnFailure"] = {"Destination": on_failure}
            return error_of(lam.put_function_event_invoke_config, FunctionName=name,
                            DestinationConfig=config)

        # What evoke has no service for is refused as Lambda refuses a destination it cannot
        # reach.
        for arn in ("arn:aws:sqs:us-east-1:%s:failures" % ACCOUNT,
                    "arn:aws:sns:us-east-1:%s:failures" % ACCOUNT,
                    "arn:aws:events:us-east-1:%s:event-bus/default" % ACCOUNT,
                    fn_arn(unique_name("missing")),
                    "arn:aws:lambda:eu-west-1:%s:function:%s" % (ACCOUNT, other),
                    "arn:aws:s3:::" + unique_name("nobucket")):
            assert refused(on_failure=arn) == (
                "InvalidParameterValueException", 400, "The destination ARN %s is invalid." % arn)
        # S3 takes failure records only.
        assert refused(on_success="arn:aws:s3:::" + bucket) == (
            "InvalidParameterValueException", 400,
            "The provided destination config DestinationConfig(onSuccess=OnSuccess(destination="
            "arn:aws:s3:::%s), onFailure=null) is invalid." % bucket)
        assert refused(on_failure=fn_arn(name)) == (
            "InvalidParameterValueException", 400,
            "You can't specify the function as a destination for itself.")
        # The refusals left the stored configuration alone.
        assert lam.get_function_event_invoke_config(FunctionName=name)["DestinationConfig"] == \
            both["DestinationConfig"]
    finally:
        s3.delete_bucket(Bucket=bucket)


def test_dead_letter_config(lam, functions):
    sqs = "arn:aws:sqs:us-east-1:%s:dlq" % ACCOUNT
    sns = "arn:aws:sns:us-east-1:%s:dlq" % ACCOUNT
    name = unique_name("dlq")
    assert error_of(create, lam=lam, name=name, DeadLetterConfig={"TargetArn": sqs}) == (
        "InvalidParameterValueException", 400,
        "The provided execution role does not have permissions to call SendMessage on SQS")
    assert error_of(create, lam=lam, name=name, DeadLetterConfig={"TargetArn": sns}) == (
        "InvalidParameterValueException", 400,
        "The provided execution role does not have permissions to call Publish on SNS")
    assert error_of(lam.get_function_configuration, FunctionName=name)[0] == \
        "ResourceNotFoundException"

    name = functions(DeadLetterConfig={"TargetArn": ""})
    config = lam.get_function_configuration(FunctionName=name)
    assert "DeadLetterConfig" not in config
    assert error_of(lam.update_function_configuration, FunctionName=name, Timeout=30,
                    DeadLetterConfig={"TargetArn": sqs}) == (
        "InvalidParameterValueException", 400,
        "The provided execution role does not have permissions to call SendMessage on SQS")
    assert lam.get_function_configuration(FunctionName=name)["Timeout"] == 3
    updated = lam.update_function_configuration(FunctionName=name, Timeout=30,
                                                DeadLetterConfig={"TargetArn": ""})
    assert updated["Timeout"] == 30 and "DeadLetterConfig" not in updated


def test_aws_cli(aws_v2, lam, functions):
    def cli(*args):  # `aws lambda ...`: its CompletedProcess, whatever the exit code
        return aws_v2.run("lambda", *args, check=False, text=True)

    name = functions()
    p = cli("put-function-event-invoke-config", "--function-name", name,
            "--maximum-event-age-in-seconds", "3600", "--maximum-retry-attempts", "0")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["FunctionArn"] == fn_arn(name) + ":$LATEST"
    assert (out["MaximumRetryAttempts"], out["MaximumEventAgeInSeconds"]) == (0, 3600)
    assert out["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    # The wire carries epoch seconds; CLI v2 prints timestamps in ISO 8601.
    modified = datetime.datetime.fromisoformat(out["LastModified"])
    assert abs(modified.timestamp() - time.time()) < 60

    p = cli("update-function-event-invoke-config", "--function-name", name,
            "--maximum-retry-attempts", "1")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["MaximumEventAgeInSeconds"] == 3600

    p = cli("get-function-event-invoke-config", "--function-name", name)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["MaximumRetryAttempts"] == 1

    p = cli("list-function-event-invoke-configs", "--function-name", name)
    assert p.returncode == 0, p.stderr
    assert len(json.loads(p.stdout)["FunctionEventInvokeConfigs"]) == 1

    p = cli("put-function-event-invoke-config", "--function-name", name,
            "--maximum-retry-attempts", "5")
    assert p.returncode != 0
    assert "ValidationException" in p.stderr

    p = cli("put-function-event-invoke-config", "--function-name", name,
            "--destination-config",
            '{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:%s:dest"}}' % ACCOUNT)
    assert p.returncode != 0
    assert "InvalidParameterValueException" in p.stderr
    assert "The destination ARN arn:aws:sqs:us-east-1:%s:dest is invalid." % ACCOUNT in p.stderr

    p = cli("delete-function-event-invoke-config", "--function-name", name)
    assert p.returncode == 0, p.stderr
    p = cli("get-function-event-invoke-config", "--function-name", name)
    assert p.returncode != 0
    assert no_config_message(name) in p.stderr

    p = cli("update-function-configuration", "--function-name", name,
            "--dead-letter-config", "TargetArn=arn:aws:sqs:us-east-1:%s:dlq" % ACCOUNT)
    assert p.returncode != 0
    assert "does not have permissions to call SendMessage on SQS" in p.stderr


def test_config_survives_a_restart(tmp_path):
    server = EvokeServer(tmp_path / "data", tmp_path / "logs")
    server.start()
    try:
        lam = lambda_client(server.endpoint, server.access_key, server.secret)
        create(lam, "kept")
        create(lam, "failures")
        put = lam.put_function_event_invoke_config(
            FunctionName="kept", MaximumRetryAttempts=1, MaximumEventAgeInSeconds=120,
            DestinationConfig={"OnFailure": {"Destination": fn_arn("failures")}})
        assert server.stop() == 0
        server.start()
        lam = lambda_client(server.endpoint, server.access_key, server.secret)
        got = lam.get_function_event_invoke_config(FunctionName="kept")
        for field in ("FunctionArn", "MaximumRetryAttempts", "MaximumEventAgeInSeconds",
                      "DestinationConfig", "LastModified"):
            assert got[field] == put[field], field
    finally:
        if server.alive():
            assert server.stop() == 0
