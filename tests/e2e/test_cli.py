"""The aws CLI (v2 from Debian, v1 from pyenv; the `aws` fixture, aws_cli_runner.py) at its
default settings, as subprocesses with an isolated HOME and no configuration files: `aws s3`
high-level commands and `aws s3api`."""

import hashlib
import json
import os
import subprocess
import time

import pytest

from conftest import empty_and_delete, unique_name
from s3e2e import MIB, deterministic_bytes, multipart_etag


@pytest.fixture
def cli_bucket(aws, s3):
    name = unique_name("cli-" + aws.name)
    yield name
    empty_and_delete(s3, name)


def write_tree(root, files):
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


def read_tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def transfer_lines(output):
    """The upload:/download:/delete:/copy: lines of `aws s3` output, without progress lines."""
    lines = output.replace("\r", "\n").splitlines()
    return [line.strip() for line in lines
            if line.startswith(("upload:", "download:", "delete:", "copy:", "move:"))]


def age_tree(root, seconds=3600):
    """Backdates every file so `aws s3 sync` compares by size and time deterministically."""
    t = time.time() - seconds
    for p in root.rglob("*"):
        os.utime(p, (t, t))


def remote_keys(s3, bucket, prefix=""):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return keys


TREE = {
    "a.txt": b"alpha\n",
    "space name.txt": b"with a space\n",
    "ünïcode.txt": "ünï\n".encode(),
    "sub/b.txt": b"bravo\n" * 100,
    "sub/deep/c.bin": deterministic_bytes("tree-c", 300_000),
}


def test_s3_high_level_commands(aws, s3, cli_bucket, tmp_path):
    b = cli_bucket
    assert "make_bucket: %s" % b in aws.out("s3", "mb", "s3://" + b)
    assert b in aws.out("s3", "ls").split()

    src = tmp_path / "src"
    write_tree(src, TREE)
    aws.run("s3", "cp", src, "s3://%s/tree/" % b, "--recursive")
    assert sorted(remote_keys(s3, b)) == sorted("tree/" + k for k in TREE)
    for k, data in TREE.items():
        assert s3.get_object(Bucket=b, Key="tree/" + k)["Body"].read() == data

    listing = aws.out("s3", "ls", "s3://%s/tree/" % b)
    assert "PRE sub/" in listing
    assert "space name.txt" in listing and "ünïcode.txt" in listing
    rec = aws.out("s3", "ls", "s3://%s/" % b, "--recursive").splitlines()
    assert len(rec) == len(TREE)
    assert any(line.split()[2] == "300000" and line.endswith("tree/sub/deep/c.bin")
               for line in rec)

    # Single file down and up, stdin/stdout.
    down = tmp_path / "down.bin"
    aws.run("s3", "cp", "s3://%s/tree/sub/deep/c.bin" % b, down)
    assert down.read_bytes() == TREE["sub/deep/c.bin"]
    aws.run("s3", "cp", "-", "s3://%s/stdin.txt" % b, input=b"from stdin\n")
    assert aws.run("s3", "cp", "s3://%s/stdin.txt" % b, "-").stdout == b"from stdin\n"

    # mv: the source disappears.
    aws.run("s3", "mv", "s3://%s/tree/a.txt" % b, "s3://%s/moved/a.txt" % b)
    keys = remote_keys(s3, b)
    assert "tree/a.txt" not in keys and "moved/a.txt" in keys
    assert s3.get_object(Bucket=b, Key="moved/a.txt")["Body"].read() == TREE["a.txt"]

    # rm (single and recursive).
    aws.run("s3", "rm", "s3://%s/stdin.txt" % b)
    aws.run("s3", "rm", "s3://%s/tree/sub/" % b, "--recursive")
    assert sorted(remote_keys(s3, b)) == sorted(
        ["moved/a.txt", "tree/space name.txt", "tree/ünïcode.txt"])

    # rb refuses a non-empty bucket, --force empties it first.
    p = aws.run("s3", "rb", "s3://" + b, check=False)
    assert p.returncode != 0
    assert b"BucketNotEmpty" in p.stderr
    aws.run("s3", "rb", "s3://" + b, "--force")
    assert b not in aws.out("s3", "ls").split()


def test_s3_sync(aws, s3, cli_bucket, tmp_path):
    b = cli_bucket
    aws.run("s3", "mb", "s3://" + b)
    src = tmp_path / "src"
    write_tree(src, TREE)
    age_tree(src)
    aws.run("s3", "sync", src, "s3://%s/synced" % b)
    assert sorted(remote_keys(s3, b)) == sorted("synced/" + k for k in TREE)

    # Nothing changed: nothing to do.
    assert transfer_lines(aws.out("s3", "sync", src, "s3://%s/synced" % b)) == []

    # Change one file (size differs), add one, delete one: only those move.
    (src / "a.txt").write_bytes(b"alpha, longer now\n")
    (src / "new.txt").write_bytes(b"new\n")
    (src / "sub" / "b.txt").unlink()
    out = aws.out("s3", "sync", src, "s3://%s/synced" % b, "--delete")
    lines = transfer_lines(out)
    assert len(lines) == 3, out
    assert any(line.startswith("upload:") and line.endswith("synced/a.txt") for line in lines)
    assert any(line.startswith("upload:") and line.endswith("synced/new.txt") for line in lines)
    assert any(line.startswith("delete:") and line.endswith("synced/sub/b.txt") for line in lines)

    # Down into an empty directory: the same tree.
    dst = tmp_path / "dst"
    aws.run("s3", "sync", "s3://%s/synced" % b, dst)
    assert read_tree(dst) == read_tree(src)


def test_s3_cp_20mib_multipart(aws, s3, cli_bucket, tmp_path):
    b = cli_bucket
    aws.run("s3", "mb", "s3://" + b)
    data = deterministic_bytes("cli-20mib", 20 * MIB)
    big = tmp_path / "big.bin"
    big.write_bytes(data)
    aws.run("s3", "cp", big, "s3://%s/big.bin" % b)
    head = aws.json("s3api", "head-object", "--bucket", b, "--key", "big.bin")
    assert head["ContentLength"] == 20 * MIB
    # The CLI's defaults: multipart above 8 MiB, 8 MiB parts -> 3 parts.
    chunk = 8 * MIB
    assert head["ETag"] == multipart_etag([data[i:i + chunk] for i in range(0, len(data), chunk)])
    down = tmp_path / "down.bin"
    aws.run("s3", "cp", "s3://%s/big.bin" % b, down)
    assert hashlib.sha256(down.read_bytes()).digest() == hashlib.sha256(data).digest()
    # Server-side copy of a multipart object (the CLI uses UploadPartCopy above 8 MiB).
    aws.run("s3", "cp", "s3://%s/big.bin" % b, "s3://%s/big-copy.bin" % b)
    g = s3.get_object(Bucket=b, Key="big-copy.bin")
    assert hashlib.sha256(g["Body"].read()).digest() == hashlib.sha256(data).digest()


def test_s3api_objects(aws, s3, cli_bucket, tmp_path):
    b = cli_bucket
    aws.run("s3api", "create-bucket", "--bucket", b)
    loc = aws.json("s3api", "get-bucket-location", "--bucket", b)
    assert loc.get("LocationConstraint") is None

    body = tmp_path / "body.txt"
    body.write_bytes(b"s3api body\n")
    put = aws.json("s3api", "put-object", "--bucket", b, "--key", "docs/one.txt",
                   "--body", body, "--content-type", "text/plain",
                   "--metadata", "owner=cli,kind=test")
    assert put["ETag"] == '"%s"' % hashlib.md5(b"s3api body\n").hexdigest()

    out = tmp_path / "out.txt"
    got = aws.json("s3api", "get-object", "--bucket", b, "--key", "docs/one.txt", out)
    assert out.read_bytes() == b"s3api body\n"
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"owner": "cli", "kind": "test"}
    assert got["ContentLength"] == 11

    rng = tmp_path / "range.txt"
    got = aws.json("s3api", "get-object", "--bucket", b, "--key", "docs/one.txt",
                   "--range", "bytes=0-4", rng)
    assert rng.read_bytes() == b"s3api" and got["ContentRange"] == "bytes 0-4/11"

    head = aws.json("s3api", "head-object", "--bucket", b, "--key", "docs/one.txt")
    assert head["ContentLength"] == 11 and head["ETag"] == put["ETag"]
    p = aws.run("s3api", "head-object", "--bucket", b, "--key", "docs/missing", check=False)
    assert p.returncode != 0 and b"404" in p.stderr

    for k in ("docs/two.txt", "docs/sub/three.txt", "top.txt"):
        aws.run("s3api", "put-object", "--bucket", b, "--key", k, "--body", body)
    listed = aws.json("s3api", "list-objects-v2", "--bucket", b, "--prefix", "docs/",
                      "--delimiter", "/")
    assert [o["Key"] for o in listed["Contents"]] == ["docs/one.txt", "docs/two.txt"]
    assert [p["Prefix"] for p in listed["CommonPrefixes"]] == ["docs/sub/"]
    # The CLI paginates by itself (--page-size small).
    listed = aws.json("s3api", "list-objects-v2", "--bucket", b, "--page-size", "1")
    assert [o["Key"] for o in listed["Contents"]] == [
        "docs/one.txt", "docs/sub/three.txt", "docs/two.txt", "top.txt"]

    copied = aws.json("s3api", "copy-object", "--bucket", b, "--key", "copy of one.txt",
                      "--copy-source", "%s/docs/one.txt" % b)
    assert copied["CopyObjectResult"]["ETag"] == put["ETag"]
    assert s3.get_object(Bucket=b, Key="copy of one.txt")["Metadata"] == {
        "owner": "cli", "kind": "test"}

    deleted = aws.json("s3api", "delete-objects", "--bucket", b, "--delete", json.dumps({
        "Objects": [{"Key": "docs/one.txt"}, {"Key": "top.txt"}, {"Key": "not-there"}]}))
    assert sorted(d["Key"] for d in deleted["Deleted"]) == ["docs/one.txt", "not-there",
                                                           "top.txt"]
    assert sorted(remote_keys(s3, b)) == ["copy of one.txt", "docs/sub/three.txt",
                                          "docs/two.txt"]
    aws.run("s3api", "delete-object", "--bucket", b, "--key", "copy of one.txt")
    assert "copy of one.txt" not in remote_keys(s3, b)


def test_s3api_multipart(aws, s3, cli_bucket, tmp_path):
    b = cli_bucket
    aws.run("s3api", "create-bucket", "--bucket", b)
    part1 = deterministic_bytes("cli-part-1", 5 * MIB)
    part2 = b"the last part may be small"
    f1, f2 = tmp_path / "p1", tmp_path / "p2"
    f1.write_bytes(part1)
    f2.write_bytes(part2)
    up = aws.json("s3api", "create-multipart-upload", "--bucket", b, "--key", "mp/obj",
                  "--content-type", "application/x-parts")
    uid = up["UploadId"]
    e1 = aws.json("s3api", "upload-part", "--bucket", b, "--key", "mp/obj", "--upload-id", uid,
                  "--part-number", "1", "--body", f1)["ETag"]
    e2 = aws.json("s3api", "upload-part", "--bucket", b, "--key", "mp/obj", "--upload-id", uid,
                  "--part-number", "2", "--body", f2)["ETag"]
    parts = aws.json("s3api", "list-parts", "--bucket", b, "--key", "mp/obj", "--upload-id", uid)
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts["Parts"]] == [
        (1, e1, len(part1)), (2, e2, len(part2))]
    uploads = aws.json("s3api", "list-multipart-uploads", "--bucket", b)
    assert [u["UploadId"] for u in uploads["Uploads"]] == [uid]
    spec = tmp_path / "parts.json"
    spec.write_text(json.dumps({"Parts": [{"PartNumber": 1, "ETag": e1},
                                          {"PartNumber": 2, "ETag": e2}]}))
    done = aws.json("s3api", "complete-multipart-upload", "--bucket", b, "--key", "mp/obj",
                    "--upload-id", uid, "--multipart-upload", "file://%s" % spec)
    assert done["ETag"] == multipart_etag([part1, part2])
    g = s3.get_object(Bucket=b, Key="mp/obj")
    assert g["ContentType"] == "application/x-parts"
    assert g["Body"].read() == part1 + part2

    # An aborted upload disappears.
    uid2 = aws.json("s3api", "create-multipart-upload", "--bucket", b, "--key", "mp/x")["UploadId"]
    aws.run("s3api", "abort-multipart-upload", "--bucket", b, "--key", "mp/x", "--upload-id", uid2)
    assert not aws.json("s3api", "list-multipart-uploads", "--bucket", b).get("Uploads")


def test_s3api_versioning(aws, cli_bucket, tmp_path):
    b = cli_bucket
    aws.run("s3api", "create-bucket", "--bucket", b)
    assert "Status" not in aws.json("s3api", "get-bucket-versioning", "--bucket", b)
    aws.run("s3api", "put-bucket-versioning", "--bucket", b,
            "--versioning-configuration", "Status=Enabled")
    assert aws.json("s3api", "get-bucket-versioning", "--bucket", b)["Status"] == "Enabled"

    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_bytes(b"first version\n")
    second.write_bytes(b"second version, longer\n")
    v1 = aws.json("s3api", "put-object", "--bucket", b, "--key", "doc.txt",
                  "--body", first)["VersionId"]
    v2 = aws.json("s3api", "put-object", "--bucket", b, "--key", "doc.txt",
                  "--body", second)["VersionId"]
    assert v1 and v2 and v1 != v2

    listed = aws.json("s3api", "list-object-versions", "--bucket", b)
    assert [(v["Key"], v["VersionId"], v["IsLatest"], v["Size"]) for v in listed["Versions"]] == [
        ("doc.txt", v2, True, 23), ("doc.txt", v1, False, 14)]
    assert not listed.get("DeleteMarkers")

    out = tmp_path / "old.txt"
    got = aws.json("s3api", "get-object", "--bucket", b, "--key", "doc.txt",
                   "--version-id", v1, out)
    assert out.read_bytes() == b"first version\n"
    assert got["VersionId"] == v1 and got["ContentLength"] == 14

    # `aws s3 rm` in a bucket with versioning leaves a delete marker on top of the versions.
    assert "delete: s3://%s/doc.txt" % b in aws.out("s3", "rm", "s3://%s/doc.txt" % b)
    listed = aws.json("s3api", "list-object-versions", "--bucket", b)
    markers = listed["DeleteMarkers"]
    assert [(m["Key"], m["IsLatest"]) for m in markers] == [("doc.txt", True)]
    marker = markers[0]["VersionId"]
    assert marker not in (v1, v2)
    assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [
        (v2, False), (v1, False)]
    code, _ = aws.error("s3api", "get-object", "--bucket", b, "--key", "doc.txt",
                        tmp_path / "gone.txt")
    assert code == "NoSuchKey"
    ls = aws.run("s3", "ls", "s3://%s/" % b, check=False)  # rc 1 when nothing is listed
    assert ls.returncode in (0, 1) and b"doc.txt" not in ls.stdout, ls
    aws.run("s3api", "get-object", "--bucket", b, "--key", "doc.txt", "--version-id", v2, out)
    assert out.read_bytes() == b"second version, longer\n"

    # Deleting the marker by its version id brings the object back.
    removed = aws.json("s3api", "delete-object", "--bucket", b, "--key", "doc.txt",
                       "--version-id", marker)
    assert removed == {"DeleteMarker": True, "VersionId": marker}
    assert aws.run("s3", "cp", "s3://%s/doc.txt" % b, "-").stdout == b"second version, longer\n"


def test_s3api_bucket_notification_configuration(aws, cli_bucket):
    b = cli_bucket
    aws.run("s3api", "create-bucket", "--bucket", b)
    empty = aws.json("s3api", "get-bucket-notification-configuration", "--bucket", b)
    assert not empty.get("LambdaFunctionConfigurations")
    config = {
        "LambdaFunctionConfigurations": [{
            "Id": "make-thumbnail",
            "LambdaFunctionArn":
                "arn:aws:lambda:us-east-1:123456789012:function:e2e-thumbnail",
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "images/"},
                                               {"Name": "suffix", "Value": ".jpg"}]}},
        }]
    }
    aws.run("s3api", "put-bucket-notification-configuration", "--bucket", b,
            "--notification-configuration", json.dumps(config), "--skip-destination-validation")
    got = aws.json("s3api", "get-bucket-notification-configuration", "--bucket", b)
    lfc = got["LambdaFunctionConfigurations"]
    assert len(lfc) == 1
    assert lfc[0]["Id"] == "make-thumbnail"
    assert lfc[0]["LambdaFunctionArn"] == config["LambdaFunctionConfigurations"][0][
        "LambdaFunctionArn"]
    assert lfc[0]["Events"] == ["s3:ObjectCreated:*"]
    rules = {r["Name"].lower(): r["Value"] for r in lfc[0]["Filter"]["Key"]["FilterRules"]}
    assert rules == {"prefix": "images/", "suffix": ".jpg"}

    # An empty configuration removes it.
    aws.run("s3api", "put-bucket-notification-configuration", "--bucket", b,
            "--notification-configuration", "{}")
    got = aws.json("s3api", "get-bucket-notification-configuration", "--bucket", b)
    assert not got.get("LambdaFunctionConfigurations")


def test_s3_presign(aws, s3, bucket):
    # CLI v2 presigns with SigV4, CLI v1 with SigV2 query auth (AWSAccessKeyId/Expires/Signature).
    key = "pre signed/ünï+.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"presigned by the CLI")
    url = aws.out("s3", "presign", "s3://%s/%s" % (bucket, key), "--expires-in", "300").strip()
    p = subprocess.run(["curl", "-sS", "--noproxy", "*", "-w", "\n%{http_code}", url],
                       capture_output=True, check=True, timeout=60)
    body, _, code = p.stdout.rpartition(b"\n")
    assert (int(code), body) == (200, b"presigned by the CLI"), p.stdout[:500]


@pytest.mark.parametrize("command,protocols", [
    (("sns", "list-topics"), {"InvalidAction"}),
    (("sqs", "list-queues"), {"InvalidAction", "UnknownOperationException"}),
    (("kinesis", "list-streams"), {"UnknownOperationException"}),
])
def test_cli_reads_the_error_of_a_service_not_served(aws, command, protocols):
    """Each CLI speaks these services in the protocol its botocore has for them (awsQuery for
    CLI v2 2.9; awsJson 1.0 for SQS in CLI v1 1.4x, awsJson 1.1 for Kinesis), and parses
    evoke's answer into its own error line."""
    code, message = aws.with_env(AWS_MAX_ATTEMPTS="1").error(*command)
    assert code in protocols, (code, message)
    signing_name = command[0]
    assert message == "evoke does not serve the '%s' service yet." % signing_name
