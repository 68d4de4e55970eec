"""botocore's own parsers read what evoke's query and CBOR codecs render.

tests/codecs/responses/*.json hold C++-rendered responses ("body": XML text, or base64 CBOR);
the unit tests (src/api/*_codec_test.cc) assert the renderers produce exactly those bytes, and
this file asserts that botocore's QueryParser / RpcV2CBORParser, given the real model's output
shape, parse them into "parsed". It also checks that the fixtures in tests/codecs/requests/
still match what botocore serializes and that the generated .inc files are current.

Run:  /root/.pyenv/versions/3.11.7/bin/python3 tests/codecs/test_codec_golden.py
  or: python3 -m pytest tests/codecs/test_codec_golden.py   (Debian's botocore 1.29 has no
      RpcV2CBORParser: the CBOR cases are skipped there)
"""

import base64
import datetime
import json
import pathlib
import sys

import botocore.parsers
import botocore.session

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

HAS_CBOR = "smithy-rpc-v2-cbor" in botocore.parsers.PROTOCOL_PARSERS


class Skip(Exception):
    pass


def skip(why):
    try:
        import pytest
    except ImportError:
        raise Skip(why)
    pytest.skip(why)


def normalize(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def goldens(protocol):
    for path in sorted((HERE / "responses").glob("*.json")):
        golden = json.loads(path.read_text())
        if golden["protocol"] == protocol:
            yield golden


def parse(golden):
    session = botocore.session.get_session()
    model = session.get_service_model(golden["service"])
    op = model.operation_model(golden["operation"])
    protocol = golden["protocol"]
    is_error = "code" in golden["input"]
    if protocol == "query":
        body = golden["body"].encode()
        headers = {"content-type": "text/xml"}
    else:
        body = base64.b64decode(golden["body"])
        headers = {"content-type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}
    response = {"body": body, "headers": headers, "status_code": 400 if is_error else 200}
    parser = botocore.parsers.create_parser(protocol)
    parsed = parser.parse(response, None if is_error else op.output_shape)
    metadata = parsed.pop("ResponseMetadata", {})
    for key in ("HTTPStatusCode", "HTTPHeaders", "RetryAttempts"):
        metadata.pop(key, None)
    if metadata:
        parsed["ResponseMetadata"] = metadata
    return normalize(parsed)


def check(protocol):
    cases = list(goldens(protocol))
    assert cases, f"no golden {protocol} responses"
    for golden in cases:
        assert golden["body"], f"{golden['name']}: no body recorded"
        got = parse(golden)
        assert got == golden["parsed"], f"{golden['name']}: botocore parsed {got!r}"


def test_query_responses_parse():
    check("query")


def test_cbor_responses_parse():
    if not HAS_CBOR:
        skip("this botocore has no RpcV2CBORParser")
    check("smithy-rpc-v2-cbor")


def test_request_fixtures_current():
    if not HAS_CBOR:
        skip("the fixtures are recorded with a botocore that has RpcV2CBORSerializer")
    import record_requests
    session = botocore.session.get_session()
    for case in record_requests.CASES:
        fixture = record_requests.record(session, *case)
        path = HERE / "requests" / f"{fixture['name']}.json"
        committed = json.loads(path.read_text())
        for key in ("body", "expected", "params"):
            assert committed[key] == fixture[key], f"{path.name}: {key} differs; rerun the script"


def test_inc_files_current():
    if not HAS_CBOR:
        skip("the .inc files are generated with a botocore that has RpcV2CBORSerializer")
    import record_requests
    root = HERE.parent.parent
    names = ["src/api/query_codec_test_fixtures.inc", "src/api/cbor_codec_test_fixtures.inc"]
    before = {n: (root / n).read_text() for n in names}
    record_requests.main()
    for n in names:
        assert (root / n).read_text() == before[n], f"{n} was stale; regenerated, commit it"


if __name__ == "__main__":
    failed = 0
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            try:
                fn()
                print(f"PASS {name}")
            except Skip as e:
                print(f"SKIP {name}: {e}")
            except AssertionError as e:
                failed += 1
                print(f"FAIL {name}: {e}")
    sys.exit(1 if failed else 0)
