"""Session fixtures built once per test run, also when pytest-xdist runs the tests in several
worker processes (`make test` runs two): the first worker that needs one builds it under a file
lock in the run's shared temporary folder, the others wait for it and reuse it. What the
fixture returns must survive JSON (paths as text). A build that fails leaves nothing behind,
and the next worker that needs it tries again (and fails with its own message)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def build_once(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    build: Callable[[Path], object],
) -> object:
    """`build(folder)` run once for the whole test run, in a fresh folder named after `name`;
    its JSON-able result, the same in every worker."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent
    result = shared / f"{name}.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if result.is_file():
            return json.loads(result.read_text())
        folder = shared / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        value = build(folder)
        result.write_text(json.dumps(value))
        return value
