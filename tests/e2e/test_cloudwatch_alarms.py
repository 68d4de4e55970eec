"""CloudWatch metric alarms (docs/metrics.md, "Alarms"): PutMetricAlarm, DescribeAlarms,
DescribeAlarmHistory, DeleteAlarms, SetAlarmState, EnableAlarmActions/DisableAlarmActions with
boto3 (awsQuery under Debian's boto3, awsJson1.0 under a recent one) and the aws CLI v2 and v1;
CloudWatch's errors for bad input; and an alarm on a failing function's AWS/Lambda Errors
(Sum > 0 over one 60-second period) whose AlarmAction is another function, which must run with
CloudWatch's alarm event once the test clock has moved past the minute.

The module runs a server of its own with --test-clock (the evaluator runs at each minute
boundary of the events clock; the clock only moves forward, and other modules move the session
server's). Waits are for a condition with a deadline, never a bare sleep."""

import json
import time
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aws_cli_runner import AwsCli
from conftest import ACCESS_KEY, LAMBDA_ROLE, SECRET_KEY, Target
from test_events import advance_clock
from test_functions import make_zip
from test_s3_lifecycle import start_clocked, stop_clocked

REGION = "us-east-1"
ACCOUNT = "000000000000"
WAIT = 60  # seconds an evaluation or an asynchronous invocation may take (ASan builds are slow)

FAILING = b"""def handler(event, context):
    raise RuntimeError("asked to fail")
"""

# Prints the event it got on one line of its log, for the test to read back.
ON_ALARM = b"""import json

def handler(event, context):
    print("ALARM-EVENT " + json.dumps(event))
    return {"ok": True}
"""


@pytest.fixture(scope="module")
def cwa(tmp_path_factory):
    server = start_clocked(tmp_path_factory.mktemp("alarms"), roles=True)
    try:
        yield Target(server.endpoint, ACCESS_KEY, SECRET_KEY, server)
    finally:
        stop_clocked(server)


def client(t, service, validate=True):
    return boto3.client(service, endpoint_url=t.endpoint, region_name=REGION,
                        aws_access_key_id=t.access_key, aws_secret_access_key=t.secret,
                        config=Config(retries={"mode": "standard", "total_max_attempts": 1},
                                      read_timeout=120, parameter_validation=validate))


@pytest.fixture(scope="module")
def cw(cwa):
    return client(cwa, "cloudwatch")


def unique(prefix):
    return prefix + "-" + uuid.uuid4().hex[:12]


def wait_for(fn, what, deadline_s=WAIT):
    deadline = time.time() + deadline_s
    while True:
        value = fn()
        if value:
            return value
        if time.time() > deadline:
            pytest.fail("timed out after %ss waiting for %s" % (deadline_s, what))
        time.sleep(0.2)


def error(fn, **kw):
    with pytest.raises(ClientError) as e:
        fn(**kw)
    err = e.value.response["Error"]
    return err["Code"], err.get("Message", ""), e.value.response["ResponseMetadata"][
        "HTTPStatusCode"]


def errors_alarm(name, function, **extra):
    kw = dict(AlarmName=name, Namespace="AWS/Lambda", MetricName="Errors",
              Dimensions=[{"Name": "FunctionName", "Value": function}], Statistic="Sum",
              Period=60, EvaluationPeriods=1, Threshold=0.0,
              ComparisonOperator="GreaterThanThreshold")
    kw.update(extra)
    return kw


def alarm_of(cw, name):
    alarms = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert len(alarms) <= 1
    return alarms[0] if alarms else None


def create_function(lam, code, prefix):
    name = unique(prefix)
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=LAMBDA_ROLE,
                        Handler="app.handler", Code={"ZipFile": make_zip({"app.py": code})},
                        Timeout=30)
    return name


def test_alarm_on_errors_fires_its_lambda_action(cwa, cw):
    lam = client(cwa, "lambda")
    logs = client(cwa, "logs")
    failing = create_function(lam, FAILING, "failing")
    action = create_function(lam, ON_ALARM, "on-alarm")
    alarm = unique("errors")
    alarm_arn = "arn:aws:cloudwatch:%s:%s:alarm:%s" % (REGION, ACCOUNT, alarm)
    action_arn = "arn:aws:lambda:%s:%s:function:%s" % (REGION, ACCOUNT, action)
    # As on AWS, the function's resource policy must let CloudWatch's alarms invoke it.
    lam.add_permission(FunctionName=action, StatementId="alarms", Action="lambda:InvokeFunction",
                       Principal="lambda.alarms.cloudwatch.amazonaws.com", SourceArn=alarm_arn)
    cw.put_metric_alarm(**errors_alarm(alarm, failing, AlarmActions=[action_arn],
                                       AlarmDescription="errors of " + failing))
    described = alarm_of(cw, alarm)
    assert described["StateValue"] == "INSUFFICIENT_DATA"
    assert described["AlarmArn"] == alarm_arn
    assert described["ActionsEnabled"] is True
    assert described["AlarmActions"] == [action_arn]

    out = lam.invoke(FunctionName=failing, Payload=b"{}")
    assert out.get("FunctionError") == "Unhandled"

    # The Errors datapoint is stamped with the events clock; once committed, move the clock
    # past its minute (again if the invocation's minute had already turned) until the alarm
    # fires.
    def errors_recorded():
        now_s = advance_clock(cwa.endpoint, 0) / 1000
        dps = cw.get_metric_statistics(
            Namespace="AWS/Lambda", MetricName="Errors", StartTime=now_s - 600,
            EndTime=now_s + 600, Period=60, Statistics=["Sum"],
            Dimensions=[{"Name": "FunctionName", "Value": failing}])["Datapoints"]
        return sum(d["Sum"] for d in dps) >= 1
    wait_for(errors_recorded, "the Errors datapoint")
    for _ in range(3):
        advance_clock(cwa.endpoint, 60)
        try:
            wait_for(lambda: alarm_of(cw, alarm)["StateValue"] == "ALARM", "ALARM", 20)
            break
        except pytest.fail.Exception:
            continue
    described = alarm_of(cw, alarm)
    assert described["StateValue"] == "ALARM", described
    assert "was greater than the threshold (0.0)" in described["StateReason"]
    reason_data = json.loads(described["StateReasonData"])
    assert reason_data["statistic"] == "Sum" and reason_data["period"] == 60

    def action_event():
        try:
            events = logs.filter_log_events(logGroupName="/aws/lambda/" + action,
                                            filterPattern="ALARM-EVENT")["events"]
        except ClientError:
            return None
        for e in events:
            if "ALARM-EVENT " in e["message"]:
                return json.loads(e["message"].split("ALARM-EVENT ", 1)[1])
        return None
    event = wait_for(action_event, "the action function's log line")
    assert event["source"] == "aws.cloudwatch"
    assert event["alarmArn"] == alarm_arn
    assert event["accountId"] == ACCOUNT and event["region"] == REGION
    data = event["alarmData"]
    assert data["alarmName"] == alarm
    assert data["state"]["value"] == "ALARM"
    assert data["previousState"]["value"] == "INSUFFICIENT_DATA"
    assert data["state"]["timestamp"].endswith("+0000")
    metric = data["configuration"]["metrics"][0]["metricStat"]
    assert metric["metric"] == {"namespace": "AWS/Lambda", "name": "Errors",
                                "dimensions": {"FunctionName": failing}}
    assert metric["period"] == 60 and metric["stat"] == "Sum"
    assert data["configuration"]["description"] == "errors of " + failing

    history = cw.describe_alarm_history(AlarmName=alarm)["AlarmHistoryItems"]
    kinds = [h["HistoryItemType"] for h in history]
    assert "ConfigurationUpdate" in kinds and "StateUpdate" in kinds and "Action" in kinds
    actions = cw.describe_alarm_history(AlarmName=alarm, HistoryItemType="Action")[
        "AlarmHistoryItems"]
    assert actions[0]["HistorySummary"] == "Successfully executed action " + action_arn
    update = [h for h in history if h["HistorySummary"] ==
              "Alarm updated from INSUFFICIENT_DATA to ALARM"]
    assert update, history
    assert json.loads(update[0]["HistoryData"])["newState"]["stateValue"] == "ALARM"
    cw.delete_alarms(AlarmNames=[alarm])


def test_alarm_api_with_boto3(cw):
    name = unique("api")
    sns = "arn:aws:sns:us-east-1:%s:topic" % ACCOUNT
    cw.put_metric_alarm(AlarmName=name, Namespace="App/Alarms", MetricName="Latency",
                        ExtendedStatistic="p99", Period=300, EvaluationPeriods=3,
                        DatapointsToAlarm=2, Threshold=250.5,
                        ComparisonOperator="GreaterThanOrEqualToThreshold",
                        TreatMissingData="notBreaching", Unit="Milliseconds", AlarmActions=[sns])
    other = unique("api")
    cw.put_metric_alarm(**errors_alarm(other, "nobody"))
    a = alarm_of(cw, name)
    assert a["ExtendedStatistic"] == "p99" and a["DatapointsToAlarm"] == 2
    assert a["TreatMissingData"] == "notBreaching" and a["Threshold"] == 250.5
    assert a["StateReason"] == "Unchecked: Initial alarm creation"
    assert a["StateUpdatedTimestamp"].tzinfo is not None
    prefixed = cw.describe_alarms(AlarmNamePrefix="api-", ActionPrefix="arn:aws:sns")
    assert [x["AlarmName"] for x in prefixed["MetricAlarms"]] == [name]
    assert cw.describe_alarms(AlarmNames=[name], StateValue="ALARM")["MetricAlarms"] == []

    # SetAlarmState runs the new state's actions: an SNS topic is recorded as a failed action.
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="by hand",
                       StateReasonData='{"why": "testing"}')
    a = alarm_of(cw, name)
    assert a["StateValue"] == "ALARM" and a["StateReason"] == "by hand"
    actions = cw.describe_alarm_history(AlarmName=name, HistoryItemType="Action")[
        "AlarmHistoryItems"]
    assert len(actions) == 1 and "not supported by evoke" in actions[0]["HistorySummary"]
    assert json.loads(actions[0]["HistoryData"])["actionState"] == "Failed"

    cw.disable_alarm_actions(AlarmNames=[name])
    assert alarm_of(cw, name)["ActionsEnabled"] is False
    cw.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="by hand")
    assert len(cw.describe_alarm_history(AlarmName=name, HistoryItemType="Action")[
        "AlarmHistoryItems"]) == 1
    cw.enable_alarm_actions(AlarmNames=[name])
    assert alarm_of(cw, name)["ActionsEnabled"] is True

    ascending = cw.describe_alarm_history(AlarmName=name, ScanBy="TimestampAscending",
                                          MaxRecords=1)
    assert ascending["AlarmHistoryItems"][0]["HistoryItemType"] == "ConfigurationUpdate"
    rest = cw.describe_alarm_history(AlarmName=name, ScanBy="TimestampAscending",
                                     NextToken=ascending["NextToken"])
    assert [h["HistorySummary"] for h in rest["AlarmHistoryItems"]][:1] == [
        "Alarm updated from INSUFFICIENT_DATA to ALARM"]
    updates = cw.describe_alarm_history(AlarmName=name, HistoryItemType="StateUpdate")
    assert [h["HistorySummary"] for h in updates["AlarmHistoryItems"]] == [
        "Alarm updated from ALARM to OK", "Alarm updated from INSUFFICIENT_DATA to ALARM"]

    page = cw.describe_alarms(AlarmNamePrefix="api-", MaxRecords=1)
    assert len(page["MetricAlarms"]) == 1 and "NextToken" in page
    cw.delete_alarms(AlarmNames=[name, other])
    assert alarm_of(cw, name) is None and alarm_of(cw, other) is None


def test_bad_input(cwa, cw):
    loose = client(cwa, "cloudwatch", validate=False)  # botocore checks minimums itself
    good = errors_alarm(unique("bad"), "f")
    code, message, status = error(loose.put_metric_alarm,
                                  **dict(good, ComparisonOperator="Bigger"))
    assert (code, status) == ("ValidationError", 400)
    assert "comparisonOperator" in message
    code, message, status = error(loose.put_metric_alarm, **dict(good, EvaluationPeriods=0))
    assert (code, status) == ("ValidationError", 400)
    assert message == ("1 validation error detected: Value '0' at 'evaluationPeriods' failed to "
                       "satisfy constraint: Member must have value greater than or equal to 1")
    code, _, status = error(cw.put_metric_alarm, **dict(good, Period=30))
    assert (code, status) == ("ValidationError", 400)
    code, message, _ = error(cw.put_metric_alarm, **dict(good, Metrics=[
        {"Id": "m1", "Expression": "SUM(METRICS())"}]))
    assert code == "ValidationError" and "not supported by evoke" in message
    code, _, status = error(cw.delete_alarms, AlarmNames=[unique("nope")])
    assert (code, status) == ("ResourceNotFound", 404)
    code, _, status = error(cw.set_alarm_state, AlarmName=unique("nope"), StateValue="OK",
                            StateReason="r")
    assert (code, status) == ("ResourceNotFound", 404)
    code, _, _ = error(cw.describe_alarms, NextToken="not-a-token")
    assert code == "InvalidNextToken"
    assert alarm_of(cw, good["AlarmName"]) is None


@pytest.fixture(params=["v2", "v1"])
def cli(request, cwa, tmp_path_factory):
    return AwsCli.for_target(request.param, cwa, tmp_path_factory.mktemp("aws-home")).with_env(
        AWS_MAX_ATTEMPTS="1")


def test_cli(cli, cw):
    name = unique("cli")
    cli.run("cloudwatch", "put-metric-alarm", "--alarm-name", name, "--namespace", "App/Cli",
            "--metric-name", "Depth", "--statistic", "Maximum", "--period", "60",
            "--evaluation-periods", "2", "--threshold", "10", "--comparison-operator",
            "LessThanThreshold", "--dimensions", "Name=Queue,Value=q1",
            # "missing": with no data the evaluator, should a minute boundary pass before the
            # describe, leaves the alarm in INSUFFICIENT_DATA ("breaching" would make it ALARM).
            "--treat-missing-data", "missing")
    out = cli.json("cloudwatch", "describe-alarms", "--alarm-names", name)
    [alarm] = out["MetricAlarms"]
    assert alarm["Dimensions"] == [{"Name": "Queue", "Value": "q1"}]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA" and alarm["Threshold"] == 10.0
    cli.run("cloudwatch", "set-alarm-state", "--alarm-name", name, "--state-value", "ALARM",
            "--state-reason", "from the CLI")
    assert alarm_of(cw, name)["StateValue"] == "ALARM"
    out = cli.json("cloudwatch", "describe-alarm-history", "--alarm-name", name,
                   "--history-item-type", "StateUpdate")
    assert out["AlarmHistoryItems"][0]["HistorySummary"] == (
        "Alarm updated from INSUFFICIENT_DATA to ALARM")
    cli.run("cloudwatch", "disable-alarm-actions", "--alarm-names", name)
    assert alarm_of(cw, name)["ActionsEnabled"] is False
    code, _ = cli.error("cloudwatch", "put-metric-alarm", "--alarm-name", name, "--namespace",
                        "App/Cli", "--metric-name", "Depth", "--statistic", "Maximum",
                        "--period", "60", "--evaluation-periods", "1", "--threshold", "1",
                        "--comparison-operator", "Bigger")
    assert code == "ValidationError"
    cli.run("cloudwatch", "delete-alarms", "--alarm-names", name)
    assert alarm_of(cw, name) is None
