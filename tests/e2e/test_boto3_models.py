"""Every operation of every service evoke serves, as botocore's own model serializes it, reaches
the operation of the same name in evoke's tables, or is refused as not implemented; and every
answer parses with botocore's parser for that operation. A round trip through the request
pipeline's routes and codecs against the real models (run under Debian's botocore 1.29 and the
pyenv botocore 1.4x, which speak some services differently).

Each call uses a skeleton input generated from the operation's input shape (strings, numbers,
lists of one element), so it names resources that mostly do not exist: what is checked is where
it lands (the access log's "action" for its request id) and that the client reads the answer,
not what the operation does; the other suites do that.
"""

import json
import time

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

REGION = "us-east-1"

# What evoke serves of each service; every other operation of the model must be refused as not
# implemented (and never land on another operation).
SERVED = {
    "s3": {
        "ListBuckets", "CreateBucket", "DeleteBucket", "HeadBucket", "GetBucketLocation",
        "GetBucketVersioning", "PutBucketVersioning", "GetBucketNotificationConfiguration",
        "PutBucketNotificationConfiguration", "GetBucketNotification", "PutBucketNotification",
        "ListObjects", "ListObjectsV2", "ListObjectVersions", "ListMultipartUploads",
        "DeleteObjects", "PutObject", "CopyObject", "GetObject", "HeadObject", "DeleteObject",
        "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload",
        "AbortMultipartUpload", "ListParts", "GetObjectTagging", "PutObjectTagging",
        "DeleteObjectTagging", "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy",
        "GetBucketPolicyStatus", "GetPublicAccessBlock", "PutPublicAccessBlock",
        "DeletePublicAccessBlock", "GetBucketAcl", "PutBucketAcl", "GetObjectAcl", "PutObjectAcl",
        "GetBucketOwnershipControls", "PutBucketOwnershipControls",
        "DeleteBucketOwnershipControls", "GetBucketLifecycleConfiguration",
        "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle", "GetBucketLifecycle",
        "PutBucketLifecycle", "GetBucketTagging", "PutBucketTagging", "DeleteBucketTagging",
        "GetBucketCors", "PutBucketCors", "DeleteBucketCors", "GetObjectAttributes",
        "GetBucketEncryption", "PutBucketEncryption", "DeleteBucketEncryption",
        "GetObjectLockConfiguration", "PutObjectLockConfiguration", "GetObjectRetention",
        "PutObjectRetention", "GetObjectLegalHold", "PutObjectLegalHold",
        "PutBucketMetricsConfiguration", "GetBucketMetricsConfiguration",
        "ListBucketMetricsConfigurations", "DeleteBucketMetricsConfiguration",
    },
    "lambda": {
        "CreateFunction", "ListFunctions", "GetFunctionConfiguration", "DeleteFunction",
        "UpdateFunctionConfiguration", "UpdateFunctionCode", "Invoke",
        "GetFunction", "AddPermission", "GetPolicy", "RemovePermission",
        "PutFunctionConcurrency", "GetFunctionConcurrency", "DeleteFunctionConcurrency",
        "PutFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig",
        "GetFunctionEventInvokeConfig", "DeleteFunctionEventInvokeConfig",
        "ListFunctionEventInvokeConfigs", "GetAccountSettings", "PublishLayerVersion",
        "GetLayerVersion", "GetLayerVersionByArn", "ListLayers", "ListLayerVersions",
        "DeleteLayerVersion",
    },
    "logs": {
        "CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups", "PutRetentionPolicy",
        "DeleteRetentionPolicy", "CreateLogStream", "DeleteLogStream", "DescribeLogStreams",
        "PutLogEvents", "GetLogEvents", "FilterLogEvents",
    },
    "events": {
        "PutRule", "DescribeRule", "ListRules", "DeleteRule", "EnableRule", "DisableRule",
        "PutTargets", "RemoveTargets", "ListTargetsByRule",
    },
    "iam": {
        "CreateUser", "GetUser", "ListUsers", "UpdateUser", "DeleteUser", "TagUser", "UntagUser",
        "ListUserTags", "CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey",
        "GetAccessKeyLastUsed", "CreateGroup", "GetGroup", "ListGroups", "UpdateGroup",
        "DeleteGroup", "AddUserToGroup", "RemoveUserFromGroup", "ListGroupsForUser", "CreateRole",
        "GetRole", "ListRoles", "UpdateRole", "UpdateRoleDescription", "UpdateAssumeRolePolicy",
        "DeleteRole", "TagRole", "UntagRole", "ListRoleTags", "PutUserPolicy", "GetUserPolicy",
        "ListUserPolicies", "DeleteUserPolicy", "PutGroupPolicy", "GetGroupPolicy",
        "ListGroupPolicies", "DeleteGroupPolicy", "PutRolePolicy", "GetRolePolicy",
        "ListRolePolicies", "DeleteRolePolicy", "CreatePolicy", "GetPolicy", "ListPolicies",
        "DeletePolicy", "CreatePolicyVersion", "GetPolicyVersion", "ListPolicyVersions",
        "DeletePolicyVersion", "SetDefaultPolicyVersion", "AttachUserPolicy", "DetachUserPolicy",
        "ListAttachedUserPolicies", "AttachGroupPolicy", "DetachGroupPolicy",
        "ListAttachedGroupPolicies", "AttachRolePolicy", "DetachRolePolicy",
        "ListAttachedRolePolicies", "ListEntitiesForPolicy", "SimulatePrincipalPolicy",
        "SimulateCustomPolicy",
    },
    "sts": {
        "AssumeRole", "GetAccessKeyInfo", "GetCallerIdentity", "GetSessionToken",
    },
    "scheduler": {
        "CreateSchedule", "GetSchedule", "UpdateSchedule", "DeleteSchedule", "ListSchedules",
        "CreateScheduleGroup", "GetScheduleGroup", "DeleteScheduleGroup", "ListScheduleGroups",
    },
}

# How evoke says it does not implement an operation of a service it serves.
NOT_IMPLEMENTED = {"NotImplemented", "UnknownOperationException", "MethodNotAllowed"}

# Operations botocore cannot send to a local endpoint at all (they need an S3 Object Lambda
# access point), so there is nothing to route.
UNSENDABLE = {("s3", "WriteGetObjectResponse")}

# What the skeleton's strings become: names evoke accepts in paths and bodies.
NAMES = {"Bucket": "models-bucket", "Key": "k", "FunctionName": "models-fn",
         "logGroupName": "models-group", "logStreamName": "models-stream"}


def skeleton(shape, name=None, depth=0):
    """A value for `shape`: the required members of a structure, one element of a list, one
    entry of a map."""
    if depth > 6:
        return None
    kind = shape.type_name
    if kind == "structure":
        out = {}
        required = set(shape.required_members)
        for member, member_shape in shape.members.items():
            if member not in required or member_shape.serialization.get("eventstream"):
                continue
            value = skeleton(member_shape, member, depth + 1)
            if value is not None:
                out[member] = value
        return out
    if kind == "list":
        value = skeleton(shape.member, name, depth + 1)
        return [] if value is None else [value]
    if kind == "map":
        return {"k": skeleton(shape.value, name, depth + 1)}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        return NAMES.get(name, "x")
    if kind in ("integer", "long"):
        return 1
    if kind in ("float", "double"):
        return 1.0
    if kind == "boolean":
        return False
    if kind == "blob":
        return b"x"
    if kind == "timestamp":
        return 1700000000
    return None


def access_log_entry(target, request_id, deadline=10.0):
    """The access log line of the request with `request_id` (the log is flushed in batches)."""
    end = time.monotonic() + deadline
    while True:
        with open(target.server.stdout_path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if request_id in line and line.startswith("{"):
                    entry = json.loads(line)
                    if entry.get("request_id") == request_id:
                        return entry
        if time.monotonic() > end:
            pytest.fail("no access log line for request %s" % request_id)
        time.sleep(0.1)


@pytest.mark.parametrize("service", sorted(SERVED))
def test_every_model_operation_routes_to_itself_or_is_not_implemented(target, service,
                                                                        require_evoke):
    client = boto3.client(
        service, endpoint_url=target.endpoint, region_name=REGION,
        aws_access_key_id=target.access_key, aws_secret_access_key=target.secret,
        config=Config(parameter_validation=False, inject_host_prefix=False,
                      retries={"total_max_attempts": 1}, s3={"addressing_style": "path"},
                      read_timeout=60))
    model = client.meta.service_model
    python_names = {api: py for py, api in client.meta.method_to_api_mapping.items()}
    served, refused, wrong = set(), set(), []
    for op_name in model.operation_names:
        if (service, op_name) in UNSENDABLE:
            continue
        op = model.operation_model(op_name)
        params = skeleton(op.input_shape) if op.input_shape is not None else {}
        method = getattr(client, python_names[op_name])
        try:
            response = method(**params)
            metadata = response["ResponseMetadata"]
        except botocore.exceptions.ClientError as e:
            metadata = e.response["ResponseMetadata"]
        except botocore.exceptions.ResponseParserError as e:
            wrong.append("%s: botocore cannot parse the answer: %s" % (op_name, e))
            continue
        headers = metadata.get("HTTPHeaders", {})
        request_id = (metadata.get("RequestId") or headers.get("x-amz-request-id") or
                      headers.get("x-amzn-requestid"))
        if not request_id:
            wrong.append("%s: no request id in the answer (%s)" % (op_name, metadata))
            continue
        entry = access_log_entry(target, request_id)
        if entry.get("error") in NOT_IMPLEMENTED:
            refused.add(op_name)  # IAM logs the operation it refuses under its own name
        elif entry.get("action") == op_name or (
                op_name in ("GetBucketNotification", "PutBucketNotification",
                            "GetBucketLifecycle", "PutBucketLifecycle") and
                entry.get("action") == op_name + "Configuration"):
            served.add(op_name)
        else:
            wrong.append("%s landed on %r (error %r)" % (op_name, entry.get("action"),
                                                          entry.get("error")))
    assert not wrong, "\n".join(wrong)
    print("%s: %d served, %d refused as not implemented" % (service, len(served), len(refused)))
    expected = {op for op in SERVED[service] if op in model.operation_names}
    assert served == expected, ("served but not listed: %s; listed but refused: %s"
                                % (sorted(served - expected), sorted(expected - served)))
