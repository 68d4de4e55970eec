"""The aws CLI as a subprocess, one way for the whole suite (the `aws` and `aws_v2` fixtures of
conftest.py hand out instances): v2 from Debian, v1 from pyenv, each at its default settings
with an isolated HOME, no configuration or credentials files, the keys given (usually the
target's), region us-east-1, no pager, no proxy for the local endpoint, and a timeout.

Not named awscli.py: that would shadow the real awscli package (CLI v1 is Python).

Environment: EVOKE_E2E_AWS_V2, EVOKE_E2E_AWS_V1 (paths of the two CLIs).
"""

import json
import os
import re
import subprocess

import pytest

CLIS = {
    "v2": os.environ.get("EVOKE_E2E_AWS_V2", "/usr/bin/aws"),
    "v1": os.environ.get("EVOKE_E2E_AWS_V1", "/root/.pyenv/versions/3.11.7/bin/aws"),
}
REGION = "us-east-1"
TIMEOUT = 300
NO_PROXY = "127.0.0.1,localhost"

# What both CLIs print on stderr for a service error, e.g.
#   An error occurred (InvalidAction) when calling the GetCallerIdentity operation: message
# (with " (reached max retries: N)" after the operation when retries were spent).
ERROR_RE = re.compile(r"An error occurred \((?P<code>[^)]*)\)"
                      r"(?: when calling the (?P<operation>\S+) operation)?"
                      r"(?: \(reached max retries: \d+\))?: (?P<message>.*)", re.S)


def parse_error(stderr):
    """(code, message) of the CLI's "An error occurred (Code) when calling the Op operation:
    message" on stderr (bytes or str); fails the test when stderr holds no such line."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode(errors="replace")
    m = ERROR_RE.search(stderr)
    if m is None:
        pytest.fail("no 'An error occurred (...)' in the aws CLI's stderr:\n%s" % stderr)
    return m.group("code"), m.group("message").strip()


def executable(name):
    """Path of CLI `name` ("v2" or "v1"); fails (never skips) the test when it is missing."""
    exe = CLIS[name]
    if not os.access(exe, os.X_OK):
        pytest.fail("aws CLI %s not found at %s (scripts/install-deps --test installs it; "
                    "EVOKE_E2E_AWS_%s overrides the path)" % (name, exe, name.upper()))
    return exe


class AwsCli:
    """One aws CLI against one endpoint. run() raises AssertionError on a nonzero exit unless
    check=False (then the CompletedProcess is returned whatever the exit code)."""

    def __init__(self, name, endpoint, home, access_key=None, secret=None, env=None,
                 timeout=TIMEOUT, cwd=None, exe=None):
        """access_key=None gives the CLI no keys in its environment (pass them some other way,
        e.g. env={"AWS_SHARED_CREDENTIALS_FILE": path}). env adds to or overrides the rest."""
        self.name = name
        self.exe = exe or executable(name)
        self.endpoint = endpoint
        self.timeout = timeout
        self.cwd = cwd
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_PAGER": "",
            "AWS_EC2_METADATA_DISABLED": "true",
            "NO_PROXY": NO_PROXY, "no_proxy": NO_PROXY,
        }
        if access_key is not None:
            self.env["AWS_ACCESS_KEY_ID"] = access_key
            self.env["AWS_SECRET_ACCESS_KEY"] = secret
        self.env.update(env or {})

    @classmethod
    def for_target(cls, name, target, home, **kwargs):
        """CLI `name` against the conftest Target (its endpoint and keys)."""
        return cls(name, target.endpoint, home, target.access_key, target.secret, **kwargs)

    def with_env(self, **extra):
        """The same CLI with more environment (e.g. AWS_MAX_ATTEMPTS="1")."""
        other = AwsCli.__new__(AwsCli)
        other.__dict__.update(self.__dict__)
        other.env = dict(self.env, **extra)
        return other

    def in_dir(self, cwd):
        """The same CLI running its commands in directory cwd (relative paths are from there)."""
        other = self.with_env()
        other.cwd = cwd
        return other

    def command(self, *args, output=None):
        """The argv run() runs: exe --endpoint-url E [--output O] args..."""
        cmd = [self.exe, "--endpoint-url", self.endpoint]
        if output is not None:
            cmd += ["--output", output]
        return cmd + [str(a) for a in args]

    def run(self, *args, check=True, input=None, cwd=None, text=False, output=None,
            timeout=None):
        p = subprocess.run(self.command(*args, output=output), env=self.env, input=input,
                           capture_output=True, text=text, cwd=cwd or self.cwd,
                           timeout=timeout or self.timeout)
        if check and p.returncode != 0:
            raise AssertionError("aws %s (%s) failed (rc=%d)\nstdout: %s\nstderr: %s" % (
                " ".join(map(str, args)), self.name, p.returncode, _text(p.stdout),
                _text(p.stderr)))
        return p

    def out(self, *args, **kwargs):
        """stdout (str) of a command that must succeed."""
        return _text(self.run(*args, **kwargs).stdout)

    def json(self, *args, **kwargs):
        """stdout of a command that must succeed, run with --output json, parsed ({} when the
        command prints nothing)."""
        text = self.out(*args, output="json", **kwargs).strip()
        return json.loads(text) if text else {}

    def error(self, *args, **kwargs):
        """(code, message) of a command that must fail with a service error."""
        p = self.run(*args, check=False, **kwargs)
        assert p.returncode != 0, "aws %s (%s) succeeded: %s" % (
            " ".join(map(str, args)), self.name, _text(p.stdout))
        return parse_error(p.stderr)


def _text(data):
    return data.decode(errors="replace") if isinstance(data, bytes) else data
