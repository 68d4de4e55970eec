"""The thumbnail function of the image-pipeline tutorial: for each uploaded image named in the
S3 event, writes a JPEG thumbnail of at most 128x128 pixels to the bucket <bucket>-resized
under thumbnail-<key>. Uses boto3 and Pillow as found in the function's environment."""

import io
from urllib.parse import unquote_plus

import boto3
from PIL import Image

s3 = boto3.client("s3")


def lambda_handler(event, context):
    written = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        with Image.open(io.BytesIO(original)) as image:
            image.thumbnail((128, 128))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG")
        target = "thumbnail-" + key
        s3.put_object(Bucket=bucket + "-resized", Key=target, Body=out.getvalue(),
                      ContentType="image/jpeg")
        print("wrote s3://%s-resized/%s (%d bytes)" % (bucket, target, out.tell()))
        written.append(target)
    return {"thumbnails": written}
