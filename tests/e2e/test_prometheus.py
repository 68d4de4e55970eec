"""GET /_evoke/metrics scraped by a real Prometheus (Debian's `prometheus` package): evoke's own
request, process and service figures and the AWS/Lambda series, in the text exposition format
(docs/metrics.md, "Prometheus").

The module runs two evoke servers of its own: one with the endpoint open, one started with
--metrics-token-file. It makes S3 requests and invokes a function on the first, then starts a
`prometheus` process (its own config, storage directory and port; the Debian package's system
service plays no part) that scrapes every second: the open server, the token server with the
token (`authorization.credentials_file`, what Prometheus's scrape configs offer), and the token
server without it. Prometheus's HTTP API must then report up == 1, 1 and 0 and the exact counts
the requests made; the test polls it with a deadline, never a bare sleep. `promtool check
metrics` lints a scrape. Also: the endpoint's answers to bad input (other methods, unknown paths,
bad tokens) and that a client inventing services and actions does not grow the series."""

import http.client
import json
import os
import pathlib
import shutil
import socket
import subprocess
import time
import urllib.parse
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, LAMBDA_ROLE, SECRET_KEY, EvokeServer, external_endpoint
from test_functions import make_zip

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
DEADLINE = 90.0
TOKEN = "evoke-e2e-" + uuid.uuid4().hex
REGION = "us-east-1"

HANDLER = b"""def handler(event, context):
    if event.get("fail"):
        raise RuntimeError("asked to fail")
    return {"ok": True}
"""

pytestmark = pytest.mark.skipif(external_endpoint() is not None,
                                reason="needs evoke's own servers, not an external endpoint")


def host_port(endpoint):
    u = urllib.parse.urlsplit(endpoint)
    return u.hostname, u.port


def get(endpoint, path, method="GET", headers=None, body=None):
    """(status, headers as a dict with lower-case names, body bytes) of one plain request."""
    host, port = host_port(endpoint)
    c = http.client.HTTPConnection(host, port, timeout=30)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def samples(text):
    """name{labels} -> value of a scrape (comments skipped)."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        out[key] = float(value)
    return out


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    base = tmp_path_factory.mktemp("prometheus")
    token_file = base / "token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    open_server = EvokeServer(base / "open-data", base / "open-logs", suite_roles=True)
    token_server = EvokeServer(base / "token-data", base / "token-logs", suite_roles=False,
                               extra_args=["--metrics-token-file", str(token_file)])
    open_server.start()
    try:
        token_server.start()
        try:
            yield {"open": open_server, "token": token_server, "token_file": token_file,
                   "base": base}
        finally:
            assert token_server.stop() == 0, token_server.diagnostics()
    finally:
        assert open_server.stop() == 0, open_server.diagnostics()


@pytest.fixture(autouse=True)
def _alive(servers, request):
    yield
    for name in ("open", "token"):
        s = servers[name]
        if not s.alive():
            pytest.fail("evoke (%s) died during %s\n%s" % (name, request.node.nodeid,
                                                            s.diagnostics()))


def clients(endpoint):
    kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
              aws_secret_access_key=SECRET_KEY)
    once = Config(retries={"mode": "standard", "total_max_attempts": 1}, read_timeout=120)
    return boto3.client("s3", config=once, **kw), boto3.client("lambda", config=once, **kw)


@pytest.fixture(scope="module")
def workload(servers):
    """What the open server was asked, with the counts Prometheus must end up seeing."""
    s3, lam = clients(servers["open"].endpoint)
    bucket = "prom-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=bucket)
    for i in range(3):
        s3.put_object(Bucket=bucket, Key="k%d" % i, Body=b"x" * 100)
    for i in range(2):
        s3.get_object(Bucket=bucket, Key="k%d" % i)["Body"].read()
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="missing")
    function = "prom-" + uuid.uuid4().hex[:12]
    lam.create_function(FunctionName=function, Runtime="python3.12", Role=LAMBDA_ROLE,
                        Handler="app.handler", Code={"ZipFile": make_zip({"app.py": HANDLER})},
                        Timeout=30)
    ok = lam.invoke(FunctionName=function, Payload=b"{}")
    assert "FunctionError" not in ok, ok["Payload"].read()
    failed = lam.invoke(FunctionName=function, Payload=b'{"fail": true}')
    assert failed.get("FunctionError") == "Unhandled"
    return {"bucket": bucket, "function": function}


class Prometheus:
    def __init__(self, base, config):
        self.base = base
        self.port = free_port()
        config_path = base / "prometheus.yml"
        # JSON is YAML: no YAML library needed.
        config_path.write_text(json.dumps(config, indent=1))
        self.log_path = base / "prometheus.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [PROMETHEUS, "--config.file=%s" % config_path,
             "--storage.tsdb.path=%s" % (base / "tsdb"),
             "--web.listen-address=127.0.0.1:%d" % self.port, "--log.level=warn"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.endpoint = "http://127.0.0.1:%d" % self.port
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                pytest.fail("prometheus exited (rc=%s):\n%s" % (self.proc.returncode,
                                                                 self.diagnostics()))
            try:
                status, _, _ = get(self.endpoint, "/-/ready")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("prometheus not ready within 30 s:\n" + self.diagnostics())
            time.sleep(0.1)

    def diagnostics(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def query(self, expr):
        """The instant vector of `expr`: a list of (labels, value)."""
        status, _, body = get(self.endpoint,
                              "/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
        assert status == 200, body
        data = json.loads(body)
        assert data["status"] == "success", data
        return [(r["metric"], float(r["value"][1])) for r in data["data"]["result"]]

    def targets(self):
        _, _, body = get(self.endpoint, "/api/v1/targets")
        return [(t["labels"].get("job"), t["health"], t.get("lastError"))
                for t in json.loads(body)["data"]["activeTargets"]]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def prometheus(servers, workload):
    if not os.path.exists(PROMETHEUS):
        pytest.fail("prometheus not installed (scripts/install-deps --test installs Debian's)")

    def job(name, server, **extra):
        host, port = host_port(server.endpoint)
        j = {"job_name": name, "metrics_path": "/_evoke/metrics", "scrape_interval": "1s",
             "scrape_timeout": "1s", "static_configs": [{"targets": ["%s:%d" % (host, port)]}]}
        j.update(extra)
        return j

    config = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [
            job("evoke", servers["open"]),
            job("evoke-token", servers["token"],
                authorization={"type": "Bearer",
                               "credentials_file": str(servers["token_file"])}),
            job("evoke-no-token", servers["token"]),
        ],
    }
    base = servers["base"] / "prom"
    base.mkdir()
    p = Prometheus(base, config)
    try:
        yield p
    finally:
        p.stop()


def wait_for(prom, expectations):
    """Polls until every expr in `expectations` (expr -> expected value) has one sample with
    that value, or fails at the deadline with what Prometheus last said."""
    deadline = time.monotonic() + DEADLINE
    while True:
        seen = {expr: prom.query(expr) for expr in expectations}
        wrong = {expr: got for expr, got in seen.items()
                 if len(got) != 1 or got[0][1] != expectations[expr]}
        if not wrong:
            return
        if time.monotonic() > deadline:
            pytest.fail("Prometheus did not report the expected values within %.0f s:\n%s\n"
                        "targets: %s\nprometheus log:\n%s" % (
                            DEADLINE, json.dumps({e: [expectations[e], g] for e, g in
                                                  wrong.items()}, indent=1),
                            prom.targets(), prom.diagnostics()))
        time.sleep(0.25)


def test_prometheus_scrapes_evoke(prometheus, workload):
    fn = workload["function"]
    wait_for(prometheus, {
        'up{job="evoke"}': 1,
        'up{job="evoke-token"}': 1,
        'up{job="evoke-no-token"}': 0,
        'evoke_requests_total{job="evoke",service="s3",action="CreateBucket",status="200"}': 1,
        'evoke_requests_total{job="evoke",service="s3",action="PutObject",status="200"}': 3,
        'evoke_requests_total{job="evoke",service="s3",action="GetObject",status="200"}': 2,
        'evoke_requests_total{job="evoke",service="s3",action="GetObject",status="404"}': 1,
        'evoke_requests_total{job="evoke",service="lambda",action="Invoke",status="200"}': 2,
        'evoke_request_duration_seconds_count{job="evoke",service="s3",action="PutObject"}': 3,
        'evoke_request_bytes_total{job="evoke",service="s3"} >= bool 300': 1,
        'evoke_lambda_invocations_total{job="evoke",function="%s"}' % fn: 2,
        'evoke_lambda_errors_total{job="evoke",function="%s"}' % fn: 1,
        'evoke_lambda_throttles_total{job="evoke",function="%s"}' % fn: 0,
        'evoke_lambda_duration_seconds_count{job="evoke",function="%s"}' % fn: 2,
        'evoke_lambda_duration_seconds_bucket{job="evoke",function="%s",le="+Inf"}' % fn: 2,
        'evoke_sandbox_cold_starts_total{job="evoke"}': 1,
        'evoke_sandboxes{job="evoke",state="warm"}': 1,
        'evoke_sandboxes{job="evoke",state="busy"}': 0,
        'evoke_sandboxes{job="evoke",state="starting"}': 0,
        'evoke_lambda_concurrent_executions{job="evoke"}': 0,
        'evoke_async_queue_events{job="evoke"}': 0,
        'evoke_build_info{job="evoke"}': 1,
        'process_resident_memory_bytes{job="evoke"} > bool 1e6': 1,
        'process_open_fds{job="evoke"} > bool 3': 1,
        'process_start_time_seconds{job="evoke"} > bool %d' % (time.time() - 3600): 1,
        # Prometheus's own scrapes are requests too.
        'evoke_requests_total{job="evoke",service="evoke",action="GetMetrics",status="200"} > bool 1': 1,
    })


def test_promtool_accepts_the_scrape(servers, workload):
    if not os.path.exists(PROMTOOL):
        pytest.skip("Debian's prometheus package ships no promtool here")
    status, headers, body = get(servers["open"].endpoint, "/_evoke/metrics")
    assert status == 200
    r = subprocess.run([PROMTOOL, "check", "metrics"], input=body, capture_output=True,
                       timeout=60)
    assert r.returncode == 0, (r.stdout + r.stderr).decode(errors="replace")
    assert r.stdout + r.stderr == b"", (r.stdout + r.stderr).decode(errors="replace")


def test_endpoint_answers(servers, workload):
    open_ep = servers["open"].endpoint
    status, headers, body = get(open_ep, "/_evoke/metrics")
    assert status == 200
    assert headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = body.decode()
    assert "# TYPE evoke_requests_total counter" in text
    assert "# TYPE evoke_lambda_duration_seconds histogram" in text
    values = samples(text)
    fn = workload["function"]
    assert values['evoke_lambda_invocations_total{function="%s"}' % fn] == 2
    # A query string changes nothing; HEAD has the headers without the body.
    assert get(open_ep, "/_evoke/metrics?format=json")[0] == 200
    status, headers, body = get(open_ep, "/_evoke/metrics", method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["content-length"]) > 1000


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused(servers, method):
    status, headers, body = get(servers["open"].endpoint, "/_evoke/metrics", method=method,
                                body=b"x" * 10)
    assert status == 405
    assert headers["allow"] == "GET, HEAD"
    assert json.loads(body) == {"message": "use GET"}


@pytest.mark.parametrize("path", [
    "/_evoke/", "/_evoke/metric", "/_evoke/metrics/", "/_evoke/metrics/../metrics",
    "/_evoke/METRICS", "/_evoke/test/clock", "/_evoke/%00", "/_evoke/" + "a" * 4000])
def test_unknown_evoke_paths_are_not_found(servers, path):
    # /_evoke/test/clock exists only with --test-clock, which these servers do not have.
    for method in ("GET", "POST"):
        status, _, body = get(servers["open"].endpoint, path, method=method, body=b"{}")
        assert status == 404, (path, method, body)
        assert json.loads(body) == {"message": "no such endpoint"}


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Bearer wrong", "Bearer " + TOKEN + "x", "Basic " + TOKEN,
    TOKEN, "Bearer " + TOKEN[:-1]])
def test_token_is_required_when_configured(servers, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    status, h, body = get(servers["token"].endpoint, "/_evoke/metrics", headers=headers)
    assert status == 401, body
    assert h["www-authenticate"] == 'Bearer realm="evoke"'
    assert b"evoke_requests_total" not in body


def test_token_opens_the_endpoint(servers):
    for value in ("Bearer " + TOKEN, "bearer " + TOKEN):
        status, _, body = get(servers["token"].endpoint, "/_evoke/metrics",
                              headers={"Authorization": value})
        assert status == 200
        assert b"# TYPE evoke_requests_total counter" in body
    # The token guards the metrics only: an unknown path is still just not found.
    assert get(servers["token"].endpoint, "/_evoke/nothing")[0] == 404


def test_invented_services_and_actions_do_not_grow_the_series(servers):
    """Requests naming made-up services (a forged SigV4 scope) and targets, each one different,
    are counted under "unknown": the scrape stays the same size."""
    ep = servers["open"].endpoint

    def series_count():
        return len(samples(get(ep, "/_evoke/metrics")[2].decode()))

    def forged(i):
        scope = "AKIDEVOKETEST0000001/20240101/us-east-1/svc%05d/aws4_request" % i
        return get(ep, "/x%05d?Action=Op%05d" % (i, i), method="POST", headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=host, "
                             "Signature=%s" % (scope, "0" * 64),
            "X-Amz-Target": "Made.Up%05d" % i})[0]

    for i in range(5):  # every label set the loop below can reach exists after these
        assert forged(i) >= 400
    series_count()  # and the scrape's own
    before = series_count()
    for i in range(5, 300):
        assert forged(i) >= 400
    after = series_count()
    assert after == before, "series grew from %d to %d" % (before, after)
    values = samples(get(ep, "/_evoke/metrics")[2].decode())
    unknown = sum(v for k, v in values.items()
                  if k.startswith('evoke_requests_total{service="unknown",action="unknown"'))
    assert unknown >= 300
