"""Set-up for the benchmarks on the server under test: IAM, and a versioned bucket.

  execution_role(iam)   the role the benchmarks' functions run as: it trusts Lambda and may do
                        everything. A build from before identity (an older evoke-base) answers
                        IAM with InvalidAction and takes any role ARN; then the ARN is returned
                        unchecked.
  bench_role.py user ENDPOINT POLICY_ARN
                        makes an IAM user with POLICY_ARN attached and prints its access key id
                        and secret (the root keys come from AWS_ACCESS_KEY_ID/SECRET): the
                        benchmarks' evoke-user system signs its load with them.
  bench_role.py versioned ENDPOINT BUCKET
                        makes BUCKET with versioning enabled (the evoke-versioned system).
  bench_role.py metrics ENDPOINT BUCKET
                        gives BUCKET a request-metrics configuration for the whole bucket, so
                        that every request to it records AWS/S3 request metrics (the evoke and
                        evoke-nometrics systems of run_s3.sh).
"""

import sys

import botocore.exceptions

NAME = "bench"
TRUST = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",'
         ' "Principal": {"Service": "lambda.amazonaws.com"}}]}')


def execution_role(iam):
    """The role's ARN, made with `iam` (a boto3 IAM client of the server) if need be."""
    arn = "arn:aws:iam::000000000000:role/" + NAME
    try:
        iam.create_role(RoleName=NAME, AssumeRolePolicyDocument=TRUST)
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    except botocore.exceptions.ClientError as e:
        if e.response["Error"]["Code"] == "InvalidAction":
            return arn
        raise
    iam.attach_role_policy(RoleName=NAME, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    return arn


def user_keys(iam, policy_arn):
    """(access key id, secret) of the user NAME, made with `policy_arn` attached."""
    iam.create_user(UserName=NAME)
    iam.attach_user_policy(UserName=NAME, PolicyArn=policy_arn)
    key = iam.create_access_key(UserName=NAME)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("user", "versioned", "metrics"):
        sys.exit("usage: bench_role.py user ENDPOINT POLICY_ARN | versioned ENDPOINT BUCKET | "
                 "metrics ENDPOINT BUCKET")
    import boto3
    if sys.argv[1] == "metrics":
        s3 = boto3.client("s3", endpoint_url=sys.argv[2], region_name="us-east-1")
        s3.put_bucket_metrics_configuration(Bucket=sys.argv[3], Id="EntireBucket",
                                            MetricsConfiguration={"Id": "EntireBucket"})
        sys.exit(0)
    if sys.argv[1] == "versioned":
        s3 = boto3.client("s3", endpoint_url=sys.argv[2], region_name="us-east-1")
        s3.create_bucket(Bucket=sys.argv[3])
        s3.put_bucket_versioning(Bucket=sys.argv[3],
                                 VersioningConfiguration={"Status": "Enabled"})
        sys.exit(0)
    client = boto3.client("iam", endpoint_url=sys.argv[2], region_name="us-east-1")
    print("%s %s" % user_keys(client, sys.argv[3]))
