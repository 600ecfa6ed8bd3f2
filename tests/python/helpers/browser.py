"""Headless Chromium for the report tests: the page's DOM after it ran, its console messages,
and a screenshot, with the network cut off (every host name resolves nowhere, and any request
goes to a closed proxy port). `.ci/run` installs Debian's chromium when it is missing."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CONSOLE = re.compile(r":CONSOLE[:(]\d+\)?\] (.*)")
NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str | None:
    """The Chromium binary on PATH, or None."""
    return next((path for name in NAMES if (path := shutil.which(name))), None)


@dataclass
class Rendered:
    dom: str
    console: list[str]


def _run(binary: str, page: Path, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return subprocess.run(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--enable-logging=stderr",
                "--v=0",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--proxy-server=http://127.0.0.1:9",
                *args,
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def render(binary: str, page: Path, screenshot: Path) -> Rendered:
    """Open `page` offline: its DOM after scripts ran, the console's messages, and a
    full-width screenshot written to `screenshot`."""
    dumped = _run(binary, page, "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    shot = _run(binary, page, "--window-size=1100,2400", f"--screenshot={screenshot}")
    assert shot.returncode == 0, shot.stderr[-2000:]
    console = [m.group(1) for m in CONSOLE.finditer(dumped.stderr + shot.stderr)]
    return Rendered(dumped.stdout, console)
