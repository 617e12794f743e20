"""`stride token` and `stride project`: the administration commands on a fresh database.

They need no server: they write the database `stride server --backend-store-uri` reads.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO_ROOT, TARGET

pytestmark = pytest.mark.skipif(TARGET != "stride", reason="stride's own command line")

TOKEN = re.compile(r"^stride_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$")


@pytest.fixture
def stride(tmp_path: Path):
    binary = os.environ.get("STRIDE_BIN") or str(REPO_ROOT / ".build" / "debug" / "stride")
    env = {**os.environ, "STRIDE_BACKEND_STORE_URI": f"sqlite:///{tmp_path}/stride.db"}

    def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([binary, *args], env=env, capture_output=True, text=True, timeout=60)
        assert (result.returncode == 0) == ok, result.stderr
        return result

    return run


def test_a_created_token_is_printed_once_and_listed_without_its_secret(stride):
    stride("project", "create", "vision")
    created = stride("token", "create", "--project", "vision", "--role", "writer", "--name", "ci", "--expires-in-days", "7")
    token = created.stdout.strip()
    match = TOKEN.match(token)
    assert match, token
    token_id = match.group(1)
    assert "writer in project 'vision'" in created.stderr

    listed = stride("token", "list", "--project", "vision").stdout
    assert token_id in listed and "writer" in listed and "active" in listed
    assert token not in listed and token[20:] not in listed

    stride("token", "revoke", token_id)
    assert "revoked" in stride("token", "list").stdout


def test_bad_input_is_refused_with_mlflow_error_codes(stride):
    assert "INVALID_PARAMETER_VALUE" in stride("token", "create", "--role", "owner", ok=False).stderr
    assert "RESOURCE_DOES_NOT_EXIST" in stride("token", "create", "--project", "nope", "--role", "reader", ok=False).stderr
    assert "INVALID_PARAMETER_VALUE" in stride("project", "create", "Not_Valid", ok=False).stderr
    assert "INVALID_STATE" in stride("project", "delete", "default", ok=False).stderr


def test_projects_are_created_listed_and_deleted(stride):
    stride("project", "create", "audio")
    assert re.search(r"^audio\s", stride("project", "list").stdout, re.MULTILINE)
    stride("project", "delete", "audio")
    assert "audio" not in stride("project", "list").stdout
