"""Bucket operations through boto3 at default settings."""

import pytest
from botocore.exceptions import ClientError

from conftest import unique_name
from s3e2e import assert_client_error


def test_bucket_lifecycle(s3, capture, bucket_name):
    r = s3.create_bucket(Bucket=bucket_name)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert r["Location"] == "/" + bucket_name

    r = s3.head_bucket(Bucket=bucket_name)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert r["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"

    listed = s3.list_buckets()
    names = [b["Name"] for b in listed["Buckets"]]
    assert bucket_name in names
    entry = listed["Buckets"][names.index(bucket_name)]
    assert entry["CreationDate"] is not None
    assert listed["Owner"]["ID"]

    # us-east-1 answers an empty LocationConstraint.
    assert s3.get_bucket_location(Bucket=bucket_name)["LocationConstraint"] is None

    r = s3.delete_bucket(Bucket=bucket_name)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204

    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket=bucket_name)
    assert_client_error(e.value, "404", 404)
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket_name)
    assert_client_error(e.value, "NoSuchBucket", 404, capture)
    assert bucket_name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.parametrize("name", [
    "ab",                      # too short
    "a" * 64,                  # too long
    "bad_underscore",
    "UpperCase",
    "-leading-hyphen",
    "trailing-hyphen-",
    "192.168.5.4",             # formatted as an IP address
    "double..dots",
    "xn--reserved-prefix",     # reserved prefixes and suffixes
    "sthree-reserved",
    "reserved-suffix-s3alias",
])
def test_invalid_bucket_name(s3, capture, name):
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=name)
    assert_client_error(e.value, "InvalidBucketName", 400, capture)


def test_recreate_own_bucket_in_us_east_1(s3, bucket):
    # AWS: "Amazon S3 returns [BucketAlreadyOwnedByYou] in all Regions except in the North
    # Virginia Region. For legacy compatibility, if you re-create an existing bucket that you
    # already own in the North Virginia Region, Amazon S3 returns 200 OK".  Content survives.
    s3.put_object(Bucket=bucket, Key="keep", Body=b"still here")
    r = s3.create_bucket(Bucket=bucket)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object(Bucket=bucket, Key="keep")["Body"].read() == b"still here"


def test_delete_non_empty_bucket(s3, capture, bucket):
    s3.put_object(Bucket=bucket, Key="x", Body=b"1")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert_client_error(e.value, "BucketNotEmpty", 409, capture)
    s3.head_bucket(Bucket=bucket)


def test_delete_bucket_with_pending_upload_is_allowed_after_abort(s3, capture, bucket):
    up = s3.create_multipart_upload(Bucket=bucket, Key="pending")
    s3.abort_multipart_upload(Bucket=bucket, Key="pending", UploadId=up["UploadId"])
    s3.delete_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=bucket)
    assert_client_error(e.value, "NoSuchBucket", 404, capture)


def test_operations_on_missing_bucket(s3, capture):
    name = unique_name("missing")
    for call in (lambda: s3.list_objects_v2(Bucket=name),
                 lambda: s3.list_objects(Bucket=name),
                 lambda: s3.get_object(Bucket=name, Key="k"),
                 lambda: s3.put_object(Bucket=name, Key="k", Body=b"x"),
                 lambda: s3.get_bucket_location(Bucket=name),
                 lambda: s3.create_multipart_upload(Bucket=name, Key="k")):
        with pytest.raises(ClientError) as e:
            call()
        assert_client_error(e.value, "NoSuchBucket", 404, capture)
        assert e.value.response["Error"].get("BucketName") in (name, None)
