#!/root/.pyenv/versions/3.11.7/bin/python3
"""Records botocore's own request serialization as fixtures for evoke's query and CBOR codecs.

For each case below, botocore serializes the input with the service's real model (the 'query'
serializer for IAM, STS and CloudWatch's query protocol, 'smithy-rpc-v2-cbor' for CloudWatch's
newest protocol) and this script writes tests/codecs/requests/<name>.json:
  {"protocol", "service", "operation", "params" (the botocore input, datetimes as ISO 8601),
   "body" (base64 of the exact bytes botocore sends), "expected" (the document evoke's decoder
   must produce, derived from the input and the model, not from the body)}.
It then writes src/api/query_codec_test_fixtures.inc and src/api/cbor_codec_test_fixtures.inc,
which embed those bodies and expectations, plus the golden responses of
tests/codecs/responses/*.json (C++-rendered samples that test_codec_golden.py has botocore
parse), so the unit test binary reads no files.

Needs botocore >= 1.36 (RpcV2CBORSerializer): run with /root/.pyenv/versions/3.11.7/bin/python3.
Rerun after changing a case or a golden response, and commit what it writes.
"""

import base64
import datetime
import json
import pathlib

import botocore
import botocore.awsrequest
import botocore.serialize
import botocore.session

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REQUESTS = HERE / "requests"
RESPONSES = HERE / "responses"

T0 = datetime.datetime(2024, 5, 1, 12, 30, 15, tzinfo=datetime.timezone.utc)
T1 = datetime.datetime(2024, 5, 1, 13, 30, 15, tzinfo=datetime.timezone.utc)

POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                   "Resource": "arn:aws:s3:::bucket/a+b & c=d/*"}],
}, indent=2)

METRIC_DATA = [
    {"MetricName": "Latency", "Timestamp": T0, "Unit": "Milliseconds",
     "Dimensions": [{"Name": "Service", "Value": "api"}, {"Name": "Stage", "Value": "prod"}],
     "Values": [1.5, 2.0, 250.25], "Counts": [3.0, 1.0, 1.0]},
    {"MetricName": "Errors", "Value": 0.25, "StorageResolution": 1, "Unit": "Count"},
]

CW_STATS = {"Namespace": "App/Web", "MetricName": "Latency",
            "Dimensions": [{"Name": "Service", "Value": "api"}],
            "StartTime": T0, "EndTime": T1, "Period": 300,
            "Statistics": ["Average", "Maximum", "SampleCount"]}

CW_ALARM_STATE = {"AlarmName": "high-latency", "StateValue": "ALARM",
                  "StateReason": "Threshold crossed: 1 datapoint > 100 (\"p99\")",
                  "StateReasonData": json.dumps({"version": "1.0", "queryDate": "2024-05-01"})}

CW_ENTITY = {"Namespace": "App/Web",
             "EntityMetricData": [{
                 "Entity": {"KeyAttributes": {"Type": "Service", "Name": "api",
                                              "Environment": "prod"},
                            "Attributes": {"PlatformType": "Generic"}},
                 "MetricData": [{"MetricName": "Requests", "Value": 7.0, "Unit": "Count"}]}]}

# (name, protocol, service, operation, params)
CASES = [
    ("iam-CreateUser", "query", "iam", "CreateUser",
     {"UserName": "alice", "Path": "/eng/",
      "Tags": [{"Key": "team", "Value": "core infra"}, {"Key": "empty", "Value": ""},
               {"Key": "unicode", "Value": "gr\u00fc\u00dfe \u20ac \u65e5\u672c"}]}),
    ("iam-PutUserPolicy", "query", "iam", "PutUserPolicy",
     {"UserName": "alice", "PolicyName": "s3-rw", "PolicyDocument": POLICY}),
    ("iam-DeleteUser", "query", "iam", "DeleteUser", {"UserName": "alice"}),
    ("sts-AssumeRole", "query", "sts", "AssumeRole",
     {"RoleArn": "arn:aws:iam::000000000000:role/deploy", "RoleSessionName": "ci-42",
      "DurationSeconds": 3600,
      "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
                     {"arn": "arn:aws:iam::000000000000:policy/extra"}],
      "Tags": [{"Key": "project", "Value": "evoke"}], "TransitiveTagKeys": ["project"]}),
    ("cloudwatch-PutMetricData", "query", "cloudwatch", "PutMetricData",
     {"Namespace": "App/Web", "MetricData": METRIC_DATA}),
    ("cloudwatch-PutMetricData-entity", "query", "cloudwatch", "PutMetricData", CW_ENTITY),
    ("cloudwatch-GetMetricStatistics", "query", "cloudwatch", "GetMetricStatistics", CW_STATS),
    ("cloudwatch-DescribeAlarms-empty-list", "query", "cloudwatch", "DescribeAlarms",
     {"AlarmNames": [], "StateValue": "ALARM", "MaxRecords": 10}),
    ("cloudwatch-SetAlarmState", "query", "cloudwatch", "SetAlarmState", CW_ALARM_STATE),
    ("cloudwatch-PutMetricData", "smithy-rpc-v2-cbor", "cloudwatch", "PutMetricData",
     {"Namespace": "App/Web", "MetricData": METRIC_DATA}),
    ("cloudwatch-PutMetricData-entity", "smithy-rpc-v2-cbor", "cloudwatch", "PutMetricData",
     CW_ENTITY),
    ("cloudwatch-GetMetricStatistics", "smithy-rpc-v2-cbor", "cloudwatch",
     "GetMetricStatistics", CW_STATS),
    ("cloudwatch-DescribeAlarms-empty-list", "smithy-rpc-v2-cbor", "cloudwatch",
     "DescribeAlarms", {"AlarmNames": [], "StateValue": "ALARM", "MaxRecords": 10}),
    ("cloudwatch-SetAlarmState", "smithy-rpc-v2-cbor", "cloudwatch", "SetAlarmState",
     CW_ALARM_STATE),
    ("cloudwatch-ListDashboards-no-input", "smithy-rpc-v2-cbor", "cloudwatch", "ListDashboards",
     {}),
]


def expected_query(value, shape, serializer):
    """The document evoke's ParseQueryRequest must produce: the model's nesting, every
    scalar the string botocore sends, an empty list "" (it is sent as `Name=`)."""
    t = shape.type_name
    if t == "structure":
        return {shape.members[k].serialization.get("name", k):
                expected_query(v, shape.members[k], serializer) for k, v in value.items()}
    if t == "list":
        return [expected_query(v, shape.member, serializer) for v in value] if value else ""
    if t == "map":
        return {k: expected_query(v, shape.value, serializer) for k, v in value.items()}
    if t == "boolean":
        return "true" if value else "false"
    if t == "timestamp":
        return serializer._convert_timestamp_to_str(
            value, shape.serialization.get("timestampFormat"))
    return str(value)


def expected_cbor(value, shape, serializer):
    """The document evoke's DecodeCborInput must produce: tag 1 timestamps as their number."""
    t = shape.type_name
    if t == "structure":
        return {shape.members[k].serialization.get("name", k):
                expected_cbor(v, shape.members[k], serializer) for k, v in value.items()}
    if t == "list":
        return [expected_cbor(v, shape.member, serializer) for v in value]
    if t == "map":
        return {k: expected_cbor(v, shape.value, serializer) for k, v in value.items()}
    if t == "timestamp":
        return serializer._convert_timestamp_to_str(value)
    if t in ("float", "double"):
        return float(value)
    if t == "blob":
        raise ValueError("no blob inputs in these cases: JSON cannot express them")
    return value


def jsonable(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def wire_body(protocol, operation_model, params):
    """The exact bytes botocore puts on the wire for this request."""
    serializer = botocore.serialize.create_serializer(protocol, include_validation=True)
    request_dict = serializer.serialize_to_request(params, operation_model)
    botocore.awsrequest.prepare_request_dict(request_dict, "https://example.amazonaws.com")
    prepared = botocore.awsrequest.create_request_object(request_dict).prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    # The validating decorator wraps the serializer; the expectations use its scalar rules.
    return getattr(serializer, "_serializer", serializer), request_dict, body


def record(session, name, protocol, service, operation, params):
    model = session.get_service_model(service)
    op = model.operation_model(operation)
    serializer, request_dict, body = wire_body(protocol, op, params)
    if protocol == "query":
        expected = expected_query(params, op.input_shape, serializer)
    else:
        expected = expected_cbor(params, op.input_shape, serializer)
    return {
        "name": f"{protocol}-{name}",
        "protocol": protocol,
        "service": service,
        "operation": operation,
        "botocore": botocore.__version__,
        "url_path": request_dict["url_path"],
        "headers": {k: v for k, v in request_dict["headers"].items() if k != "User-Agent"},
        "params": jsonable(params),
        "body": base64.b64encode(body).decode(),
        "expected": expected,
    }


def literal(text):
    assert ")fixture\"" not in text
    return 'R"fixture(' + text + ')fixture"'


def write_inc(path, struct, header_lines, requests, responses):
    lines = [
        "// Generated by tests/codecs/record_requests.py from botocore's serializers and the",
        "// golden responses in tests/codecs/responses/; do not edit, rerun the script.",
        "// Included by the codec's unit test only.",
        "",
        *header_lines,
        "",
        f"inline const {struct}RequestFixture k{struct}Requests[] = {{",
    ]
    for r in requests:
        lines.append(f"    {{{literal(r['name'])}, {literal(r['operation'])},")
        lines.append(f"     {literal(r['body_field'])},")
        lines.append(f"     {literal(json.dumps(r['expected'], sort_keys=True))}}},")
    lines += ["};", "", f"inline const {struct}ResponseFixture k{struct}Responses[] = {{"]
    for r in responses:
        lines.append(f"    {{{literal(r['name'])}, {literal(r['operation'])},")
        lines.append(f"     {literal(json.dumps(r['input']))},")
        lines.append(f"     {literal(r['body'] or '')}}},")
    lines += ["};", ""]
    path.write_text("\n".join(lines))


def main():
    session = botocore.session.get_session()
    REQUESTS.mkdir(exist_ok=True)
    by_protocol = {"query": [], "smithy-rpc-v2-cbor": []}
    for case in CASES:
        fixture = record(session, *case)
        (REQUESTS / f"{fixture['name']}.json").write_text(
            json.dumps(fixture, indent=2, ensure_ascii=False) + "\n")
        raw = base64.b64decode(fixture["body"])
        fixture["body_field"] = raw.decode() if case[1] == "query" else fixture["body"]
        by_protocol[case[1]].append(fixture)

    responses = {"query": [], "smithy-rpc-v2-cbor": []}
    for path in sorted(RESPONSES.glob("*.json")):
        golden = json.loads(path.read_text())
        responses[golden["protocol"]].append(golden)

    write_inc(ROOT / "src/api/query_codec_test_fixtures.inc", "Query", [
        "// A request: its form body as botocore sends it and the document it must parse into.",
        "struct QueryRequestFixture { const char* name; const char* action; const char* body;",
        "                              const char* expected; };",
        "// A golden response: the document given to the renderer (an error: {type, code,",
        "// message, details}) and the exact XML it renders, which botocore's QueryParser reads.",
        "struct QueryResponseFixture { const char* name; const char* action; const char* input;",
        "                               const char* body; };",
    ], by_protocol["query"], responses["query"])
    write_inc(ROOT / "src/api/cbor_codec_test_fixtures.inc", "Cbor", [
        "// A request: the base64 of the CBOR body botocore sends and the document it decodes to.",
        "struct CborRequestFixture { const char* name; const char* operation;",
        "                             const char* body_base64; const char* expected; };",
        "// A golden response: the document given to the encoder ({\"$timestamp\": s} stands for",
        "// CborTimestamp(s); an error: {code, message}) and the base64 of the CBOR it encodes",
        "// to, which botocore's RpcV2CBORParser reads.",
        "struct CborResponseFixture { const char* name; const char* operation; const char* input;",
        "                              const char* body; };",
    ], by_protocol["smithy-rpc-v2-cbor"], responses["smithy-rpc-v2-cbor"])
    print(f"{sum(map(len, by_protocol.values()))} requests, "
          f"{sum(map(len, responses.values()))} responses (botocore {botocore.__version__})")


if __name__ == "__main__":
    main()
