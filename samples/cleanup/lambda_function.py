"""The hourly cleanup function: deletes every object under a prefix (default tmp/) of a bucket.
The bucket and prefix come from the event ({"bucket": ..., "prefix": ...}, as a rule's or a
schedule's Input gives them) or from the BUCKET and PREFIX environment variables."""

import os

import boto3

s3 = boto3.client("s3")


def lambda_handler(event, context):
    event = event if isinstance(event, dict) else {}
    bucket = event.get("bucket") or os.environ["BUCKET"]
    prefix = event.get("prefix") or os.environ.get("PREFIX", "tmp/")
    deleted = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
            deleted += len(keys)
    print("deleted %d object(s) under s3://%s/%s (%s)" % (
        deleted, bucket, prefix, event.get("detail-type", "direct invocation")))
    return {"deleted": deleted}
