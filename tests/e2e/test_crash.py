"""Crash durability: "a 200 for PutObject means body and metadata are durable".

Writers PUT objects (1 KiB - 2 MiB, content derived from the key) while evoke runs; after ~2 s
the server is SIGKILLed and restarted on the same data dir. Every acknowledged key must read back
byte-identical; a key whose PUT was in flight may be absent or complete, never anything else; no
listed object may have content other than its key's. Three kill cycles in one test.
Needs the binary: skipped when EVOKE_E2E_ENDPOINT is set.
"""

import hashlib
import http.client
import threading
import time
import xml.etree.ElementTree as ET

import pytest

from conftest import EvokeServer, external_endpoint, unique_name
from s3e2e import KIB, MIB, RawClient, deterministic_bytes, key_path

WRITERS = 4
CYCLES = 3
RUN_SECONDS = 2.0
MIN_ACKS_PER_CYCLE = 5
CYCLE_DEADLINE = 60.0
RESAMPLE_OLD = 25  # keys of earlier cycles re-read in full after each restart


def size_for(key):
    h = int(hashlib.sha256(key.encode()).hexdigest()[:12], 16)
    band = h % 10
    if band < 5:
        lo, hi = 1 * KIB, 16 * KIB
    elif band < 8:
        lo, hi = 16 * KIB, 256 * KIB
    else:
        lo, hi = 256 * KIB, 2 * MIB
    return lo + (h // 10) % (hi - lo + 1)


def content_for(key):
    return deterministic_bytes(key, size_for(key))


class Writer(threading.Thread):
    def __init__(self, raw, bucket, prefix, stop):
        super().__init__(daemon=True)
        self.raw = raw
        self.bucket = bucket
        self.prefix = prefix
        self.stop_event = stop
        self.attempted = []
        self.acked = []
        self.failures = []  # (monotonic time, key, what)

    def run(self):
        i = 0
        while not self.stop_event.is_set():
            key = "%s/%06d" % (self.prefix, i)
            i += 1
            data = content_for(key)
            self.attempted.append(key)
            try:
                r = self.raw.request("PUT", key_path(self.bucket, key), body=data)
            except (OSError, http.client.HTTPException) as e:
                self.failures.append((time.monotonic(), key, repr(e)))
                return
            if r.status == 200 and r.headers.get("etag") == '"%s"' % hashlib.md5(
                    data).hexdigest():
                self.acked.append(key)
            else:
                self.failures.append((time.monotonic(), key, "%d %r" % (r.status, r.body[:200])))
                return


def list_all(raw, bucket):
    """{key: size} via raw ListObjectsV2 (the server was restarted: no client state)."""
    ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
    out = {}
    token = None
    while True:
        q = [("list-type", "2"), ("max-keys", "1000")]
        if token:
            q.append(("continuation-token", token))
        r = raw.request("GET", key_path(bucket), query=q)
        assert r.status == 200, r
        root = ET.fromstring(r.body)
        for c in root.iter(ns + "Contents"):
            out[c.find(ns + "Key").text] = int(c.find(ns + "Size").text)
        if root.findtext(ns + "IsTruncated") != "true":
            return out
        token = root.findtext(ns + "NextContinuationToken")


def read_back(raw, bucket, key):
    r = raw.get_object(bucket, key)
    return r.status, r.body


@pytest.fixture
def crash_server(tmp_path):
    if external_endpoint():
        pytest.skip("crash tests need the evoke binary (EVOKE_E2E_ENDPOINT is set)")
    server = EvokeServer(tmp_path / "data", tmp_path / "logs")
    yield server
    server.kill()


def test_acknowledged_puts_survive_sigkill(crash_server):
    server = crash_server
    server.start()
    bucket = unique_name("crash")
    raw = RawClient(server.endpoint, server.access_key, server.secret)
    r = raw.request("PUT", key_path(bucket))
    assert r.status == 200, r

    acked_all, attempted_all = [], set()
    for cycle in range(CYCLES):
        stop = threading.Event()
        writers = [Writer(raw, bucket, "c%d/w%d" % (cycle, n), stop) for n in range(WRITERS)]
        started = time.monotonic()
        for w in writers:
            w.start()
        # Let the writers run ~2 s (and at least a few PUTs through), then pull the plug.
        while not stop.wait(0.05):
            elapsed = time.monotonic() - started
            acks = sum(len(w.acked) for w in writers)
            if elapsed >= RUN_SECONDS and acks >= MIN_ACKS_PER_CYCLE:
                break
            if all(not w.is_alive() for w in writers):
                break
            assert elapsed < CYCLE_DEADLINE, "writers made no progress: %d acks" % acks
        killed_at = time.monotonic()
        server.kill()
        stop.set()
        for w in writers:
            w.join(CYCLE_DEADLINE)
            assert not w.is_alive(), "writer hung after the server was killed"

        early = [f for w in writers for f in w.failures if f[0] < killed_at]
        assert not early, "PUTs failed while the server was up:\n%s\n%s" % (
            early, server.diagnostics())
        acked = [k for w in writers for k in w.acked]
        attempted = {k for w in writers for k in w.attempted}
        assert len(acked) >= MIN_ACKS_PER_CYCLE, "cycle %d: only %d acks" % (cycle, len(acked))

        server.start()
        raw = RawClient(server.endpoint, server.access_key, server.secret)

        # 1. Every acknowledged PUT of this cycle reads back byte-identical.
        lost, wrong = [], []
        for key in acked:
            status, body = read_back(raw, bucket, key)
            if status != 200:
                lost.append((key, status))
            elif body != content_for(key):
                wrong.append((key, len(body), size_for(key)))
        assert not lost and not wrong, (
            "cycle %d: %d of %d acknowledged objects lost %r, %d wrong %r\n%s"
            % (cycle, len(lost), len(acked), lost[:10], len(wrong), wrong[:10],
               server.diagnostics()))

        # 2. In-flight PUTs: absent or complete, nothing in between.
        for key in sorted(attempted - set(acked)):
            status, body = read_back(raw, bucket, key)
            assert status in (200, 404), (key, status, body[:300])
            if status == 200:
                assert body == content_for(key), "cycle %d: in-flight %s has wrong content" % (
                    cycle, key)

        # 3. The listing holds every acknowledged key of every cycle, nothing unknown, and the
        #    sizes are right.
        acked_all += acked
        attempted_all |= attempted
        listed = list_all(raw, bucket)
        missing = set(acked_all) - set(listed)
        assert not missing, "cycle %d: listing lacks acknowledged keys %r" % (
            cycle, sorted(missing)[:10])
        unknown = set(listed) - attempted_all
        assert not unknown, "cycle %d: listing has keys never written %r" % (
            cycle, sorted(unknown)[:10])
        bad_sizes = [(k, s) for k, s in listed.items() if s != size_for(k)]
        assert not bad_sizes, "cycle %d: listed sizes wrong %r" % (cycle, bad_sizes[:10])

        print("cycle %d: %d PUTs acknowledged, %d in flight at the kill, %d objects listed"
              % (cycle, len(acked), len(attempted) - len(acked), len(listed)))

        # 4. Earlier cycles' objects survived this crash too (a sample, read in full).
        older = [k for k in acked_all if not k.startswith("c%d/" % cycle)]
        step = max(1, len(older) // RESAMPLE_OLD)
        for key in older[::step]:
            status, body = read_back(raw, bucket, key)
            assert status == 200 and body == content_for(key), (cycle, key, status)

    rc = server.stop()
    assert rc == 0, "evoke did not stop cleanly on SIGTERM (rc=%r)\n%s" % (
        rc, server.diagnostics())
