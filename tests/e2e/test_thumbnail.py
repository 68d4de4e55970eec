"""The classic tutorial's thumbnail handler, unchanged, running in a sandbox against evoke's own
S3: `boto3.client('s3')` with no endpoint, download_file, Pillow's thumbnail((128, 128)),
upload_file to `<bucket>-resized`. Once with the machine's Debian boto3 (1.26, which predates
AWS_ENDPOINT_URL) and once with a newer boto3 shipped in the function's package, as users do."""

import json
import os
import pathlib
import urllib.parse
import uuid

import pytest
from PIL import Image

from conftest import unique_name
from test_functions import lambda_client, make_zip

from conftest import LAMBDA_ROLE as ROLE  # noqa: E402
TESTDATA = pathlib.Path(__file__).resolve().parents[3] / "shared" / "testdata"


def sample_jpeg():
    """A photo from the shared test data when this checkout sits beside it, else a JPEG drawn
    here."""
    photo = TESTDATA / "happyface.jpg"
    if photo.exists():
        return photo.read_bytes()
    import io
    buf = io.BytesIO()
    Image.radial_gradient("L").resize((640, 480)).convert("RGB").save(buf, "JPEG")
    return buf.getvalue()
PYENV_SITE = pathlib.Path("/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages")

HANDLER = b"""import boto3
import os
import sys
import uuid
from urllib.parse import unquote_plus
from PIL import Image
import PIL.Image

s3_client = boto3.client('s3')

def resize_image(image_path, resized_path):
    with Image.open(image_path) as image:
        image.thumbnail(tuple(x / 2 for x in image.size))
        image.thumbnail((128, 128))
        image.save(resized_path)

def lambda_handler(event, context):
    for record in event['Records']:
        bucket = record['s3']['bucket']['name']
        key = unquote_plus(record['s3']['object']['key'])
        tmpkey = key.replace('/', '')
        download_path = '/tmp/{}{}'.format(uuid.uuid4(), tmpkey)
        upload_path = '/tmp/resized-{}'.format(tmpkey)
        s3_client.download_file(bucket, key, download_path)
        resize_image(download_path, upload_path)
        s3_client.upload_file(upload_path, '{}-resized'.format(bucket), 'thumbnail-{}'.format(key))
    return {'boto3': boto3.__version__}
"""


def s3_event(bucket, key, size):
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket, "arn": "arn:aws:s3:::" + bucket},
               "object": {"key": urllib.parse.quote_plus(key), "size": size}}}]}


def newer_boto3_files():
    """boto3 and its dependencies from the pyenv interpreter's site-packages, as a package ships
    them."""
    files = {}
    for top in ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py"):
        root = PYENV_SITE / top
        if not root.exists():
            pytest.fail("newer boto3 not found at %s" % root)
        paths = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for p in paths:
            if "__pycache__" in p.parts:
                continue
            files[str(p.relative_to(PYENV_SITE))] = p.read_bytes()
    return files


@pytest.mark.parametrize("boto3_source", ["debian", "packaged"])
def test_thumbnail_handler(target, s3, boto3_source):
    bucket = unique_name("images")
    s3.create_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=bucket + "-resized")
    key = "photos/happy face %s.jpg" % uuid.uuid4().hex[:6]
    image = sample_jpeg()
    s3.put_object(Bucket=bucket, Key=key, Body=image)

    files = {"lambda_function.py": HANDLER}
    if boto3_source == "packaged":
        files.update(newer_boto3_files())
    lam = lambda_client(target.endpoint, target.access_key, target.secret)
    name = unique_name("thumb")
    lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                        Handler="lambda_function.lambda_handler", Code={"ZipFile": make_zip(files)},
                        Timeout=60, MemorySize=512)
    try:
        r = lam.invoke(FunctionName=name, Payload=json.dumps(s3_event(bucket, key, len(image))).encode(),
                       LogType="Tail")
        body = r["Payload"].read()
        assert "FunctionError" not in r, body
        version = json.loads(body)["boto3"]
        if boto3_source == "debian":
            assert version.startswith("1.26."), version
        else:
            assert version == (PYENV_SITE / "boto3" / "__init__.py").read_text().split(
                "__version__ = '")[1].split("'")[0]
        thumb = s3.get_object(Bucket=bucket + "-resized", Key="thumbnail-" + key)["Body"].read()
        path = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / ("thumb-" + uuid.uuid4().hex + ".jpg")
        path.write_bytes(thumb)
        try:
            with Image.open(path) as img:
                assert img.format == "JPEG"
                assert max(img.size) <= 128
        finally:
            path.unlink()
    finally:
        lam.delete_function(FunctionName=name)
