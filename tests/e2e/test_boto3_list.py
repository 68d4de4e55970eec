"""ListObjects (v1), ListObjectsV2 and ListObjectVersions through boto3 at default settings."""

import urllib.parse

import pytest

KEYS = ["a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt", "c.txt", "d/4.txt", "e e/5.txt", "f+/6",
        "z-last"]


@pytest.fixture
def listed_bucket(s3, bucket):
    for k in KEYS:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    return bucket


def keys_of(resp):
    return [o["Key"] for o in resp.get("Contents", [])]


def prefixes_of(resp):
    return [p["Prefix"] for p in resp.get("CommonPrefixes", [])]


def test_list_v2_all(s3, listed_bucket):
    r = s3.list_objects_v2(Bucket=listed_bucket)
    assert keys_of(r) == KEYS
    assert r["KeyCount"] == len(KEYS)
    assert r["IsTruncated"] is False
    assert r["Name"] == listed_bucket
    assert r["MaxKeys"] == 1000
    for o in r["Contents"]:
        assert o["Size"] == len(o["Key"].encode())
        assert o["ETag"].startswith('"') and o["ETag"].endswith('"')
        assert o["StorageClass"] == "STANDARD"
        assert "Owner" not in o


def test_list_v2_prefix_and_delimiter(s3, listed_bucket):
    r = s3.list_objects_v2(Bucket=listed_bucket, Prefix="b/")
    assert keys_of(r) == ["b/1.txt", "b/2.txt", "b/c/3.txt"]
    assert r["Prefix"] == "b/"

    r = s3.list_objects_v2(Bucket=listed_bucket, Delimiter="/")
    assert keys_of(r) == ["a.txt", "c.txt", "z-last"]
    assert prefixes_of(r) == ["b/", "d/", "e e/", "f+/"]
    assert r["KeyCount"] == 7
    assert r["Delimiter"] == "/"

    r = s3.list_objects_v2(Bucket=listed_bucket, Prefix="b/", Delimiter="/")
    assert keys_of(r) == ["b/1.txt", "b/2.txt"]
    assert prefixes_of(r) == ["b/c/"]

    r = s3.list_objects_v2(Bucket=listed_bucket, Prefix="nothing-here/")
    assert keys_of(r) == [] and prefixes_of(r) == [] and r["KeyCount"] == 0

    # A delimiter other than "/".
    r = s3.list_objects_v2(Bucket=listed_bucket, Delimiter=".")
    assert prefixes_of(r) == ["a.", "b/1.", "b/2.", "b/c/3.", "c.", "d/4.", "e e/5."]
    assert keys_of(r) == ["f+/6", "z-last"]


def test_list_v2_max_keys_and_continuation(s3, listed_bucket):
    r = s3.list_objects_v2(Bucket=listed_bucket, MaxKeys=4)
    assert keys_of(r) == KEYS[:4]
    assert r["IsTruncated"] is True and r["KeyCount"] == 4 and r["MaxKeys"] == 4
    token = r["NextContinuationToken"]
    r = s3.list_objects_v2(Bucket=listed_bucket, MaxKeys=4, ContinuationToken=token)
    assert keys_of(r) == KEYS[4:8]
    assert r["ContinuationToken"] == token
    r = s3.list_objects_v2(Bucket=listed_bucket, MaxKeys=4,
                           ContinuationToken=r["NextContinuationToken"])
    assert keys_of(r) == KEYS[8:]
    assert r["IsTruncated"] is False
    assert "NextContinuationToken" not in r


def test_list_v2_paginator(s3, listed_bucket):
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=listed_bucket, PaginationConfig={"PageSize": 2}))
    assert len(pages) == 5
    assert [k for p in pages for k in keys_of(p)] == KEYS
    assert all(p["IsTruncated"] for p in pages[:-1]) and not pages[-1]["IsTruncated"]


def test_list_v2_paginator_with_delimiter(s3, listed_bucket):
    # Common prefixes count towards MaxKeys; paging must neither repeat nor drop any.
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=listed_bucket, Delimiter="/", PaginationConfig={"PageSize": 2}))
    keys = [k for p in pages for k in keys_of(p)]
    prefixes = [k for p in pages for k in prefixes_of(p)]
    assert keys == ["a.txt", "c.txt", "z-last"]
    assert prefixes == ["b/", "d/", "e e/", "f+/"]
    for p in pages:
        assert len(keys_of(p)) + len(prefixes_of(p)) <= 2


def test_list_v2_start_after(s3, listed_bucket):
    r = s3.list_objects_v2(Bucket=listed_bucket, StartAfter="b/2.txt")
    assert keys_of(r) == KEYS[KEYS.index("b/2.txt") + 1:]
    assert r["StartAfter"] == "b/2.txt"
    r = s3.list_objects_v2(Bucket=listed_bucket, StartAfter="b/2")  # not itself a key
    assert keys_of(r) == KEYS[KEYS.index("b/2.txt"):]
    r = s3.list_objects_v2(Bucket=listed_bucket, StartAfter="zzz")
    assert keys_of(r) == []


def test_list_v2_encoding_type_url(s3, bucket):
    keys = ["plain", "sp ace/ünï+%&=?.txt", "ctl\x01char"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    # Given explicitly, boto3 does not decode: the caller sees what the server sent.
    r = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Delimiter="/")
    assert r["EncodingType"] == "url"
    got = keys_of(r) + prefixes_of(r)
    assert sorted(urllib.parse.unquote_plus(k) for k in got) == sorted(
        ["plain", "sp ace/", "ctl\x01char"])
    for k in got:
        assert " " not in k and "\x01" not in k and k.isascii(), k
    # Left to boto3 (it asks for url encoding and decodes), keys come back as stored.
    assert sorted(keys_of(s3.list_objects_v2(Bucket=bucket))) == sorted(keys)
    assert sorted(keys_of(s3.list_objects(Bucket=bucket))) == sorted(keys)


def test_list_v2_fetch_owner(s3, listed_bucket):
    r = s3.list_objects_v2(Bucket=listed_bucket, FetchOwner=True)
    owner_ids = {o["Owner"]["ID"] for o in r["Contents"]}
    assert len(owner_ids) == 1 and owner_ids.pop()
    r = s3.list_objects_v2(Bucket=listed_bucket)
    assert all("Owner" not in o for o in r["Contents"])


def test_list_v1_marker(s3, listed_bucket):
    r = s3.list_objects(Bucket=listed_bucket)
    assert keys_of(r) == KEYS
    assert r["IsTruncated"] is False
    # v1 lists the owner.
    assert all(o["Owner"]["ID"] for o in r["Contents"])

    r = s3.list_objects(Bucket=listed_bucket, MaxKeys=3)
    assert keys_of(r) == KEYS[:3] and r["IsTruncated"] is True
    r = s3.list_objects(Bucket=listed_bucket, MaxKeys=3, Marker=KEYS[2])
    assert keys_of(r) == KEYS[3:6] and r["Marker"] == KEYS[2]

    r = s3.list_objects(Bucket=listed_bucket, Marker="c.txt", Prefix="", Delimiter="/")
    assert keys_of(r) == ["z-last"]
    assert prefixes_of(r) == ["d/", "e e/", "f+/"]

    # With a delimiter and truncation, NextMarker is returned.
    r = s3.list_objects(Bucket=listed_bucket, Delimiter="/", MaxKeys=2)
    assert r["IsTruncated"] is True
    assert keys_of(r) + prefixes_of(r) == ["a.txt", "b/"]
    assert r["NextMarker"] == "b/"

    pages = list(s3.get_paginator("list_objects").paginate(
        Bucket=listed_bucket, PaginationConfig={"PageSize": 4}))
    assert [k for p in pages for k in keys_of(p)] == KEYS


def test_list_empty_bucket(s3, bucket):
    r = s3.list_objects_v2(Bucket=bucket)
    assert r["KeyCount"] == 0 and "Contents" not in r and r["IsTruncated"] is False
    r = s3.list_objects(Bucket=bucket)
    assert "Contents" not in r and r["IsTruncated"] is False


def test_list_object_versions_unversioned(s3, listed_bucket):
    s3.put_object(Bucket=listed_bucket, Key="a.txt", Body=b"overwritten")  # still one version
    r = s3.list_object_versions(Bucket=listed_bucket)
    versions = r["Versions"]
    assert [v["Key"] for v in versions] == KEYS
    for v in versions:
        assert v["VersionId"] == "null"
        assert v["IsLatest"] is True
    assert versions[0]["Size"] == len(b"overwritten")
    assert not r.get("DeleteMarkers")
    r = s3.list_object_versions(Bucket=listed_bucket, Prefix="b/", Delimiter="/")
    assert [v["Key"] for v in r["Versions"]] == ["b/1.txt", "b/2.txt"]
    assert prefixes_of(r) == ["b/c/"]
    assert s3.get_bucket_versioning(Bucket=listed_bucket).get("Status") is None


def test_list_keys_and_prefixes_with_newlines(s3, bucket):
    keys = ["a\nb/c", "a\nb/d", "a\r\nx", "plain"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    # boto3 asks for url encoding and decodes: control characters come back as stored.
    r = s3.list_objects_v2(Bucket=bucket, Prefix="a\n", Delimiter="/")
    assert r["Prefix"] == "a\n"
    assert prefixes_of(r) == ["a\nb/"]
    assert keys_of(r) == []
    assert sorted(keys_of(s3.list_objects_v2(Bucket=bucket))) == sorted(keys)
    # ListObjects (v1) encodes Prefix too, as S3 documents; botocore decodes only the keys,
    # markers and delimiter of v1, so its caller sees the Prefix encoded.
    r = s3.list_objects(Bucket=bucket, Prefix="a\r")
    assert keys_of(r) == ["a\r\nx"] and r["Prefix"] == "a%0D"


def test_list_max_keys_zero(s3, listed_bucket):
    for r in (s3.list_objects_v2(Bucket=listed_bucket, MaxKeys=0),
              s3.list_objects(Bucket=listed_bucket, MaxKeys=0)):
        assert r["MaxKeys"] == 0
        assert r["IsTruncated"] is False
        assert keys_of(r) == [] and prefixes_of(r) == []


def test_list_v2_empty_continuation_token_is_absent(raw, listed_bucket, s3):
    r = raw.request("GET", "/" + listed_bucket,
                    query=[("list-type", "2"), ("continuation-token", "")])
    assert r.status == 200, r
    want = keys_of(s3.list_objects_v2(Bucket=listed_bucket))
    assert all(("<Key>%s</Key>" % k).encode() in r.body for k in want)
    assert b"<ContinuationToken>" not in r.body
