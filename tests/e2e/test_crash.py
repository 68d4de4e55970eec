"""Crash durability: "a 200 for PutObject means body and metadata are durable".

Writers PUT objects (1 KiB - 2 MiB, content derived from the key), or upload them as browser
forms (POST Object, whose 204 promises the same), while evoke runs; after ~2 s
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
from s3e2e import KIB, MIB, RawClient, deterministic_bytes, key_path, md5_b64
from test_s3_post import File, hand_form, post_form

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
    """PUTs objects, or with `form_signer` (the server: its keys sign each form) POSTs them as
    browser forms."""

    def __init__(self, raw, bucket, prefix, stop, form_signer=None):
        super().__init__(daemon=True)
        self.raw = raw
        self.bucket = bucket
        self.prefix = prefix
        self.stop_event = stop
        self.form_signer = form_signer
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
                if self.form_signer:
                    form = hand_form(self.form_signer, self.bucket, key) + [File(data)]
                    r = post_form(self.raw, self.bucket, form)
                else:
                    r = self.raw.request("PUT", key_path(self.bucket, key), body=data)
            except (OSError, http.client.HTTPException) as e:
                self.failures.append((time.monotonic(), key, repr(e)))
                return
            ok = 204 if self.form_signer else 200
            if r.status == ok and r.headers.get("etag") == '"%s"' % hashlib.md5(
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


@pytest.mark.parametrize("upload", ["put", "form"])
def test_acknowledged_puts_survive_sigkill(crash_server, upload):
    server = crash_server
    server.start()
    bucket = unique_name("crash")
    raw = RawClient(server.endpoint, server.access_key, server.secret)
    r = raw.request("PUT", key_path(bucket))
    assert r.status == 200, r

    acked_all, attempted_all = [], set()
    for cycle in range(CYCLES):
        stop = threading.Event()
        signer = server if upload == "form" else None
        writers = [Writer(raw, bucket, "c%d/w%d" % (cycle, n), stop, signer)
                   for n in range(WRITERS)]
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

        print("cycle %d: %d uploads acknowledged, %d in flight at the kill, %d objects listed"
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


# ---- Versioning: acknowledged versions and delete markers survive a SIGKILL ---------------------
#
# One key per writer in a bucket with versioning Enabled; each writer PUTs versions (content from
# key and operation number) and every fourth operation DELETEs without a version id (a delete
# marker). After each SIGKILL and restart, ListObjectVersions must show for each key exactly the
# acknowledged versions and markers, newest first, with their ids, ETags and sizes, plus at most
# the one operation in flight at the kill, on top; every acknowledged version reads back
# byte-identical by its id, and a marker's id answers 405.

VERSION_WRITERS = 4
VERSION_CYCLES = 2
MIN_VERSION_ACKS = 4  # per writer and cycle: at least one delete marker each
VERSIONING_ENABLED = (b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                      b'<Status>Enabled</Status></VersioningConfiguration>')


def version_content(key, op):
    seed = "%s#%d" % (key, op)
    h = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16)
    return deterministic_bytes(seed, 1 * KIB + h % (31 * KIB))


def op_kind(op):
    return "DeleteMarker" if op % 4 == 3 else "Version"


class VersionWriter(threading.Thread):
    """Runs operations first_op, first_op + 1, ... on one key until stopped or one fails."""

    def __init__(self, raw, bucket, key, first_op, stop):
        super().__init__(daemon=True)
        self.raw = raw
        self.bucket = bucket
        self.key = key
        self.next_op = first_op
        self.stop_event = stop
        self.acked = []         # (op, kind, version id), in order
        self.in_flight = None   # op sent but not acknowledged when the writer stopped
        self.failures = []      # (monotonic time, op, what)

    def run(self):
        while not self.stop_event.is_set():
            op = self.next_op
            self.in_flight = op
            path = key_path(self.bucket, self.key)
            try:
                if op_kind(op) == "Version":
                    data = version_content(self.key, op)
                    r = self.raw.request("PUT", path, body=data)
                    ok = r.status == 200 and r.headers.get("etag") == '"%s"' % hashlib.md5(
                        data).hexdigest()
                else:
                    r = self.raw.request("DELETE", path)
                    ok = r.status == 204 and r.headers.get("x-amz-delete-marker") == "true"
            except (OSError, http.client.HTTPException) as e:
                self.failures.append((time.monotonic(), op, repr(e)))
                return
            vid = r.headers.get("x-amz-version-id")
            if not ok or not vid or vid == "null":
                self.failures.append((time.monotonic(), op, "%d %r %r" % (
                    r.status, r.headers, r.body[:200])))
                return
            self.acked.append((op, op_kind(op), vid))
            self.in_flight = None
            self.next_op += 1


def list_versions(raw, bucket):
    """{key: [(kind, version id, is latest, etag, size)]} in document order, via raw
    ListObjectVersions pages of 100 (the server was restarted: no client state)."""
    out = {}
    query = [("versions", ""), ("max-keys", "100")]
    for _ in range(10000):
        r = raw.request("GET", key_path(bucket), query=query)
        assert r.status == 200, r
        root = ET.fromstring(r.body)
        fields = {}
        for child in root:
            kind = child.tag.rsplit("}", 1)[-1]
            if kind not in ("Version", "DeleteMarker"):
                fields[kind] = child.text
                continue
            e = {c.tag.rsplit("}", 1)[-1]: c.text for c in child}
            out.setdefault(e["Key"], []).append((
                kind, e["VersionId"], e["IsLatest"] == "true", e.get("ETag"),
                int(e["Size"]) if "Size" in e else None))
        if fields.get("IsTruncated") != "true":
            return out
        query = [("versions", ""), ("max-keys", "100"),
                 ("key-marker", fields["NextKeyMarker"]),
                 ("version-id-marker", fields["NextVersionIdMarker"])]
    pytest.fail("ListObjectVersions did not finish")


def check_key_history(raw, bucket, key, history, listed):
    """history: [(op, kind, version id)] oldest first, all known to be durable. listed: what the
    server lists for the key. Every entry must be right, and read back right."""
    assert [e[2] for e in listed] == [True] + [False] * (len(listed) - 1), (key, listed)
    assert [(e[0], e[1]) for e in listed] == [(kind, vid) for _, kind, vid in reversed(history)], (
        "%s: listed %r, acknowledged (newest first) %r" % (key, listed, history[::-1]))
    for (op, kind, vid), entry in zip(reversed(history), listed):
        r = raw.request("GET", key_path(bucket, key), query=[("versionId", vid)])
        if kind == "Version":
            data = version_content(key, op)
            assert entry[3:] == ('"%s"' % hashlib.md5(data).hexdigest(), len(data)), (key, op)
            assert r.status == 200 and r.body == data, (key, op, vid, r.status)
            assert r.headers.get("x-amz-version-id") == vid
        else:
            assert r.status == 405, (key, op, vid, r)
            assert r.headers.get("x-amz-delete-marker") == "true"
    current = raw.get_object(bucket, key)
    if history[-1][1] == "Version":
        assert current.status == 200 and current.body == version_content(key, history[-1][0])
    else:
        assert current.status == 404, (key, current)


def test_acknowledged_versions_and_delete_markers_survive_sigkill(crash_server):
    server = crash_server
    server.start()
    bucket = unique_name("crashv")
    raw = RawClient(server.endpoint, server.access_key, server.secret)
    assert raw.request("PUT", key_path(bucket)).status == 200
    r = raw.request("PUT", key_path(bucket), query=[("versioning", "")], body=VERSIONING_ENABLED,
                    headers={"Content-MD5": md5_b64(VERSIONING_ENABLED)})
    assert r.status == 200, r

    keys = ["versioned/w%d" % n for n in range(VERSION_WRITERS)]
    history = {key: [] for key in keys}   # durable operations per key, oldest first
    next_op = {key: 0 for key in keys}
    for cycle in range(VERSION_CYCLES):
        stop = threading.Event()
        writers = [VersionWriter(raw, bucket, key, next_op[key], stop) for key in keys]
        started = time.monotonic()
        for w in writers:
            w.start()
        while not stop.wait(0.05):
            elapsed = time.monotonic() - started
            if elapsed >= RUN_SECONDS and all(len(w.acked) >= MIN_VERSION_ACKS for w in writers):
                break
            if all(not w.is_alive() for w in writers):
                break
            assert elapsed < CYCLE_DEADLINE, "writers made no progress: %r" % [
                len(w.acked) for w in writers]
        killed_at = time.monotonic()
        server.kill()
        stop.set()
        for w in writers:
            w.join(CYCLE_DEADLINE)
            assert not w.is_alive(), "writer hung after the server was killed"
        early = [f for w in writers for f in w.failures if f[0] < killed_at]
        assert not early, "requests failed while the server was up:\n%s\n%s" % (
            early, server.diagnostics())
        for w in writers:
            assert len(w.acked) >= MIN_VERSION_ACKS, "cycle %d: %s: only %d acks" % (
                cycle, w.key, len(w.acked))

        server.start()
        raw = RawClient(server.endpoint, server.access_key, server.secret)
        listed = list_versions(raw, bucket)
        assert set(listed) == set(keys), sorted(listed)
        for w in writers:
            known = history[w.key] + w.acked
            got = listed[w.key]
            extra = len(got) - len(known)
            # The operation in flight at the kill is either absent or complete, and newest.
            assert extra in ((0, 1) if w.in_flight is not None else (0,)), (
                "cycle %d: %s lists %d entries for %d acknowledged operations\n%r"
                % (cycle, w.key, len(got), len(known), got))
            if extra:
                kind, vid = got[0][0], got[0][1]
                assert kind == op_kind(w.in_flight), (w.key, w.in_flight, got[0])
                assert vid not in {v for _, _, v in known}
                known = known + [(w.in_flight, kind, vid)]
            check_key_history(raw, bucket, w.key, known, got)
            history[w.key] = known
            next_op[w.key] = known[-1][0] + 1 if w.in_flight is None or extra else w.in_flight
        all_ids = [vid for key in keys for _, _, vid in history[key]]
        assert len(set(all_ids)) == len(all_ids), "a version id was handed out twice"
        print("cycle %d: %d operations durable (%d delete markers), %d in flight at the kill"
              % (cycle, len(all_ids), sum(1 for key in keys for e in history[key]
                                          if e[1] == "DeleteMarker"),
                 sum(1 for w in writers if w.in_flight is not None)))

    rc = server.stop()
    assert rc == 0, "evoke did not stop cleanly on SIGTERM (rc=%r)\n%s" % (
        rc, server.diagnostics())
