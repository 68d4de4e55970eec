"""Points the AWS SDK for Python at evoke inside functions, at no start-up cost.

Python imports this module at start-up because the runtime directory is on PYTHONPATH. When
AWS_ENDPOINT_URL is set (evoke sets it to its own address), botocore clients created without an
endpoint_url get it, and S3 clients use path-style addressing unless configured otherwise.
botocore is not imported here: the patch is applied when the function first imports
botocore.session (boto3 does), so functions that never use the SDK pay nothing.
"""

import os


def _patch(module):
    import _evoke_botocore

    _evoke_botocore.patch(module)


if os.environ.get("AWS_ENDPOINT_URL") and os.environ.get(
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", ""
).lower() != "true":
    import _evoke_import_hooks

    _evoke_import_hooks.after_import("botocore.session", _patch)
