"""The image-thumbnail tutorial, step by step with the real aws CLI (v2 from Debian, v1 from
pyenv), as the README walks through it: two buckets, the sample thumbnail function, the
permission for S3, the bucket notification, `aws s3 cp` of a photo, and the thumbnail that
appears in the resized bucket; then the function's START/END/REPORT lines in its log stream."""

import io
import json
import pathlib
import time
import uuid

from PIL import Image

from test_functions import make_zip
from test_thumbnail import sample_jpeg

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "samples"
# The tutorial's policy and trust policy (README.md).
TUTORIAL_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["logs:PutLogEvents", "logs:CreateLogGroup",
                                   "logs:CreateLogStream"], "Resource": "arn:aws:logs:*:*:*"},
    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::*/*"},
    {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::*/*"}]}
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
     "Action": "sts:AssumeRole"}]}


def test_thumbnail_tutorial_with_the_aws_cli(aws, tmp_path, s3):
    aws = aws.in_dir(tmp_path)  # the README's steps run in one directory

    def readme(*args):  # a step as the README writes it (default output: JSON), parsed
        out = aws.out(*args)
        return json.loads(out) if out.strip() else out

    n = uuid.uuid4().hex[:8]
    source, resized = "images-%s" % n, "images-%s-resized" % n
    function = "CreateThumbnail-%s" % n
    aws.run("s3", "mb", "s3://" + source)
    aws.run("s3", "mb", "s3://" + resized)

    # The execution role, as the tutorial makes it: a policy for logs and objects, a role that
    # Lambda may assume, the policy attached.
    (tmp_path / "policy.json").write_text(json.dumps(TUTORIAL_POLICY))
    (tmp_path / "trust-policy.json").write_text(json.dumps(LAMBDA_TRUST))
    policy_arn = readme("iam", "create-policy", "--policy-name", "LambdaS3Policy-" + n,
                        "--policy-document", "file://policy.json")["Policy"]["Arn"]
    role_arn = readme("iam", "create-role", "--role-name", "LambdaS3Role-" + n,
                      "--assume-role-policy-document", "file://trust-policy.json")["Role"]["Arn"]
    assert role_arn == "arn:aws:iam::000000000000:role/LambdaS3Role-" + n
    aws.run("iam", "attach-role-policy", "--role-name", "LambdaS3Role-" + n, "--policy-arn",
            policy_arn)

    package = tmp_path / "function.zip"
    package.write_bytes(make_zip({"lambda_function.py":
                                  (SAMPLES / "thumbnail" / "lambda_function.py").read_bytes()}))
    created = readme("lambda", "create-function", "--function-name", function,
                     "--zip-file", "fileb://function.zip", "--handler",
                     "lambda_function.lambda_handler", "--runtime", "python3.11", "--timeout",
                     "30", "--memory-size", "256",
                     "--role", role_arn)
    arn = created["FunctionArn"]
    readme("lambda", "add-permission", "--function-name", function, "--principal",
           "s3.amazonaws.com", "--statement-id", "s3invoke", "--action", "lambda:InvokeFunction",
           "--source-arn", "arn:aws:s3:::" + source, "--source-account", "000000000000")
    config = {"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]}
    (tmp_path / "notification.json").write_text(json.dumps(config))
    aws.run("s3api", "put-bucket-notification-configuration", "--bucket", source,
            "--notification-configuration", "file://notification.json")

    (tmp_path / "HappyFace.jpg").write_bytes(sample_jpeg())
    aws.run("s3", "cp", "HappyFace.jpg", "s3://%s/HappyFace.jpg" % source)

    deadline = time.time() + 60
    while True:
        listed = readme("s3api", "list-objects-v2", "--bucket", resized)
        keys = [o["Key"] for o in listed.get("Contents", [])] if listed else []
        if keys or time.time() > deadline:
            break
        time.sleep(0.3)
    assert keys == ["thumbnail-HappyFace.jpg"]
    aws.run("s3", "cp", "s3://%s/thumbnail-HappyFace.jpg" % resized, "thumb.jpg")
    with Image.open(io.BytesIO((tmp_path / "thumb.jpg").read_bytes())) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) <= 128 and min(thumb.size) > 0

    # The invocation is in the function's log stream.
    group = "/aws/lambda/" + function
    deadline = time.time() + 10
    while True:
        events = readme("logs", "filter-log-events", "--log-group-name", group)["events"]
        messages = [e["message"] for e in events]
        if any(m.startswith("REPORT RequestId:") for m in messages) or time.time() > deadline:
            break
        time.sleep(0.3)
    streams = {e["logStreamName"] for e in events}
    assert len(streams) == 1
    assert any(m.startswith("START RequestId:") for m in messages)
    assert any(m.startswith("END RequestId:") for m in messages)
    assert any(m.startswith("REPORT RequestId:") for m in messages)
    assert any("thumbnail-HappyFace.jpg" in m for m in messages)

    aws.run("lambda", "delete-function", "--function-name", function)
    for b in (source, resized):
        aws.run("s3", "rb", "s3://" + b, "--force")
