"""The build file's lock: DuckDB allows one writer and no reader beside it, so a build checks
the file first and stops at once, naming the process that holds it."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

_HOLDER = re.compile(r"held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def lock_holder(database: Path) -> str | None:
    """Who holds `database` open, as `PID n (program)`, or None when a build can open it (it
    does not exist yet, or nothing else holds it). Opens the file for writing and closes it."""
    if not Path(database).exists():
        return None
    try:
        duckdb.connect(str(database)).close()
    except duckdb.IOException as error:
        text = str(error)
        if "lock" not in text.lower():
            raise
        found = _HOLDER.search(text)
        if found is None:
            return "another process"
        return f"PID {found['pid']} ({found['program']})"
    return None


def locked_message(database: Path, holder: str, serving: Path) -> str:
    """The one line a build prints when its file is held."""
    return (
        f"hvc: {database} is held open by {holder}; close that connection and build again. "
        f"BI and SQL clients should read the serving store ({serving}, written by "
        "hvc publish), never the build file"
    )
