"""Schedules firing end to end: an hourly EventBridge rule (`cron(0 * * * ? *)`) and an hourly
EventBridge Scheduler schedule (`rate(1 hour)`) each run the sample cleanup function, which
deletes the `tmp/` objects of a bucket. The server's events clock is moved forward an hour at a
time (--test-clock) instead of waiting; a recorder function next to the cleanup function shows
the exact event each target receives."""

import datetime
import json
import pathlib
import time

import boto3
import pytest
from botocore.config import Config

from conftest import SCHEDULER_ROLE, unique_name
from test_events import advance_clock, allow_s3, recorder, seen, wait_for  # noqa: F401
from test_functions import make_zip, ROLE

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "samples"
ACCOUNT = "000000000000"


def client(target, service):
    return boto3.client(service, endpoint_url=target.endpoint, region_name="us-east-1",
                        aws_access_key_id=target.access_key,
                        aws_secret_access_key=target.secret,
                        config=Config(retries={"max_attempts": 1}))


@pytest.fixture
def lam(target):
    return client(target, "lambda")


@pytest.fixture
def cleanup(lam, bucket):
    """The sample cleanup function, pointed at `bucket`."""
    name = unique_name("cleanup")
    code = (SAMPLES / "cleanup" / "lambda_function.py").read_bytes()
    lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE, Timeout=30,
                        Handler="lambda_function.lambda_handler",
                        Code={"ZipFile": make_zip({"lambda_function.py": code})},
                        Environment={"Variables": {"BUCKET": bucket}})
    yield name
    lam.delete_function(FunctionName=name)


def fill(s3, bucket):
    for key in ("tmp/a.txt", "tmp/b/c.txt", "keep/d.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")


def keys(s3, bucket):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def function_arn(name):
    return "arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, name)


def allow(lam, function, principal, source_arn):
    lam.add_permission(FunctionName=function, StatementId=unique_name("allow"),
                       Action="lambda:InvokeFunction", Principal=principal,
                       SourceArn=source_arn)


def seconds_to_next_hour(now_ms):
    return 3600 - (now_ms // 1000) % 3600


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc) \
        .strftime("%Y-%m-%dT%H:%M:%SZ")


def test_hourly_cron_rule_runs_the_cleanup(target, lam, s3, bucket, cleanup, recorder):
    events = client(target, "events")
    spy, spy_out = recorder()
    fill(s3, bucket)
    rule = unique_name("hourly")
    arn = events.put_rule(Name=rule, ScheduleExpression="cron(0 * * * ? *)")["RuleArn"]
    assert arn == "arn:aws:events:us-east-1:%s:rule/%s" % (ACCOUNT, rule)
    for function in (cleanup, spy):
        allow(lam, function, "events.amazonaws.com", arn)
    put = events.put_targets(Rule=rule, Targets=[{"Id": "cleanup", "Arn": function_arn(cleanup)},
                                                 {"Id": "spy", "Arn": function_arn(spy)}])
    assert put["FailedEntryCount"] == 0

    now = advance_clock(target.endpoint, 0)
    if seconds_to_next_hour(now) < 5:  # too close to the hour to check it has not fired yet
        now = advance_clock(target.endpoint, 10)
    time.sleep(1.5)
    assert keys(s3, bucket) == ["keep/d.txt", "tmp/a.txt", "tmp/b/c.txt"], "fired before the hour"

    # Past the hour: both targets run once.
    step = seconds_to_next_hour(now) + 1
    now = advance_clock(target.endpoint, step)
    hour_ms = now - now % 3_600_000
    wait_for(lambda: keys(s3, bucket) == ["keep/d.txt"], what="the cleanup at the hour")
    _, event = wait_for(lambda: seen(s3, spy_out), what="the spy's event")[0]
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region",
                          "resources", "detail"}
    assert event["version"] == "0"
    assert len(event["id"]) == 36 and event["id"].count("-") == 4
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["account"] == ACCOUNT
    assert event["time"] == iso(hour_ms)
    assert event["region"] == "us-east-1"
    assert event["resources"] == [arn]
    assert event["detail"] == {}

    # The next hour, again; a disabled rule then stops.
    fill(s3, bucket)
    advance_clock(target.endpoint, 3600)
    wait_for(lambda: keys(s3, bucket) == ["keep/d.txt"], what="the cleanup an hour later")
    spied = wait_for(lambda: (lambda e: e if len(e) == 2 else None)(seen(s3, spy_out)),
                     what="the second firing")
    # LastModified has whole seconds, so the spy's writes are ordered by the event's time.
    fired = sorted((e for _, e in spied), key=lambda e: e["time"])
    assert [e["time"] for e in fired] == [iso(hour_ms), iso(hour_ms + 3_600_000)]
    assert fired[0]["id"] != fired[1]["id"]

    events.disable_rule(Name=rule)
    fill(s3, bucket)
    advance_clock(target.endpoint, 3600)
    time.sleep(2)
    assert keys(s3, bucket) == ["keep/d.txt", "tmp/a.txt", "tmp/b/c.txt"]
    events.remove_targets(Rule=rule, Ids=["cleanup", "spy"])
    events.delete_rule(Name=rule)


@pytest.mark.parametrize("kind", ["role-does-not-allow", "role-does-not-trust", "no-role"])
def test_schedule_whose_role_cannot_invoke_does_not(target, lam, s3, bucket, cleanup, kind):
    """A schedule invokes only through a role that trusts scheduler.amazonaws.com and whose
    policies allow lambda:InvokeFunction on the function; a permission on the function for
    scheduler.amazonaws.com does not stand in for it."""
    iam = client(target, "iam")
    role = unique_name("schedrole")
    trusted = "lambda.amazonaws.com" if kind == "role-does-not-trust" else "scheduler.amazonaws.com"
    arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": trusted}}]}))["Role"]["Arn"]
    allowed = "arn:aws:lambda:us-east-1:%s:function:other" % ACCOUNT
    if kind != "role-does-not-allow":
        allowed = function_arn(cleanup)
    iam.put_role_policy(RoleName=role, PolicyName="invoke", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                                                "Action": "lambda:InvokeFunction",
                                                "Resource": allowed}]}))
    if kind == "no-role":
        iam.delete_role_policy(RoleName=role, PolicyName="invoke")
        iam.delete_role(RoleName=role)
    scheduler = client(target, "scheduler")
    fill(s3, bucket)
    name = unique_name("denied")
    made = scheduler.create_schedule(
        Name=name, ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": function_arn(cleanup), "RoleArn": arn,
                "Input": json.dumps({"bucket": bucket, "prefix": "tmp/"})})
    allow(lam, cleanup, "scheduler.amazonaws.com", made["ScheduleArn"])
    advance_clock(target.endpoint, 3601)
    time.sleep(2.5)
    assert keys(s3, bucket) == ["keep/d.txt", "tmp/a.txt", "tmp/b/c.txt"]
    scheduler.delete_schedule(Name=name)
    if kind != "no-role":
        iam.delete_role_policy(RoleName=role, PolicyName="invoke")
        iam.delete_role(RoleName=role)


def test_rule_without_permission_does_not_invoke(target, lam, s3, bucket, cleanup):
    events = client(target, "events")
    fill(s3, bucket)
    rule = unique_name("noperm")
    events.put_rule(Name=rule, ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule=rule, Targets=[{"Id": "1", "Arn": function_arn(cleanup)}])
    advance_clock(target.endpoint, 3601)
    time.sleep(2.5)
    assert keys(s3, bucket) == ["keep/d.txt", "tmp/a.txt", "tmp/b/c.txt"]
    events.remove_targets(Rule=rule, Ids=["1"])
    events.delete_rule(Name=rule)


def test_hourly_rate_schedule_runs_the_cleanup(target, lam, s3, bucket, cleanup, recorder):
    scheduler = client(target, "scheduler")
    spy, spy_out = recorder()
    fill(s3, bucket)
    group = unique_name("grp")
    scheduler.create_schedule_group(Name=group)
    name = unique_name("hourly")
    payload = json.dumps({"bucket": bucket, "prefix": "tmp/"})
    made = scheduler.create_schedule(
        Name=name, GroupName=group, ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": function_arn(cleanup), "RoleArn": SCHEDULER_ROLE, "Input": payload})
    schedule_arn = made["ScheduleArn"]
    assert schedule_arn == "arn:aws:scheduler:us-east-1:%s:schedule/%s/%s" % (ACCOUNT, group, name)
    spy_schedule = scheduler.create_schedule(
        Name=name + "-spy", GroupName=group, ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": function_arn(spy), "RoleArn": SCHEDULER_ROLE, "Input": payload})
    # As EventBridge Scheduler does, the schedules invoke through their role: no permission on
    # the functions is needed.

    advance_clock(target.endpoint, 1800)
    time.sleep(1.5)
    assert keys(s3, bucket) == ["keep/d.txt", "tmp/a.txt", "tmp/b/c.txt"], "fired too early"
    advance_clock(target.endpoint, 1801)
    wait_for(lambda: keys(s3, bucket) == ["keep/d.txt"], what="the cleanup after an hour")
    _, event = wait_for(lambda: seen(s3, spy_out), what="the spy's input")[0]
    assert event == {"bucket": bucket, "prefix": "tmp/"}  # the schedule's Input, as given

    fill(s3, bucket)
    advance_clock(target.endpoint, 3600)
    wait_for(lambda: keys(s3, bucket) == ["keep/d.txt"], what="the cleanup an hour later")
    scheduler.delete_schedule(Name=name, GroupName=group)
    scheduler.delete_schedule(Name=name + "-spy", GroupName=group)
    fill(s3, bucket)
    advance_clock(target.endpoint, 3600)
    time.sleep(2)
    assert keys(s3, bucket) == ["keep/d.txt", "tmp/a.txt", "tmp/b/c.txt"]
    scheduler.delete_schedule_group(Name=group)


def test_one_time_schedule(target, lam, s3, bucket, cleanup):
    """at() fires once. With ActionAfterCompletion DELETE (a member boto3 1.26 does not know, so
    this part runs under the newer boto3 only) the schedule then deletes itself; without it the
    schedule stays."""
    scheduler = client(target, "scheduler")
    knows_delete = "ActionAfterCompletion" in scheduler.meta.service_model.operation_model(
        "CreateSchedule").input_shape.members
    fill(s3, bucket)
    now = advance_clock(target.endpoint, 0)
    at = datetime.datetime.fromtimestamp(now / 1000 + 600, datetime.timezone.utc)
    name = unique_name("once")
    extra = {"ActionAfterCompletion": "DELETE"} if knows_delete else {}
    made = scheduler.create_schedule(
        Name=name, ScheduleExpression="at(%s)" % at.strftime("%Y-%m-%dT%H:%M:%S"),
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": function_arn(cleanup), "RoleArn": SCHEDULER_ROLE,
                "Input": json.dumps({"bucket": bucket, "prefix": "tmp/"})}, **extra)
    advance_clock(target.endpoint, 601)
    wait_for(lambda: keys(s3, bucket) == ["keep/d.txt"], what="the one-time cleanup")
    # It does not fire again.
    fill(s3, bucket)
    advance_clock(target.endpoint, 3600)
    time.sleep(2)
    assert keys(s3, bucket) == ["keep/d.txt", "tmp/a.txt", "tmp/b/c.txt"]

    def gone():
        try:
            scheduler.get_schedule(Name=name)
            return False
        except scheduler.exceptions.ResourceNotFoundException:
            return True

    if knows_delete:
        wait_for(gone, what="the schedule's deletion after completion")
    else:
        assert not gone()
        scheduler.delete_schedule(Name=name)
