"""CloudWatch Logs through boto3 (default settings) and the aws CLI v2: groups and streams,
PutLogEvents, GetLogEvents paged both ways to the end, FilterLogEvents with filter patterns,
`aws logs tail` (and --follow seeing events written while it runs), the errors CloudWatch Logs
gives, and events surviving a restart."""

import subprocess
import threading
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import EvokeServer, unique_name

def logs_client(endpoint, access_key, secret):
    return boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=access_key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))


@pytest.fixture
def logs(target):
    return logs_client(target.endpoint, target.access_key, target.secret)


@pytest.fixture
def group(logs):
    name = "/aws/lambda/" + unique_name("logs")
    logs.create_log_group(logGroupName=name)
    yield name
    try:
        logs.delete_log_group(logGroupName=name)
    except ClientError:
        pass


def now_ms():
    return int(time.time() * 1000)


def put(logs, group, stream, messages, start=None):
    start = now_ms() - 1000 if start is None else start
    events = [{"timestamp": start + i, "message": m} for i, m in enumerate(messages)]
    return logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    err = e.value.response["Error"]
    return err["Code"], err.get("Message"), e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_groups_streams_and_describe(logs, group):
    for s in ("b-stream", "a-stream", "c-other"):
        logs.create_log_stream(logGroupName=group, logStreamName=s)
    base = now_ms() - 10_000
    put(logs, group, "a-stream", ["a1"], start=base + 300)
    put(logs, group, "b-stream", ["b1", "b2"], start=base + 100)
    put(logs, group, "c-other", ["c1"], start=base + 200)

    got = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert [g["logGroupName"] for g in got] == [group]
    g = got[0]
    assert g["arn"].endswith(":log-group:%s:*" % group)
    assert g["storedBytes"] == 4 * 26 + len("a1b1b2c1")
    assert "retentionInDays" not in g

    def names(**kw):
        return [s["logStreamName"] for s in
                logs.describe_log_streams(logGroupName=group, **kw)["logStreams"]]

    assert names() == ["a-stream", "b-stream", "c-other"]
    assert names(descending=True) == ["c-other", "b-stream", "a-stream"]
    assert names(logStreamNamePrefix="c-") == ["c-other"]
    assert names(orderBy="LastEventTime") == ["b-stream", "c-other", "a-stream"]
    assert names(orderBy="LastEventTime", descending=True) == ["a-stream", "c-other", "b-stream"]
    b = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="b")["logStreams"][0]
    assert (b["firstEventTimestamp"], b["lastEventTimestamp"]) == (base + 100, base + 101)
    assert b["lastIngestionTime"] >= b["creationTime"]

    # Pages of one, through the paginator.
    pages = list(logs.get_paginator("describe_log_streams").paginate(
        logGroupName=group, PaginationConfig={"PageSize": 1}))
    assert [p["logStreams"][0]["logStreamName"] for p in pages] == [
        "a-stream", "b-stream", "c-other"]
    pages = list(logs.get_paginator("describe_log_streams").paginate(
        logGroupName=group, orderBy="LastEventTime", descending=True,
        PaginationConfig={"PageSize": 2}))
    assert [s["logStreamName"] for p in pages for s in p["logStreams"]] == [
        "a-stream", "c-other", "b-stream"]


def test_describe_log_groups_pages(logs):
    prefix = "/evoke/pages/" + unique_name("g")
    made = ["%s/%02d" % (prefix, i) for i in range(5)]
    for n in made:
        logs.create_log_group(logGroupName=n)
    try:
        pages = list(logs.get_paginator("describe_log_groups").paginate(
            logGroupNamePrefix=prefix, PaginationConfig={"PageSize": 2}))
        assert [len(p["logGroups"]) for p in pages] == [2, 2, 1]
        assert [g["logGroupName"] for p in pages for g in p["logGroups"]] == made
    finally:
        for n in made:
            logs.delete_log_group(logGroupName=n)


def test_get_log_events_both_directions_to_the_end(logs, group):
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    messages = ["event %03d" % i for i in range(25)]
    put(logs, group, "s", messages)

    # Newest first page by default, then backwards until the token stops moving.
    seen = []
    resp = logs.get_log_events(logGroupName=group, logStreamName="s", limit=10)
    assert [e["message"] for e in resp["events"]] == messages[15:]
    seen = [e["message"] for e in resp["events"]]
    token = resp["nextBackwardToken"]
    for _ in range(10):
        resp = logs.get_log_events(logGroupName=group, logStreamName="s", limit=10,
                                   nextToken=token)
        if resp["nextBackwardToken"] == token:
            assert resp["events"] == []
            break
        seen = [e["message"] for e in resp["events"]] + seen
        token = resp["nextBackwardToken"]
    else:
        pytest.fail("backward paging never ended")
    assert seen == messages
    # At the start, the forward token turns round and includes the first event.
    turned = logs.get_log_events(logGroupName=group, logStreamName="s", limit=3,
                                 nextToken=resp["nextForwardToken"])
    assert [e["message"] for e in turned["events"]] == messages[:3]

    # From the head forwards, the same way.
    seen = []
    resp = logs.get_log_events(logGroupName=group, logStreamName="s", limit=7,
                               startFromHead=True)
    seen += [e["message"] for e in resp["events"]]
    token = resp["nextForwardToken"]
    for _ in range(10):
        resp = logs.get_log_events(logGroupName=group, logStreamName="s", limit=7,
                                   nextToken=token)
        if resp["nextForwardToken"] == token:
            assert resp["events"] == []
            break
        seen += [e["message"] for e in resp["events"]]
        token = resp["nextForwardToken"]
    else:
        pytest.fail("forward paging never ended")
    assert seen == messages

    # At the end, the backward token turns round and includes the last event.
    turned = logs.get_log_events(logGroupName=group, logStreamName="s", limit=2,
                                 nextToken=resp["nextBackwardToken"])
    assert [e["message"] for e in turned["events"]] == messages[-2:]

    # The forward token at the end sees what is written later.
    put(logs, group, "s", ["later"], start=now_ms())
    resp = logs.get_log_events(logGroupName=group, logStreamName="s", nextToken=token)
    assert [e["message"] for e in resp["events"]] == ["later"]
    assert resp["events"][0]["ingestionTime"] > 0

    # A time window: startTime inclusive, endTime exclusive.
    first = logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True,
                                limit=1)["events"][0]["timestamp"]
    window = logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True,
                                 startTime=first + 2, endTime=first + 5)["events"]
    assert [e["message"] for e in window] == messages[2:5]


def test_cli_get_log_events(aws_v2, logs, group):
    logs.create_log_stream(logGroupName=group, logStreamName="cli")
    put(logs, group, "cli", ["hello from cli test", "second line"])
    out = aws_v2.json("logs", "get-log-events", "--log-group-name", group,
                      "--log-stream-name", "cli", "--start-from-head")
    assert [e["message"] for e in out["events"]] == ["hello from cli test", "second line"]
    groups = aws_v2.json("logs", "describe-log-groups", "--log-group-name-prefix", group)
    assert [g["logGroupName"] for g in groups["logGroups"]] == [group]
    streams = aws_v2.json("logs", "describe-log-streams", "--log-group-name", group)
    assert [s["logStreamName"] for s in streams["logStreams"]] == ["cli"]


def test_filter_log_events_patterns(logs, aws_v2, group):
    for s in ("app-1", "app-2", "worker"):
        logs.create_log_stream(logGroupName=group, logStreamName=s)
    base = now_ms() - 5000
    put(logs, group, "app-1", ["[ERROR] disk full", "[INFO] started"], start=base)
    put(logs, group, "app-2", ["[WARN] low memory", "[ERROR] disk full, retrying"],
        start=base + 10)
    put(logs, group, "worker", ["[ERROR] network down"], start=base + 20)

    def messages(**kw):
        events = []
        for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group, **kw):
            events += page["events"]
        return [e["message"] for e in events]

    assert messages() == ["[ERROR] disk full", "[INFO] started", "[WARN] low memory",
                          "[ERROR] disk full, retrying", "[ERROR] network down"]
    assert messages(filterPattern="ERROR") == [
        "[ERROR] disk full", "[ERROR] disk full, retrying", "[ERROR] network down"]
    assert messages(filterPattern="ERROR disk") == [
        "[ERROR] disk full", "[ERROR] disk full, retrying"]
    assert messages(filterPattern='"disk full, retrying"') == ["[ERROR] disk full, retrying"]
    assert messages(filterPattern="?WARN ?INFO") == ["[INFO] started", "[WARN] low memory"]
    assert messages(filterPattern="ERROR -retrying") == [
        "[ERROR] disk full", "[ERROR] network down"]
    assert messages(filterPattern="error") == []  # case sensitive
    assert messages(logStreamNames=["worker", "app-1"], filterPattern="ERROR") == [
        "[ERROR] disk full", "[ERROR] network down"]
    assert messages(logStreamNamePrefix="app-", filterPattern="ERROR") == [
        "[ERROR] disk full", "[ERROR] disk full, retrying"]
    assert messages(startTime=base + 10, endTime=base + 20) == [
        "[WARN] low memory", "[ERROR] disk full, retrying"]
    # Pages of two, by limit and nextToken, lose nothing.
    resp = logs.filter_log_events(logGroupName=group, limit=2)
    assert len(resp["events"]) == 2 and "nextToken" in resp
    ids = {e["eventId"] for e in resp["events"]}
    resp2 = logs.filter_log_events(logGroupName=group, limit=2, nextToken=resp["nextToken"])
    assert [e["message"] for e in resp2["events"]] == [
        "[WARN] low memory", "[ERROR] disk full, retrying"]
    assert ids.isdisjoint(e["eventId"] for e in resp2["events"])
    searched = {s["logStreamName"] for s in resp["searchedLogStreams"]}
    assert searched == {"app-1", "app-2", "worker"}

    code, message, status = error_of(logs.filter_log_events, logGroupName=group,
                                     filterPattern='{ $.level = "ERROR" }')
    assert (code, status) == ("InvalidParameterException", 400)

    out = aws_v2.json("logs", "filter-log-events", "--log-group-name", group,
                      "--filter-pattern", "?WARN ?network")
    assert [e["message"] for e in out["events"]] == ["[WARN] low memory", "[ERROR] network down"]


def test_tail_and_follow(aws_v2, logs, group):
    logs.create_log_stream(logGroupName=group, logStreamName="tail")
    put(logs, group, "tail", ["before tail one", "before tail two"])
    out = aws_v2.out("logs", "tail", group)
    assert "tail before tail one" in out and "before tail two" in out

    proc = subprocess.Popen(aws_v2.command("logs", "tail", group, "--follow", "--format",
                                           "short"),
                            env=dict(aws_v2.env, PYTHONUNBUFFERED="1"),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    lines = []
    done = threading.Event()

    def reader():
        for line in proc.stdout:
            lines.append(line.decode(errors="replace"))
            if "written while following" in lines[-1]:
                done.set()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        # Its first poll shows what is there; then it polls every few seconds.
        deadline = time.monotonic() + 30
        while not any("before tail two" in l for l in lines):
            assert time.monotonic() < deadline, "tail --follow printed nothing: %r" % lines
            time.sleep(0.1)
        put(logs, group, "tail", ["written while following"], start=now_ms())
        assert done.wait(30), "tail --follow did not print the new event: %r" % lines
    finally:
        proc.terminate()
        proc.wait(10)
    assert sum("before tail two" in l for l in lines) == 1  # no repeats across polls


def test_errors(logs, group):
    missing = group + "-missing"
    assert error_of(logs.describe_log_streams, logGroupName=missing) == (
        "ResourceNotFoundException", "The specified log group does not exist.", 400)
    assert error_of(logs.get_log_events, logGroupName=group, logStreamName="nope") == (
        "ResourceNotFoundException", "The specified log stream does not exist.", 400)
    assert error_of(logs.put_log_events, logGroupName=group, logStreamName="nope",
                    logEvents=[{"timestamp": now_ms(), "message": "x"}])[0] == (
        "ResourceNotFoundException")
    assert error_of(logs.filter_log_events, logGroupName=missing)[0] == "ResourceNotFoundException"
    assert error_of(logs.create_log_group, logGroupName=group) == (
        "ResourceAlreadyExistsException", "The specified log group already exists", 400)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    assert error_of(logs.create_log_stream, logGroupName=group, logStreamName="s") == (
        "ResourceAlreadyExistsException", "The specified log stream already exists", 400)
    assert error_of(logs.create_log_stream, logGroupName=missing, logStreamName="s")[0] == (
        "ResourceNotFoundException")
    code, message, _ = error_of(logs.put_retention_policy, logGroupName=group, retentionInDays=2)
    assert code == "InvalidParameterException" and "retentionInDays" in message
    code, message, _ = error_of(logs.put_log_events, logGroupName=group, logStreamName="s",
                                logEvents=[{"timestamp": now_ms(), "message": "b"},
                                           {"timestamp": now_ms() - 5000, "message": "a"}])
    assert code == "InvalidParameterException" and "chronological" in message
    code, _, _ = error_of(logs.describe_log_streams, logGroupName=group, orderBy="LastEventTime",
                          logStreamNamePrefix="s")
    assert code == "InvalidParameterException"
    code, _, _ = error_of(logs.get_log_events, logGroupName=group, logStreamName="s",
                          nextToken="not-a-token")
    assert code == "InvalidParameterException"
    # Names the service refuses (boto3 checks lengths, not patterns).
    code, message, _ = error_of(logs.create_log_group, logGroupName="bad name!")
    assert code == "InvalidParameterException" and "logGroupName" in message
    logs.delete_log_stream(logGroupName=group, logStreamName="s")
    assert error_of(logs.delete_log_stream, logGroupName=group, logStreamName="s")[0] == (
        "ResourceNotFoundException")


def test_put_log_events_rejects_too_old_and_too_new(logs, group):
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = now_ms()
    day = 86_400_000
    resp = logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now - 14 * day - 60_000, "message": "too old"},
        {"timestamp": now - 14 * day - 30_000, "message": "too old too"},
        {"timestamp": now - 14 * day + 60_000, "message": "kept"},
    ])
    assert resp["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 2}
    events = logs.get_log_events(logGroupName=group, logStreamName="s")["events"]
    assert [e["message"] for e in events] == ["kept"]
    resp = logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now, "message": "now"},
        {"timestamp": now + 3 * 3_600_000, "message": "too new"},
    ])
    assert resp["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 1}
    code, message, _ = error_of(logs.put_log_events, logGroupName=group, logStreamName="s",
                                logEvents=[{"timestamp": now - 2 * day, "message": "a"},
                                           {"timestamp": now, "message": "b"}])
    assert code == "InvalidParameterException" and "24 hours" in message


def test_retention_policy_shows_and_goes(logs, group):
    logs.put_retention_policy(logGroupName=group, retentionInDays=7)
    g = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert g["retentionInDays"] == 7
    logs.delete_retention_policy(logGroupName=group)
    g = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert "retentionInDays" not in g


def test_wrong_secret_is_rejected(target):
    bad = logs_client(target.endpoint, target.access_key, "x" * 40)
    code, _, status = error_of(bad.describe_log_groups)
    assert (code, status) == ("InvalidSignatureException", 400)


def test_events_survive_a_restart(tmp_path, require_evoke):
    server = EvokeServer(tmp_path / "data", tmp_path / "logs")
    server.start()
    try:
        client = logs_client(server.endpoint, server.access_key, server.secret)
        client.create_log_group(logGroupName="/aws/lambda/kept")
        client.create_log_stream(logGroupName="/aws/lambda/kept", logStreamName="s")
        put(client, "/aws/lambda/kept", "s", ["one", "two"])
        client.put_retention_policy(logGroupName="/aws/lambda/kept", retentionInDays=30)
        assert server.stop() == 0
        server.start()
        client = logs_client(server.endpoint, server.access_key, server.secret)
        events = client.get_log_events(logGroupName="/aws/lambda/kept", logStreamName="s",
                                       startFromHead=True)["events"]
        assert [e["message"] for e in events] == ["one", "two"]
        g = client.describe_log_groups(logGroupNamePrefix="/aws/lambda/kept")["logGroups"][0]
        assert g["retentionInDays"] == 30
    finally:
        assert server.stop() == 0
