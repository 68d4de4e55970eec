"""EventBridge rules and targets, and EventBridge Scheduler schedules, through boto3 (default
settings), the aws CLI v2 and v1: the API surface, its errors, and persistence across a
restart. Firing is the schedule runner's (unit tests) and the lead's end-to-end tests."""

import datetime
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aws_cli_runner import AwsCli
from conftest import EvokeServer, unique_name

ACCOUNT = "000000000000"  # evoke's default account id
FUNCTION_ARN = "arn:aws:lambda:us-east-1:%s:function:tick" % ACCOUNT
ROLE_ARN = "arn:aws:iam::%s:role/scheduler" % ACCOUNT


def client(service, endpoint, access_key, secret):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=access_key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))


@pytest.fixture
def events(target):
    return client("events", target.endpoint, target.access_key, target.secret)


@pytest.fixture
def scheduler(target):
    return client("scheduler", target.endpoint, target.access_key, target.secret)


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    err = e.value.response["Error"]
    return err["Code"], err.get("Message"), e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def rule_arn(name):
    return "arn:aws:events:us-east-1:%s:rule/%s" % (ACCOUNT, name)


# EventBridge rules


def test_put_describe_list_enable_disable_delete_rule(events, require_evoke):
    name = unique_name("rule")
    got = events.put_rule(Name=name, ScheduleExpression="rate(5 minutes)",
                          Description="every five")
    assert got["RuleArn"] == rule_arn(name)
    d = events.describe_rule(Name=name)
    assert (d["Name"], d["Arn"], d["ScheduleExpression"], d["State"], d["Description"],
            d["EventBusName"]) == (name, rule_arn(name), "rate(5 minutes)", "ENABLED",
                                   "every five", "default")
    assert "EventPattern" not in d

    events.disable_rule(Name=name)
    assert events.describe_rule(Name=name)["State"] == "DISABLED"
    events.enable_rule(Name=name)
    assert events.describe_rule(Name=name)["State"] == "ENABLED"

    # PutRule replaces the whole rule: members left out are gone, State is ENABLED again.
    events.put_rule(Name=name, ScheduleExpression="cron(0 12 * * ? *)", State="DISABLED")
    d = events.describe_rule(Name=name)
    assert d["ScheduleExpression"] == "cron(0 12 * * ? *)" and d["State"] == "DISABLED"
    assert "Description" not in d

    pattern = json.dumps({"source": ["aws.s3"]})
    other = unique_name("rule")
    events.put_rule(Name=other, EventPattern=pattern)
    assert events.describe_rule(Name=other)["EventPattern"] == pattern

    listed = events.list_rules(NamePrefix=name)["Rules"]
    assert [r["Name"] for r in listed] == [name]
    assert listed[0]["Arn"] == rule_arn(name)

    events.delete_rule(Name=name)
    events.delete_rule(Name=other)
    code, message, status = error_of(events.describe_rule, Name=name)
    assert (code, message, status) == (
        "ResourceNotFoundException", "Rule %s does not exist on EventBus default." % name, 400)
    # Deleting a rule that is not there succeeds, as in EventBridge.
    events.delete_rule(Name=name)


def test_list_rules_pages(events, require_evoke):
    prefix = unique_name("pages")
    names = ["%s-%d" % (prefix, i) for i in range(5)]
    for n in names:
        events.put_rule(Name=n, ScheduleExpression="rate(1 day)")
    try:
        first = events.list_rules(NamePrefix=prefix, Limit=2)
        assert [r["Name"] for r in first["Rules"]] == names[:2]
        assert "NextToken" in first
        pages = list(events.get_paginator("list_rules").paginate(
            NamePrefix=prefix, PaginationConfig={"PageSize": 2}))
        assert [r["Name"] for p in pages for r in p["Rules"]] == names
        assert "NextToken" not in pages[-1]
    finally:
        for n in names:
            events.delete_rule(Name=n)


@pytest.mark.parametrize("expression", [
    "rate(5 minute)", "rate(0 minutes)", "rate(1 hours)", "cron(0 12 * * *)",
    "cron(0 12 * * * *)", "every hour", "at(2030-01-01T00:00:00)"])
def test_put_rule_rejects_invalid_expressions(events, expression):
    code, message, status = error_of(events.put_rule, Name=unique_name("bad"),
                                     ScheduleExpression=expression)
    assert (code, message, status) == (
        "ValidationException", "Parameter ScheduleExpression is not valid.", 400)


@pytest.mark.parametrize("expression", [
    "rate(1 minute)", "rate(2 hours)", "rate(1 day)", "cron(0 10 * * ? *)",
    "cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)", "cron(0/15 * * * ? *)"])
def test_put_rule_accepts_valid_expressions(events, expression):
    name = unique_name("ok")
    events.put_rule(Name=name, ScheduleExpression=expression)
    assert events.describe_rule(Name=name)["ScheduleExpression"] == expression
    events.delete_rule(Name=name)


def test_put_rule_errors(events):
    assert error_of(events.put_rule, Name=unique_name("none")) == (
        "ValidationException",
        "Parameter(s) EventPattern or ScheduleExpression must be specified.", 400)
    code, message, status = error_of(events.put_rule, Name="bad name!",
                                     ScheduleExpression="rate(1 day)")
    assert (code, status) == ("ValidationException", 400)
    assert "at 'name' failed to satisfy constraint" in message
    code, _, status = error_of(events.put_rule, Name=unique_name("x"),
                               ScheduleExpression="rate(1 day)", State="PAUSED")
    assert (code, status) == ("ValidationException", 400)
    code, _, status = error_of(events.put_rule, Name=unique_name("x"), EventPattern="{not json")
    assert (code, status) == ("InvalidEventPatternException", 400)
    assert error_of(events.put_rule, Name=unique_name("x"), ScheduleExpression="rate(1 day)",
                    EventBusName="custom") == (
        "ResourceNotFoundException", "Event bus custom does not exist.", 400)
    name = unique_name("missing")
    for call in (events.enable_rule, events.disable_rule):
        assert error_of(call, Name=name) == (
            "ResourceNotFoundException", "Rule %s does not exist on EventBus default." % name,
            400)


# Targets


def test_targets_put_list_remove_and_delete_refused_while_targeted(events):
    name = unique_name("targets")
    events.put_rule(Name=name, ScheduleExpression="rate(1 hour)")
    got = events.put_targets(Rule=name, Targets=[
        {"Id": "plain", "Arn": FUNCTION_ARN},
        {"Id": "with-input", "Arn": FUNCTION_ARN, "Input": '{"prefix": "tmp/"}',
         "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600}},
        {"Id": "with-path", "Arn": FUNCTION_ARN, "InputPath": "$.detail"},
        {"Id": "queue", "Arn": "arn:aws:sqs:us-east-1:%s:q" % ACCOUNT},
    ])
    assert got["FailedEntryCount"] == 1
    assert got["FailedEntries"][0]["TargetId"] == "queue"
    assert got["FailedEntries"][0]["ErrorCode"] == "ValidationException"

    targets = events.list_targets_by_rule(Rule=name)["Targets"]
    assert [t["Id"] for t in targets] == ["plain", "with-input", "with-path"]
    assert targets[1]["Input"] == '{"prefix": "tmp/"}'
    assert targets[1]["RetryPolicy"] == {"MaximumRetryAttempts": 2,
                                         "MaximumEventAgeInSeconds": 3600}
    assert targets[2]["InputPath"] == "$.detail"
    page = events.list_targets_by_rule(Rule=name, Limit=2)
    assert [t["Id"] for t in page["Targets"]] == ["plain", "with-input"]
    rest = events.list_targets_by_rule(Rule=name, Limit=2, NextToken=page["NextToken"])
    assert [t["Id"] for t in rest["Targets"]] == ["with-path"] and "NextToken" not in rest

    # Putting an Id again replaces that target.
    events.put_targets(Rule=name, Targets=[{"Id": "plain", "Arn": FUNCTION_ARN,
                                            "Input": "[1, 2]"}])
    assert events.list_targets_by_rule(Rule=name)["Targets"][0]["Input"] == "[1, 2]"

    assert error_of(events.delete_rule, Name=name) == (
        "ValidationException", "Rule can't be deleted since it has targets.", 400)

    got = events.remove_targets(Rule=name, Ids=["plain", "with-input", "nope"])
    assert got["FailedEntryCount"] == 1
    assert got["FailedEntries"][0]["TargetId"] == "nope"
    assert got["FailedEntries"][0]["ErrorCode"] == "ResourceNotFoundException"
    events.remove_targets(Rule=name, Ids=["with-path"])
    assert events.list_targets_by_rule(Rule=name)["Targets"] == []
    events.delete_rule(Name=name)


def test_put_targets_errors(events):
    missing = unique_name("missing")
    assert error_of(events.put_targets, Rule=missing,
                    Targets=[{"Id": "1", "Arn": FUNCTION_ARN}]) == (
        "ResourceNotFoundException", "Rule %s does not exist on EventBus default." % missing,
        400)
    assert error_of(events.list_targets_by_rule, Rule=missing)[0] == "ResourceNotFoundException"
    assert error_of(events.remove_targets, Rule=missing, Ids=["1"])[0] == \
        "ResourceNotFoundException"

    name = unique_name("bad-targets")
    events.put_rule(Name=name, ScheduleExpression="rate(1 hour)")
    assert error_of(events.put_targets, Rule=name, Targets=[
        {"Id": "1", "Arn": FUNCTION_ARN, "Input": "{not json"}]) == (
        "ValidationException", "Input for target 1 is not a valid JSON text.", 400)
    code, _, status = error_of(events.put_targets, Rule=name, Targets=[
        {"Id": "1", "Arn": FUNCTION_ARN, "Input": "{}", "InputPath": "$.detail"}])
    assert (code, status) == ("ValidationException", 400)
    code, message, status = error_of(events.put_targets, Rule=name, Targets=[
        {"Id": "bad id!", "Arn": FUNCTION_ARN}])
    assert (code, status) == ("ValidationException", 400)
    assert "'targets.1.member.id'" in message
    code, message, _ = error_of(events.put_targets, Rule=name, Targets=[
        {"Id": "1", "Arn": FUNCTION_ARN, "RetryPolicy": {"MaximumRetryAttempts": 186}}])
    assert code == "ValidationException" and "maximumRetryAttempts" in message
    # Five targets a rule.
    events.put_targets(Rule=name, Targets=[{"Id": str(i), "Arn": FUNCTION_ARN}
                                           for i in range(5)])
    assert error_of(events.put_targets, Rule=name,
                    Targets=[{"Id": "6", "Arn": FUNCTION_ARN}]) == (
        "LimitExceededException", "The requested resource exceeds the maximum number allowed.",
        400)
    assert len(events.list_targets_by_rule(Rule=name)["Targets"]) == 5
    events.remove_targets(Rule=name, Ids=[str(i) for i in range(5)])
    events.delete_rule(Name=name)


def test_rules_with_the_aws_cli(target, tmp_path):
    name = unique_name("cli")
    for cli in ("v2", "v1"):
        aws = AwsCli.for_target(cli, target, tmp_path)
        out = aws.json("events", "put-rule", "--name", name,
                       "--schedule-expression", "rate(1 hour)")
        assert out["RuleArn"] == rule_arn(name)
        aws.json("events", "put-targets", "--rule", name, "--targets",
                 "Id=1,Arn=%s" % FUNCTION_ARN)
        out = aws.json("events", "list-targets-by-rule", "--rule", name)
        assert out["Targets"] == [{"Id": "1", "Arn": FUNCTION_ARN}]
        out = aws.json("events", "describe-rule", "--name", name)
        assert out["ScheduleExpression"] == "rate(1 hour)"
        bad = aws.run("events", "put-rule", "--name", name,
                      "--schedule-expression", "rate(1 hours)", output="json", check=False)
        assert bad.returncode != 0
        assert b"Parameter ScheduleExpression is not valid." in bad.stderr
        aws.json("events", "remove-targets", "--rule", name, "--ids", "1")
        aws.json("events", "delete-rule", "--name", name)


# Scheduler


def schedule_args(**extra):
    args = {"ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Arn": FUNCTION_ARN, "RoleArn": ROLE_ARN}}
    args.update(extra)
    return args


def test_schedule_create_get_update_list_delete(scheduler):
    name = unique_name("sched")
    arn = scheduler.create_schedule(Name=name, **schedule_args(
        Description="hourly", Target={"Arn": FUNCTION_ARN, "RoleArn": ROLE_ARN,
                                      "Input": '{"job": 1}'}))["ScheduleArn"]
    assert arn == "arn:aws:scheduler:us-east-1:%s:schedule/default/%s" % (ACCOUNT, name)
    got = scheduler.get_schedule(Name=name)
    assert (got["Arn"], got["Name"], got["GroupName"], got["ScheduleExpression"],
            got["ScheduleExpressionTimezone"], got["State"], got["Description"]) == (
        arn, name, "default", "rate(1 hour)", "UTC", "ENABLED", "hourly")
    assert got["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert got["Target"]["Arn"] == FUNCTION_ARN and got["Target"]["Input"] == '{"job": 1}'
    assert got["Target"]["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400,
                                            "MaximumRetryAttempts": 185}
    assert isinstance(got["CreationDate"], datetime.datetime)

    start = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + \
        datetime.timedelta(days=1)
    scheduler.update_schedule(Name=name, **schedule_args(
        ScheduleExpression="cron(30 8 * * ? *)", ScheduleExpressionTimezone="Europe/Paris",
        State="DISABLED", StartDate=start, EndDate=start + datetime.timedelta(days=30),
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}))
    got = scheduler.get_schedule(Name=name)
    assert (got["ScheduleExpression"], got["ScheduleExpressionTimezone"], got["State"]) == (
        "cron(30 8 * * ? *)", "Europe/Paris", "DISABLED")
    assert got["StartDate"] == start
    assert got["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    assert "Description" not in got and "Input" not in got["Target"]

    listed = scheduler.list_schedules(NamePrefix=name)["Schedules"]
    assert [(s["Name"], s["State"], s["Target"]) for s in listed] == [
        (name, "DISABLED", {"Arn": FUNCTION_ARN})]
    assert scheduler.list_schedules(NamePrefix=name, State="ENABLED")["Schedules"] == []

    scheduler.delete_schedule(Name=name)
    assert error_of(scheduler.get_schedule, Name=name) == (
        "ResourceNotFoundException", "Schedule %s does not exist." % name, 404)
    assert error_of(scheduler.delete_schedule, Name=name)[0] == "ResourceNotFoundException"
    assert error_of(scheduler.update_schedule, Name=name, **schedule_args())[2] == 404


def test_schedule_conflict_and_at_expression(scheduler):
    name = unique_name("once")
    scheduler.create_schedule(Name=name, **schedule_args(
        ScheduleExpression="at(2030-06-01T09:00:00)", ScheduleExpressionTimezone="UTC"))
    assert error_of(scheduler.create_schedule, Name=name, **schedule_args()) == (
        "ConflictException", "Schedule %s already exists." % name, 409)
    assert scheduler.get_schedule(Name=name)["ScheduleExpression"] == "at(2030-06-01T09:00:00)"
    scheduler.delete_schedule(Name=name)


def test_schedule_validation_errors(scheduler):
    name = unique_name("bad")

    def fails(**kwargs):
        code, message, status = error_of(scheduler.create_schedule, Name=name,
                                         **schedule_args(**kwargs))
        assert (code, status) == ("ValidationException", 400), message
        return message

    fails(ScheduleExpression="rate(1 fortnight)")
    fails(ScheduleExpression="cron(0 12 * * *)")
    fails(ScheduleExpressionTimezone="Mars/Olympus_Mons")
    fails(FlexibleTimeWindow={"Mode": "OFF", "MaximumWindowInMinutes": 5})
    fails(FlexibleTimeWindow={"Mode": "FLEXIBLE"})
    fails(State="PAUSED")
    fails(Target={"Arn": FUNCTION_ARN, "RoleArn": ROLE_ARN, "Input": "{not json"})
    fails(StartDate=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))
    assert error_of(scheduler.get_schedule, Name=name)[0] == "ResourceNotFoundException"
    assert error_of(scheduler.create_schedule, Name=name,
                    **schedule_args(GroupName="no-such-group")) == (
        "ResourceNotFoundException", "Schedule group no-such-group does not exist.", 404)


def test_schedule_groups(scheduler):
    group = unique_name("group")
    scheduler.create_schedule_group(Name=group)
    assert error_of(scheduler.create_schedule_group, Name=group)[0] == "ConflictException"
    assert scheduler.get_schedule_group(Name=group)["State"] == "ACTIVE"
    names = [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]]
    assert "default" in names and group in names
    name = unique_name("in-group")
    arn = scheduler.create_schedule(Name=name, GroupName=group, **schedule_args())["ScheduleArn"]
    assert arn.endswith(":schedule/%s/%s" % (group, name))
    assert error_of(scheduler.get_schedule, Name=name)[0] == "ResourceNotFoundException"
    assert scheduler.get_schedule(Name=name, GroupName=group)["GroupName"] == group
    assert [s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]] == [name]
    scheduler.delete_schedule_group(Name=group)
    assert error_of(scheduler.get_schedule_group, Name=group)[0] == "ResourceNotFoundException"


def test_list_schedules_pages(scheduler):
    prefix = unique_name("p")
    names = ["%s-%d" % (prefix, i) for i in range(5)]
    for n in names:
        scheduler.create_schedule(Name=n, **schedule_args())
    try:
        pages = list(scheduler.get_paginator("list_schedules").paginate(
            NamePrefix=prefix, PaginationConfig={"PageSize": 2}))
        assert [len(p["Schedules"]) for p in pages] == [2, 2, 1]
        assert [s["Name"] for p in pages for s in p["Schedules"]] == names
    finally:
        for n in names:
            scheduler.delete_schedule(Name=n)


def test_schedules_with_the_aws_cli(target, tmp_path):
    for cli in ("v2", "v1"):
        aws = AwsCli.for_target(cli, target, tmp_path)
        name = unique_name("cli")
        aws.json("scheduler", "create-schedule", "--name", name,
                 "--schedule-expression", "rate(5 minutes)", "--flexible-time-window",
                 "Mode=OFF", "--target",
                 json.dumps({"Arn": FUNCTION_ARN, "RoleArn": ROLE_ARN, "Input": "{}"}))
        out = aws.json("scheduler", "get-schedule", "--name", name)
        assert out["ScheduleExpression"] == "rate(5 minutes)"
        out = aws.json("scheduler", "list-schedules", "--name-prefix", name)
        assert [s["Name"] for s in out["Schedules"]] == [name]
        bad = aws.run("scheduler", "get-schedule", "--name", name + "-x", output="json",
                      check=False)
        assert bad.returncode != 0 and b"ResourceNotFoundException" in bad.stderr
        aws.json("scheduler", "delete-schedule", "--name", name)


def test_rules_and_schedules_survive_a_restart(tmp_path, require_evoke):
    server = EvokeServer(tmp_path / "data", tmp_path / "logs")
    server.start()
    try:
        ev = client("events", server.endpoint, server.access_key, server.secret)
        sc = client("scheduler", server.endpoint, server.access_key, server.secret)
        ev.put_rule(Name="kept", ScheduleExpression="rate(1 hour)", State="DISABLED")
        ev.put_targets(Rule="kept", Targets=[{"Id": "t", "Arn": FUNCTION_ARN, "Input": "{}"}])
        sc.create_schedule(Name="kept", **schedule_args())
        assert server.stop() == 0
        server.start()
        ev = client("events", server.endpoint, server.access_key, server.secret)
        sc = client("scheduler", server.endpoint, server.access_key, server.secret)
        d = ev.describe_rule(Name="kept")
        assert (d["ScheduleExpression"], d["State"]) == ("rate(1 hour)", "DISABLED")
        assert ev.list_targets_by_rule(Rule="kept")["Targets"] == [
            {"Id": "t", "Arn": FUNCTION_ARN, "Input": "{}"}]
        assert sc.get_schedule(Name="kept")["ScheduleExpression"] == "rate(1 hour)"
    finally:
        server.stop()
